"""Dependency impact (``services/impact.py``) and the suppliers' view (``services/suppliers.py``)
on the in-memory store: the example catalogue with GitHub's contract (``tests/supplier_support.py``),
the release pipeline depending on GitHub and, here, on the data centre network too; incidents made
by hand, every figure worked out below.

August 2026 in UTC has 44,640 minutes; a minute in July starts each record, so every minute of
August counts.

- The pipeline (release-sla/availability, 99.5 % of 1-minute slices): PIPE-1 down 15:20-23:50 on
  6 August, 510 bad minutes.
- GitHub Actions: GH-1 down 15:05 on 6 August to 00:14 on 7 August, 549 minutes: an uptime of
  1 - 549 / 44,640 = 98.7702 % (github-uc/uptime).
- The network: NET-1, degraded, 16:00-17:00 on 6 August (a Thursday, 19:00-20:00 in Riyadh,
  outside the Friday patching); the network's indicator counts degraded as down. network-ola
  counts in Riyadh's August (2026-07-31T21:00Z to 2026-08-31T21:00Z) less four Friday patching
  windows of 2 hours: 44,640 - 480 = 44,160 minutes, 60 bad: 99.8641 %.

So GitHub's failing covers all 510 bad minutes (share 1), the network's 60 (16:00-17:00, share
60 / 510 = 11.76 %); together 510. The weakest link is GitHub (98.77 % < 99.86 %).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.impact import LinkKind
from slmo.errors import NotFoundError, SpecError
from slmo.services.breaches import BreachService
from tests.report_support import ACTOR, FixedClock
from tests.supplier_support import GITHUB, supplier_world

LOG = """id,service,start,end,impact,title
PIPE-0,release-pipeline,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
PIPE-1,release-pipeline,2026-08-06T15:20:00Z,2026-08-06T23:50:00Z,outage,Deploys failing
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
GH-1,github-actions,2026-08-06T15:05:00Z,2026-08-07T00:14:00Z,outage,Actions down
NET-0,network,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
NET-1,network,2026-08-06T16:00:00Z,2026-08-06T17:00:00Z,degraded,Core switch flapping
"""
# The pipeline depends on the network as well as on GitHub.
WITH_NETWORK = GITHUB.replace(
    "  dependsOn:\n    suppliers: [github]", "  dependsOn:\n    services: [network]\n    suppliers: [github]"
)


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    assert WITH_NETWORK != GITHUB
    with supplier_world(FixedClock(dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC)), WITH_NETWORK) as handle:
        handle.ingest.incidents(io.BytesIO(LOG.encode()), "log.csv", ACTOR)
        for at in ("2026-08-06T12:00:00+00:00", "2026-08-07T00:00:00+00:00", "2026-09-01T01:00:00+00:00"):
            handle.evaluation.evaluate(dt.datetime.fromisoformat(at), "release-sla/availability")
        yield handle


def test_the_pipelines_breach_is_explained_by_github_and_in_part_by_the_network(slmo: Slmo) -> None:
    # Evaluations: met at 12:00 on 6 August, breached at 00:00 on 7 August (510 bad minutes
    # against a month's budget of 0.5 % of 44,640 = 223.2), met again at 01:00 on 1 September.
    (episode,) = BreachService(slmo.evaluation).episodes()
    assert (episode.start, episode.end) == (_utc(2026, 8, 7), _utc(2026, 9, 1, 1))
    impact = slmo.impact.for_breach("release-sla/availability@2026-08-07T00:00:00Z")
    assert impact.reference == "release-sla/availability@2026-08-07T00:00:00+00:00"
    # From the window's start at the first breached evaluation to the episode's end.
    assert (impact.start, impact.end) == (_utc(2026, 8, 1), _utc(2026, 9, 1, 1))
    assert (impact.bad_seconds, impact.explained_seconds, impact.explained_share) == (510 * 60, 510 * 60, 1.0)
    assert [(u.kind, u.name) for u in impact.checked] == [
        (LinkKind.SERVICE, "network"),
        (LinkKind.SUPPLIER, "github"),
    ]
    github, network = impact.causes
    assert (github.link.name, github.overlap_seconds, github.share) == ("github", 510 * 60, 1.0)
    assert (github.incidents, github.objectives) == (("GH-1",), ("github-uc/uptime",))
    assert (network.link.name, network.overlap_seconds) == ("network", 60 * 60)
    assert network.share == pytest.approx(60 / 510)
    assert (network.incidents, network.objectives) == (("NET-1",), ("network-ola/availability",))
    assert impact.suppliers == ("github",)


def test_the_weakest_link_is_the_supplier(slmo: Slmo) -> None:
    weakest = slmo.impact.weakest_link("release-pipeline", "2026-08")
    assert [(s.link.name, s.objective, s.target) for s in weakest.links] == [
        ("github", "github-uc/uptime", 0.999),
        ("network", "network-ola/availability", 0.9995),
    ]
    github, network = weakest.links
    assert github.attainment == pytest.approx(1 - 549 / 44_640)
    assert network.attainment == pytest.approx(1 - 60 / 44_160)
    assert weakest.weakest == github


def test_a_service_over_a_period(slmo: Slmo) -> None:
    found = slmo.impact.for_service("release-pipeline", "2026-08")
    assert [u.name for u in found.upstream] == ["network", "github"]
    (objective,) = found.objectives
    assert (objective.key, objective.bad_seconds, objective.explained_seconds) == (
        "release-sla/availability",
        510 * 60,
        510 * 60,
    )
    assert objective.breach_start is None and objective.reference is None
    (breach,) = found.breaches
    assert breach.breach_start == _utc(2026, 8, 7)
    assert found.weakest.weakest is not None and found.weakest.weakest.link.name == "github"
    # GitHub's own service depends on nothing slmo knows of.
    assert slmo.impact.for_service("github-actions", "2026-08").upstream == ()


def test_a_contract_that_covers_the_dependent_itself_is_no_cause(slmo: Slmo) -> None:
    # The example's cloud contract covers the portal, and measures it by the portal's own
    # records: the portal's outage 16:30-17:30 on 6 August is not blamed on Nimbus, while the
    # network's degraded hour (16:00-17:00) covers half of it.
    portal = """id,service,start,end,impact
EP-0,eportal,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage
EP-1,eportal,2026-08-06T16:30:00Z,2026-08-06T17:30:00Z,outage
"""
    slmo.ingest.incidents(io.BytesIO(portal.encode()), "portal.csv", ACTOR)
    found = slmo.impact.for_service("eportal", "2026-08")
    assert [(u.kind.value, u.name) for u in found.upstream] == [
        ("service", "network"),
        ("service", "service-desk"),
        ("supplier", "nimbus-cloud"),
    ]
    availability = next(o for o in found.objectives if o.key == "eportal-sla/availability")
    assert availability.bad_seconds == 60 * 60
    (network,) = availability.causes
    assert (network.link.name, network.overlap_seconds, network.share) == ("network", 30 * 60, 0.5)


def test_suppliers_over_a_period_and_what_they_owe(slmo: Slmo) -> None:
    (github, nimbus) = slmo.suppliers.overview("2026-08")
    assert (github.supplier, github.dependents) == ("github", ("release-pipeline",))
    (contract,) = github.contracts
    (uptime,) = contract.commitments
    assert (uptime.objective, uptime.target) == ("uptime", 0.999)
    assert uptime.attainment == pytest.approx(1 - 549 / 44_640)
    # Not computed yet: worked out now, not stored. 98.77 % is below 99 %: 25 % of 21,000 USD.
    assert contract.in_ledger is False and contract.credit is not None
    assert (str(contract.credit.amount), contract.credit.currency, contract.claims) == ("5250.00", "USD", ())
    (caused,) = github.caused
    assert (caused.key, caused.breach_start) == ("release-sla/availability", _utc(2026, 8, 7))
    assert (nimbus.supplier, nimbus.dependents, nimbus.caused) == ("nimbus-cloud", ("eportal", "report-engine"), ())
    assert slmo.suppliers.owed("2026-08") == []
    slmo.credits.compute("2026-08", ACTOR)
    (owed,) = slmo.suppliers.owed("2026-08")
    assert (owed.supplier, owed.entry.agreement, str(owed.entry.amount)) == ("github", "github-uc", "5250.00")
    assert owed.claim is not None and owed.claim.file_by == dt.date(2026, 9, 30)
    (github, _) = slmo.suppliers.overview("2026-08", caused=False)
    assert github.contracts[0].in_ledger is True and github.caused == ()


def test_bad_references_and_unknown_services(slmo: Slmo) -> None:
    with pytest.raises(SpecError, match="'release-sla/availability' is not a breach"):
        slmo.impact.for_breach("release-sla/availability")
    with pytest.raises(SpecError, match="is not a breach"):
        slmo.impact.for_breach("release-sla/availability@2026-08-07T00:00:00")
    with pytest.raises(NotFoundError, match="there is no breach release-sla/availability@2026-08-08T00:00:00Z"):
        slmo.impact.for_breach("release-sla/availability@2026-08-08T00:00:00Z")
    with pytest.raises(NotFoundError, match="Service 'nowhere' does not exist"):
        slmo.impact.for_service("nowhere", "2026-08")
    with pytest.raises(SpecError):
        slmo.impact.weakest_link("release-pipeline", "August")


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
