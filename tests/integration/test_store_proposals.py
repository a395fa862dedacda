"""Proposals for change in every store (in-memory fake, SQLite, PostgreSQL): kept exactly (the
change with a whole objective, the figures, money to the cent), one per period, kind, agreement
and objective, seen by their own transaction before commit, gone on rollback, listed by period,
status and agreement; a proposal decided by someone else meanwhile is never overwritten."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.proposal import (
    Change,
    Effect,
    Figure,
    FigureUnit,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Source,
    TargetChange,
)
from slmo.core.model.text import LocalizedText
from slmo.core.model.ticket import TargetUnit, TicketTargets
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))


def _raise(agreement: str = "eportal-sla", objective: str = "availability") -> Proposal:
    return Proposal(
        period="2027",
        kind=ProposalKind.RAISE_TARGET,
        agreement=agreement,
        objective=objective,
        version=1,
        evidence_span="2025-11..2026-10",
        change=Change(target=TargetChange(objective=objective, before=0.999, after=0.9995)),
        evidence=(
            Figure(name="periods_measured", value=12, unit=FigureUnit.COUNT, source=Source.EVIDENCE, span="x"),
            Figure(name="achievable_target", value=0.99962, unit=FigureUnit.RATIO, source=Source.TARGETS),
            Figure(name="credits_per_year", value="87500.00", unit=FigureUnit.MONEY, source=Source.TARGETS),
            Figure(name="trend", value="stable", unit=FigureUnit.WORD, source=Source.TRENDS),
            Figure(name="breaches_per_year", value=2.0, unit=FigureUnit.PER_YEAR, source=Source.TARGETS),
        ),
        effect=Effect(
            breaches_before=2.4,
            breaches_after=0.0,
            credits_before=Decimal("30000.00"),
            credits_after=Decimal("0.00"),
            currency="SAR",
            basis="simulation",
            credits_basis="history",
        ),
        drafted_at=T0.astimezone(RIYADH),
        drafted_by="tester",
    )


def _added() -> Proposal:
    objective = Objective(
        name="complaint-tickets",
        display_name=LocalizedText(en="Complaints resolved in time", ar="الشكاوى المحلولة في الوقت"),
        indicator="portal-tickets",
        target=0.9,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False),
        tickets=TicketTargets(unit=TargetUnit.BUSINESS, targets={"P1": 28_800}),
    )
    return dataclasses.replace(
        _raise(objective="complaint-tickets"),
        kind=ProposalKind.ADD_OBJECTIVE,
        change=Change(added=objective, service="eportal", category="complaint"),
        effect=Effect(),
    )


def test_proposals_are_kept_exactly_and_listed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        raised = uow.proposals.add(_raise())
        added = uow.proposals.add(_added())
        other = uow.proposals.add(dataclasses.replace(_raise("wiki-expectation"), period="2028"))
        assert [p.id for p in uow.proposals.list()] == [raised.id, added.id, other.id]
        uow.commit()
    assert raised.id is not None and added.id is not None
    with uow_factory() as uow:
        found = uow.proposals.get(raised.id)
        assert found == raised
        assert found is not None
        assert found.drafted_at == T0 and found.drafted_at.tzinfo is not None
        assert found.effect.credits_before == Decimal("30000.00")
        assert found.evidence == _raise().evidence
        assert found.revision == 1
        assert uow.proposals.get(added.id) == added
        assert added.change.added == _added().change.added
        assert [p.id for p in uow.proposals.list(period="2027")] == [raised.id, added.id]
        assert [p.id for p in uow.proposals.list(agreements={"wiki-expectation"})] == [other.id]
        assert uow.proposals.list(statuses={ProposalStatus.ACCEPTED}) == []
        assert uow.proposals.get(999) is None


def test_one_proposal_per_key_and_rollback_leaves_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.proposals.add(_raise())
        uow.rollback()
    with uow_factory() as uow:
        assert uow.proposals.list() == []
        uow.proposals.add(_raise())
        uow.commit()
    with pytest.raises(ConflictError), uow_factory() as uow:
        uow.proposals.add(_raise())
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.proposals.list()) == 1


def test_a_decision_made_meanwhile_is_never_overwritten(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        held = uow.proposals.add(_raise())
        uow.commit()
    with uow_factory() as uow:
        stale = uow.proposals.get(held.id or 0)
    assert stale is not None
    with uow_factory() as uow:
        accepted = uow.proposals.replace(
            dataclasses.replace(stale, status=ProposalStatus.ACCEPTED, decided_at=T0, decided_by="noura")
        )
        uow.commit()
    assert accepted.revision == 2
    with pytest.raises(ConflictError), uow_factory() as uow:
        uow.proposals.replace(dataclasses.replace(stale, evidence=()))
        uow.commit()
    with pytest.raises(ConflictError), uow_factory() as uow:
        uow.proposals.delete(held.id or 0)
        uow.proposals.replace(dataclasses.replace(stale, evidence=()))
        uow.commit()
    with uow_factory() as uow:
        found = uow.proposals.get(held.id or 0)
        assert found is not None
        assert (found.status, found.decided_by, found.revision) == (ProposalStatus.ACCEPTED, "noura", 2)
        uow.proposals.delete(held.id or 0)
        uow.proposals.delete(held.id or 0)  # gone already: nothing more
        uow.commit()
    with uow_factory() as uow:
        assert uow.proposals.list() == []
