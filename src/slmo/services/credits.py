"""Service credits and ticket penalties per period, kept in the credits ledger.

Rules (``docs/formulas.md`` sections 10 and 13, ``docs/architecture.md`` "Credits and costs"):

- **Which periods.** A clause is assessed per period of its own length: the credit schedule per
  period of the charge (a month without a charge), a penalty per its ``period``. A period is
  computed once it has closed, in the time zone of the agreement version's calendar (UTC
  without one), with the version in force at its last instant, as reports take it.
- **The schedule's line**: each objective the schedule grades (``covered_objectives``)
  evaluated over the whole period, exactly as ``slmo history`` evaluates it; the worst one with
  data sets the tier (``service_credit``). Without data, no line: slmo does not guess.
- **A penalty's line**: the breach time the objective's tickets accrued in the period (their
  overdue time at the period's last second less that at the second before it began,
  ``core.engine.penalties``) and ``ticket_penalty``.
- **Recomputing** a period replaces its ``computed`` lines (and removes those no longer due);
  ``confirmed`` and ``paid`` lines are never changed: where the new figures differ they are
  reported as differing, and the line stays as it was settled. Computing twice changes nothing.
- Every write of the ledger (a line created, replaced, removed, confirmed, paid) is audited as
  kind ``Credit``, named ``agreement/period/schedule`` or ``agreement/period/penalty/objective``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from slmo.core.engine import Span, epoch_seconds, named_period, period_label, period_unit
from slmo.core.engine.credits import covered_objectives, graded, service_credit
from slmo.core.engine.penalties import accrued, overdue, ticket_penalty
from slmo.core.engine.windows import zone as zone_info
from slmo.core.model import Agreement, AgreementVersion, Calendar, IndicatorKind, Window, WindowUnit
from slmo.core.model.agreement import TicketPenalty
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.credits import PenaltyCalculation
from slmo.core.model.ledger import CREDIT_STEPS, CreditBasis, CreditEntry, CreditStatus
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConflictError, NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.tickets import TicketService

logger = logging.getLogger(__name__)

# A charge's or a penalty's period, as a report period's unit.
PERIOD_UNITS = {"month": WindowUnit.MONTH, "quarter": WindowUnit.QUARTER, "year": WindowUnit.YEAR}
# The scheduled job that computes each period's lines once it has closed.
CREDITS = "credits"
CREDITS_KEY = "ledger"
CREDITS_SECONDS = 3600
GRACE_SECONDS = 86400


class Outcome(StrEnum):
    """What computing a period did to one line."""

    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    # A confirmed or paid line: left as settled, whether the new figures agree (kept) or not.
    KEPT = "kept"
    DIFFERS = "differs"


class SkipReason(StrEnum):
    """Why a clause gave no line for the period."""

    NO_DATA = "no_data"
    NO_OBJECTIVE = "no_objective"


@dataclass(frozen=True)
class LineOutcome:
    """One line after computing: ``entry`` is what the ledger holds now (the settled line when
    it ``differs``, the removed one when ``removed``); ``computed`` the new figures, when they
    are not what the ledger holds."""

    outcome: Outcome
    entry: CreditEntry
    computed: CreditEntry | None = None


@dataclass(frozen=True)
class Skipped:
    agreement: str
    basis: CreditBasis
    clause: str
    reason: SkipReason


@dataclass
class ComputeReport:
    period: str
    lines: list[LineOutcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.lines if line.outcome is outcome)


@dataclass(frozen=True)
class PeriodPlan:
    """An agreement over one period: the version in force at its last instant, the period in
    the version's time zone, and the objectives of that version."""

    agreement: Agreement
    version: AgreementVersion
    span: Span
    zone: str
    targets: tuple[Target, ...]

    @property
    def at(self) -> int:
        """The period's last second: every bucket of it counts, none of the next."""
        return self.span.end - 1


def line_name(entry: CreditEntry) -> str:
    """How the audit log names a line: ``eportal-sla/2026-10/schedule``."""
    name = f"{entry.agreement}/{entry.period}/{entry.basis.value}"
    return f"{name}/{entry.clause}" if entry.clause else name


def _audit_document(entry: CreditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "version": entry.version,
        "objective": entry.objective,
        "attainment": entry.attainment,
        "amount": None if entry.amount is None else str(entry.amount),
        "currency": entry.currency,
        "status": entry.status.value,
    }


def schedule_unit(version: AgreementVersion) -> WindowUnit:
    return PERIOD_UNITS.get(version.charge.period if version.charge else "month", WindowUnit.MONTH)


def whole_period(target: Target, label: str) -> Target:
    """The target with its window replaced by the period's calendar unit, as ``slmo history``
    and the report evaluate a period."""
    window = Window(length=1, unit=period_unit(label), rolling=False, time_zone=target.time_zone)
    return dataclasses.replace(target, objective=dataclasses.replace(target.objective, window=window))


def penalty_calculation(
    uow: UnitOfWork, tickets: TicketService, target: Target, penalty: TicketPenalty, span: Span
) -> PenaltyCalculation:
    """The penalty the objective's tickets earned in ``span`` (``core.engine.penalties``): their
    overdue time at its end less that at its start (a ticket opened at either instant is not
    overdue then, so counting it changes nothing)."""
    _, _, before = tickets.timers(uow, target, span.start)
    _, _, after = tickets.timers(uow, target, span.end)
    grown = accrued(overdue(before.left, before.counted), overdue(after.left, after.counted))
    return ticket_penalty(penalty, int(grown.sum()), int(np.count_nonzero(grown)))


# Told of a computed period in its unit of work, before the commit: (uow, report, actor, now).
Follower = Callable[[UnitOfWork, ComputeReport, Actor, dt.datetime], None]
# Told of every run of the credits job in its unit of work: (uow, now).
Tick = Callable[[UnitOfWork, dt.datetime], None]


class CreditService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, tickets: TicketService, clock: Clock):
        self._uow = uow
        self._evaluation = evaluation
        self._tickets = tickets
        self._clock = clock
        # Bootstrap adds the claims on suppliers here, so that a credit a supplier owes becomes a
        # claim wherever its period is computed (the CLI, the API, the job), in the same transaction.
        self.followers: list[Follower] = []
        self.ticks: list[Tick] = []

    # -- which agreements and periods ------------------------------------------------------------

    @staticmethod
    def _zone(uow: UnitOfWork, version: AgreementVersion | None) -> str:
        if version is None or version.calendar is None:
            return "UTC"
        calendar = uow.catalogue.get("Calendar", version.calendar)
        return calendar.time_zone if isinstance(calendar, Calendar) else "UTC"

    def plan(self, uow: UnitOfWork, agreement: Agreement, label: str) -> PeriodPlan | None:
        """The agreement over the period ``label``; ``None`` when no version is in force then."""
        zone = self._zone(uow, agreement.active_version() or agreement.latest_version())
        span = named_period(label, zone)
        version = agreement.active_version(dt.datetime.fromtimestamp(span.end - 1, zone_info(zone)).date())
        if version is None:
            return None
        zone = self._zone(uow, version)
        span = named_period(label, zone)
        when = dt.datetime.fromtimestamp(span.end - 1, zone_info(zone))
        targets = tuple(
            t
            for t in self._evaluation.targets(uow, when)
            if t.agreement.name == agreement.name and t.version.number == version.number
        )
        return PeriodPlan(agreement, version, span, zone, targets)

    @staticmethod
    def _closed(label: str, now: dt.datetime) -> None:
        unit = period_unit(label)
        if unit not in PERIOD_UNITS.values():
            raise SpecError(
                [
                    Problem(
                        None,
                        "period",
                        f"{label}: credits are computed per month, quarter or year",
                        key="credits.period_unit",
                        args={"period": label},
                    )
                ]
            )
        # Closed everywhere: the period's end in the latest time zone on Earth has passed.
        if named_period(label, "Etc/GMT+12").end > epoch_seconds(now):
            raise SpecError(
                [
                    Problem(
                        None,
                        "period",
                        f"{label} has not ended; credits are computed once a period has closed",
                        key="credits.period_open",
                        args={"period": label},
                    )
                ]
            )

    # -- computing ----------------------------------------------------------------------------------

    def lines(
        self, uow: UnitOfWork, plan: PeriodPlan, label: str, now: dt.datetime
    ) -> tuple[list[CreditEntry], list[Skipped]]:
        """The lines the agreement's clauses give for the period, and the clauses that give none."""
        unit = period_unit(label)
        version, name = plan.version, plan.agreement.name
        found: list[CreditEntry] = []
        skipped: list[Skipped] = []
        figures: dict[str, float | None] = {}

        def attainment(target: Target) -> float | None:
            key = target.objective.name
            if key not in figures:
                result = self._evaluation.evaluate_target(uow, whole_period(target, label), plan.at, top=0)
                figures[key] = result.evaluation.attainment
            return figures[key]

        schedule = version.credit_schedule
        if schedule is not None and schedule_unit(version) is unit:
            targets = {t.objective.name: t for t in plan.targets}
            covered = covered_objectives(schedule, {n: t.objective.target for n, t in targets.items()})
            worst = graded({n: attainment(targets[n]) for n in covered}) if covered else None
            if worst is None:
                reason = SkipReason.NO_OBJECTIVE if not covered else SkipReason.NO_DATA
                skipped.append(Skipped(name, CreditBasis.SCHEDULE, "", reason))
            else:
                objective, value = worst
                calculation = service_credit(schedule, value, version.charge)
                found.append(
                    CreditEntry(
                        agreement=name,
                        period=label,
                        basis=CreditBasis.SCHEDULE,
                        clause="",
                        version=version.number,
                        objective=objective,
                        attainment=value,
                        amount=calculation.amount,
                        currency=None if version.charge is None else version.charge.currency,
                        calculation=calculation,
                        covered=tuple(covered),
                        computed_at=now,
                    )
                )
        for penalty in version.penalties:
            if PERIOD_UNITS.get(penalty.period) is not unit:
                continue
            target = next(
                (
                    t
                    for t in plan.targets
                    if t.objective.name == penalty.objective and t.indicator.kind is IndicatorKind.TICKET
                ),
                None,
            )
            if target is None or target.objective.tickets is None:
                skipped.append(Skipped(name, CreditBasis.PENALTY, penalty.objective, SkipReason.NO_OBJECTIVE))
                continue
            charged = penalty_calculation(uow, self._tickets, target, penalty, plan.span)
            found.append(
                CreditEntry(
                    agreement=name,
                    period=label,
                    basis=CreditBasis.PENALTY,
                    clause=penalty.objective,
                    version=version.number,
                    objective=penalty.objective,
                    attainment=attainment(target),
                    amount=charged.amount,
                    currency=charged.currency,
                    calculation=charged,
                    computed_at=now,
                )
            )
        return found, skipped

    def compute(self, period: str, actor: Actor, agreement: str | None = None) -> ComputeReport:
        """Compute the period's lines of every agreement with a credit schedule or a penalty (or of
        one), in one transaction; ``SpecError`` for a period that is not a closed month, quarter
        or year, ``NotFoundError`` for an unknown agreement."""
        now = self._clock.now()
        self._closed(period, now)
        with self._uow() as uow:
            report = self.compute_in(uow, period, actor, now, agreement)
            uow.commit()
        logger.info(
            "credits of %s: %d created, %d replaced, %d unchanged, %d removed, %d settled and differing",
            period,
            report.count(Outcome.CREATED),
            report.count(Outcome.REPLACED),
            report.count(Outcome.UNCHANGED),
            report.count(Outcome.REMOVED),
            report.count(Outcome.DIFFERS),
        )
        return report

    def _agreements(self, uow: UnitOfWork, agreement: str | None) -> list[Agreement]:
        if agreement is None:
            return [a for a in uow.catalogue.list("Agreement") if isinstance(a, Agreement)]
        one = uow.catalogue.get("Agreement", agreement)
        if not isinstance(one, Agreement):
            raise NotFoundError(
                f"Agreement {agreement!r} does not exist",
                key="error.object_not_found",
                kind="Agreement",
                name=agreement,
            )
        return [one]

    def compute_in(
        self, uow: UnitOfWork, period: str, actor: Actor, now: dt.datetime, agreement: str | None = None
    ) -> ComputeReport:
        """``compute`` in ``uow``, uncommitted (the scheduled job commits with its completion)."""
        report = ComputeReport(period)
        for one in self._agreements(uow, agreement):
            plan = self.plan(uow, one, period)
            if plan is None:
                continue
            fresh, skipped = self.lines(uow, plan, period, now)
            report.skipped.extend(skipped)
            held = {e.key: e for e in uow.credits.list(periods={period}, agreement=one.name)}
            for entry in fresh:
                report.lines.append(self._reconcile(uow, held.pop(entry.key, None), entry, actor, now))
            for gone in held.values():
                if gone.settled:
                    report.lines.append(LineOutcome(Outcome.DIFFERS, gone, None))
                    continue
                assert gone.id is not None
                uow.credits.delete(gone.id)
                self._audit(uow, actor, now, AuditAction.DELETE, gone, None)
                report.lines.append(LineOutcome(Outcome.REMOVED, gone))
        for follow in self.followers:
            follow(uow, report, actor, now)
        return report

    def _reconcile(
        self, uow: UnitOfWork, held: CreditEntry | None, fresh: CreditEntry, actor: Actor, now: dt.datetime
    ) -> LineOutcome:
        if held is None:
            stored = uow.credits.add(fresh)
            self._audit(uow, actor, now, AuditAction.CREATE, None, stored)
            return LineOutcome(Outcome.CREATED, stored)
        if held.settled:
            same = held.same_figures(fresh)
            return LineOutcome(Outcome.KEPT if same else Outcome.DIFFERS, held, None if same else fresh)
        if held.same_figures(fresh) and held.version == fresh.version and held.covered == fresh.covered:
            return LineOutcome(Outcome.UNCHANGED, held)
        stored = uow.credits.replace(dataclasses.replace(fresh, id=held.id, revision=held.revision))
        self._audit(uow, actor, now, AuditAction.CHANGE, held, stored)
        return LineOutcome(Outcome.REPLACED, stored)

    @staticmethod
    def _audit(
        uow: UnitOfWork,
        actor: Actor,
        now: dt.datetime,
        action: AuditAction,
        before: CreditEntry | None,
        after: CreditEntry | None,
    ) -> None:
        entry = after or before
        assert entry is not None
        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind="Credit",
                name=line_name(entry),
                before=None if before is None else _audit_document(before),
                after=None if after is None else _audit_document(after),
            )
        )

    # -- the scheduled job ----------------------------------------------------------------------

    @staticmethod
    def needed(uow: UnitOfWork) -> bool:
        """Whether some agreement has a clause to assess (the scheduler keeps the job then)."""
        for agreement in uow.catalogue.list("Agreement"):
            if isinstance(agreement, Agreement) and any(
                v.credit_schedule is not None or v.penalties for v in agreement.versions
            ):
                return True
        return False

    def compute_closed_in(self, uow: UnitOfWork, now: dt.datetime) -> list[ComputeReport]:
        """The job: for each agreement, the last closed period of each of its clauses' lengths
        that has no line in the ledger yet is computed (a clause without data is tried again at
        the next run)."""
        actor = Actor(name="scheduler", interface="worker")
        reports = []
        t = epoch_seconds(now)
        for agreement in self._agreements(uow, None):
            version = agreement.active_version(now.date())
            if version is None:
                continue
            zone = self._zone(uow, version)
            units = {PERIOD_UNITS.get(p.period, WindowUnit.MONTH) for p in version.penalties}
            if version.credit_schedule is not None:
                units.add(schedule_unit(version))
            for unit in sorted(units):
                current = named_period(period_label(t, unit, zone), zone)
                label = period_label(current.start - 1, unit, zone)
                # A day's grace after the period's end, for late measurements and tickets.
                if current.start + GRACE_SECONDS > t or uow.credits.list(periods={label}, agreement=agreement.name):
                    continue
                reports.append(self.compute_in(uow, label, actor, now, agreement.name))
        for tick in self.ticks:
            tick(uow, now)
        return reports

    # -- reading and settling ---------------------------------------------------------------------

    def entries(
        self,
        period: str | None = None,
        agreement: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[CreditEntry]:
        """Ledger lines, of one period and agreement when given, of ``agreements`` only when given."""
        if period is not None:
            period_unit(period)  # a SpecError for what is not a period
        with self._uow() as uow:
            return uow.credits.list(
                periods=None if period is None else {period}, agreement=agreement, agreements=agreements
            )

    def entry(self, entry_id: int, agreements: Collection[str] | None = None) -> CreditEntry:
        with self._uow() as uow:
            return self._entry(uow, entry_id, agreements)

    @staticmethod
    def _entry(uow: UnitOfWork, entry_id: int, agreements: Collection[str] | None) -> CreditEntry:
        found = uow.credits.get(entry_id)
        if found is None or (agreements is not None and found.agreement not in agreements):
            raise NotFoundError(f"no credit {entry_id}", key="error.credit_not_found", id=entry_id)
        return found

    def confirm(self, entry_id: int, actor: Actor) -> CreditEntry:
        """Mark a computed line confirmed (agreed with the other party): never recomputed again."""
        return self._settle(entry_id, CreditStatus.CONFIRMED, actor)

    def pay(self, entry_id: int, actor: Actor) -> CreditEntry:
        """Mark a line paid (a computed one may be paid at once)."""
        return self._settle(entry_id, CreditStatus.PAID, actor)

    def _settle(self, entry_id: int, status: CreditStatus, actor: Actor) -> CreditEntry:
        now = self._clock.now()
        with self._uow() as uow:
            stored = self.settle_in(uow, self._entry(uow, entry_id, None), status, actor, now)
            uow.commit()
        return stored

    def settle_in(
        self, uow: UnitOfWork, entry: CreditEntry, status: CreditStatus, actor: Actor, now: dt.datetime
    ) -> CreditEntry:
        """Mark ``entry`` confirmed or paid in ``uow``, uncommitted and audited; a
        ``ConflictError`` when its status does not allow it (a claim accepted or paid settles
        its line so)."""
        if status not in CREDIT_STEPS[entry.status]:
            raise ConflictError(
                f"credit {entry.id} is {entry.status.value}; it cannot be marked {status.value}",
                key="error.credit_status",
                id=entry.id,
                status=entry.status.value,
                to=status.value,
            )
        if status is CreditStatus.CONFIRMED:
            changed = dataclasses.replace(entry, status=status, confirmed_at=now, confirmed_by=actor.name)
        else:
            changed = dataclasses.replace(entry, status=status, paid_at=now, paid_by=actor.name)
        stored = uow.credits.replace(changed)
        self._audit(uow, actor, now, AuditAction.CHANGE, entry, stored)
        return stored
