"""What services cost, and what each agreement brings in against it (cost-effectiveness).

Rules (``docs/formulas.md`` section 15):

- **Costs** are per service and month, imported from CSV (``sources/costs.py``). A file is
  taken whole or not at all: every bad row is named by line, and a service the catalogue does
  not have is one. Importing the same file again changes nothing; a new amount for a service
  and month replaces the old one. Each import is audited (kind ``Costs``, named by the file).
- **The view of a period** (a month, a quarter or a year): every agreement with a version in
  force at the period's last instant. Sold agreements (SLA, OLA, expectation) bring in their
  charge (scaled to the period's months) and pay out the credits of the ledger's lines in the
  period; their services' costs are shared evenly among the sold agreements in force that name
  them. Bought agreements (underpinning contracts) cost their charge and bring back their
  credits. Attainment is the one the credits are graded on: the ledger's line when there is one
  for the period, else the worst of the objectives the schedule grades (of all the version's
  objectives without a schedule), evaluated over the period as ``slmo history`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from slmo.core.engine import named_period, period_label, period_unit
from slmo.core.engine.costs import MONTHS, cents, judged, period_charge, shared_cost
from slmo.core.engine.credits import covered_objectives, graded
from slmo.core.model import Agreement, AgreementKind, Service, WindowUnit
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.ledger import CostEffectiveness, CreditBasis, CreditEntry, CreditStatus, ServiceCost, Side
from slmo.core.ports import Clock, CostReader, UnitOfWork, UnitOfWorkFactory
from slmo.errors import IngestError, Location, Problem, SpecError
from slmo.services.credits import CreditService, PeriodPlan, whole_period
from slmo.services.evaluate import EvaluationService

logger = logging.getLogger(__name__)


@dataclass
class CostImportReport:
    name: str
    rows: int = 0
    written: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.rows - self.written


def months_of(label: str) -> list[str]:
    """The months a period (``2026-10``, ``2026-Q4``, ``2026``) is made of, as labels."""
    if period_unit(label) not in MONTHS:
        raise SpecError(
            [
                Problem(
                    None,
                    "period",
                    f"{label}: costs are viewed per month, quarter or year",
                    key="costs.period_unit",
                    args={"period": label},
                )
            ]
        )
    span = named_period(label)
    found: list[str] = []
    t = span.start
    while t < span.end:
        month = period_label(t, WindowUnit.MONTH)
        found.append(month)
        t = named_period(month).end
    return found


def within(label: str) -> set[str]:
    """The periods whose ledger lines belong to ``label``: itself, its months, and a year's
    quarters."""
    found = {label, *months_of(label)}
    if period_unit(label) is WindowUnit.YEAR:
        found.update(f"{label}-Q{q}" for q in range(1, 5))
    return found


class CostService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reader: CostReader,
        credits: CreditService,
        evaluation: EvaluationService,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._reader = reader
        self._credits = credits
        self._evaluation = evaluation
        self._clock = clock

    # -- costs ------------------------------------------------------------------------------------

    def import_costs(self, stream: BinaryIO, name: str, actor: Actor) -> CostImportReport:
        """Every cost of a CSV file, or none: ``IngestError`` with every bad row by line."""
        read = self._reader.read(stream, name)
        report = CostImportReport(name, read.rows, problems=list(read.problems))
        now = self._clock.now()
        with self._uow() as uow:
            services = {s.name for s in uow.catalogue.list("Service") if isinstance(s, Service)}
            for cost, line in zip(read.costs, read.lines, strict=True):
                if cost.service not in services:
                    report.problems.append(
                        Problem(
                            Location(name, line),
                            "service",
                            f"Service {cost.service!r} does not exist",
                            key="costs.unknown_service",
                            args={"service": cost.service},
                        )
                    )
            if report.problems:
                report.problems.sort(key=lambda p: (p.location.line or 0) if p.location else 0)
                raise IngestError(report.problems, f"{name}: {len(report.problems)} problem(s); nothing was written")
            stamped = [
                ServiceCost(service=c.service, period=c.period, amount=c.amount, currency=c.currency, updated_at=now)
                for c in read.costs
            ]
            report.written = uow.costs.put(stamped)
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=actor.name,
                    interface=actor.interface,
                    action=AuditAction.CHANGE,
                    kind="Costs",
                    name=name,
                    before=None,
                    after={"rows": report.rows, "written": report.written},
                )
            )
            uow.commit()
        logger.info("imported %d costs from %s (%d changed)", report.rows, name, report.written)
        return report

    def costs(self, period: str | None = None) -> list[ServiceCost]:
        """Costs of the months of ``period`` (all when ``None``), by month then service."""
        months = None if period is None else set(months_of(period))
        with self._uow() as uow:
            return uow.costs.list(periods=months)

    # -- the view ---------------------------------------------------------------------------------

    def report(self, period: str) -> list[CostEffectiveness]:
        """Every agreement in force in ``period``, by name (``docs/formulas.md`` section 15)."""
        months = months_of(period)
        with self._uow() as uow:
            plans = [
                plan
                for agreement in uow.catalogue.list("Agreement")
                if isinstance(agreement, Agreement) and (plan := self._credits.plan(uow, agreement, period)) is not None
            ]
            costs: dict[str, list[ServiceCost]] = {}
            for cost in uow.costs.list(periods=set(months)):
                costs.setdefault(cost.service, []).append(cost)
            sharers: dict[str, int] = {}
            for plan in plans:
                if self._side(plan.agreement) is Side.SELLS:
                    for service in plan.agreement.services:
                        sharers[service] = sharers.get(service, 0) + 1
            return [self._row(uow, plan, period, len(months), costs, sharers) for plan in plans]

    @staticmethod
    def _side(agreement: Agreement) -> Side:
        return Side.BUYS if agreement.kind is AgreementKind.UC else Side.SELLS

    def _row(
        self,
        uow: UnitOfWork,
        plan: PeriodPlan,
        period: str,
        months: int,
        costs: dict[str, list[ServiceCost]],
        sharers: dict[str, int],
    ) -> CostEffectiveness:
        agreement, version = plan.agreement, plan.version
        side = self._side(agreement)
        charge = None if version.charge is None else period_charge(version.charge.amount, version.charge.period, months)
        currency = None if version.charge is None else version.charge.currency
        mine = uow.credits.list(periods=within(period), agreement=agreement.name)
        credits = cents(sum((e.amount for e in mine if e.amount is not None), Decimal(0)))
        paid = cents(
            sum((e.amount for e in mine if e.amount is not None and e.status is CreditStatus.PAID), Decimal(0))
        )
        currency = currency or next((e.currency for e in mine if e.currency), None)
        cost = None
        missing: tuple[str, ...] = ()
        complete = True
        if side is Side.SELLS:
            totals: dict[str, Decimal] = {}
            short: list[str] = []
            for service in agreement.services:
                entered = costs.get(service, [])
                if entered:
                    totals[service] = sum((c.amount for c in entered), Decimal(0))
                    currency = currency or entered[0].currency
                    complete = complete and all(c.currency == currency for c in entered)
                if len({c.period for c in entered}) < months:
                    short.append(service)
            shared, _ = shared_cost(agreement.services, totals, sharers)
            cost = shared if totals else None
            missing = tuple(short)
            complete = complete and not missing
        attainment = self._attainment(uow, plan, period, mine)
        net, per_point, verdict = judged(
            side, charge=charge, credits=credits, cost=cost, attainment=attainment, complete=complete
        )
        return CostEffectiveness(
            agreement=agreement.name,
            kind=agreement.kind.value,
            side=side,
            period=period,
            currency=currency,
            charge=charge,
            credits=credits,
            credits_paid=paid,
            cost=cost,
            net=net,
            attainment=attainment,
            cost_per_point=per_point,
            verdict=verdict,
            services=tuple(agreement.services),
            missing=missing,
        )

    def _attainment(self, uow: UnitOfWork, plan: PeriodPlan, period: str, lines: Sequence[CreditEntry]) -> float | None:
        held = next((e for e in lines if e.basis is CreditBasis.SCHEDULE and e.period == period), None)
        if held is not None:
            return held.attainment
        targets = {t.objective.name: t for t in plan.targets}
        schedule = plan.version.credit_schedule
        names = (
            covered_objectives(schedule, {n: t.objective.target for n, t in targets.items()})
            if schedule is not None
            else []
        )
        figures = {
            name: self._evaluation.evaluate_target(
                uow, whole_period(targets[name], period), plan.at, top=0
            ).evaluation.attainment
            for name in (names or list(targets))
        }
        worst = graded(figures)
        return None if worst is None else worst[1]
