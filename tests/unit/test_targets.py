"""Achievable targets and the what-if on the example SLA (``services.targets``): a year of daily
request counts for the portal (in memory, at 26 November 2026), its twelve past months as the
negotiation's evidence reads them, and months like November 2026 simulated from its days;
figures checked by hand, the simulation against the forecast engine fed the days as written."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from slmo.bootstrap import Slmo
from slmo.core.engine.forecast import simulate_attainments
from slmo.core.model.evidence import CreditNote
from slmo.core.model.objective import Window, WindowUnit
from slmo.core.model.targets import Basis, SimulationNote
from slmo.errors import NotFoundError, SpecError
from slmo.services.ingest import MeasurementKind
from slmo.services.targets import DRAWS, default_per
from tests.negotiation_support import ADMIN, FAISAL, add_draft, example_slmo

RIYADH = dt.timezone(dt.timedelta(hours=3))
FIRST = dt.date(2025, 11, 1)
DAYS = 365  # 1 November 2025 to 31 October 2026
PER_DAY = 10_000


def _days() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=i) for i in range(DAYS)]


def _ingest(slmo: Slmo, bad: Callable[[dt.date], int]) -> None:
    """One bucket a day at noon, Riyadh time: 10,000 requests, ``bad(day)`` of them failed."""
    rows = "".join(f"{d.isoformat()}T12:00:00+03:00,{PER_DAY - bad(d)},{PER_DAY}\n" for d in _days())
    stream = io.BytesIO(("timestamp,good,total\n" + rows).encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, "eportal-requests", stream, "requests.csv", ADMIN)


def test_the_period_nearest_the_window() -> None:
    # A month is 30.44 days: rolling 28 days is nearer a month than a week or a quarter.
    assert default_per(Window(length=28, unit=WindowUnit.DAY, rolling=True)) == "month"
    assert default_per(Window(length=7, unit=WindowUnit.DAY, rolling=True)) == "week"
    assert default_per(Window(length=1, unit=WindowUnit.MONTH, rolling=False)) == "month"
    assert default_per(Window(length=1, unit=WindowUnit.QUARTER, rolling=False)) == "quarter"
    assert default_per(Window(length=1, unit=WindowUnit.YEAR, rolling=False)) == "quarter"
    assert default_per(Window(length=1, unit=WindowUnit.WEEK, rolling=False)) == "week"


def test_a_steady_year_below_the_target() -> None:
    """12 bad requests of 10,000 every day: every month, past or simulated, is 99.88 %."""
    slmo = example_slmo()
    _ingest(slmo, lambda d: 12)
    study = slmo.targets.study("eportal-sla/success-rate")
    # success-rate has a rolling 28-day window: months; the version in force, at its 99.9 %.
    assert (study.evidence.version, study.evidence.unit, study.evidence.target) == (1, "M", 0.999)
    assert [p.attainment for p in study.evidence.periods] == [pytest.approx(0.9988)] * 12
    # Simulated: months like November 2026 (30 days) from the 364 days before 1 November.
    assert (study.simulated_period, study.history_days, study.draws, study.simulation_note) == (
        "2026-11",
        364,
        DRAWS,
        None,
    )
    found = study.what_if
    # Every month breaches 99.9 %: 12 of 12, 12 a year (the upper bound is 1), on both views.
    assert (found.history.breaches, found.history.periods, found.history.per_year) == (12, 12, 12.0)
    assert found.history.upper == 1.0
    assert found.simulated is not None
    assert (found.simulated.breaches, found.simulated.periods, found.simulated.per_year) == (DRAWS, DRAWS, 12.0)
    # Each month earns the 5 % tier of 250,000 SAR: 12,500.00; 150,000.00 a year, and so is the
    # 95th percentile of the 5,200 // 12 = 433 simulated years.
    assert found.history_exposure is not None and found.simulated_exposure is not None
    assert (found.history_exposure.per_period, found.history_exposure.per_year) == (
        Decimal("12500.00"),
        Decimal("150000.00"),
    )
    assert (
        found.simulated_exposure.per_year,
        found.simulated_exposure.year_p95,
        found.simulated_exposure.years,
        found.simulated_exposure.currency,
    ) == (Decimal("150000.00"), Decimal("150000.00"), 433, "SAR")
    # At 90 %: history's lowest month (k = floor(13 * 0.1) = 1) and the draws' quantile are
    # both 99.88 %; on a tie history binds.
    ninety = study.achievable[0]
    assert ninety.history.target == pytest.approx(0.9988) and ninety.simulated == pytest.approx(0.9988)
    assert ninety.binding is Basis.HISTORY


def test_one_bad_week_in_a_good_year() -> None:
    """5 bad requests a day (99.95 %), but 200 a day from 9 to 15 March 2026."""
    bad_week = {dt.date(2026, 3, 9) + dt.timedelta(days=i) for i in range(7)}

    def bad(day: dt.date) -> int:
        return 200 if day in bad_week else 5

    slmo = example_slmo()
    _ingest(slmo, bad)
    study = slmo.targets.study("eportal-sla/success-rate", confidences=(0.5, 0.9))
    # March: (24 * 5 + 7 * 200) = 1,520 bad of 310,000: 99.5097 %, the only month under 99.9 %
    # (the 5 % tier: 12,500.00); the others 99.95 %.
    march = study.evidence.periods[4]
    assert march.label == "2026-03" and march.attainment == pytest.approx(1 - 1520 / 310_000)
    found = study.what_if
    assert (found.history.breaches, found.history.per_year) == (1, 1.0)
    # One breach in twelve: at most the Beta(2, 11) quantile at 95 %, 0.339 a month, 4.07 a year.
    assert found.history.upper == pytest.approx(stats.beta.ppf(0.95, 2, 11))
    assert found.history.per_year_upper == pytest.approx(12 * stats.beta.ppf(0.95, 2, 11))
    assert found.history_exposure is not None
    # 12,500 over twelve months: 1,041.67 a month, 12,500.00 a year.
    assert (found.history_exposure.per_period, found.history_exposure.per_year) == (
        Decimal("1041.67"),
        Decimal("12500.00"),
    )
    # The simulation is the forecast engine's over the days as written (the last 364, from
    # 2 November 2025), for a 30-day month starting on a Sunday: the same draws.
    days = _days()[1:]
    good = np.asarray([PER_DAY - bad(d) for d in days], dtype=np.float64)
    total = np.full(len(days), float(PER_DAY))
    draws = simulate_attainments(
        good, total, known_good=0.0, known_total=0.0, future_days=30.0, draws=DRAWS, seed=0, recent=()
    )
    assert found.simulated is not None
    assert found.simulated.breaches == int(np.count_nonzero(draws < 0.999))
    # A month with at least one bad day breaches (150 + 195 k bad of 300,000 > 300 for k >= 1):
    # the draws that take the bad week's days, a few of them.
    assert 0 < found.simulated.breaches < DRAWS
    half = study.achievable[0]
    # At 50 %: history's 6th lowest (floor(13 * 0.5) = 6) is 99.95 %; the draws' median is a
    # month without the bad week, 99.95 % too.
    assert half.history.target == pytest.approx(0.9995) and half.simulated == pytest.approx(0.9995)


def test_a_proposed_target_not_graded() -> None:
    slmo = example_slmo()
    _ingest(slmo, lambda d: 12)
    found = slmo.targets.what_if("eportal-sla/success-rate", 0.998)
    # 99.88 % meets 99.8 %: no breach in 12 months, but up to 1 - 0.05^(1/12) = 0.2209 a
    # month, 2.65 a year; the schedule (from 99.9 %) does not grade a 99.8 % objective.
    assert (found.history.breaches, found.history.per_year) == (0, 0.0)
    assert found.history.per_year_upper == pytest.approx(2.651066, abs=1e-6)
    assert found.credit_note is CreditNote.NOT_GRADED
    assert (found.history_exposure, found.simulated_exposure) == (None, None)
    assert found.simulated is not None and found.simulated.breaches == 0


def test_weeks_and_the_history_they_draw_from() -> None:
    slmo = example_slmo()
    _ingest(slmo, lambda d: 12)
    study = slmo.targets.study("eportal-sla/success-rate", per="week", periods=8)
    # 26 November 2026 is in 2026-W48; the eight weeks before it, 2026-W40 to 2026-W47, 56 days,
    # are all the history drawn from.
    assert study.evidence.unit == "w" and study.simulated_period == "2026-W48"
    assert [p.label for p in study.evidence.periods] == [f"2026-W{w}" for w in range(40, 48)]
    assert study.history_days == 56
    # A monthly charge: credits are not assessed per week.
    assert study.what_if.credit_note is CreditNote.OTHER_PERIOD
    assert study.what_if.periods_per_year == pytest.approx(52.1775)
    assert study.what_if.history.per_year == pytest.approx(52.1775)


def test_nothing_measured() -> None:
    slmo = example_slmo()
    # Nothing measured: neither history nor draws.
    empty = slmo.targets.study("eportal-sla/success-rate")
    assert (empty.evidence.measured, empty.draws, empty.simulation_note) == (0, 0, SimulationNote.NO_HISTORY)
    assert empty.what_if.history.probability is None and empty.what_if.simulated is None
    assert empty.achievable[0].target is None and empty.achievable[0].binding is None
    desk = slmo.targets.study("service-desk-ola/resolution")
    assert (desk.simulation_note, desk.draws, desk.what_if.simulated) == (SimulationNote.NO_HISTORY, 0, None)


def test_tickets_late_every_sunday() -> None:
    """The desk's resolution (90 % in time; P1 in 4 business hours, Riyadh office hours): a P1
    ticket at 09:00 each working day (Sunday to Thursday) of August to October 2026, resolved at
    10:00, except Sunday's, resolved the next day at 10:00 (9 business hours: late)."""
    days = [dt.date(2026, 8, 1) + dt.timedelta(days=i) for i in range(92)]
    working = [d for d in days if d.isoweekday() in (7, 1, 2, 3, 4)]  # Sunday to Thursday
    rows = []
    for d in working:
        opened = f"{d.isoformat()}T09:00:00+03:00"
        done = f"{(d + dt.timedelta(days=1 if d.isoweekday() == 7 else 0)).isoformat()}T10:00:00+03:00"
        rows.append(f"T{d:%m%d},service-desk,P1,{opened},New,{opened},0,")
        rows.append(f"T{d:%m%d},service-desk,P1,{opened},Resolved,{done},1,{done}")
    text = "id,service,priority,opened,status,at,sequence,resolved\n" + "\n".join(rows) + "\n"
    slmo = example_slmo()
    slmo.tickets.ingest(io.BytesIO(text.encode()), "desk.csv", ADMIN)
    study = slmo.targets.study("service-desk-ola/resolution", periods=3)
    # Each month: its Sundays' tickets late of its working days' (counted here from the list).
    months = [[d for d in working if d.month == m] for m in (8, 9, 10)]
    expected = [sum(d.isoweekday() != 7 for d in m) / len(m) for m in months]
    assert [p.attainment for p in study.evidence.periods] == pytest.approx(expected)
    assert all(a < 0.9 for a in expected)  # about one ticket in five is late
    found = study.what_if
    assert (found.history.breaches, found.history.per_year) == (3, 12.0)
    # Simulated from the days since Sunday 2 August, the first with a verdict (1 August is a
    # Saturday): 91 days, all of them in every draw (a year ahead reads the whole history, not
    # the recent weeks a running window's forecast leans on). Every month drawn from whole past
    # weeks holds one late ticket in five and breaches.
    assert (study.simulation_note, study.history_days) == (None, 91)
    assert found.simulated is not None and study.draws == found.simulated.periods == DRAWS
    assert found.simulated.breaches == DRAWS
    # An OLA without a charge or a schedule: no exposure, and it says so.
    assert found.credit_note is CreditNote.NO_SCHEDULE


def test_the_evidence_of_a_proposal() -> None:
    """A draft at 99.95 %: the negotiation's evidence and its what-if, for that version."""
    slmo = example_slmo()
    _ingest(slmo, lambda d: 12)
    number = add_draft(slmo, effective={"from": "2026-12-01"}, edits={"objectives.success-rate.target": 0.9995})
    slmo.negotiation.propose("eportal-sla", number, FAISAL)
    evidence = slmo.evidence.evidence("eportal-sla", "success-rate")
    study = slmo.targets.for_evidence(evidence)
    assert (study.evidence.version, study.what_if.target) == (2, 0.9995)
    assert study.what_if.history.per_year == 12.0
    assert study.what_if.history_exposure is not None
    assert study.what_if.history_exposure.per_year == Decimal("150000.00")


def test_bad_questions() -> None:
    slmo = example_slmo()
    # Three agreements in force have an objective named availability.
    with pytest.raises(SpecError, match=r"eportal-sla/availability, network-ola/availability, wiki-expectation/"):
        slmo.targets.study("availability")
    with pytest.raises(NotFoundError, match="no objective 'eportal-sla/nothing'"):
        slmo.targets.study("eportal-sla/nothing")
    # A customer's reach: another's objective is not found, as a missing one.
    with pytest.raises(NotFoundError, match="no objective 'network-ola/availability'"):
        slmo.targets.study("network-ola/availability", agreements={"eportal-sla"})
    with pytest.raises(SpecError, match=r"1\.5 is not a probability"):
        slmo.targets.study("eportal-sla/success-rate", confidences=(0.9, 1.5))
    with pytest.raises(SpecError, match="give 1 to 10 confidences, not 0"):
        slmo.targets.study("eportal-sla/success-rate", confidences=())
    with pytest.raises(SpecError, match=r"1\.0 is not a ratio"):
        slmo.targets.what_if("eportal-sla/success-rate", 1.0)
    with pytest.raises(SpecError, match="periods is from 1 to 120, not 0"):
        slmo.targets.study("eportal-sla/success-rate", periods=0)
    with pytest.raises(SpecError, match="'day' is not month, quarter or week"):
        slmo.targets.study("eportal-sla/success-rate", per="day")
