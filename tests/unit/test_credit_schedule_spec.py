"""Credit schedules and ticket penalties at the document edge (``spec/documents.py``,
``credit_tier_problems``; docs/formulas.md sections 10 and 13): a schedule whose tiers are out
of order, overlap or leave a gap is refused with file:line:column and field, and nothing in the
store changes."""

from __future__ import annotations

import pytest

from slmo.bootstrap import in_memory
from slmo.core.model import Agreement
from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.errors import SpecError
from tests.conftest import EXAMPLES

ACTOR = Actor(name="tester", interface="cli")

DOCUMENT = """\
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: eportal-sla}}
spec:
  type: sla
  parties:
    - {{party: it-operations, role: provider}}
    - {{party: ministry, role: customer}}
  services: [eportal]
  versions:
    - version: 1
      state: active
      effective: {{from: 2026-01-01}}
      calendar: riyadh-24x7
      charge: {{amount: 250000, currency: SAR, period: month}}
      credits:
        cap: 0.3
        tiers:
{tiers}
      objectives:
        - name: availability
          indicator: eportal-availability
          targetPercent: 99.9
          window: {{calendar: month}}
"""


def _document(*tiers: str) -> str:
    return DOCUMENT.format(tiers="\n".join(f"          - {t}" for t in tiers))


def _problems(text: str) -> list[str]:
    with in_memory() as slmo, pytest.raises(SpecError) as caught:
        slmo.codec.load_text(text, "portal.yaml")
    return [str(p) for p in caught.value.problems]


def test_public_cloud_tiers_as_thresholds_and_as_bands_are_accepted() -> None:
    with in_memory() as slmo:
        thresholds = _document(
            "{below: 0.9999, credit: 0.10}", "{below: 0.99, credit: 0.25}", "{below: 0.95, credit: 1.0}"
        )
        bands = _document(
            "{below: 0.9999, atLeast: 0.99, credit: 0.10}",
            "{below: 0.99, atLeast: 0.95, credit: 0.25}",
            "{below: 0.95, atLeast: 0, credit: 1.0}",
        )
        for text in (thresholds, bands):
            (loaded,) = slmo.codec.load_text(text, "portal.yaml")
            assert isinstance(loaded.obj, Agreement)
            version = loaded.obj.versions[0]
            assert version.credit_schedule is not None
            assert version.credit_schedule.credit_for(0.97) == 0.25


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        # Two tiers with one edge cover the same attainment: an overlap.
        (
            ("{below: 0.999, credit: 0.05}", "{below: 0.999, credit: 0.10}"),
            [
                "portal.yaml:20:14: spec.versions[0].credits.tiers[1].below: tiers[1] and tiers[0] both end at "
                "below 99.9 %: they overlap (cover the same attainment)"
            ],
        ),
        # Listed from the lowest edge up.
        (
            ("{below: 0.99, credit: 0.25}", "{below: 0.999, credit: 0.05}"),
            [
                "portal.yaml:20:14: spec.versions[0].credits.tiers[1].below: below 99.9 % is above the tier "
                "before it (99 %); list tiers from the highest edge down"
            ],
        ),
        # A lower tier with a smaller credit nests inside the one above and never applies.
        (
            ("{below: 0.999, credit: 0.10}", "{below: 0.99, credit: 0.05}"),
            [
                "portal.yaml:20:27: spec.versions[0].credits.tiers[1].credit: credit 5 % is less than 10 % of "
                "the tier above it: credits may not fall as attainment falls (this tier overlaps the one above "
                "and could never apply)"
            ],
        ),
        # Bands: 99 % up to 99.5 % belongs to no tier.
        (
            ("{below: 0.999, atLeast: 0.995, credit: 0.05}", "{below: 0.99, credit: 0.25}"),
            [
                "portal.yaml:19:28: spec.versions[0].credits.tiers[0].atLeast: a gap: attainment from 99 % up "
                "to 99.5 % is in no tier, between tiers[1] and tiers[0]"
            ],
        ),
        # Bands: 98 % up to 99 % belongs to both.
        (
            ("{below: 0.999, atLeast: 0.98, credit: 0.05}", "{below: 0.99, credit: 0.25}"),
            [
                "portal.yaml:19:28: spec.versions[0].credits.tiers[0].atLeast: an overlap: attainment from 98 % "
                "up to 99 % is in both tiers[0] and tiers[1]"
            ],
        ),
        # The last band stops at 95 %: everything under it would earn nothing.
        (
            ("{below: 0.999, credit: 0.05}", "{below: 0.99, atLeast: 0.95, credit: 0.25}"),
            [
                "portal.yaml:20:27: spec.versions[0].credits.tiers[1].atLeast: a gap: attainment under 95 % is "
                "in no tier; leave atLeast out of the last tier"
            ],
        ),
        # A band whose lower edge is its upper one covers nothing.
        (
            ("{below: 0.999, atLeast: 0.999, credit: 0.05}",),
            [
                "portal.yaml:19:28: spec.versions[0].credits.tiers[0].atLeast: atLeast 99.9 % is not below the "
                "tier's below 99.9 %: the tier covers no attainment"
            ],
        ),
    ],
)
def test_overlaps_gaps_and_disorder_are_refused_by_file_line_and_field(
    tiers: tuple[str, ...], expected: list[str]
) -> None:
    assert _problems(_document(*tiers)) == expected


def test_every_problem_of_a_schedule_at_once() -> None:
    found = _problems(
        _document(
            "{below: 0.9999, atLeast: 0.995, credit: 0.10}",
            "{below: 0.99, credit: 0.05}",
            "{below: 0.99, credit: 1.0}",
        )
    )
    assert [p.split(": ", 2)[1] for p in found] == [
        "spec.versions[0].credits.tiers[0].atLeast",
        "spec.versions[0].credits.tiers[1].credit",
        "spec.versions[0].credits.tiers[2].below",
    ]


def test_a_refused_schedule_changes_nothing_in_the_store() -> None:
    with in_memory() as slmo:
        slmo.catalogue.apply(slmo.catalogue.load([str(EXAMPLES)]), ACTOR)
        before = slmo.catalogue.get("Agreement", "eportal-sla")
        audit = slmo.catalogue.audit()
        text = _document("{below: 0.999, credit: 0.05}", "{below: 0.999, credit: 0.25}")
        for attempt in (
            lambda: slmo.catalogue.apply(slmo.codec.load_text(text, "portal.yaml"), ACTOR),
            lambda: slmo.access(_admin()).replace(
                "Agreement", "eportal-sla", text, slmo.catalogue.revision("Agreement", "eportal-sla")[1]
            ),
        ):
            with pytest.raises(SpecError, match="overlap"):
                attempt()
        assert slmo.catalogue.get("Agreement", "eportal-sla") == before
        assert slmo.catalogue.audit() == audit


def _admin() -> Principal:
    return Principal(name="admin", role=Role.ADMIN)


PENALTY = """\
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: service-desk-ola}}
spec:
  type: ola
  parties:
    - {{party: service-desk, role: provider}}
    - {{party: it-operations, role: customer}}
  services: [service-desk]
  versions:
    - version: 1
      state: active
      effective: {{from: 2026-01-01}}
      calendar: riyadh-office
{charge}
      penalties:
{penalties}
      objectives:
        - name: resolution
          indicator: desk-resolution
          target: 0.9
          window: {{calendar: month}}
          tickets: {{unit: business, targets: {{P1: 4h, P2: 8h}}}}
"""


def test_a_penalty_per_business_hour_round_trips() -> None:
    text = PENALTY.format(
        charge="      charge: {amount: 40000, currency: SAR}",
        penalties="        - {objective: resolution, rate: 50, per: 1h, allowance: 10h, cap: 2000}",
    )
    with in_memory() as slmo:
        (loaded,) = slmo.codec.load_text(text, "desk.yaml")
        assert isinstance(loaded.obj, Agreement)
        (penalty,) = loaded.obj.versions[0].penalties
        # The currency is the charge's when the penalty names none.
        assert (penalty.rate, penalty.currency, penalty.per_seconds, penalty.allowance_seconds, penalty.cap) == (
            50,
            "SAR",
            3600,
            36000,
            2000,
        )
        (again,) = slmo.codec.load_text(slmo.codec.dump([loaded.obj]), "export.yaml")
        assert again.obj == loaded.obj


def test_bad_penalties_are_refused() -> None:
    text = PENALTY.format(
        charge="",
        penalties="\n".join(
            [
                "        - {objective: response, rate: 50}",
                "        - {objective: resolution, rate: 0, per: 1h}",
                "        - {objective: resolution, rate: 10, currency: SAR}",
                "        - {objective: resolution, rate: 10, currency: SAR}",
            ]
        ),
    ).replace("\n\n", "\n")
    # A value pydantic refuses stops that document's other checks: first the rate alone.
    assert _problems(text) == ["portal.yaml:17:35: spec.versions[0].penalties[1].rate: Input should be greater than 0"]
    assert _problems(text.replace("rate: 0,", "rate: 5,")) == [
        "portal.yaml:16:12: spec.versions[0].penalties[0].objective: 'response' is not a ticket objective of this "
        "version (one with tickets:)",
        "portal.yaml:16:11: spec.versions[0].penalties[0]: give a currency: the version has no charge to take it from",
        "portal.yaml:17:11: spec.versions[0].penalties[1]: give a currency: the version has no charge to take it from",
        "portal.yaml:18:12: spec.versions[0].penalties[2].objective: objective 'resolution' has a penalty already",
        "portal.yaml:19:12: spec.versions[0].penalties[3].objective: objective 'resolution' has a penalty already",
    ]
