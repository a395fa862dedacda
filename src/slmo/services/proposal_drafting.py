"""Drafting proposals for change (``services.proposals``): each agreement in force at the
horizon's cut with its objectives' target studies (``TargetService.study``, read as of the cut,
for a year of periods: 12 months, 4 quarters or 52 weeks, the periods nearest the objective's
window), then the proposals ``core.engine.proposals`` draws from them: raised and relaxed
targets with the what-if of the new target, objectives for concentrated complaints, underpinning
contracts to renegotiate and agreements to retire.

An objective with nothing measured over the span is not studied (it has no evidence); a study
that fails (an objective that cannot be evaluated) is logged and left out, so that one bad
objective does not stop the others' proposals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slmo.core.engine.proposals import (
    Concentration,
    CustomerBreach,
    SupplierFacts,
    TargetFacts,
    Thresholds,
    Trend,
    Usage,
    charge_per_year,
    concentrations,
    effect,
    new_objective,
    raise_target,
    relax_target,
    renegotiate,
    retirement_effect,
    suppliers_of,
    unused,
    usage_figures,
)
from slmo.core.model import (
    Agreement,
    AgreementKind,
    AgreementVersion,
    Indicator,
    IndicatorKind,
    PartyRole,
    Service,
    WindowUnit,
)
from slmo.core.model.audit import Actor
from slmo.core.model.objective import Objective
from slmo.core.model.proposal import (
    Change,
    Direction,
    Effect,
    Figure,
    FigureUnit,
    Proposal,
    ProposalKind,
    Source,
    TargetChange,
)
from slmo.core.model.targets import TargetStudy, WhatIf
from slmo.core.model.text import LocalizedText
from slmo.core.ports import UnitOfWork, UnitOfWorkFactory
from slmo.errors import SlmoError
from slmo.i18n import gettext
from slmo.services.evaluate import EvaluationService
from slmo.services.evidence import EvidenceService
from slmo.services.impact import ImpactService
from slmo.services.proposal_facts import (
    MONTHS,
    Horizon,
    agreement_zone,
    claims_lost,
    events,
    horizon,
    in_force_since,
    ledger_sums,
    measured,
    ticket_categories,
    ticket_indicator,
    tickets_opened,
)
from slmo.services.targets import TargetService, default_per
from slmo.services.trends import TrendService

logger = logging.getLogger(__name__)

# Periods of the evidence, a year of each.
PERIODS = {"month": 12, "quarter": 4, "week": 52}
# The trend of an objective's periods (``AGREEMENT/OBJECTIVE``), when something can tell it
# (``None``: not known).
TrendReader = Callable[[str, Horizon], Trend | None]


def trend_reader(trends: TrendService) -> TrendReader:
    """The trend of an objective over the twelve whole months before the horizon's cut, the
    evidence's months, as ``TrendService`` tests it (``docs/formulas.md``, "Trends and step
    changes"); ``None`` when it cannot tell: too few months with data, or no such objective."""

    def read(objective: str, where: Horizon) -> Trend | None:
        try:
            found = trends.trends(objective=objective, unit=WindowUnit.MONTH, periods=MONTHS, at=where.at)
        except SlmoError as error:
            logger.info("no trend of %s: %s", objective, error)
            return None
        verdict = found[0].verdict if found else None
        if verdict is None:
            return None
        test = found[0].test
        return Trend(direction=Direction(verdict.value), p_value=None if test is None else test.p_value)

    return read


class _PinnedClock:
    """The clock of the evidence: always the horizon's cut."""

    def __init__(self, at: dt.datetime) -> None:
        self._at = at

    def now(self) -> dt.datetime:
        return self._at


@dataclass
class Subject:
    """One agreement in force at the cut, with what was read of it."""

    agreement: Agreement
    version: AgreementVersion
    horizon: Horizon
    facts: dict[str, TargetFacts]
    studies: dict[str, TargetStudy]


class Drafter:
    """Reads the evidence of each agreement in force and drafts the proposals it supports."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        *,
        rules: Thresholds,
        complaints: Sequence[str],
        trends: TrendReader | None,
        draws: int,
        seed: int,
        impact: ImpactService | None = None,
    ) -> None:
        self._uow = uow
        self._impact = impact
        self._evaluation = evaluation
        self._rules = rules
        self._complaints = tuple(complaints)
        self._trends = trends
        self._draws = draws
        self._seed = seed

    def _targets(self, at: dt.datetime) -> TargetService:
        pinned = _PinnedClock(at)
        evidence = EvidenceService(self._uow, self._evaluation, pinned)
        return TargetService(self._uow, self._evaluation, evidence, pinned, draws=self._draws, seed=self._seed)

    def read(self, label: str, now: int) -> list[Subject]:
        """Every agreement in force at its cut, with each objective's target study and facts."""
        found: list[Subject] = []
        with self._uow() as uow:
            agreements = sorted(
                (a for a in uow.catalogue.list("Agreement") if isinstance(a, Agreement)), key=lambda a: a.name
            )
            subjects = []
            for agreement in agreements:
                zone = agreement_zone(uow, agreement.active_version() or agreement.latest_version())
                where = horizon(label, zone, now)
                version = agreement.active_version(where.cut_day())
                if version is None:
                    continue
                # An objective with nothing measured over the span has no evidence to study.
                kept = []
                for objective in version.objectives:
                    indicator = uow.catalogue.get("Indicator", objective.indicator)
                    if isinstance(indicator, Indicator) and measured(uow, indicator, where.start, where.end):
                        kept.append(objective)
                subjects.append((agreement, version, where, kept))
        for agreement, version, where, objectives in subjects:
            studies: dict[str, TargetStudy] = {}
            facts: dict[str, TargetFacts] = {}
            targets = self._targets(where.at)
            for objective in objectives:
                per = default_per(objective.window)
                key = f"{agreement.name}/{objective.name}"
                try:
                    study = targets.study(key, periods=PERIODS[per], per=per)
                except SlmoError as error:
                    logger.info("no evidence for %s: %s", key, error)
                    continue
                studies[objective.name] = study
                facts[objective.name] = self._facts(study, version, where)
            found.append(Subject(agreement, version, where, facts, studies))
        return found

    def _facts(self, study: TargetStudy, version: AgreementVersion, where: Horizon) -> TargetFacts:
        periods = study.evidence.periods
        return TargetFacts(
            objective=study.evidence.objective,
            target=study.evidence.target,
            span=f"{periods[0].label}..{periods[-1].label}" if periods else where.span,
            labels=tuple(p.label for p in periods),
            attainments=tuple(p.attainment for p in periods),
            achievable=study.achievable,
            what_if=study.what_if,
            charge=version.charge,
        )

    def drafted(
        self, uow: UnitOfWork, label: str, read: list[Subject], actor: Actor, now: dt.datetime
    ) -> list[Proposal]:
        def proposal(
            subject: Subject,
            kind: ProposalKind,
            objective: str | None,
            change: Change,
            figures: Sequence[Figure],
            result: Effect,
        ) -> Proposal:
            return Proposal(
                period=label,
                kind=kind,
                agreement=subject.agreement.name,
                objective=objective,
                version=subject.version.number,
                evidence_span=subject.horizon.span,
                change=change,
                evidence=tuple(figures),
                effect=result,
                drafted_at=now,
                drafted_by=actor.name,
            )

        found: list[Proposal] = []
        for subject in read:
            for name, read_facts in subject.facts.items():
                facts = read_facts
                decision = raise_target(facts, self._rules) or relax_target(facts, self._rules)
                if decision is not None and self._trends is not None:
                    # The trend only holds a change back (and adds its figures): it is read, a
                    # year of periods more, for the objectives that would change without it.
                    trend = self._trends(f"{subject.agreement.name}/{name}", subject.horizon)
                    facts = dataclasses.replace(facts, trend=trend)
                    decision = raise_target(facts, self._rules) or relax_target(facts, self._rules)
                if decision is None:
                    continue
                after = self._what_if(subject, name, decision.after)
                found.append(
                    proposal(
                        subject,
                        decision.kind,
                        name,
                        Change(target=TargetChange(objective=name, before=decision.before, after=decision.after)),
                        decision.figures,
                        effect(facts.what_if, after),
                    )
                )
        found += self._complaints_proposals(uow, read, proposal)
        found += self._supplier_proposals(uow, read, proposal)
        found += self._retirements(uow, read, proposal)
        return found

    def _what_if(self, subject: Subject, objective: str, target: float) -> WhatIf | None:
        study = subject.studies[objective]
        per = {WindowUnit.MONTH.value: "month", WindowUnit.QUARTER.value: "quarter", WindowUnit.WEEK.value: "week"}
        unit = per[study.evidence.unit]
        try:
            return (
                self._targets(subject.horizon.at)
                .study(f"{subject.agreement.name}/{objective}", what_if=target, periods=PERIODS[unit], per=unit)
                .what_if
            )
        except SlmoError as error:
            logger.info("no what-if of %s/%s at %s: %s", subject.agreement.name, objective, target, error)
            return None

    # -- complaints ------------------------------------------------------------------------------

    def _complaints_proposals(
        self, uow: UnitOfWork, read: list[Subject], proposal: Callable[..., Proposal]
    ) -> list[Proposal]:
        if not read or not self._complaints:
            return []
        where = min((s.horizon for s in read), key=lambda h: h.start)
        counts = ticket_categories(uow, self._complaints, where.start, where.end)
        covered = set()
        for subject in read:
            for objective in subject.version.objectives:
                indicator = uow.catalogue.get("Indicator", objective.indicator)
                if isinstance(indicator, Indicator) and indicator.kind is IndicatorKind.TICKET and indicator.service:
                    covered.add(indicator.service)
        found = []
        for concentration in concentrations(counts, covered, self._rules):
            for subject in read:
                if (
                    subject.agreement.kind is AgreementKind.UC
                    or concentration.service not in subject.agreement.services
                ):
                    continue
                added = self._new_objective(uow, read, subject, concentration)
                name = added.name if isinstance(added, Objective) else added
                figures = [
                    *concentration.figures(subject.horizon.span),
                    Figure(
                        name="indicator",
                        value=added.indicator if isinstance(added, Objective) else None,
                        unit=FigureUnit.WORD,
                        source=Source.CATALOGUE,
                        subject=concentration.service,
                    ),
                ]
                change = Change(
                    added=added if isinstance(added, Objective) else None,
                    service=concentration.service,
                    category=concentration.category,
                )
                found.append(proposal(subject, ProposalKind.ADD_OBJECTIVE, name, change, figures, Effect()))
        return found

    @staticmethod
    def _new_objective(
        uow: UnitOfWork, read: list[Subject], subject: Subject, concentration: Concentration
    ) -> Objective | str:
        """The objective to add, or its name alone while the service has no ticket indicator."""
        display = LocalizedText(
            en=gettext("proposals.objective_name", "en", category=concentration.category),
            ar=gettext("proposals.objective_name", "ar", category=concentration.category),
        )
        indicator = ticket_indicator(uow, concentration.service)
        clock = None if indicator is None or indicator.ticket is None else indicator.ticket.clock
        template = None
        for other in read:
            for objective in other.version.objectives:
                used = uow.catalogue.get("Indicator", objective.indicator)
                if (
                    template is None
                    and objective.tickets is not None
                    and isinstance(used, Indicator)
                    and used.ticket is not None
                    and used.ticket.clock == clock
                ):
                    template = objective
        priorities = () if indicator is None or indicator.ticket is None else indicator.ticket.priorities
        made = new_objective(concentration.category, indicator.name if indicator else "", display, template, priorities)
        taken = {o.name for o in subject.version.objectives}
        name, n = made.name, 1
        while name in taken:
            n += 1
            name = f"{made.name}-{n}"
        return dataclasses.replace(made, name=name) if indicator is not None else name

    # -- suppliers -------------------------------------------------------------------------------

    def _supplier_proposals(
        self, uow: UnitOfWork, read: list[Subject], proposal: Callable[..., Proposal]
    ) -> list[Proposal]:
        services = {s.name: s for s in uow.catalogue.list("Service") if isinstance(s, Service)}
        found = []
        for contract in read:
            if contract.agreement.kind is not AgreementKind.UC:
                continue
            for supplier in contract.agreement.parties_in_role(PartyRole.PROVIDER):
                customers = [
                    s
                    for s in read
                    if s.agreement.kind is AgreementKind.SLA
                    and any(supplier in suppliers_of(services, name) for name in s.agreement.services)
                ]
                explained = self._explained(supplier, customers, contract.horizon)
                for name, facts in contract.facts.items():
                    unit = contract.studies[name].evidence.unit
                    breaches = tuple(
                        CustomerBreach(objective=f"{c.agreement.name}/{o}", target=f.target, period=period)
                        for c in customers
                        for o, f in c.facts.items()
                        if c.studies[o].evidence.unit == unit
                        for period in f.breached
                    )
                    known = self._supplier_facts(uow, contract, facts, supplier, breaches, explained)
                    decision = renegotiate(known, self._rules)
                    if decision is None:
                        continue
                    after = self._what_if(contract, name, decision.after) if decision.after != decision.before else None
                    found.append(
                        proposal(
                            contract,
                            ProposalKind.RENEGOTIATE_UC,
                            name,
                            Change(target=TargetChange(objective=name, before=decision.before, after=decision.after)),
                            decision.figures,
                            effect(facts.what_if, after),
                        )
                    )
        return found

    def _explained(self, supplier: str, customers: list[Subject], where: Horizon) -> tuple[CustomerBreach, ...] | None:
        """The customer breaches of each month of the span that dependency impact finds
        ``supplier`` failing in (a breach over two months counts in each); ``None`` when no
        impact is wired or no customer breach is on record (then the months' coincidence decides)."""
        if self._impact is None or not customers:
            return None
        targets = {f"{c.agreement.name}/{o.name}": o.target for c in customers for o in c.version.objectives}
        found: list[CustomerBreach] = []
        examined = False
        for label in where.labels:
            for item in self._impact.breaches(label, agreements={c.agreement.name for c in customers}):
                examined = True
                target = item.target if item.target is not None else targets.get(item.key)
                if supplier in item.suppliers and target is not None:
                    found.append(CustomerBreach(objective=item.key, target=target, period=label))
        return tuple(found) if examined else None

    @staticmethod
    def _supplier_facts(
        uow: UnitOfWork,
        contract: Subject,
        facts: TargetFacts,
        supplier: str,
        breaches: tuple[CustomerBreach, ...],
        explained: tuple[CustomerBreach, ...] | None,
    ) -> SupplierFacts:
        labels = set(contract.horizon.labels)
        owed = ledger_sums(uow, [contract.agreement.name], labels)
        failed = set(facts.breached)
        caused = explained if explained is not None else [b for b in breaches if b.period in failed]
        customer = ledger_sums(uow, {b.objective.split("/", 1)[0] for b in caused}, {b.period for b in caused})
        return SupplierFacts(
            contract=facts,
            supplier=supplier,
            customer=breaches,
            explained=explained,
            owed=owed.owed,
            paid=owed.paid,
            customer_credits=customer.owed,
            lost=claims_lost(uow, contract.agreement.name, labels),
            currency=owed.currency or customer.currency,
        )

    # -- retirement ------------------------------------------------------------------------------

    def _retirements(self, uow: UnitOfWork, read: list[Subject], proposal: Callable[..., Proposal]) -> list[Proposal]:
        found = []
        for subject in read:
            where = subject.horizon
            since = in_force_since(subject.agreement)
            usage = Usage(
                events=events(uow, subject.agreement.services, where.start, where.end),
                tickets=tickets_opened(uow, subject.agreement.services, where.start, where.end),
                whole_span=since is None or since <= where.first_day(),
            )
            if not unused(usage, self._rules):
                continue
            sums = ledger_sums(uow, [subject.agreement.name], set(where.labels))
            figures = [*usage_figures(usage, where.span)]
            year = charge_per_year(subject.version.charge)
            charge = subject.version.charge
            if year is not None and charge is not None:
                figures.append(
                    Figure(
                        name="charge_per_year",
                        value=str(year),
                        unit=FigureUnit.MONEY,
                        source=Source.CATALOGUE,
                        currency=charge.currency,
                    )
                )
            if sums.owed is not None:
                figures.append(
                    Figure(
                        name="credits_owed",
                        value=str(sums.owed),
                        unit=FigureUnit.MONEY,
                        source=Source.LEDGER,
                        span=where.span,
                        currency=sums.currency,
                    )
                )
            result = retirement_effect(list(subject.facts.values()), sums.owed, sums.currency)
            found.append(proposal(subject, ProposalKind.RETIRE_AGREEMENT, None, Change(retire=True), figures, result))
        return found
