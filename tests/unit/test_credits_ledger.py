"""The credits ledger (``services/credits.py``) on the in-memory store: the example catalogue with
October 2026 measured (``tests/report_support.py``), figures checked by hand.

The portal SLA's availability over October is 1 - 120 / 44,040 = 99.7275 %: below 99.9 % but
not 99.5 %, so 5 % of 250,000 SAR = 12,500.00 SAR (docs/formulas.md section 10).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.credits import CreditCalculation, PenaltyCalculation
from slmo.core.model.ledger import CreditBasis, CreditStatus
from slmo.core.model.measurement import Impact, Incident
from slmo.errors import ConflictError, NotFoundError, SpecError
from slmo.services.credits import Outcome
from tests.report_support import ACTOR, FixedClock, portal_world, riyadh

HOUR = 3600
AVAILABILITY = 1 - 120 / 44_040


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with portal_world() as handle:
        yield handle


def _outage(slmo: Slmo, minutes: int) -> None:
    """Another outage on 20 October from 12:00 Riyadh, outside any maintenance window."""
    with slmo.reports._uow() as uow:
        start = riyadh(2026, 10, 20, 12, 0)
        uow.measurements.put_incidents(
            [
                Incident(
                    id="INC-9",
                    service="eportal",
                    start=start,
                    end=start + dt.timedelta(minutes=minutes),
                    impact=Impact.OUTAGE,
                )
            ]
        )
        uow.commit()


def test_a_closed_month_gives_the_schedules_line_with_the_calculation(slmo: Slmo) -> None:
    report = slmo.credits.compute("2026-10", ACTOR)
    created = {(line.entry.agreement, line.entry.basis): line.entry for line in report.lines}
    portal = created[("eportal-sla", CreditBasis.SCHEDULE)]
    assert (portal.period, portal.version, portal.objective) == ("2026-10", 1, "availability")
    assert portal.covered == ("availability", "success-rate")
    assert portal.attainment == pytest.approx(AVAILABILITY)
    assert (portal.amount, portal.currency, portal.status) == (Decimal("12500.00"), "SAR", CreditStatus.COMPUTED)
    calculation = portal.calculation
    assert isinstance(calculation, CreditCalculation)
    assert calculation.tier is not None and (calculation.tier.below, calculation.tier.credit) == (0.999, 0.05)
    assert (calculation.cap, calculation.capped) == (0.3, False)
    # The figures are the period's as slmo history gives them.
    (history,) = slmo.evaluation.history("eportal-sla/availability", "2026-10")
    assert portal.attainment == history.evaluation.attainment
    # The cloud contract's uptime counts the portal's outages from the first one on (no probes
    # of its own): 120 bad minutes of 32,700, 99.633 %, under 99.99 %: 10 % of 90,000 SAR.
    cloud = created[("nimbus-uc", CreditBasis.SCHEDULE)]
    assert (cloud.objective, cloud.amount) == ("uptime", Decimal("9000.00"))
    assert cloud.attainment == pytest.approx(1 - 120 / 32_700)
    assert report.skipped == []
    # The desk's chargeback has nothing late in October: a line of 0.
    desk = created[("service-desk-ola", CreditBasis.PENALTY)]
    assert (desk.clause, desk.amount, desk.currency) == ("resolution", Decimal("0.00"), "SAR")
    assert {line.outcome for line in report.lines} == {Outcome.CREATED}
    entries = slmo.credits.entries("2026-10")
    assert [(e.agreement, e.basis.value) for e in entries] == [
        ("eportal-sla", "schedule"),
        ("nimbus-uc", "schedule"),
        ("service-desk-ola", "penalty"),
    ]
    audit = [(e.kind, e.name, e.action.value) for e in slmo.catalogue.audit("Credit")]
    assert audit == [
        ("Credit", "eportal-sla/2026-10/schedule", "create"),
        ("Credit", "nimbus-uc/2026-10/schedule", "create"),
        ("Credit", "service-desk-ola/2026-10/penalty/resolution", "create"),
    ]


def test_computing_again_changes_nothing(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    before = slmo.credits.entries()
    audit = len(slmo.catalogue.audit())
    again = slmo.credits.compute("2026-10", ACTOR)
    assert {line.outcome for line in again.lines} == {Outcome.UNCHANGED}
    assert slmo.credits.entries() == before
    assert len(slmo.catalogue.audit()) == audit


def test_recomputing_replaces_a_computed_line(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    (first,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    # 2 hours more down: 240 bad slices of 44,040 is 99.455 %, below 99.5 %: 10 % = 25,000.
    _outage(slmo, 120)
    report = slmo.credits.compute("2026-10", ACTOR, agreement="eportal-sla")
    (line,) = report.lines
    assert line.outcome is Outcome.REPLACED
    assert (line.entry.id, line.entry.amount) == (first.id, Decimal("25000.00"))
    assert line.entry.attainment == pytest.approx(1 - 240 / 44_040)
    (kept,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    assert kept == line.entry
    changes = slmo.catalogue.audit("Credit", "eportal-sla/2026-10/schedule")
    assert [c.action.value for c in changes] == ["create", "change"]
    assert changes[-1].before is not None and changes[-1].before["amount"] == "12500.00"
    assert changes[-1].after is not None and changes[-1].after["amount"] == "25000.00"


def test_confirmed_and_paid_lines_are_never_recomputed_only_reported_as_differing(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    (line,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    assert line.id is not None
    confirmed = slmo.credits.confirm(line.id, ACTOR)
    assert (confirmed.status, confirmed.confirmed_by) == (CreditStatus.CONFIRMED, "tester")
    same = slmo.credits.compute("2026-10", ACTOR, agreement="eportal-sla")
    assert [x.outcome for x in same.lines] == [Outcome.KEPT]
    _outage(slmo, 120)
    report = slmo.credits.compute("2026-10", ACTOR, agreement="eportal-sla")
    (differs,) = report.lines
    assert differs.outcome is Outcome.DIFFERS
    assert differs.entry.amount == Decimal("12500.00") and differs.computed is not None
    assert differs.computed.amount == Decimal("25000.00")
    (kept,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    assert (kept.status, kept.amount) == (CreditStatus.CONFIRMED, Decimal("12500.00"))
    paid = slmo.credits.pay(line.id, ACTOR)
    assert (paid.status, paid.paid_by, paid.confirmed_by) == (CreditStatus.PAID, "tester", "tester")
    with pytest.raises(ConflictError, match="is paid; it cannot be marked paid"):
        slmo.credits.pay(line.id, ACTOR)
    with pytest.raises(ConflictError, match="is paid; it cannot be marked confirmed"):
        slmo.credits.confirm(line.id, ACTOR)
    with pytest.raises(NotFoundError, match="no credit 999"):
        slmo.credits.confirm(999, ACTOR)
    # A paid line whose clause gives nothing any more stays, reported as differing.
    assert [x.outcome for x in slmo.credits.compute("2026-10", ACTOR, agreement="eportal-sla").lines] == [
        Outcome.DIFFERS
    ]


def test_a_computed_line_no_longer_due_is_removed(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    (line,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    # A computed line of a clause the agreement does not have (any more).
    with slmo.reports._uow() as uow:
        ghost = uow.credits.add(dataclasses.replace(line, id=None, clause="gone"))
        uow.commit()
    report = slmo.credits.compute("2026-10", ACTOR, agreement="eportal-sla")
    assert [(x.outcome, x.entry.id) for x in report.lines] == [
        (Outcome.UNCHANGED, line.id),
        (Outcome.REMOVED, ghost.id),
    ]
    assert slmo.credits.entries("2026-10", agreement="eportal-sla") == [line]
    assert slmo.catalogue.audit("Credit", "eportal-sla/2026-10/schedule/gone")[-1].action.value == "delete"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-11", "2026-11 has not ended; credits are computed once a period has closed"),
        ("2026-W40", "2026-W40: credits are computed per month, quarter or year"),
        ("2026-13", "'2026-13' is not a period"),
    ],
)
def test_a_period_that_is_not_a_closed_month_quarter_or_year_is_refused(slmo: Slmo, period: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        slmo.credits.compute(period, ACTOR)
    assert slmo.credits.entries() == []


def test_other_periods_and_unknown_agreements(slmo: Slmo) -> None:
    # A quarter: the portal's charge is monthly and so is the desk's penalty; nothing to assess.
    quarter = slmo.credits.compute("2026-Q3", ACTOR)
    assert quarter.lines == [] and quarter.skipped == []
    # Before the portal SLA was in force, nothing either.
    assert slmo.credits.compute("2025-06", ACTOR, agreement="eportal-sla").lines == []
    with pytest.raises(NotFoundError, match="Agreement 'nope' does not exist"):
        slmo.credits.compute("2026-10", ACTOR, agreement="nope")


def test_the_report_shows_the_ledgers_line_and_its_status(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    (line,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    assert line.id is not None
    slmo.credits.confirm(line.id, ACTOR)
    _outage(slmo, 120)
    report = slmo.reports.agreement("eportal-sla", "2026-10")
    credits = report.credits
    # The objectives moved, but the credit is the one confirmed.
    availability = next(o for o in report.objectives if o.name == "availability")
    assert availability.evaluation.attainment == pytest.approx(1 - 240 / 44_040)
    assert credits.calculation is not None and credits.calculation.amount == Decimal("12500.00")
    assert (credits.status, credits.entry_id, credits.graded) == (CreditStatus.CONFIRMED, line.id, "availability")


# -- ticket penalties ------------------------------------------------------------------------

DESK_SLA = """\
apiVersion: slmo/v1
kind: Agreement
metadata: {name: desk-sla}
spec:
  type: sla
  parties:
    - {party: it-operations, role: provider}
    - {party: ministry, role: customer}
  services: [service-desk]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      charge: {amount: 40000, currency: SAR}
      penalties:
        - {objective: resolution, rate: 50, per: 1h, allowance: 10h, cap: 800}
      objectives:
        - name: resolution
          indicator: desk-resolution
          target: 0.9
          window: {calendar: month}
          tickets: {unit: calendar, targets: {P1: 4h}}
"""

# Four P1 tickets, target 4 hours around the clock (UTC: the version names no calendar):
# A late 20 h in October; B opened at 12:00 on the 31st, due 16:00, resolved 06:00 on 1 November:
# 8 h late in October and 6 h in November; C due at midnight on 1 October, resolved 02:00: 2 h
# late in October, none in September; D in time.
DESK_TICKETS = """\
id,service,priority,opened,status,at,sequence,resolved
A,service-desk,P1,2026-10-10T10:00:00Z,New,2026-10-10T10:00:00Z,0,
A,service-desk,P1,2026-10-10T10:00:00Z,Resolved,2026-10-11T10:00:00Z,1,2026-10-11T10:00:00Z
B,service-desk,P1,2026-10-31T12:00:00Z,New,2026-10-31T12:00:00Z,0,
B,service-desk,P1,2026-10-31T12:00:00Z,Resolved,2026-11-01T06:00:00Z,1,2026-11-01T06:00:00Z
C,service-desk,P1,2026-09-30T20:00:00Z,New,2026-09-30T20:00:00Z,0,
C,service-desk,P1,2026-09-30T20:00:00Z,Resolved,2026-10-01T02:00:00Z,1,2026-10-01T02:00:00Z
D,service-desk,P1,2026-10-15T08:00:00Z,New,2026-10-15T08:00:00Z,0,
D,service-desk,P1,2026-10-15T08:00:00Z,Resolved,2026-10-15T11:00:00Z,1,2026-10-15T11:00:00Z
"""


@pytest.fixture
def desk(slmo: Slmo) -> Slmo:
    slmo.catalogue.apply(slmo.codec.load_text(DESK_SLA, "desk.yaml"), ACTOR)
    slmo.tickets.ingest(io.BytesIO(DESK_TICKETS.encode()), "desk.csv", ACTOR)
    clock = slmo.time
    assert isinstance(clock, FixedClock)
    clock.at = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    return slmo


def _penalty(slmo: Slmo, period: str) -> PenaltyCalculation:
    report = slmo.credits.compute(period, ACTOR, agreement="desk-sla")
    (line,) = report.lines
    assert (line.entry.basis, line.entry.clause) == (CreditBasis.PENALTY, "resolution")
    calculation = line.entry.calculation
    assert isinstance(calculation, PenaltyCalculation)
    assert line.entry.amount == calculation.amount
    return calculation


def test_a_penalty_per_hour_late_beyond_the_allowance_with_a_cap(desk: Slmo) -> None:
    october = _penalty(desk, "2026-10")
    # 20 + 8 + 2 = 30 h late; 10 free; 20 h x 50 SAR = 1,000, capped at 800.
    assert (october.breach_seconds, october.tickets) == (30 * HOUR, 3)
    assert (october.billable_seconds, october.units) == (20 * HOUR, Decimal("20"))
    assert (october.raw_amount, october.amount, october.capped) == (Decimal("1000.00"), Decimal("800.00"), True)
    november = _penalty(desk, "2026-11")
    # B's last 6 hours, within the allowance.
    assert (november.breach_seconds, november.tickets, november.amount) == (6 * HOUR, 1, Decimal("0.00"))
    september = _penalty(desk, "2026-09")
    assert (september.breach_seconds, september.tickets) == (0, 0)


def test_the_report_shows_the_penalty(desk: Slmo) -> None:
    before = desk.reports.agreement("desk-sla", "2026-10").credits
    (computed,) = before.penalties
    assert computed.status is None and computed.calculation.amount == Decimal("800.00")
    desk.credits.compute("2026-10", ACTOR, agreement="desk-sla")
    (line,) = desk.credits.entries("2026-10", agreement="desk-sla")
    after = desk.reports.agreement("desk-sla", "2026-10").credits
    (from_ledger,) = after.penalties
    assert (from_ledger.status, from_ledger.entry_id) == (CreditStatus.COMPUTED, line.id)
    assert from_ledger.calculation == computed.calculation


def test_the_scheduled_job_computes_each_closed_period_once(desk: Slmo) -> None:
    desk.scheduler.sync()
    assert any(j.kind == "credits" for j in desk.scheduler.jobs())
    outcomes = [o for o in desk.scheduler.run_due("test-worker", limit=100) if o.job.kind == "credits"]
    assert [o.completed for o in outcomes] == [True], [o.error for o in outcomes]
    # On 3 December the last closed month is November, closed for more than a day. The portal's
    # availability counts as up from its first report on (no incident in November): 0 due.
    found = {(e.agreement, e.period, e.basis.value, str(e.amount)) for e in desk.credits.entries()}
    assert found == {
        ("desk-sla", "2026-11", "penalty", "0.00"),
        ("eportal-sla", "2026-11", "schedule", "0.00"),
        ("nimbus-uc", "2026-11", "schedule", "0.00"),
        ("service-desk-ola", "2026-11", "penalty", "0.00"),
    }
    # Again: every agreement has its November lines, so nothing is computed twice.
    with desk.reports._uow() as uow:
        assert desk.credits.compute_closed_in(uow, desk.time.now()) == []
