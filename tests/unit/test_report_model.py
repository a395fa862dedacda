"""The period report's model (``services/reports.py``) on the in-memory store, with the example
catalogue and figures checked by hand (the world is ``tests/report_support.py``)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.report import AgreementReport, BreachSource, CreditNote, ReportFormat
from slmo.core.model.results import EvaluationStatus
from slmo.errors import NotFoundError, SpecError
from slmo.services.ingest import MeasurementKind
from tests.conftest import EXAMPLES
from tests.report_support import ACTOR, RIYADH, TICKETS, FixedClock, portal_world, riyadh


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with portal_world() as handle:
        yield handle


@pytest.fixture
def report(slmo: Slmo) -> AgreementReport:
    return slmo.reports.agreement("eportal-sla", "2026-10")


def test_header_period_version_and_parties(report: AgreementReport) -> None:
    period = report.period
    assert (period.label, period.time_zone, period.complete) == ("2026-10", "Asia/Riyadh", True)
    assert period.start == riyadh(2026, 10, 1) and period.end == riyadh(2026, 11, 1)
    assert period.at == period.end
    assert (report.version, report.version_state.value, report.effective_from) == (1, "active", dt.date(2026, 1, 1))
    sides = {(p.name, p.role.value, p.signatory, p.title) for p in report.parties}
    assert sides == {
        ("it-operations", "provider", "Faisal Al-Harbi", "service level manager"),
        ("ministry", "customer", "Noura Al-Qahtani", "service owner"),
    }
    assert [name for name, _ in report.services] == ["eportal"]
    assert report.improvement_actions == ()


def test_objectives_over_the_period(report: AgreementReport) -> None:
    found = {o.name: o for o in report.objectives}
    assert list(found) == ["availability", "success-rate", "latency"]
    rate = found["success-rate"].evaluation
    # The version's calendar leaves the patching windows out of every objective: 600 minutes
    # of requests are not counted. 30,000 bad of 44,040,000; the period allows 44,040.
    assert (rate.good, rate.total) == (44_010_000, 44_040_000)
    assert rate.attainment == pytest.approx(1 - 30_000 / 44_040_000)
    assert rate.budget_left == pytest.approx(1 - 30_000 / 44_040)
    assert rate.status is EvaluationStatus.MET
    availability = found["availability"].evaluation
    assert (availability.good, availability.total) == (44_040 - 120, 44_040)
    assert availability.attainment == pytest.approx(1 - 120 / 44_040)
    assert availability.status is EvaluationStatus.BREACHED
    assert found["latency"].evaluation.status is EvaluationStatus.NO_DATA


def test_the_period_figures_are_those_of_slmo_history(slmo: Slmo, report: AgreementReport) -> None:
    # The report reads each objective's grid once for its figures and its series; the figures
    # must be exactly what the evaluation service gives for the period.
    for objective in report.objectives:
        (history,) = slmo.evaluation.history(f"eportal-sla/{objective.name}", "2026-10")
        assert objective.evaluation == history.evaluation


def test_daily_series_end_at_the_periods_figures(report: AgreementReport) -> None:
    rate = next(o for o in report.objectives if o.name == "success-rate")
    series = rate.series
    assert len(series.points) == 31
    assert series.points[0] == riyadh(2026, 10, 2) and series.points[-1] == riyadh(2026, 11, 1)
    # Four good days, then 30,000 bad in the first five days' 7,080,000 requests counted
    # (five days less Friday 2 October's two hours of patching).
    assert series.attainment[:4] == (1.0, 1.0, 1.0, 1.0)
    assert series.attainment[4] == pytest.approx(1 - 30_000 / 7_080_000)
    assert series.budget_left[:4] == (1.0, 1.0, 1.0, 1.0)
    assert series.budget_left[4] == pytest.approx(1 - 30_000 / 44_040)
    assert series.attainment[-1] == pytest.approx(rate.evaluation.attainment)
    assert series.budget_left[-1] == pytest.approx(rate.evaluation.budget_left)
    latency = next(o for o in report.objectives if o.name == "latency")
    assert set(latency.series.attainment) == {None}


def test_downtime_with_maintenance_apart(report: AgreementReport) -> None:
    (row,) = report.downtime
    # 210 minutes of outage, 90 of them in Friday's patching window; 20 minutes degraded.
    assert (row.service, row.outage_seconds, row.in_maintenance_seconds) == ("eportal", 210 * 60, 90 * 60)
    assert (row.counted_seconds, row.degraded_seconds, row.incidents) == (120 * 60, 20 * 60, 2)
    fridays = [w.start.astimezone(RIYADH) for w in report.maintenance]
    assert [d.day for d in fridays] == [2, 9, 16, 23, 30]
    assert all(w.seconds == 7200 and w.reason == "weekly patching" for w in report.maintenance)
    assert fridays[0].hour == 1
    assert [(i.id, i.seconds_in_period) for i in report.incidents] == [("INC-1", 210 * 60), ("INC-2", 20 * 60)]


def test_breaches_from_stored_evaluations_and_the_period(report: AgreementReport) -> None:
    rows = [(b.objective, b.source, b.start, b.end, b.began_before) for b in report.breaches]
    assert rows == [
        # The period's own attainment below target.
        ("availability", BreachSource.PERIOD, riyadh(2026, 10, 1), riyadh(2026, 11, 1), False),
        # A run of breached records from 1 October 10:00, breached already on 30 September.
        ("success-rate", BreachSource.EPISODE, riyadh(2026, 10, 1, 10), riyadh(2026, 10, 2), True),
        ("availability", BreachSource.EPISODE, riyadh(2026, 10, 9, 1), riyadh(2026, 10, 12), False),
    ]
    episode = report.breaches[2]
    assert episode.worst_attainment == 0.9972


def test_credits_show_the_calculation(report: AgreementReport) -> None:
    credits = report.credits
    # Availability and success-rate promise 99.9 %, the schedule's top edge; latency (95 %)
    # is not graded. Availability is the worse: 99.7275 % is below 99.9 % but not 99.5 %:
    # 5 % of 250,000 SAR = 12,500 SAR, under the 30 % cap.
    assert credits.covered == ("availability", "success-rate")
    assert credits.graded == "availability"
    calculation = credits.calculation
    assert calculation is not None
    assert calculation.attainment == pytest.approx(1 - 120 / 44_040)
    assert calculation.tier is not None and (calculation.tier.below, calculation.tier.credit) == (0.999, 0.05)
    assert (calculation.cap, calculation.capped, calculation.amount) == (0.3, False, Decimal("12500.00"))
    assert credits.note is None


def test_a_period_that_is_over_has_no_forecast(report: AgreementReport) -> None:
    assert report.period.complete
    assert all(o.forecast is None for o in report.objectives)


def test_trend_of_six_periods(report: AgreementReport) -> None:
    assert report.trend_labels == ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
    rate = next(o for o in report.objectives if o.name == "success-rate")
    assert [p.attainment for p in rate.trend[:4]] == [None] * 4
    assert rate.trend[4].attainment == 1.0 and rate.trend[4].status is EvaluationStatus.MET
    assert rate.trend[5].attainment == pytest.approx(rate.evaluation.attainment)


def test_a_running_period_and_the_credit_note(slmo: Slmo) -> None:
    clock = slmo.time
    assert isinstance(clock, FixedClock)
    clock.at = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)
    found = slmo.reports.agreement("eportal-sla", "2026-10")
    assert not found.period.complete and found.period.at == clock.at
    rate = next(o for o in found.objectives if o.name == "success-rate")
    # Nine whole days and the morning of the tenth (until 12:00 Riyadh), less two Fridays'
    # patching.
    assert len(rate.series.points) == 10
    assert rate.evaluation.total == (9 * 1440 + 12 * 60 - 2 * 120) * 1000
    assert found.credits.note is CreditNote.RUNNING
    # While the month runs each objective says where it will end: from 12:00 Riyadh on the
    # 10th to midnight ending the 31st, 21.5 days to come, drawn from the last 28 days
    # (September is measured too).
    assert rate.forecast is not None
    assert rate.forecast.window_end == dt.datetime(2026, 10, 31, 21, 0, tzinfo=dt.UTC)
    assert rate.forecast.remaining_days == 21.5
    assert rate.forecast.history_days == 28
    assert rate.forecast.expected is not None and rate.forecast.breach_probability is not None
    html = slmo.reports.render(found, "en", ReportFormat.HTML).decode()
    assert "Forecast for the period&#39;s end" in html or "Forecast for the period's end" in html
    arabic = slmo.reports.render(found, "ar", ReportFormat.HTML).decode()
    assert "التوقع لنهاية الفترة" in arabic


def test_ticket_compliance_per_priority(slmo: Slmo) -> None:
    slmo.tickets.ingest(io.BytesIO(TICKETS.encode()), "t.csv", ACTOR)
    found = slmo.reports.agreement("service-desk-ola", "2026-10")
    rows = {(r.objective, r.priority): r for r in found.tickets}
    everything = rows[("resolution", "all")]
    assert (everything.volume, everything.in_time, everything.breaches) == (2, 1, 1)
    # T1: 09:00-15:30 less 2 hours awaiting the user; P1's target is 4 business hours.
    assert rows[("resolution", "P1")].median == 4.5 * 3600
    assert rows[("resolution", "P2")].compliance == 1.0
    assert rows[("resolution", "P3")].volume == 0
    resolution = next(o for o in found.objectives if o.name == "resolution")
    assert (resolution.evaluation.good, resolution.evaluation.total) == (1, 2)
    # The series counts each ticket on the day its verdict became final: T1's breach on
    # 4 October, T2's resolution on 5 October.
    assert resolution.series.attainment[2] is None
    assert resolution.series.attainment[3] == 0.0 and resolution.series.attainment[4] == 0.5
    assert found.credits.note is CreditNote.NO_SCHEDULE


def test_the_real_nab_series_over_april_2014(slmo: Slmo) -> None:
    path = EXAMPLES / "data" / "ec2_cpu_utilization_825cc2.csv"
    with path.open("rb") as stream:
        slmo.ingest.measurements(MeasurementKind.SAMPLES, "report-engine-cpu", stream, path.name, ACTOR, tz="UTC")
    found = slmo.reports.agreement("report-engine-headroom", "2014-04")
    assert found.period.time_zone == "UTC"  # the version names no calendar
    (cpu,) = found.objectives
    # Counted from the file itself: one sample per 5-minute slice, good under 97 %.
    values = np.loadtxt(Path(path), delimiter=",", skiprows=1, usecols=1)
    assert cpu.evaluation.total == len(values) == 4032
    assert cpu.evaluation.good == int((values < 97).sum())
    assert cpu.evaluation.attainment == pytest.approx(float((values < 97).mean()))
    # The series starts on 10 April, when the samples do.
    assert cpu.series.attainment[8] is None and cpu.series.attainment[9] is not None
    assert cpu.series.attainment[-1] == pytest.approx(cpu.evaluation.attainment)
    # The trend: the version came into force on 1 January 2014.
    assert cpu.trend[0].label == "2013-11"
    assert [p.attainment is None for p in cpu.trend] == [True] * 5 + [False]


def test_a_customers_agreements(slmo: Slmo) -> None:
    found = slmo.reports.customer("ministry", "2026-10")
    assert [a.agreement for a in found.agreements] == ["eportal-sla", "report-engine-headroom"]
    assert found.file_stem == "ministry-2026-10"
    assert slmo.reports.file_name(found, "ar", ReportFormat.PDF) == "ministry-2026-10-ar.pdf"
    assert slmo.reports.file_name(found.agreements[0], "en", ReportFormat.HTML) == "eportal-sla-2026-10-en.html"


def test_progress_is_told_per_objective(slmo: Slmo) -> None:
    seen: list[tuple[int, int]] = []
    slmo.reports.agreement("eportal-sla", "2026-10", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(
    ("call", "error", "key"),
    [
        (lambda s: s.reports.agreement("nope", "2026-10"), NotFoundError, "error.object_not_found"),
        (lambda s: s.reports.agreement("eportal-sla", "2025-06"), NotFoundError, "error.report_no_version"),
        (lambda s: s.reports.customer("nobody", "2026-10"), NotFoundError, "error.object_not_found"),
        (lambda s: s.reports.customer("nimbus-cloud", "2026-10"), NotFoundError, "error.report_no_agreements"),
        (lambda s: s.reports.agreement("eportal-sla", "2026-13"), SpecError, "error.spec"),
        (lambda s: s.reports.agreement("eportal-sla", "2027-01"), SpecError, "error.spec"),
    ],
)
def test_unknown_agreement_party_and_period(slmo: Slmo, call, error, key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as raised:
        call(slmo)
    assert raised.value.key == key
    assert raised.value.exit_code == (4 if error is NotFoundError else 2)
