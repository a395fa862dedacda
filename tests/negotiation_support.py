"""Negotiation in tests: the example catalogue in memory at a fixed instant, drafts added as a
person adds them (a new version in the agreement's document, applied), the people of each
side, and a snapshot of everything a refused step must leave as it was."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model import Agreement
from slmo.core.model.audit import Actor
from slmo.core.model.negotiation import Participant
from tests.api_support import FixedClock
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
ADMIN = Actor(name="tester", interface="cli")
# The example SLA's two sides: the provider's signatory and the ministry's.
FAISAL = Participant(actor="faisal", interface="cli", party="it-operations")
NOURA = Participant(actor="noura", interface="cli", party="ministry")


def example_slmo(clock: FixedClock | None = None) -> Slmo:
    slmo = in_memory(clock=clock or FixedClock(NOW))
    slmo.catalogue.apply(slmo.catalogue.load([str(EXAMPLES)]), ADMIN)
    return slmo


def add_draft(slmo: Slmo, name: str = "eportal-sla", *, actor: Actor = ADMIN, **changes: Any) -> int:
    """A new draft version of ``name``: a copy of its newest version's terms with ``changes``
    (document fields: ``effective={"from": "2026-12-01"}``) and ``edits`` (paths such as
    ``objectives.availability.target``), applied as a document; its number."""
    agreement = slmo.catalogue.get("Agreement", name)[0]
    assert isinstance(agreement, Agreement)
    document = slmo.codec.dump_one(agreement)
    versions = document["spec"]["versions"]
    number = max(v["version"] for v in versions) + 1
    edits = changes.pop("edits", {})
    new = {**versions[-1], **changes, "version": number, "state": "draft"}
    from slmo.core.model.version_diff import with_edit

    for path, value in edits.items():
        new = with_edit(new, path, value)
    document["spec"]["versions"] = [*versions, new]
    loaded = slmo.codec.load_text(json.dumps(document, default=str), f"{name}.json")
    slmo.catalogue.apply(loaded, actor)
    return number


def snapshot(slmo: Slmo, name: str = "eportal-sla") -> tuple[str, int, list[Any]]:
    """What a refused step must leave unchanged: the whole catalogue as documents, the audit
    log's length, and the agreement's negotiation record."""
    return slmo.catalogue.export(), len(slmo.catalogue.audit()), slmo.negotiation.history(name)
