"""A credit schedule whose tiers overlap or leave a gap is refused on SQLite and PostgreSQL alike,
by file:line and field, through the catalogue and the API's way in, and nothing in the database
changes (docs/formulas.md section 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slmo import Actor, Slmo, SpecError, connect, load_settings
from slmo.core.model.auth import Principal, Role
from tests.conftest import EXAMPLES

ACTOR = Actor(name="tests", interface="python")
OVERLAP = "      - {below: 0.995, atLeast: 0.98, credit: 0.10}\n"
GAP = "      - {below: 0.995, atLeast: 0.992, credit: 0.10}\n"


@pytest.fixture
def slmo(db_url: str) -> Iterator[Slmo]:
    with connect(load_settings(database_url=db_url)) as handle:
        handle.catalogue.apply(handle.catalogue.load([str(EXAMPLES)]), ACTOR)
        yield handle


def _portal(slmo: Slmo, tier: str) -> str:
    """The portal SLA as exported, its second tier (below 99.5 %) given a lower edge of its own."""
    text = slmo.catalogue.export_objects(slmo.catalogue.get("Agreement", "eportal-sla"))
    second = "      - below: 0.995\n        credit: 0.1\n"
    assert second in text
    return text.replace(second, tier)


@pytest.mark.parametrize(
    ("tier", "field", "message"),
    [
        (OVERLAP, "credits.tiers[1].atLeast", "an overlap: attainment from 98 % up to 99 % is in both"),
        (GAP, "credits.tiers[1].atLeast", "a gap: attainment from 99 % up to 99.2 % is in no tier"),
    ],
)
def test_overlaps_and_gaps_are_refused_and_nothing_changes(slmo: Slmo, tier: str, field: str, message: str) -> None:
    before = slmo.catalogue.revision("Agreement", "eportal-sla")
    audit = slmo.catalogue.audit()
    text = _portal(slmo, tier)
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.apply(slmo.codec.load_text(text, "portal.yaml"), ACTOR)
    (problem,) = caught.value.problems
    assert problem.field == f"spec.versions[0].{field}" and message in problem.message
    assert problem.location is not None and problem.location.source == "portal.yaml"
    assert problem.location.line == text.splitlines().index(tier.rstrip("\n")) + 1
    admin = slmo.access(Principal(name="admin", role=Role.ADMIN))
    with pytest.raises(SpecError, match=r"spec\.versions"):
        admin.replace("Agreement", "eportal-sla", text, before[1])
    assert slmo.catalogue.revision("Agreement", "eportal-sla") == before
    assert slmo.catalogue.audit() == audit
