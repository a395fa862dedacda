"""Breach episodes from stored evaluations, each case worked by hand (``core.engine.breaches``)."""

from __future__ import annotations

import datetime as dt
import math

from slmo.core.engine.breaches import BreachEpisode, breach_episodes
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation

T0 = dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)
MET, AT_RISK, BREACHED, NO_DATA = (
    EvaluationStatus.MET,
    EvaluationStatus.AT_RISK,
    EvaluationStatus.BREACHED,
    EvaluationStatus.NO_DATA,
)


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


def record(
    minute: int,
    status: EvaluationStatus,
    attainment: float | None = None,
    budget_left: float = 0.5,
    *,
    agreement: str = "portal-sla",
    objective: str = "success",
    target: float = 0.99,
) -> ObjectiveEvaluation:
    return ObjectiveEvaluation(
        agreement=agreement,
        version=1,
        service="portal",
        indicator="portal-requests",
        evaluation=Evaluation(
            objective=objective,
            at=at(minute),
            window_start=at(minute) - dt.timedelta(days=28),
            window_end=at(minute),
            budgeting=BudgetingMethod.OCCURRENCES,
            good=0.0,
            total=0.0,
            attainment=attainment,
            target=target,
            budget_total=10.0,
            budget_spent=0.0,
            budget_left=budget_left,
            burn_rates={},
            status=status,
        ),
    )


def spans(episodes: list[BreachEpisode]) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    return [(e.key, e.start, e.end) for e in episodes]


def test_nothing_breached_is_no_episode() -> None:
    assert breach_episodes([]) == []
    assert breach_episodes([record(0, MET, 0.999), record(1, AT_RISK, 0.995), record(2, NO_DATA)]) == []


def test_one_closed_episode_with_its_worst_attainment_and_lowest_budget() -> None:
    # met at 0; breached at 1, 2, 3 (attainment 0.98, 0.97, 0.975; budget left -0.2, -0.5,
    # -0.4); met again at 4: one episode [1, 4), worst 0.97, lowest budget -0.5, 3 evaluations.
    found = breach_episodes(
        [
            record(0, MET, 0.995, 0.6),
            record(1, BREACHED, 0.98, -0.2),
            record(2, BREACHED, 0.97, -0.5),
            record(3, BREACHED, 0.975, -0.4),
            record(4, MET, 0.991, 0.1),
        ]
    )
    assert spans(found) == [("portal-sla/success", at(1), at(4))]
    (episode,) = found
    assert (episode.worst_attainment, episode.lowest_budget_left) == (0.97, -0.5)
    assert (episode.evaluations, episode.last_breached, episode.open) == (3, at(3), False)
    assert (episode.service, episode.indicator, episode.target) == ("portal", "portal-requests", 0.99)


def test_at_risk_ends_a_breach_and_a_breach_at_the_end_is_open() -> None:
    found = breach_episodes(
        [
            record(0, BREACHED, 0.9),
            record(1, AT_RISK, 0.992),
            record(2, MET, 0.999),
            record(3, BREACHED, 0.95),
            record(4, BREACHED, 0.96),
        ]
    )
    assert spans(found) == [("portal-sla/success", at(0), at(1)), ("portal-sla/success", at(3), None)]
    assert found[1].open and found[1].last_breached == at(4) and found[1].worst_attainment == 0.95


def test_no_data_neither_ends_nor_starts_a_breach() -> None:
    # breached 0, no data 1 and 2 (a collector gone quiet), breached 3, met 4: one episode
    # [0, 4) of two breached evaluations; then no data 5, met 6: nothing new.
    found = breach_episodes(
        [
            record(0, BREACHED, 0.9, -1.0),
            record(1, NO_DATA, None, math.nan),
            record(2, NO_DATA, None, math.nan),
            record(3, BREACHED, 0.95, -0.8),
            record(4, MET, 0.999),
            record(5, NO_DATA, None),
            record(6, MET, 0.999),
        ]
    )
    assert spans(found) == [("portal-sla/success", at(0), at(4))]
    assert (found[0].evaluations, found[0].worst_attainment, found[0].lowest_budget_left) == (2, 0.9, -1.0)


def test_trailing_no_data_keeps_a_breach_open() -> None:
    found = breach_episodes([record(0, BREACHED, 0.9), record(1, NO_DATA), record(2, NO_DATA)])
    assert spans(found) == [("portal-sla/success", at(0), None)]
    assert found[0].last_breached == at(0)


def test_a_gap_between_evaluations_does_not_end_a_breach() -> None:
    # breached at 0 and at 600 (ten hours without evaluations between), met at 601.
    found = breach_episodes([record(0, BREACHED, 0.9), record(600, BREACHED, 0.8), record(601, MET, 0.99)])
    assert spans(found) == [("portal-sla/success", at(0), at(601))]
    assert found[0].worst_attainment == 0.8


def test_objectives_interleaved_and_out_of_order_are_told_apart() -> None:
    # portal-sla/success: breached 1-2, met 3.  portal-sla/latency: breached 2, still open.
    # payments-sla/success (same objective name, another agreement): met 0, breached 1, met 2.
    def latency(minute: int, status: EvaluationStatus, attainment: float | None = None) -> ObjectiveEvaluation:
        return record(minute, status, attainment, objective="latency")

    def payments(minute: int, status: EvaluationStatus, attainment: float | None = None) -> ObjectiveEvaluation:
        return record(minute, status, attainment, agreement="payments-sla")

    found = breach_episodes(
        [
            record(3, MET, 0.999),
            latency(2, BREACHED, 0.5),
            payments(2, MET, 0.999),
            record(1, BREACHED, 0.97),
            payments(0, MET, 0.999),
            latency(1, MET, 0.999),
            record(2, BREACHED, 0.96),
            payments(1, BREACHED, 0.9),
        ]
    )
    assert spans(found) == [
        ("payments-sla/success", at(1), at(2)),
        ("portal-sla/success", at(1), at(3)),
        ("portal-sla/latency", at(2), None),
    ]
    assert [e.worst_attainment for e in found] == [0.9, 0.96, 0.5]


def test_a_breach_without_attainment_and_a_target_changed_mid_episode() -> None:
    # A breach judged on the budget alone has no attainment to report; the target shown is
    # the one the worst attainment was measured against (version 2 raised it to 0.995).
    alone = breach_episodes([record(0, BREACHED, None, math.inf)])
    assert (alone[0].worst_attainment, alone[0].lowest_budget_left) == (None, None)
    changed = breach_episodes(
        [record(0, BREACHED, 0.985, -0.1, target=0.99), record(1, BREACHED, 0.98, -0.3, target=0.995)]
    )
    assert (changed[0].worst_attainment, changed[0].target) == (0.98, 0.995)
