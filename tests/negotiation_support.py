"""Negotiation in tests: the example catalogue in memory at a fixed instant, drafts added as a
person adds them (a new version in the agreement's document, applied), the people of each
side, and a snapshot of everything a refused step must leave as it was."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model import Agreement, PartyRole
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


# -- the API's wall matrix (tests/unit/test_api_wall_matrix.py) ---------------------------------

# Each side of the matrix has an agreement with a provider and a customer to negotiate:
# portal-terms (ops provides to ministry) and payments-terms (partner provides to bank).
TERMS = """\
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: {name}
spec:
  type: sla
  parties:
    - {{party: {provider}, role: provider}}
    - {{party: {customer}, role: customer}}
  services: [{service}]
  versions:
    - version: 1
      state: active
      effective: {{from: 2026-01-01}}
      objectives:
        - name: success
          indicator: {indicator}
          target: 0.99
          window: {{calendar: month}}
"""
# The matrix's staff and customers are tokens; these set each version up beforehand.
_SETUP = {"provider": "matrix-setup-provider", "customer": "matrix-setup-customer"}


def seed_terms(slmo: Slmo) -> None:
    text = "---\n".join(
        [
            TERMS.format(
                name="portal-terms", provider="ops", customer="ministry", service="portal", indicator="portal-requests"
            ),
            TERMS.format(
                name="payments-terms",
                provider="partner",
                customer="bank",
                service="payments",
                indicator="payments-requests",
            ),
        ]
    )
    slmo.catalogue.apply(slmo.codec.load_text(text, "terms.yaml"), ADMIN)


def _setup(slmo: Slmo, name: str, side: str) -> Participant:
    agreement = slmo.negotiation.agreement(name)
    role = PartyRole.PROVIDER if side == "provider" else PartyRole.CUSTOMER
    return Participant(actor=_SETUP[side], interface="cli", party=agreement.parties_in_role(role)[0])


def _exists(slmo: Slmo, name: str) -> bool:
    return bool([a for a in slmo.catalogue.get("Agreement") if a.name == name])


def matrix_draft(slmo: Slmo, name: str, start: dt.date | None = None) -> int:
    """A new draft of ``name`` (version 1 of a missing agreement, which the call will not find)."""
    if not _exists(slmo, name):
        return 1
    return add_draft(slmo, name, effective={} if start is None else {"from": start.isoformat()})


def matrix_proposal(slmo: Slmo, name: str, start: dt.date | None = None) -> int:
    number = matrix_draft(slmo, name, start)
    if _exists(slmo, name):
        slmo.negotiation.propose(name, number, _setup(slmo, name, "provider"))
    return number


def matrix_agreed(slmo: Slmo, name: str) -> int:
    """An agreed version starting the day after the version in force started (so each one the
    matrix activates may supersede the one before)."""
    if not _exists(slmo, name):
        return 1
    agreement = slmo.negotiation.agreement(name)
    starts = [v.effective_from for v in agreement.versions if v.state.value in ("active", "superseded")]
    start = max((d for d in starts if d is not None), default=dt.date(2026, 1, 1)) + dt.timedelta(days=1)
    number = matrix_proposal(slmo, name, start)
    slmo.negotiation.approve(name, number, _setup(slmo, name, "provider"))
    slmo.negotiation.approve(name, number, _setup(slmo, name, "customer"))
    return number
