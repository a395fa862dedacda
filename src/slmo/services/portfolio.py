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

import dataclasses
import datetime as dt
import threading
import time
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
from slmo.core.model.ledger import CreditAmount, ServiceCost, Side
from slmo.core.model.period_close import ClosedFigure
from slmo.core.model.portfolio import (
    Figure,
    GroupBy,
    Health,
    Portfolio,
    PortfolioLine,
    ReviewStanding,
    SortColumn,
    Trend,
    TrendPoint,
)
from slmo.core.model.results import Evaluation, EvaluationStatus
from slmo.core.model.review import Review
from slmo.core.model.text import LocalizedText
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import PermissionDeniedError, Problem, SpecError
from slmo.services.board import Standing
from slmo.services.costs import months_of, within
from slmo.services.evaluate import EvaluationService

Key = tuple[str, str]
# Audited writes are seen at once; this bounds how long one committed out of id order is missed.
RECHECK_SECONDS = 5.0
LINES_KEPT = 8
ANSWERS_KEPT = 32


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


@dataclass(frozen=True)
class _History:
    """What the closed periods say of every agreement in force over the four periods: made once
    per period, chain position, catalogue and day (``key``), so that a page load only adds what
    changes by the minute (the status board) and the money."""

    key: tuple[object, ...]
    in_force: tuple[tuple[Agreement, AgreementVersion], ...]
    # Per agreement, one point per period from the closed periods alone.
    points: dict[str, tuple[TrendPoint, ...]]
    # Per agreement and objective, the closed periods that count toward the period viewed.
    figures: dict[str, dict[str, list[Figure]]]
    # Per agreement, its health and trend from the closed periods alone (all of it, once the
    # period is over).
    health: dict[str, Health]
    trend: dict[str, Trend]


@dataclass(frozen=True)
class _Now:
    """Where each objective stands now and its breach probability, from one board version."""

    version: int
    figures: dict[Key, Figure]
    risks: dict[str, dict[str, float | None]]
    # The board row's stamp of each objective (unique to one record), and per agreement its
    # objectives' stamps: a line whose stamps did not move is the same line.
    stamps: dict[Key, int]
    signatures: dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class _Ledger:
    """The period's credits and costs and the agreements' reviews: changed only by audited
    writes, so kept while the audit log's last id stays (and re-read every ``RECHECK_SECONDS``
    anyway, for a write committed out of id order)."""

    key: tuple[object, ...]
    until: float
    credits: dict[str, list[CreditAmount]]
    costs: dict[str, list[ServiceCost]]
    reviews: dict[str, Review]


class PortfolioService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        clock: Clock,
        *,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self._recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._catalogue: _Catalogue | None = None
        self._closes = _Closes()
        self._history: _History | None = None
        self._ledger: _Ledger | None = None
        self._now: _Now | None = None
        # The lines made from the same reads, and the answers made from the same lines, kept:
        # nothing changed, nothing is made again (the same objects, which entry points may keep
        # what they made of).
        self._lines: dict[tuple[object, ...], dict[str, tuple[tuple[int, ...], PortfolioLine]]] = {}
        self._answers: dict[tuple[object, ...], Portfolio] = {}
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
            self._take(held, uow.period_closes.figures(periods=held.labels, after=held.mark))
        missing = labels - held.labels
        if missing:
            self._take(held, uow.period_closes.figures(periods=missing))
            held.labels |= missing
        held.mark = max(held.mark, head)
        return held

    @staticmethod
    def _take(held: _Closes, closed: Collection[ClosedFigure]) -> None:
        for item in closed:
            budget = None if item.status is EvaluationStatus.NO_DATA else item.budget_left
            held.figures.setdefault(item.period, {})[(item.agreement, item.objective)] = Figure(
                status=item.status, budget_left=budget
            )

    def _read_history(
        self, catalogue: _Catalogue, closes: _Closes, label: str, periods: tuple[str, ...], day: dt.date
    ) -> _History:
        key = (label, closes.mark, catalogue.fingerprint, day)
        if self._history is not None and self._history.key == key:
            return self._history
        unit = portfolio_unit(label)
        by_period: dict[str, dict[Key, list[Figure]]] = {p: {} for p in periods}
        for closed_label in closed_labels(periods):
            target = belongs(closed_label, unit)
            if target in by_period:
                counted = by_period[target]
                for held_key, figure in closes.figures.get(closed_label, {}).items():
                    counted.setdefault(held_key, []).append(figure)
        in_force = tuple((a, v) for a in catalogue.agreements if (v := a.active_version(day)) is not None)
        points: dict[str, tuple[TrendPoint, ...]] = {}
        figures: dict[str, dict[str, list[Figure]]] = {}
        for agreement, version in in_force:
            names = [o.name for o in version.objectives]
            mine = [
                {n: held[(agreement.name, n)] for n in names if (agreement.name, n) in held}
                for held in (by_period[p] for p in periods)
            ]
            points[agreement.name] = tuple(trend_point(p, f, names) for p, f in zip(periods, mine, strict=True))
            figures[agreement.name] = mine[-1]
        self._history = _History(
            key,
            in_force,
            points,
            figures,
            health={a.name: health(figures[a.name], [o.name for o in v.objectives]) for a, v in in_force},
            trend={name: trend(p) for name, p in points.items()},
        )
        return self._history

    def _read_now(self, standing: Standing) -> _Now:
        held = self._now
        if held is not None and held.version == standing.version:
            return held
        figures: dict[Key, Figure] = {}
        risks: dict[str, dict[str, float | None]] = {}
        stamps: dict[Key, int] = {}
        signatures: dict[str, list[int]] = {}
        for row in standing.rows:
            record = row.record
            key = (record.agreement, record.evaluation.objective)
            stamps[key] = row.stamp
            signatures.setdefault(record.agreement, []).append(row.stamp)
            if held is not None and held.stamps.get(key) == row.stamp:
                figures[key] = held.figures[key]
            else:
                figures[key] = _figure(record.evaluation)
            forecast = record.forecast
            risks.setdefault(record.agreement, {})[record.evaluation.objective] = (
                None if forecast is None else forecast.breach_probability
            )
        self._now = _Now(standing.version, figures, risks, stamps, {name: tuple(s) for name, s in signatures.items()})
        return self._now

    def _read_ledger(self, uow: UnitOfWork, label: str) -> _Ledger:
        key = (label, uow.audit.last_id())
        held = self._ledger
        if held is not None and held.key == key and time.monotonic() < held.until:
            return held
        credits: dict[str, list[CreditAmount]] = {}
        for entry in uow.credits.amounts(periods=within(label)):
            credits.setdefault(entry.agreement, []).append(entry)
        costs: dict[str, list[ServiceCost]] = {}
        for cost in uow.costs.list(periods=set(months_of(label))):
            costs.setdefault(cost.service, []).append(cost)
        reviews: dict[str, Review] = {}
        for review in uow.reviews.list(subject_kind="Agreement"):
            last = reviews.get(review.subject)
            if last is None or (review.date, review.id or 0) > (last.date, last.id or 0):
                reviews[review.subject] = review
        self._ledger = _Ledger(key, time.monotonic() + self._recheck_seconds, credits, costs, reviews)
        return self._ledger

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
                        None, "period", f"{label} has not begun", key="portfolio.period_future", args={"period": label}
                    )
                ]
            )
        complete = span.end <= t
        day = dt.datetime.fromtimestamp(min(span.end - 1, t), dt.UTC).date()
        today = now.date()
        periods = trend_periods(label)
        standing = self._evaluation.current()
        with self._lock, self._uow() as uow:
            catalogue = self._read_catalogue(uow)
            history = self._read_history(catalogue, self._read_closes(uow, closed_labels(periods)), label, periods, day)
            ledger = self._read_ledger(uow, label)
            registered = {
                a.name: self._registered_on(uow, a.name, today) for a, v in history.in_force if v.effective_from is None
            }
            current = self._read_now(standing)
            # The ledger's read time: a re-read (every few seconds) may find what the audit mark missed.
            base = (label, complete, history.key, ledger.until, today, reader.customer, reader.costs)
            answer_key = (base, current.version, reader.agreements, grouping, column, descending)
            held = self._answers.get(answer_key)
            if held is None:
                lines = self._make_lines(
                    base, label, complete, catalogue, history, ledger, current, registered, today, reader
                )
                visible = [line for agreement, line in lines if _visible(agreement, reader)]
                ordered = sort_lines(visible, column, descending)
                held = Portfolio(
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
                if len(self._answers) >= ANSWERS_KEPT:
                    self._answers.pop(next(iter(self._answers)))
                self._answers[answer_key] = held
        return dataclasses.replace(held, generated_at=now)

    def _make_lines(
        self,
        base: tuple[object, ...],
        label: str,
        complete: bool,
        catalogue: _Catalogue,
        history: _History,
        ledger: _Ledger,
        current: _Now,
        registered: Mapping[str, dt.date],
        today: dt.date,
        reader: Reader,
    ) -> list[tuple[Agreement, PortfolioLine]]:
        """Every agreement in force on its line, as ``reader`` sees lines (suppliers, costs). A
        line made from the same reads (``base``) and the same board rows is the line made
        before, the same object: a new evaluation of one objective makes one line again."""
        made = self._lines.get(base)
        if made is None:
            if len(self._lines) >= LINES_KEPT:
                self._lines.pop(next(iter(self._lines)))
            made = self._lines[base] = {}
        sharers: dict[str, int] = {}
        for agreement, _ in history.in_force:
            if agreement.kind is not AgreementKind.UC:
                for service in agreement.services:
                    sharers[service] = sharers.get(service, 0) + 1
        months = len(months_of(label))
        lines = []
        for agreement, version in history.in_force:
            signature = current.signatures.get(agreement.name, ())
            kept = made.get(agreement.name)
            if kept is not None and kept[0] == signature:
                lines.append((agreement, kept[1]))
                continue
            health_of, trend_of = history.health[agreement.name], history.trend[agreement.name]
            if not complete:
                # A period still running: where each objective stands now counts too.
                objectives = [o.name for o in version.objectives]
                figures = {name: list(history.figures[agreement.name].get(name, ())) for name in objectives}
                for name in objectives:
                    held = current.figures.get((agreement.name, name))
                    if held is not None:
                        figures[name].append(held)
                health_of = health(figures, objectives)
                points = history.points[agreement.name]
                trend_of = trend((*points[:-1], trend_point(label, figures, objectives)))
            line = _line(
                agreement,
                version,
                catalogue,
                reader,
                health_of=health_of,
                trend_of=trend_of,
                risks=current.risks.get(agreement.name, {}),
                credits=ledger.credits.get(agreement.name, []),
                costs=ledger.costs,
                sharers=sharers,
                months=months,
                review=_review(version, ledger.reviews.get(agreement.name), registered.get(agreement.name), today),
            )
            made[agreement.name] = (signature, line)
            lines.append((agreement, line))
        return lines


def _line(
    agreement: Agreement,
    version: AgreementVersion,
    catalogue: _Catalogue,
    reader: Reader,
    *,
    health_of: Health,
    trend_of: Trend,
    risks: Mapping[str, float | None],
    credits: list[CreditAmount],
    costs: Mapping[str, list[ServiceCost]],
    sharers: Mapping[str, int],
    months: int,
    review: ReviewStanding | None,
) -> PortfolioLine:
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
    risk, risk_objective = highest_risk({o.name: risks.get(o.name) for o in version.objectives})
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
        health=health_of,
        trend=trend_of,
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
