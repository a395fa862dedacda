"""The credits ledger and service costs in every store (in-memory fake, SQLite, PostgreSQL):
lines kept exactly (amounts to the cent, the calculation whole), one per agreement, period,
basis and clause, seen by their own transaction before commit, gone on rollback; a line
confirmed by someone else meanwhile is never overwritten; costs replaced by service and month."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from slmo.core.engine.credits import service_credit
from slmo.core.engine.penalties import ticket_penalty
from slmo.core.model import Charge, CreditSchedule, CreditTier, TicketPenalty
from slmo.core.model.ledger import CreditBasis, CreditEntry, CreditStatus, ServiceCost
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
T0 = dt.datetime(2026, 11, 1, 0, 5, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))
SCHEDULE = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05), CreditTier(below=0.995, credit=0.10)), cap=0.3)
CHARGE = Charge(amount=250_000, currency="SAR")


def _schedule_line(period: str = "2026-10", attainment: float = 0.9972752043596731) -> CreditEntry:
    calculation = service_credit(SCHEDULE, attainment, CHARGE)
    return CreditEntry(
        agreement="eportal-sla",
        period=period,
        basis=CreditBasis.SCHEDULE,
        clause="",
        version=1,
        objective="availability",
        attainment=attainment,
        amount=calculation.amount,
        currency="SAR",
        calculation=calculation,
        covered=("availability", "success-rate"),
        computed_at=T0.astimezone(RIYADH),
    )


def _penalty_line() -> CreditEntry:
    penalty = TicketPenalty(objective="resolution", rate=50, currency="SAR", allowance_seconds=36000, cap=2000)
    calculation = ticket_penalty(penalty, 91_800, tickets=3)
    return CreditEntry(
        agreement="service-desk-ola",
        period="2026-10",
        basis=CreditBasis.PENALTY,
        clause="resolution",
        version=1,
        objective="resolution",
        attainment=0.5,
        amount=calculation.amount,
        currency="SAR",
        calculation=calculation,
        computed_at=T0,
    )


def test_lines_are_kept_exactly_and_listed_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        schedule = uow.credits.add(_schedule_line())
        penalty = uow.credits.add(_penalty_line())
        september = uow.credits.add(_schedule_line("2026-09", 0.9995))
        # The transaction sees its own lines before it commits.
        assert len(uow.credits.list()) == 3
        uow.commit()
    assert schedule.id is not None and penalty.id is not None
    with uow_factory() as uow:
        found = uow.credits.get(schedule.id)
        assert found == schedule
        assert found is not None and found.amount == Decimal("12500.00")
        assert found.computed_at == T0 and found.computed_at.tzinfo is not None
        assert found.calculation == _schedule_line().calculation
        assert uow.credits.get(penalty.id) == penalty
        assert penalty.calculation == _penalty_line().calculation
        assert [(e.period, e.agreement) for e in uow.credits.list()] == [
            ("2026-09", "eportal-sla"),
            ("2026-10", "eportal-sla"),
            ("2026-10", "service-desk-ola"),
        ]
        assert uow.credits.list(periods={"2026-10"}, agreement="service-desk-ola") == [penalty]
        assert uow.credits.list(agreements={"eportal-sla"}) == [september, schedule]
        assert uow.credits.list(agreements=set()) == []
        assert uow.credits.get(999_999) is None


def test_a_line_is_replaced_by_its_id(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        first = uow.credits.add(_schedule_line())
        uow.commit()
    with uow_factory() as uow:
        (held,) = uow.credits.list()
        changed = _schedule_line(attainment=0.994)
        again = uow.credits.replace(dataclasses.replace(changed, id=held.id, revision=held.revision))
        assert again.id == first.id and again.amount == Decimal("25000.00")
        uow.commit()
    with uow_factory() as uow:
        (only,) = uow.credits.list()
        assert (only.id, only.amount) == (first.id, Decimal("25000.00"))
        assert only.id is not None
        uow.credits.delete(only.id)
        uow.credits.delete(only.id)
        assert uow.credits.list() == []
    with uow_factory() as uow:
        assert len(uow.credits.list()) == 1  # not committed: the delete was rolled back


def test_a_line_confirmed_meanwhile_is_never_overwritten(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        line = uow.credits.add(_schedule_line())
        uow.commit()
    with uow_factory() as recompute:
        (held,) = recompute.credits.list()
        with uow_factory() as confirm:
            (seen,) = confirm.credits.list()
            confirm.credits.replace(
                dataclasses.replace(seen, status=CreditStatus.CONFIRMED, confirmed_at=T0, confirmed_by="finance")
            )
            confirm.commit()
        with pytest.raises(ConflictError):
            recompute.credits.replace(dataclasses.replace(held, attainment=0.99))
            recompute.commit()
    with uow_factory() as uow:
        (kept,) = uow.credits.list()
        assert (kept.id, kept.status, kept.confirmed_by) == (line.id, CreditStatus.CONFIRMED, "finance")
        assert kept.attainment == line.attainment


def test_a_second_line_of_one_key_conflicts(uow_factory: UowFactory) -> None:
    with uow_factory() as first:
        first.credits.add(_schedule_line())
        with pytest.raises(ConflictError):
            first.credits.add(_schedule_line())
    late = uow_factory()
    with late:
        assert late.credits.list() == []
        with uow_factory() as first:
            first.credits.add(_schedule_line())
            first.commit()
        # Computed by someone else since this unit of work looked: refused, never a second line.
        with pytest.raises(ConflictError):
            late.credits.add(_schedule_line())
            late.commit()
    with uow_factory() as uow:
        assert len(uow.credits.list()) == 1


def test_costs_are_replaced_by_service_and_month(uow_factory: UowFactory) -> None:
    october = ServiceCost(service="eportal", period="2026-10", amount=Decimal("120000.50"), currency="SAR")
    with uow_factory() as uow:
        assert uow.costs.put([october, dataclasses.replace(october, service="network", amount=Decimal("30000"))]) == 2
        assert uow.costs.put([october]) == 0  # as it was
        uow.commit()
    with uow_factory() as uow:
        found = uow.costs.list(periods={"2026-10"})
        assert [(c.service, c.amount, c.currency) for c in found] == [
            ("eportal", Decimal("120000.50"), "SAR"),
            ("network", Decimal("30000"), "SAR"),
        ]
        assert all(c.updated_at is not None for c in found)
        assert uow.costs.put([dataclasses.replace(october, amount=Decimal("125000"))]) == 1
        assert uow.costs.put([dataclasses.replace(october, period="2026-11")]) == 1
        uow.commit()
    with uow_factory() as uow:
        assert [(c.period, c.amount) for c in uow.costs.list(service="eportal")] == [
            ("2026-10", Decimal("125000")),
            ("2026-11", Decimal("120000.50")),
        ]
        assert uow.costs.list(periods={"2025-01"}) == []
    with uow_factory() as uow:
        uow.costs.put([dataclasses.replace(october, service="wiki")])
    with uow_factory() as uow:
        assert uow.costs.list(service="wiki") == []
