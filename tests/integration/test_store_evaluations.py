"""Evaluation records: what every store does, on the in-memory fakes, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.results import Contributor, ContributorKind, Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.core.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")
NOON = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def record(
    objective: str = "availability",
    at: dt.datetime = NOON,
    *,
    agreement: str = "payments-sla",
    status: EvaluationStatus = EvaluationStatus.MET,
    good: float = 99_950.0,
) -> ObjectiveEvaluation:
    return ObjectiveEvaluation(
        agreement=agreement,
        version=2,
        service="payments",
        indicator="payments-success",
        evaluation=Evaluation(
            objective=objective,
            at=at,
            window_start=at - dt.timedelta(days=30),
            window_end=at,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=good,
            total=100_000.0,
            attainment=good / 100_000.0,
            target=0.999,
            budget_total=100.0,
            budget_spent=100_000.0 - good,
            budget_left=1 - (100_000.0 - good) / 100.0,
            burn_rates={"5m": 0.0, "1h": None, "6h": 2.5},
            status=status,
            contributors=(
                Contributor(
                    kind=ContributorKind.INCIDENT,
                    start=at - dt.timedelta(hours=3),
                    end=at - dt.timedelta(hours=2),
                    budget_spent=40.0,
                    share=0.8,
                    reference="INC-7",
                ),
                Contributor(
                    kind=ContributorKind.HOUR,
                    start=at - dt.timedelta(hours=1),
                    end=at,
                    budget_spent=10.0,
                    share=0.2,
                ),
            ),
        ),
    )


def test_records_round_trip_equal_with_aware_instants(uow_factory: UowFactory) -> None:
    riyadh = record(at=dt.datetime(2026, 3, 1, 15, 0, tzinfo=RIYADH))  # noon UTC, written in Riyadh time
    slices = dataclasses.replace(
        record("latency", NOON + dt.timedelta(minutes=1)),
        evaluation=dataclasses.replace(
            record().evaluation,
            objective="latency",
            at=NOON + dt.timedelta(minutes=1),
            budgeting=BudgetingMethod.TIMESLICES,
            attainment=None,
            status=EvaluationStatus.NO_DATA,
            budget_minutes_total=43.2,
            budget_minutes_spent=0.0,
            budget_minutes_left=43.2,
            contributors=(),
        ),
    )
    with uow_factory() as uow:
        assert uow.evaluations.add([riyadh, slices]) == 2
        uow.commit()
    with uow_factory() as uow:
        got = uow.evaluations.list()
    assert got == [riyadh, slices]
    assert got[0] is not riyadh
    for found in got:
        assert found.evaluation.at.utcoffset() is not None
        assert all(c.start.tzinfo is not None for c in found.evaluation.contributors)
    assert got[0].evaluation.at == NOON
    assert got[0].evaluation.burn_rates == {"5m": 0.0, "1h": None, "6h": 2.5}


def test_an_infinite_burn_rate_is_kept(uow_factory: UowFactory) -> None:
    # A 100 % target allows no bad event at all: any one burns the budget infinitely fast.
    strict = record()
    strict = dataclasses.replace(
        strict, evaluation=dataclasses.replace(strict.evaluation, burn_rates={"5m": float("inf"), "1h": -0.0})
    )
    with uow_factory() as uow:
        uow.evaluations.add([strict])
        uow.commit()
    with uow_factory() as uow:
        assert uow.evaluations.list() == [strict]


def test_the_same_objective_and_instant_is_replaced(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.evaluations.add([record(), record("latency")])
        uow.commit()
    later = record(good=99_000.0, status=EvaluationStatus.BREACHED)
    with uow_factory() as uow:
        assert uow.evaluations.add([record(good=1.0), later]) == 1  # the last of repeats wins
        uow.evaluations.add([record("availability", agreement="identity-ola")])  # another agreement: kept apart
        uow.commit()
    with uow_factory() as uow:
        found = uow.evaluations.list()
    # Replacing keeps a record's place among those of its instant.
    assert [(r.agreement, r.evaluation.objective) for r in found] == [
        ("payments-sla", "availability"),
        ("payments-sla", "latency"),
        ("identity-ola", "availability"),
    ]
    assert found[0] == later


def test_list_filters_and_limit_gives_the_newest_oldest_first(uow_factory: UowFactory) -> None:
    hours = [NOON + dt.timedelta(hours=h) for h in range(5)]
    with uow_factory() as uow:
        uow.evaluations.add([record("availability", t) for t in reversed(hours)])
        uow.evaluations.add([record("latency", hours[2]), record("availability", hours[1], agreement="identity-ola")])
        uow.commit()
    with uow_factory() as uow:
        listed = uow.evaluations.list
        assert [r.evaluation.at for r in listed(objective="availability", agreement="payments-sla")] == hours
        assert [r.evaluation.at for r in listed(objective="availability", limit=2)] == hours[3:]
        assert [
            r.evaluation.at for r in listed(objective="availability", agreement="payments-sla", limit=2, offset=2)
        ] == hours[1:3]
        assert [
            r.evaluation.at for r in listed(objective="availability", agreement="payments-sla", limit=2, offset=4)
        ] == hours[:1]
        assert [r.key for r in listed(start=hours[1], end=hours[3])] == [
            "payments-sla/availability",
            "identity-ola/availability",
            "payments-sla/availability",
            "payments-sla/latency",
        ]
        assert [r.key for r in listed(agreement="identity-ola")] == ["identity-ola/availability"]
        riyadh_start = hours[4].astimezone(RIYADH)
        assert [r.evaluation.at for r in listed(start=riyadh_start)] == [hours[4]]
        assert listed(limit=0) == []
        assert listed(objective="nothing") == []
        with pytest.raises(ValueError, match="negative"):
            listed(limit=-1)
        with pytest.raises(ValueError, match="negative"):
            listed(limit=1, offset=-1)


def test_records_need_aware_instants(uow_factory: UowFactory) -> None:
    naive = record(at=dt.datetime(2026, 3, 1, 12, 0))
    with uow_factory() as uow, pytest.raises(ValueError, match="naive"):
        uow.evaluations.add([naive])


def test_records_not_committed_vanish(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.evaluations.add([record()])
        assert len(uow.evaluations.list()) == 1
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.evaluations.add([record()])
        raise RuntimeError("boom")
    with uow_factory() as uow:
        assert uow.evaluations.add([]) == 0
        assert uow.evaluations.list() == []
