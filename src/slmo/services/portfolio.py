"""The portfolio view: every agreement in force on one line over a month, quarter or year (its
health, the trend over the last four periods, its money, its risk and its review), grouped by
customer, service, supplier or tier and sorted by any column (``core.engine.portfolio``; rules
in ``docs/formulas.md``, "Portfolio").

Where the figures come from, and why a page of 200 agreements and 2,000 objectives stays fast:

- **Health and trend** are read from the **closed periods** (``services/closes.py``: each
  objective's final evaluation of each ended month, quarter, week or year, kept for good),
  never evaluated again. Closed periods are never replaced, so the service keeps what it read
  per period label and asks the store only for what was closed since the chain's head it
  noted (``PeriodCloseRepository.list(after=...)``): a page load reads one row for them. A
  period still running adds each objective's **current standing** (the status board, the
  scheduler's stored evaluations), which is where it stands now.
- **Risk** is the highest forecast breach probability among the agreement's objectives on the
  status board (``ObjectiveEvaluation.forecast``): where their windows are heading now,
  whichever period is viewed.
- **Review status** is today's: the next review date and whether it is due or overdue, by the
  rules of ``services/reviews.py`` (one query for every agreement's reviews).
- **Money** is the period's, as the cost-effectiveness view takes it (``services/costs.py``):
  the version's charge for the period, its share of its services' costs, the credits
  ledger's lines of the period, the net. Costs and the net are shown only to those who may read
  costs (admins, managers, viewers).
- **Which agreements.** Those with a version in force on the period's last day (today for a
  period still running); its objectives are that version's. Periods are calendar periods in
  UTC here (an agreement's own time zone shifts its closed periods, not their labels).
- **Walls.** A customer sees the lines of its own agreements only, never an underpinning
  contract's, and no supplier on any line (so it may not group by supplier).

The catalogue, as read, is kept until its fingerprint moves, as the status board does.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from slmo.core.engine import epoch_seconds, named_period, period_label
from slmo.core.engine.costs import period_charge
from slmo.core.engine.portfolio import (
    agreement_money,
    belongs,
    closed_labels,
    group_lines,
    health,
    highest_risk,
    parse_group,
    parse_sort,
    portfolio_unit,
    sort_lines,
    totals,
    trend,
    trend_periods,
    trend_point,
)
from slmo.core.engine.reviews import DEFAULT_MONTHS, agreement_next, review_state
from slmo.core.model import Agreement, AgreementKind, AgreementVersion, Party, PartyRole, Service, WindowUnit
from slmo.core.model.ledger import CreditEntry, ServiceCost, Side
from slmo.core.model.period_close import ClosedPeriod
from slmo.core.model.portfolio import (
    Figure,
    GroupBy,
    Portfolio,
    PortfolioLine,
    ReviewStanding,
    SortColumn,
)
from slmo.core.model.results import Evaluation, EvaluationStatus
from slmo.core.model.review import Review
from slmo.core.model.text import LocalizedText
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import PermissionDeniedError, Problem, SpecError
from slmo.services.costs import months_of, within
from slmo.services.evaluate import EvaluationService

Key = tuple[str, str]


@dataclass(frozen=True)
class Reader:
    """Whose portfolio: ``agreements`` limits the lines (``None``: every agreement); a
    ``customer`` sees no underpinning contract and no supplier; without ``costs`` the lines'
    costs and nets are left out."""

    agreements: frozenset[str] | None = None
    customer: bool = False
    costs: bool = True


EVERYTHING = Reader()


@dataclass
class _Catalogue:
    """What the lines need from the catalogue, kept until its fingerprint moves."""

    fingerprint: tuple[int, ...]
    agreements: list[Agreement]
    services: dict[str, Service]
    names: dict[str, LocalizedText]


@dataclass
class _Closes:
    """Figures of closed periods by label, complete up to the chain's position ``mark``."""

    mark: int = 0
    labels: set[str] = field(default_factory=set)
    figures: dict[str, dict[Key, Figure]] = field(default_factory=dict)


class PortfolioService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self._lock = threading.Lock()
        self._catalogue: _Catalogue | None = None
        self._closes = _Closes()
        # When each agreement was first stored (its first audit entry's day): it never changes.
        self._registered: dict[str, dt.date] = {}

    # -- reading, kept ------------------------------------------------------------------------

    def _read_catalogue(self, uow: UnitOfWork) -> _Catalogue:
        fingerprint = uow.catalogue.fingerprint()
        held = self._catalogue
        if held is not None and held.fingerprint == fingerprint:
            return held
        agreements = [a for a in uow.catalogue.list("Agreement") if isinstance(a, Agreement)]
        services = {s.name: s for s in uow.catalogue.list("Service") if isinstance(s, Service)}
        names: dict[str, LocalizedText] = {name: s.display_name for name, s in services.items()}
        names.update((p.name, p.display_name) for p in uow.catalogue.list("Party") if isinstance(p, Party))
        self._catalogue = _Catalogue(fingerprint, agreements, services, names)
        return self._catalogue

    def _read_closes(self, uow: UnitOfWork, labels: frozenset[str]) -> _Closes:
        held = self._closes
        head = uow.period_closes.chain_head().seq
        if head < held.mark:
            # A store that went back (restored from a backup): read everything again.
            held = self._closes = _Closes()
        if head > held.mark and held.labels:
            self._take(held, uow.period_closes.list(periods=held.labels, after=held.mark))
        missing = labels - held.labels
        if missing:
            self._take(held, uow.period_closes.list(periods=missing))
            held.labels |= missing
        held.mark = max(held.mark, head)
        return held

    @staticmethod
    def _take(held: _Closes, closed: Collection[ClosedPeriod]) -> None:
        for item in closed:
            held.figures.setdefault(item.period, {})[(item.agreement, item.objective)] = _figure(item.record.evaluation)

    def _registered_on(self, uow: UnitOfWork, agreement: str, today: dt.date) -> dt.date:
        if agreement not in self._registered:
            entries = uow.audit.list(kind="Agreement", name=agreement, limit=None)
            if not entries:
                return today
            self._registered[agreement] = entries[0].at.date()
        return self._registered[agreement]

    # -- the view -----------------------------------------------------------------------------

    def current_period(self) -> str:
        """The quarter running now (UTC): the portfolio's default."""
        return period_label(self._clock.now(), WindowUnit.QUARTER)

    def portfolio(
        self,
        period: str | None = None,
        group_by: str | GroupBy | None = None,
        sort: str | SortColumn | None = None,
        descending: bool = False,
        reader: Reader = EVERYTHING,
    ) -> Portfolio:
        """Every agreement in force in ``period`` (the running quarter by default) on one line.
        ``SpecError`` naming the field for a bad period, grouping or column;
        ``PermissionDeniedError`` for a customer grouping by supplier."""
        label = (period or "").strip() or self.current_period()
        portfolio_unit(label)
        grouping = group_by if isinstance(group_by, GroupBy) else parse_group(group_by)
        column = sort if isinstance(sort, SortColumn) else parse_sort(sort)
        if reader.customer and grouping is GroupBy.SUPPLIER:
            raise PermissionDeniedError(
                "customers may not group the portfolio by supplier", key="error.permission_portfolio_supplier"
            )
        now = self._clock.now()
        span = named_period(label)
        t = epoch_seconds(now)
        if span.start > t:
            raise SpecError(
                [
                    Problem(
                        None,
                        "period",
                        f"{label} has not begun",
                        key="portfolio.period_future",
                        args={"period": label},
                    )
                ]
            )
        complete = span.end <= t
        day = dt.datetime.fromtimestamp(min(span.end - 1, t), dt.UTC).date()
        periods = trend_periods(label)
        standing = self._evaluation.current()
        with self._lock, self._uow() as uow:
            catalogue = self._read_catalogue(uow)
            closes = self._read_closes(uow, closed_labels(periods))
            months = months_of(label)
            credits = uow.credits.list(periods=within(label))
            costs = uow.costs.list(periods=set(months))
            reviews = uow.reviews.list(subject_kind="Agreement")
            in_force = [(a, v) for a in catalogue.agreements if (v := a.active_version(day)) is not None]
            in_force = [(a, v) for a, v in in_force if _visible(a, reader)]
            today = now.date()
            registered = {
                a.name: self._registered_on(uow, a.name, today) for a, v in in_force if v.effective_from is None
            }
        # Everything below reads only what was read above: no store, no lock.
        by_period: dict[str, dict[Key, list[Figure]]] = {p: {} for p in periods}
        for closed_label, figures in closes.figures.items():
            target = belongs(closed_label, portfolio_unit(label))
            if target in by_period:
                for key, figure in figures.items():
                    by_period[target].setdefault(key, []).append(figure)
        risks: dict[str, dict[str, float | None]] = {}
        for row in standing.rows:
            record = row.record
            key = (record.agreement, record.evaluation.objective)
            if not complete:
                by_period[label].setdefault(key, []).append(_figure(record.evaluation))
            forecast = record.forecast
            risks.setdefault(record.agreement, {})[record.evaluation.objective] = (
                None if forecast is None else forecast.breach_probability
            )
        credits_of: dict[str, list[CreditEntry]] = {}
        for entry in credits:
            credits_of.setdefault(entry.agreement, []).append(entry)
        costs_of: dict[str, list[ServiceCost]] = {}
        for cost in costs:
            costs_of.setdefault(cost.service, []).append(cost)
        sharers: dict[str, int] = {}
        every_sold = [a for a in catalogue.agreements if a.kind is not AgreementKind.UC and a.active_version(day)]
        for agreement in every_sold:
            for service in agreement.services:
                sharers[service] = sharers.get(service, 0) + 1
        last_review: dict[str, Review] = {}
        for review in reviews:
            held = last_review.get(review.subject)
            if held is None or (review.date, review.id or 0) > (held.date, held.id or 0):
                last_review[review.subject] = review
        lines = [
            self._line(
                agreement,
                version,
                catalogue,
                reader,
                periods=periods,
                by_period=by_period,
                risks=risks.get(agreement.name, {}),
                credits=credits_of.get(agreement.name, []),
                costs=costs_of,
                sharers=sharers,
                months=len(months),
                review=_review(version, last_review.get(agreement.name), registered.get(agreement.name), today),
            )
            for agreement, version in in_force
        ]
        ordered = sort_lines(lines, column, descending)
        return Portfolio(
            period=label,
            periods=periods,
            complete=complete,
            generated_at=now,
            group_by=grouping,
            sort=column,
            descending=descending,
            lines=tuple(ordered),
            groups=tuple(group_lines(ordered, grouping)) if grouping is not None else (),
            totals=totals(ordered),
            costs_shown=reader.costs,
            names=_names(catalogue, ordered),
        )

    @staticmethod
    def _line(
        agreement: Agreement,
        version: AgreementVersion,
        catalogue: _Catalogue,
        reader: Reader,
        *,
        periods: tuple[str, ...],
        by_period: Mapping[str, Mapping[Key, list[Figure]]],
        risks: Mapping[str, float | None],
        credits: list[CreditEntry],
        costs: Mapping[str, list[ServiceCost]],
        sharers: Mapping[str, int],
        months: int,
        review: ReviewStanding | None,
    ) -> PortfolioLine:
        objectives = [o.name for o in version.objectives]

        def figures(period: str) -> dict[str, list[Figure]]:
            held = by_period[period]
            return {name: held[(agreement.name, name)] for name in objectives if (agreement.name, name) in held}

        services = [catalogue.services[s] for s in agreement.services if s in catalogue.services]
        suppliers: list[str] = []
        if not reader.customer:
            if agreement.kind is AgreementKind.UC:
                suppliers.extend(agreement.parties_in_role(PartyRole.PROVIDER))
            for service in services:
                suppliers.extend(service.depends_on_suppliers)
        tiers = [s.tier for s in services if s.tier is not None]
        side = Side.BUYS if agreement.kind is AgreementKind.UC else Side.SELLS
        charge = version.charge
        risk, risk_objective = highest_risk({name: risks.get(name) for name in objectives})
        return PortfolioLine(
            agreement=agreement.name,
            display_name=agreement.display_name,
            kind=agreement.kind,
            version=version.number,
            customers=agreement.parties_in_role(PartyRole.CUSTOMER),
            providers=agreement.parties_in_role(PartyRole.PROVIDER),
            suppliers=tuple(dict.fromkeys(suppliers)),
            services=tuple(agreement.services),
            tier=min(tiers) if tiers else None,
            health=health(figures(periods[-1]), objectives),
            trend=trend([trend_point(p, figures(p), objectives) for p in periods]),
            money=agreement_money(
                side,
                charge=None if charge is None else period_charge(charge.amount, charge.period, months),
                charge_currency=None if charge is None else charge.currency,
                credits=credits,
                services=agreement.services,
                costs=costs,
                sharers=sharers,
                months=months,
                show_costs=reader.costs,
            ),
            risk=risk,
            risk_objective=risk_objective,
            review=review,
        )


def _visible(agreement: Agreement, reader: Reader) -> bool:
    if reader.agreements is not None and agreement.name not in reader.agreements:
        return False
    return not (reader.customer and agreement.kind is AgreementKind.UC)


def _figure(evaluation: Evaluation) -> Figure:
    budget = None if evaluation.status is EvaluationStatus.NO_DATA else evaluation.budget_left
    return Figure(status=evaluation.status, budget_left=budget)


def _review(
    version: AgreementVersion, last: Review | None, registered: dt.date | None, today: dt.date
) -> ReviewStanding:
    """As ``ReviewService`` schedules an agreement: the next review its latest review set, else
    one cadence after the version took effect (else after the agreement was registered)."""
    months = version.review.months if version.review is not None else DEFAULT_MONTHS
    since = version.effective_from or registered or today
    upcoming = agreement_next(None if last is None else last.next_review, since, months)
    return ReviewStanding(
        next_review=upcoming,
        state=review_state(upcoming, today),
        days=(upcoming - today).days,
        last_review=None if last is None else last.date,
    )


def _names(catalogue: _Catalogue, lines: list[PortfolioLine]) -> dict[str, LocalizedText]:
    named = {n for line in lines for n in (*line.customers, *line.providers, *line.suppliers, *line.services)}
    return {n: catalogue.names[n] for n in sorted(named) if n in catalogue.names}
