"""Proposals for change: the rules that turn a year's evidence into proposals (``docs/formulas.md``,
"Proposals for change"). Pure: the use case (``services.proposals``) reads the evidence, these
functions decide, and it stores what they return.

**Targets on a grid.** A proposed target is floored to a multiple of ``step`` (0.0005, half a
tenth of a point: 99.5, 99.9, 99.95 % are on it) so that it is a figure people write, never
above what the evidence backs, and at most ``max_target`` (0.9999: a target of 100 % leaves no
error budget).

**Raise a target** when the objective had at least ``min_measured`` periods with data, met its
target in every one of them, the target achievable with ``confidence`` (95 %; the lower of
history's order statistic and the simulation's quantile, ``core.engine.what_if.achievable``)
floors to a grid value above the current target, and its trend is not degrading.

**Relax a target** when the objective had at least ``min_measured`` periods with data, its trend
is not improving, and either it was breached in most of them (``2 * breached > measured``) or
the what-if at the current target expects at least ``relax_breaches`` breaches a year with a
credit exposure of at least ``relax_exposure`` of a year's charge. The new target is the
achievable one at the first of ``relax_confidences`` (95 %, then 90 %) that the evidence backs,
floored to the grid, when it is below the current target.

**Add an objective** for a ticket category (complaints) that is concentrated on a service: at
least ``complaint_min`` of the category's tickets in the evidence span, at least
``complaint_share`` of them on that service, and no objective in force measuring that service's
tickets.

**Renegotiate an underpinning contract** when its supplier's failures came with customer
breaches: customer objectives that depend on the supplier (through their services'
dependencies) breached in at least ``renegotiate_min`` periods in which the contract's own
objective was breached too (or, when dependency impact is known, in which the supplier explains
part of the breach). The contract's target is raised to the strictest target among the customer
objectives so breached when it is below it.

**Retire an agreement** that nobody uses: in force over the whole evidence span, with some way
to see use (events of a ratio indicator of its services, or a ticket indicator of them), and at
most ``retire_events`` events and ``retire_tickets`` tickets on its services in the span.

**Effect.** Breaches and credits a year before and after, from the what-if of the current and
the new target on the same view: the simulation when both have one, else history.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from slmo.core.model.agreement import Charge
from slmo.core.model.catalogue import Service
from slmo.core.model.evidence import CreditNote
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.proposal import Direction, Effect, Figure, FigureUnit, ProposalKind, Source
from slmo.core.model.targets import AchievableTarget, Basis, WhatIf
from slmo.core.model.text import LocalizedText
from slmo.core.model.ticket import TargetUnit, TicketTargets

# The mean Gregorian year in days, as the what-if counts periods in a year.
_YEAR_DAYS = Fraction("365.2425")
_CHARGE_PERIODS_PER_YEAR: Mapping[str, Fraction] = {
    "month": Fraction(12),
    "quarter": Fraction(4),
    "week": _YEAR_DAYS / 7,
    "year": Fraction(1),
}


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """The rules' figures (module docstring); ``docs/formulas.md`` gives the reason for each."""

    min_measured: int = 6
    confidence: float = 0.95
    relax_confidences: tuple[float, ...] = (0.95, 0.90)
    relax_breaches: float = 4.0
    relax_exposure: float = 0.05
    step: Fraction = Fraction(1, 2000)
    max_target: float = 0.9999
    complaint_min: int = 5
    complaint_share: float = 0.5
    renegotiate_min: int = 1
    retire_events: int = 0
    retire_tickets: int = 0


@dataclass(frozen=True, kw_only=True)
class Trend:
    """The trend test's verdict on an objective's periods, with its p-value."""

    direction: Direction
    p_value: float | None = None


@dataclass(frozen=True, kw_only=True)
class TargetFacts:
    """What the evidence says about one objective's target: each past period's attainment
    (``None`` without data) by ``labels``, the achievable targets, the what-if of the current
    ``target``, the trend when known, and the agreement's charge."""

    objective: str
    target: float
    span: str
    labels: tuple[str, ...]
    attainments: tuple[float | None, ...]
    achievable: tuple[AchievableTarget, ...]
    what_if: WhatIf
    trend: Trend | None = None
    charge: Charge | None = None

    @property
    def measured(self) -> tuple[float, ...]:
        return tuple(a for a in self.attainments if a is not None)

    @property
    def breached(self) -> tuple[str, ...]:
        """The periods whose attainment fell below the target (at the target is met)."""
        return tuple(
            label for label, a in zip(self.labels, self.attainments, strict=True) if a is not None and a < self.target
        )


@dataclass(frozen=True, kw_only=True)
class TargetDecision:
    """A target to propose for an objective, and the figures that back it."""

    kind: ProposalKind
    objective: str
    before: float
    after: float
    figures: tuple[Figure, ...]


# -- targets ---------------------------------------------------------------------------------


def on_grid(value: float, step: Fraction = Thresholds.step) -> float:
    """``value`` floored to a multiple of ``step``, exactly (0.99713 -> 0.997 on 0.0005)."""
    exact = Fraction(repr(value))
    return float(math.floor(exact / step) * step)


def _achievable(facts: TargetFacts, confidence: float) -> AchievableTarget | None:
    return next(
        (a for a in facts.achievable if Fraction(repr(a.confidence)) == Fraction(repr(confidence))),
        None,
    )


def rate_of(what_if: WhatIf, basis: Basis | None = None) -> tuple[float | None, Basis]:
    """Breaches a year on ``basis`` (by default the simulation when there is one, else history)."""
    chosen = basis or (Basis.SIMULATION if what_if.simulated is not None else Basis.HISTORY)
    found = what_if.simulated if chosen is Basis.SIMULATION else what_if.history
    return (None if found is None else found.per_year), chosen


def exposure_of(what_if: WhatIf, basis: Basis | None = None) -> tuple[Decimal | None, Basis]:
    """Credits a year on ``basis`` (as ``rate_of`` chooses it); ``None`` when not computed."""
    chosen = basis or (Basis.SIMULATION if what_if.simulated_exposure is not None else Basis.HISTORY)
    found = what_if.simulated_exposure if chosen is Basis.SIMULATION else what_if.history_exposure
    return (None if found is None else found.per_year), chosen


def charge_per_year(charge: Charge | None) -> Decimal | None:
    """A year of the charge, to the cent (a monthly charge times 12)."""
    if charge is None or charge.period not in _CHARGE_PERIODS_PER_YEAR:
        return None
    cents = Fraction(repr(charge.amount)) * 100 * _CHARGE_PERIODS_PER_YEAR[charge.period]
    whole = (2 * cents.numerator + cents.denominator) // (2 * cents.denominator)
    return Decimal(whole).scaleb(-2).quantize(Decimal("0.01"))


def _trend_figures(trend: Trend | None) -> list[Figure]:
    if trend is None:
        return []
    found = [Figure(name="trend", value=trend.direction.value, unit=FigureUnit.WORD, source=Source.TRENDS)]
    if trend.p_value is not None:
        found.append(
            Figure(name="trend_p_value", value=trend.p_value, unit=FigureUnit.PROBABILITY, source=Source.TRENDS)
        )
    return found


def _history_figures(facts: TargetFacts) -> list[Figure]:
    measured = facts.measured
    span = facts.span
    found = [
        Figure(name="target", value=facts.target, unit=FigureUnit.RATIO, source=Source.CATALOGUE),
        Figure(name="periods_measured", value=len(measured), unit=FigureUnit.COUNT, source=Source.EVIDENCE, span=span),
        Figure(
            name="periods_breached", value=len(facts.breached), unit=FigureUnit.COUNT, source=Source.EVIDENCE, span=span
        ),
    ]
    if measured:
        found += [
            Figure(
                name="lowest_attainment", value=min(measured), unit=FigureUnit.RATIO, source=Source.EVIDENCE, span=span
            ),
            Figure(
                name="highest_attainment", value=max(measured), unit=FigureUnit.RATIO, source=Source.EVIDENCE, span=span
            ),
        ]
    return found


def _what_if_figures(what_if: WhatIf) -> list[Figure]:
    rate, basis = rate_of(what_if)
    found = []
    if rate is not None:
        found.append(
            Figure(
                name="breaches_per_year",
                value=rate,
                unit=FigureUnit.PER_YEAR,
                source=Source.TARGETS,
                subject=basis.value,
            )
        )
    if what_if.history.per_year_upper is not None:
        found.append(
            Figure(
                name="breaches_per_year_upper",
                value=what_if.history.per_year_upper,
                unit=FigureUnit.PER_YEAR,
                source=Source.TARGETS,
                subject=Basis.HISTORY.value,
            )
        )
    credits, basis = exposure_of(what_if)
    exposure = what_if.simulated_exposure if basis is Basis.SIMULATION else what_if.history_exposure
    if credits is not None and exposure is not None:
        found.append(
            Figure(
                name="credits_per_year",
                value=str(credits),
                unit=FigureUnit.MONEY,
                source=Source.TARGETS,
                subject=basis.value,
                currency=exposure.currency,
            )
        )
    return found


def _achievable_figures(found: AchievableTarget) -> list[Figure]:
    return [
        Figure(name="confidence", value=found.confidence, unit=FigureUnit.RATIO, source=Source.TARGETS),
        Figure(
            name="achievable_target",
            value=found.target,
            unit=FigureUnit.RATIO,
            source=Source.TARGETS,
            subject=None if found.binding is None else found.binding.value,
        ),
    ]


def raise_target(facts: TargetFacts, rules: Thresholds = Thresholds()) -> TargetDecision | None:
    """The raised target the evidence backs (module docstring), or ``None``."""
    measured = facts.measured
    if len(measured) < rules.min_measured or facts.breached:
        return None
    if facts.trend is not None and facts.trend.direction is Direction.DEGRADING:
        return None
    found = _achievable(facts, rules.confidence)
    if found is None or found.target is None:
        return None
    after = min(on_grid(found.target, rules.step), rules.max_target)
    if not after > facts.target:
        return None
    figures = [
        *_history_figures(facts),
        *_achievable_figures(found),
        *_trend_figures(facts.trend),
        *_what_if_figures(facts.what_if),
    ]
    return TargetDecision(
        kind=ProposalKind.RAISE_TARGET,
        objective=facts.objective,
        before=facts.target,
        after=after,
        figures=tuple(figures),
    )


def exposure_share(facts: TargetFacts) -> Fraction | None:
    """The what-if's credits a year as a share of a year's charge (``None`` without either)."""
    credits, _ = exposure_of(facts.what_if)
    year = charge_per_year(facts.charge)
    if credits is None or year is None or year <= 0:
        return None
    return Fraction(credits) / Fraction(year)


def relax_target(facts: TargetFacts, rules: Thresholds = Thresholds()) -> TargetDecision | None:
    """The relaxed target the evidence backs (module docstring), or ``None``."""
    measured = facts.measured
    if len(measured) < rules.min_measured:
        return None
    if facts.trend is not None and facts.trend.direction is Direction.IMPROVING:
        return None
    breached = len(facts.breached)
    rate, _ = rate_of(facts.what_if)
    share = exposure_share(facts)
    most = 2 * breached > len(measured)
    costly = (
        rate is not None
        and rate >= rules.relax_breaches
        and share is not None
        and share >= Fraction(repr(rules.relax_exposure))
    )
    if not (most or costly):
        return None
    chosen = next(
        (a for c in rules.relax_confidences if (a := _achievable(facts, c)) is not None and a.target is not None), None
    )
    if chosen is None or chosen.target is None:
        return None
    after = on_grid(chosen.target, rules.step)
    if not 0 < after < facts.target:
        return None
    figures = [*_history_figures(facts), *_what_if_figures(facts.what_if)]
    if share is not None:
        figures.append(Figure(name="exposure_share", value=float(share), unit=FigureUnit.RATIO, source=Source.TARGETS))
    figures += [*_achievable_figures(chosen), *_trend_figures(facts.trend)]
    return TargetDecision(
        kind=ProposalKind.RELAX_TARGET,
        objective=facts.objective,
        before=facts.target,
        after=after,
        figures=tuple(figures),
    )


def _credits(what_if: WhatIf, basis: Basis) -> Decimal | None:
    # An objective the schedule no longer grades at its target earns no credits at all (the
    # schedule grades objectives of targets at or above its highest edge only).
    if what_if.credit_note is CreditNote.NOT_GRADED:
        return Decimal("0.00")
    return exposure_of(what_if, basis)[0]


def effect(before: WhatIf, after: WhatIf | None) -> Effect:
    """Breaches and credits a year at the current target (``before``) and at the new one
    (``after``; ``None``: not known), each on one view for both: the simulation when both have
    it, else history. The credit schedule is the version's, unchanged."""
    both_simulated = before.simulated is not None and (after is None or after.simulated is not None)
    rate_basis = Basis.SIMULATION if both_simulated else Basis.HISTORY
    sides = [w for w in (before, after) if w is not None and w.credit_note is not CreditNote.NOT_GRADED]
    money_simulated = bool(sides) and all(w.simulated_exposure is not None for w in sides)
    money_basis = Basis.SIMULATION if money_simulated else Basis.HISTORY
    exposures = [e for w in (before, after) if w is not None for e in (w.simulated_exposure, w.history_exposure)]
    currency = next((e.currency for e in exposures if e is not None), None)
    credits_before = _credits(before, money_basis)
    credits_after = None if after is None else _credits(after, money_basis)
    return Effect(
        breaches_before=rate_of(before, rate_basis)[0],
        breaches_after=None if after is None else rate_of(after, rate_basis)[0],
        credits_before=credits_before,
        credits_after=credits_after,
        currency=currency if credits_before is not None or credits_after is not None else None,
        basis=rate_basis.value,
        credits_basis=money_basis.value if credits_before is not None or credits_after is not None else None,
    )


# -- complaints -> a new objective ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Concentration:
    """Tickets of ``category`` on ``service``: ``count`` of the category's ``total``."""

    service: str
    category: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def figures(self, span: str) -> tuple[Figure, ...]:
        return (
            Figure(
                name="category_tickets",
                value=self.count,
                unit=FigureUnit.COUNT,
                source=Source.TICKETS,
                subject=f"{self.service}: {self.category}",
                span=span,
            ),
            Figure(
                name="category_total",
                value=self.total,
                unit=FigureUnit.COUNT,
                source=Source.TICKETS,
                subject=self.category,
                span=span,
            ),
            Figure(
                name="category_share",
                value=self.share,
                unit=FigureUnit.RATIO,
                source=Source.TICKETS,
                subject=self.service,
                span=span,
            ),
        )


def concentrations(
    counts: Mapping[tuple[str, str], int], covered: Collection[str], rules: Thresholds = Thresholds()
) -> list[Concentration]:
    """Per (service, category) ticket counts: the services a category concentrates on that no
    objective in force covers (``covered``: services whose tickets an objective measures)."""
    totals: dict[str, int] = {}
    for (_, category), count in counts.items():
        totals[category] = totals.get(category, 0) + count
    found = []
    for (service, category), count in sorted(counts.items()):
        if service in covered or count < rules.complaint_min:
            continue
        found_one = Concentration(service=service, category=category, count=count, total=totals[category])
        if Fraction(count, found_one.total) >= Fraction(repr(rules.complaint_share)):
            found.append(found_one)
    return found


def slug(text: str) -> str:
    """A name made of ``text``: lower case, runs of anything but letters and digits as one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tickets"


# The starting terms of a new ticket objective when no objective in force measures tickets the
# same way: a draft, edited before it is proposed.
DEFAULT_TICKET_TARGET = 0.9
DEFAULT_PRIORITIES = ("P1", "P2", "P3", "P4")
DEFAULT_TICKET_SECONDS = 8 * 3600


def new_objective(
    category: str,
    indicator: str,
    display_name: LocalizedText,
    template: Objective | None,
    priorities: Sequence[str] = (),
) -> Objective:
    """The objective a concentration of ``category`` tickets suggests, on ticket ``indicator``:
    the terms of ``template`` (an objective in force on a ticket indicator with the same clock)
    when there is one, else a month's window, 90 % of tickets within 8 business hours."""
    name = f"{slug(category)}-tickets"
    if template is not None:
        return Objective(
            name=name,
            display_name=display_name,
            indicator=indicator,
            target=template.target,
            window=template.window,
            calendar=template.calendar,
            tickets=template.tickets,
        )
    return Objective(
        name=name,
        display_name=display_name,
        indicator=indicator,
        target=DEFAULT_TICKET_TARGET,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False),
        tickets=TicketTargets(
            unit=TargetUnit.BUSINESS,
            targets={p: DEFAULT_TICKET_SECONDS for p in (priorities or DEFAULT_PRIORITIES)},
        ),
    )


# -- suppliers -------------------------------------------------------------------------------


def suppliers_of(services: Mapping[str, Service], name: str) -> set[str]:
    """The supplier parties service ``name`` depends on, directly or through other services."""
    found: set[str] = set()
    seen = {name}
    frontier = [name]
    while frontier:
        service = services.get(frontier.pop())
        if service is None:
            continue
        found.update(service.depends_on_suppliers)
        for dependency in service.depends_on_services:
            if dependency not in seen:
                seen.add(dependency)
                frontier.append(dependency)
    return found


@dataclass(frozen=True, kw_only=True)
class CustomerBreach:
    """A customer objective (``AGREEMENT/OBJECTIVE`` at ``target``) breached in ``period``."""

    objective: str
    target: float
    period: str


@dataclass(frozen=True, kw_only=True)
class SupplierFacts:
    """An underpinning contract's objective and what came with its supplier's failures.

    ``breached`` are the periods the contract's objective was breached; ``customer`` the
    breaches of customer objectives depending on the supplier in the span; ``explained``, when
    dependency impact is known, the customer breaches (of ``customer``) in which the supplier
    was failing, which then replace the coincidence of periods. The ledger's figures: credits
    the contract owed over the span and those paid, and the customer credits of the periods
    of the breaches counted; the claims' (``lost``): credits claimed from the supplier that it
    rejected or that expired unfiled."""

    contract: TargetFacts
    supplier: str
    customer: tuple[CustomerBreach, ...]
    explained: tuple[CustomerBreach, ...] | None = None
    owed: Decimal | None = None
    paid: Decimal | None = None
    customer_credits: Decimal | None = None
    lost: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, kw_only=True)
class Renegotiation:
    objective: str
    before: float
    after: float
    caused: tuple[CustomerBreach, ...]
    figures: tuple[Figure, ...]


def renegotiate(facts: SupplierFacts, rules: Thresholds = Thresholds()) -> Renegotiation | None:
    """The renegotiation the supplier's record calls for (module docstring), or ``None``."""
    contract = facts.contract
    if facts.explained is not None:
        caused = facts.explained
        source = Source.IMPACT
    else:
        failed = set(contract.breached)
        caused = tuple(b for b in facts.customer if b.period in failed)
        source = Source.EVIDENCE
    periods = sorted({b.period for b in caused})
    if len(periods) < rules.renegotiate_min:
        return None
    strictest = max(b.target for b in caused)
    after = max(contract.target, min(strictest, rules.max_target))
    figures = [
        *_history_figures(contract),
        Figure(name="supplier", value=facts.supplier, unit=FigureUnit.WORD, source=Source.CATALOGUE),
        Figure(name="caused_breaches", value=len(caused), unit=FigureUnit.COUNT, source=source, span=contract.span),
        Figure(name="caused_periods", value=", ".join(periods), unit=FigureUnit.WORD, source=source),
        Figure(
            name="customer_objectives",
            value=", ".join(sorted({b.objective for b in caused})),
            unit=FigureUnit.WORD,
            source=source,
        ),
        Figure(name="strictest_customer_target", value=strictest, unit=FigureUnit.RATIO, source=Source.CATALOGUE),
    ]
    for name, amount in (
        ("credits_owed", facts.owed),
        ("credits_paid", facts.paid),
        ("customer_credits", facts.customer_credits),
    ):
        if amount is not None:
            figures.append(
                Figure(
                    name=name,
                    value=str(amount),
                    unit=FigureUnit.MONEY,
                    source=Source.LEDGER,
                    span=contract.span,
                    currency=facts.currency,
                )
            )
    if facts.lost is not None:
        figures.append(
            Figure(
                name="credits_lost",
                value=str(facts.lost),
                unit=FigureUnit.MONEY,
                source=Source.CLAIMS,
                span=contract.span,
                currency=facts.currency,
            )
        )
    if facts.owed is not None and facts.paid is not None:
        figures.append(
            Figure(
                name="credits_unpaid",
                value=str(facts.owed - facts.paid),
                unit=FigureUnit.MONEY,
                source=Source.LEDGER,
                span=contract.span,
                currency=facts.currency,
            )
        )
    figures += _what_if_figures(contract.what_if)
    return Renegotiation(
        objective=contract.objective, before=contract.target, after=after, caused=caused, figures=tuple(figures)
    )


# -- usage -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Usage:
    """What was used of an agreement's services over the span: ``events`` of their ratio
    indicators (``None``: none has one) and ``tickets`` opened on them (``None``: none has a
    ticket indicator); ``whole_span`` whether the agreement was in force over all of it."""

    events: int | None
    tickets: int | None
    whole_span: bool


def unused(usage: Usage, rules: Thresholds = Thresholds()) -> bool:
    """Whether nobody used the agreement's services over the span (module docstring)."""
    if not usage.whole_span or (usage.events is None and usage.tickets is None):
        return False
    return (usage.events is None or usage.events <= rules.retire_events) and (
        usage.tickets is None or usage.tickets <= rules.retire_tickets
    )


def usage_figures(usage: Usage, span: str) -> tuple[Figure, ...]:
    found = []
    if usage.events is not None:
        found.append(
            Figure(name="events", value=usage.events, unit=FigureUnit.COUNT, source=Source.MEASUREMENTS, span=span)
        )
    if usage.tickets is not None:
        found.append(
            Figure(name="tickets", value=usage.tickets, unit=FigureUnit.COUNT, source=Source.TICKETS, span=span)
        )
    return tuple(found)


def retirement_effect(facts: Sequence[TargetFacts], credits: Decimal | None, currency: str | None) -> Effect:
    """Retiring ends every breach and credit: a year of breaches at the current targets (the
    sum of the objectives' rates, on history, the view every objective has) and the credits of
    the span's ledger, to none."""
    rates = [rate_of(f.what_if, Basis.HISTORY)[0] for f in facts]
    known = [r for r in rates if r is not None]
    return Effect(
        breaches_before=math.fsum(known) if known else None,
        breaches_after=0.0,
        credits_before=credits,
        credits_after=None if credits is None else Decimal("0.00"),
        currency=currency,
        basis=Basis.HISTORY.value,
        credits_basis=None if credits is None else Basis.HISTORY.value,
    )
