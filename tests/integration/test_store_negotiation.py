"""The negotiation record in every store (in-memory fake, SQLite, PostgreSQL): steps kept
exactly in the order taken, seen by their own transaction before commit, gone on rollback,
read per agreement and version; and two transactions that each add a step to one agreement
cannot both commit (the unique number of a step within its agreement)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from slmo.core.model import VersionState
from slmo.core.model.negotiation import NegotiationStep, StepKind
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
AT = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))

PROPOSED = NegotiationStep(
    agreement="eportal-sla",
    version=2,
    kind=StepKind.PROPOSED,
    state=VersionState.PROPOSED,
    actor="faisal",
    interface="cli",
    at=AT.astimezone(RIYADH),  # comes back as the same instant, in UTC
    party="it-operations",
    comment="99.5 % from December — «مقترح»",
)
APPROVED = dataclasses.replace(
    PROPOSED,
    kind=StepKind.APPROVED,
    actor="noura",
    interface="api",
    party="ministry",
    comment=None,
    signatory="Noura Al-Qahtani",
    at=AT + dt.timedelta(hours=1),
)
COUNTERED = dataclasses.replace(
    PROPOSED, kind=StepKind.COUNTERED, state=VersionState.RETIRED, related=3, at=AT + dt.timedelta(hours=2)
)
OTHER = dataclasses.replace(PROPOSED, agreement="network-ola", version=1)


def _plain(step: NegotiationStep) -> NegotiationStep:
    return dataclasses.replace(step, id=None, at=step.at.astimezone(dt.UTC))


def test_steps_are_kept_in_order_and_read_per_agreement(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        added = uow.negotiation.add([PROPOSED, APPROVED])
        assert [s.id for s in added] == sorted(s.id for s in added if s.id is not None)
        uow.negotiation.add([OTHER])
        assert len(uow.negotiation.list("eportal-sla")) == 2  # its own, before commit
        uow.commit()
    with uow_factory() as uow:
        uow.negotiation.add([COUNTERED])
        # Gone on rollback.
    with uow_factory() as uow:
        found = uow.negotiation.list("eportal-sla")
        assert [_plain(s) for s in found] == [_plain(PROPOSED), _plain(APPROVED)]
        assert found[0].at == AT and found[0].at.tzinfo is not None
        assert [s.agreement for s in uow.negotiation.list()] == ["eportal-sla", "eportal-sla", "network-ola"]
        assert uow.negotiation.list("eportal-sla", 3) == []
        assert uow.negotiation.list("network-ola", 1)[0].party == "it-operations"


def test_two_steps_at_once_on_one_agreement(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.negotiation.add([PROPOSED])
        uow.commit()
    one, two = uow_factory(), uow_factory()
    with one, two:
        # Both read the record, decide, and add a step.
        assert len(one.negotiation.list("eportal-sla")) == len(two.negotiation.list("eportal-sla")) == 1
        one.negotiation.add([APPROVED])
        one.commit()
        with pytest.raises(ConflictError):
            # The second was decided on a record that has changed since: refused at the insert
            # or at the commit, whichever the store checks first.
            two.negotiation.add([dataclasses.replace(APPROVED, actor="faisal", party="it-operations")])
            two.commit()
    # A unit of work that reads after the other's commit numbers on from it.
    with uow_factory() as uow:
        assert len(uow.negotiation.list("eportal-sla")) == 2
        uow.negotiation.add([COUNTERED])
        uow.commit()
    with uow_factory() as uow:
        assert [s.kind.value for s in uow.negotiation.list("eportal-sla")] == ["proposed", "approved", "countered"]
    # Another agreement is not held up.
    with uow_factory() as uow:
        uow.negotiation.add([OTHER])
        uow.commit()
