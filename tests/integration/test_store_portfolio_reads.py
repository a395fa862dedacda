"""The light reads the portfolio makes, in every store (in-memory fake, SQLite, PostgreSQL):
closed periods' status and budget left without their records (``figures``), of some periods and
past a chain position, and the credits ledger's money without the calculations (``amounts``)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

from slmo.core.engine import BURN_WINDOWS
from slmo.core.engine.credits import service_credit
from slmo.core.model import Charge, CreditSchedule, CreditTier
from slmo.core.model.ledger import CreditAmount, CreditBasis, CreditEntry, CreditStatus
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.period_close import ClosedFigure, ClosedPeriod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.core.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = dt.datetime(2026, 10, 2, tzinfo=dt.UTC)


def _closed(objective: str, period: str, status: EvaluationStatus, budget: float) -> ClosedPeriod:
    record = ObjectiveEvaluation(
        agreement="portal-sla",
        version=1,
        service="portal",
        indicator="portal-requests",
        evaluation=Evaluation(
            objective=objective,
            at=AT,
            window_start=AT - dt.timedelta(days=30),
            window_end=AT,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=999.0,
            total=1000.0,
            attainment=0.999,
            target=0.999,
            budget_total=1.0,
            budget_spent=1.0,
            budget_left=budget,
            burn_rates=dict.fromkeys(BURN_WINDOWS),
            status=status,
        ),
    )
    return ClosedPeriod(agreement="portal-sla", objective=objective, period=period, closed_at=AT, record=record)


def test_closed_figures_of_some_periods_past_a_position(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for closed in (
            _closed("availability", "2026-07", EvaluationStatus.MET, 0.25),
            _closed("availability", "2026-08", EvaluationStatus.BREACHED, -1.5),
            _closed("latency", "2026-Q3", EvaluationStatus.AT_RISK, 0.0625),
            # A target of 100 %: no budget at all, spent to minus infinity.
            _closed("perfect", "2026-08", EvaluationStatus.BREACHED, -math.inf),
        ):
            uow.period_closes.add(closed)
        uow.commit()
    with uow_factory() as uow:
        every = uow.period_closes.figures()
        assert [(f.objective, f.period, f.seq, f.status, f.budget_left) for f in every] == [
            ("availability", "2026-07", 1, EvaluationStatus.MET, 0.25),
            ("availability", "2026-08", 2, EvaluationStatus.BREACHED, -1.5),
            ("latency", "2026-Q3", 3, EvaluationStatus.AT_RISK, 0.0625),
            ("perfect", "2026-08", 4, EvaluationStatus.BREACHED, -math.inf),
        ]
        assert all(isinstance(f, ClosedFigure) and f.agreement == "portal-sla" for f in every)
        some = uow.period_closes.figures(periods={"2026-08", "2026-Q3"}, after=2)
        assert [(f.objective, f.period) for f in some] == [("latency", "2026-Q3"), ("perfect", "2026-08")]
        listed = uow.period_closes.list(periods={"2026-07", "2026-08"}, after=1)
        assert [(c.objective, c.period) for c in listed] == [("availability", "2026-08"), ("perfect", "2026-08")]
        assert uow.period_closes.figures(periods=set()) == []


def test_credit_amounts_without_their_calculations(uow_factory: UowFactory) -> None:
    schedule = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))
    with uow_factory() as uow:
        for agreement, period, status in (
            ("portal-sla", "2026-08", CreditStatus.PAID),
            ("cloud-uc", "2026-08", CreditStatus.COMPUTED),
            ("portal-sla", "2026-09", CreditStatus.CONFIRMED),
        ):
            calculation = service_credit(schedule, 0.998, Charge(amount=90_000, currency="SAR"))
            uow.credits.add(
                CreditEntry(
                    agreement=agreement,
                    period=period,
                    basis=CreditBasis.SCHEDULE,
                    clause="",
                    version=1,
                    objective="availability",
                    attainment=0.998,
                    amount=calculation.amount,
                    currency="SAR",
                    calculation=calculation,
                    computed_at=AT,
                    status=status,
                )
            )
        uow.commit()
    with uow_factory() as uow:
        assert uow.credits.amounts(periods={"2026-08"}) == [
            CreditAmount(
                agreement="cloud-uc",
                period="2026-08",
                amount=Decimal("4500.00"),
                currency="SAR",
                status=CreditStatus.COMPUTED,
            ),
            CreditAmount(
                agreement="portal-sla",
                period="2026-08",
                amount=Decimal("4500.00"),
                currency="SAR",
                status=CreditStatus.PAID,
            ),
        ]
        assert len(uow.credits.amounts()) == 3
