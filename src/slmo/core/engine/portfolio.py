"""The portfolio view's figures (``docs/formulas.md``, "Portfolio"): pure functions over what the
service read, so that every line, group and order can be worked by hand.

- **Periods.** A portfolio period is a month, a quarter or a year; the trend reads it and the
  three before it (``trend_periods``).
- **Which closed periods count.** A closed period counts toward the portfolio period that
  holds its last day (``belongs``): each month of a quarter counts toward the quarter, a
  quarter toward its last month when the portfolio is monthly; a week toward the period that
  holds its Thursday (ISO 8601's rule, since weeks straddle months).
- **Health.** Each objective at its worst over the figures that count (breached, else at
  risk, else met; no data only when it has nothing else); the line counts them.
- **Trend.** Per period, each objective with data contributes its lowest budget left, clipped
  to [-1, 1] so that one disastrous period does not outweigh the others; the point is their
  mean. The direction is the sign of the Theil-Sen slope of the points (the median of the
  pairwise slopes), beyond ``TREND_TOLERANCE`` of the error budget per period; with fewer than
  ``TREND_MIN_POINTS`` points with data there is no direction. Four points are too few for a
  significance test, so none is claimed: this is a direction, not a finding.
- **Sorting** is stable (ties keep the order by agreement name) and puts a missing value last
  in either direction; **grouping** puts a line in every group it names.
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from slmo.core.engine.costs import cents, judged, shared_cost
from slmo.core.engine.windows import period_unit
from slmo.core.model.ledger import CreditAmount, ServiceCost, Side
from slmo.core.model.objective import WindowUnit
from slmo.core.model.portfolio import (
    Figure,
    GroupBy,
    Health,
    Money,
    MoneyTotal,
    PortfolioGroup,
    PortfolioLine,
    SortColumn,
    Totals,
    Trend,
    TrendDirection,
    TrendPoint,
)
from slmo.core.model.results import EvaluationStatus
from slmo.errors import Problem, SpecError

TREND_PERIODS = 4
# A tenth of the error budget per period: a drift smaller than that is "stable".
TREND_TOLERANCE = 0.1
TREND_MIN_POINTS = 3
PORTFOLIO_UNITS = (WindowUnit.MONTH, WindowUnit.QUARTER, WindowUnit.YEAR)
ORDERS = ("asc", "desc")

# Worse is higher: an objective's standing over several figures is the highest of them.
_SEVERITY = {
    EvaluationStatus.NO_DATA: 0,
    EvaluationStatus.MET: 1,
    EvaluationStatus.AT_RISK: 2,
    EvaluationStatus.BREACHED: 3,
}


def _refused(field: str, message: str, key: str, **args: Any) -> SpecError:
    return SpecError([Problem(None, field, message, key=f"portfolio.{key}", args=args)])


# -- what a request names ----------------------------------------------------------------------


def parse_group(text: str | None) -> GroupBy | None:
    """``customer``, ``service``, ``supplier`` or ``tier``; nothing (or empty) is no grouping."""
    if text is None or not text.strip():
        return None
    try:
        return GroupBy(text.strip().lower())
    except ValueError:
        allowed = ", ".join(g.value for g in GroupBy)
        raise _refused(
            "group", f"{text!r} is not a grouping; expected one of {allowed}", "group", value=text, allowed=allowed
        ) from None


def parse_sort(text: str | None) -> SortColumn:
    """A column's name; nothing (or empty) sorts by the agreement's name."""
    if text is None or not text.strip():
        return SortColumn.AGREEMENT
    try:
        return SortColumn(text.strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in SortColumn)
        raise _refused(
            "sort", f"{text!r} is not a column; expected one of {allowed}", "sort", value=text, allowed=allowed
        ) from None


def parse_order(text: str | None) -> bool:
    """Whether ``asc`` (the default) or ``desc`` sorts descending."""
    if text is None or not text.strip():
        return False
    value = text.strip().lower()
    if value not in ORDERS:
        raise _refused("order", f"{text!r} is not an order; expected asc or desc", "order", value=text)
    return value == "desc"


def portfolio_unit(label: str) -> WindowUnit:
    """The unit of a portfolio period; a week or a day is refused (money is kept per month)."""
    unit = period_unit(label)
    if unit not in PORTFOLIO_UNITS:
        raise _refused(
            "period", f"{label}: the portfolio is viewed per month, quarter or year", "period_unit", period=label
        )
    return unit


# -- periods -------------------------------------------------------------------------------------


def _month_index(label: str, unit: WindowUnit) -> int:
    """The label's last month as months since year 0."""
    year = int(label[:4])
    if unit is WindowUnit.YEAR:
        return year * 12 + 11
    if unit is WindowUnit.QUARTER:
        return year * 12 + 3 * int(label[-1]) - 1
    return year * 12 + int(label[5:7]) - 1


def _label_of_month(index: int, unit: WindowUnit) -> str:
    year, month = divmod(index, 12)
    if unit is WindowUnit.YEAR:
        return f"{year:04d}"
    if unit is WindowUnit.QUARTER:
        return f"{year:04d}-Q{month // 3 + 1}"
    return f"{year:04d}-{month + 1:02d}"


_STEP = {WindowUnit.MONTH: 1, WindowUnit.QUARTER: 3, WindowUnit.YEAR: 12}


def trend_periods(label: str, count: int = TREND_PERIODS) -> tuple[str, ...]:
    """``label`` and the ``count - 1`` periods of its unit before it, oldest first."""
    unit = portfolio_unit(label)
    last = _month_index(label, unit)
    return tuple(_label_of_month(last - _STEP[unit] * k, unit) for k in range(count - 1, -1, -1))


@functools.lru_cache(maxsize=4096)
def belongs(label: str, unit: WindowUnit) -> str | None:
    """The period of ``unit`` a closed period ``label`` counts toward: the one that holds its last
    day, or for a week its Thursday; ``None`` for what is not a closed period's label."""
    try:
        own = period_unit(label)
    except SpecError:
        return None
    if own is WindowUnit.WEEK:
        thursday = dt.date.fromisocalendar(int(label[:4]), int(label[6:8]), 4)
        return _label_of_month(thursday.year * 12 + thursday.month - 1, unit)
    if own not in PORTFOLIO_UNITS:
        return None
    return _label_of_month(_month_index(label, own), unit)


def closed_labels(periods: Sequence[str]) -> frozenset[str]:
    """Every closed period's label that counts toward one of ``periods`` (of one unit): the
    store is asked for these only."""
    if not periods:
        return frozenset()
    unit = portfolio_unit(periods[0])
    wanted = set(periods)
    first = _month_index(periods[0], unit) - _STEP[unit] + 1
    last = max(_month_index(p, unit) for p in periods)
    found: set[str] = set()
    for index in range(first, last + 1):
        for own in PORTFOLIO_UNITS:
            found.add(_label_of_month(index, own))
    start = dt.date(first // 12, first % 12 + 1, 1) - dt.timedelta(days=7)
    end = dt.date((last + 1) // 12, (last + 1) % 12 + 1, 1) + dt.timedelta(days=7)
    day = start
    while day < end:
        year, week, _ = day.isocalendar()
        found.add(f"{year:04d}-W{week:02d}")
        day += dt.timedelta(days=7)
    return frozenset(label for label in found if belongs(label, unit) in wanted)


# -- health and trend ----------------------------------------------------------------------------


def worst(statuses: Iterable[EvaluationStatus]) -> EvaluationStatus:
    """Breached over at risk over met over no data."""
    return max(statuses, key=_SEVERITY.__getitem__, default=EvaluationStatus.NO_DATA)


def health(figures: Mapping[str, Sequence[Figure]], objectives: Sequence[str]) -> Health:
    """The objectives counted by their worst figure; one without figures has no data."""
    counts = dict.fromkeys(EvaluationStatus, 0)
    for name in objectives:
        counts[worst(f.status for f in figures.get(name, ()))] += 1
    return Health(
        met=counts[EvaluationStatus.MET],
        at_risk=counts[EvaluationStatus.AT_RISK],
        breached=counts[EvaluationStatus.BREACHED],
        no_data=counts[EvaluationStatus.NO_DATA],
    )


def trend_point(period: str, figures: Mapping[str, Sequence[Figure]], objectives: Sequence[str]) -> TrendPoint:
    """One period of the trend: objectives with data, those whose target was achieved (met or at
    risk at their worst), and the mean of their lowest budgets left, each clipped to [-1, 1]."""
    # Plain loops: this runs for every agreement and period at each request, over a few figures.
    total = 0.0
    counted = met = 0
    for name in objectives:
        low: float | None = None
        severity = 0
        for f in figures.get(name, ()):
            if f.status is EvaluationStatus.NO_DATA or f.budget_left is None:
                continue
            low = f.budget_left if low is None else min(low, f.budget_left)
            severity = max(severity, _SEVERITY[f.status])
        if low is None:
            continue
        total += min(1.0, max(-1.0, low))
        counted += 1
        met += severity < _SEVERITY[EvaluationStatus.BREACHED]
    return TrendPoint(period=period, met=met, with_data=counted, budget_left=total / counted if counted else None)


def theil_sen(values: Sequence[float | None]) -> float | None:
    """The median of the slopes between every pair of values present (per step of position);
    ``None`` with fewer than two."""
    points = [(x, y) for x, y in enumerate(values) if y is not None]
    slopes = [(yj - yi) / (xj - xi) for i, (xi, yi) in enumerate(points) for xj, yj in points[i + 1 :]]
    # statistics.median: numpy's costs more than the sort for at most six slopes.
    return float(statistics.median(slopes)) if slopes else None


def trend(points: Sequence[TrendPoint], tolerance: float = TREND_TOLERANCE) -> Trend:
    values = [p.budget_left for p in points]
    present = sum(v is not None for v in values)
    slope = theil_sen(values) if present >= TREND_MIN_POINTS else None
    if slope is None:
        direction = None
    elif slope > tolerance:
        direction = TrendDirection.IMPROVING
    elif slope < -tolerance:
        direction = TrendDirection.DEGRADING
    else:
        direction = TrendDirection.STABLE
    return Trend(points=tuple(points), slope=slope, direction=direction)


def highest_risk(probabilities: Mapping[str, float | None]) -> tuple[float | None, str | None]:
    """The highest breach probability and its objective (on a tie, the first by name)."""
    known = sorted((name, p) for name, p in probabilities.items() if p is not None)
    if not known:
        return None, None
    name, value = max(known, key=lambda item: item[1])
    return value, name


# -- money ---------------------------------------------------------------------------------------


def agreement_money(
    side: Side,
    *,
    charge: Decimal | None,
    charge_currency: str | None,
    credits: Sequence[CreditAmount],
    services: Sequence[str],
    costs: Mapping[str, Sequence[ServiceCost]],
    sharers: Mapping[str, int],
    months: int,
    show_costs: bool = True,
) -> Money:
    """An agreement's money over a period of ``months`` months, as the cost-effectiveness view
    (``services/costs.py``) takes it: a sold agreement's ``cost`` is its share of its services'
    costs (``shared_cost``), complete when every service has a cost for every month in the one
    currency; a bought one's is the charge it pays. Credits are the ledger's lines, paid out
    when sold and received when bought."""
    owed = cents(sum((e.amount for e in credits if e.amount is not None), Decimal(0)))
    currency = charge_currency or next((e.currency for e in credits if e.currency), None)
    if side is Side.BUYS:
        cost: Decimal | None = charge
        complete = True
    else:
        totals: dict[str, Decimal] = {}
        complete = True
        for service in services:
            entered = costs.get(service, ())
            if entered:
                totals[service] = sum((c.amount for c in entered), Decimal(0))
                currency = currency or entered[0].currency
                complete = complete and all(c.currency == currency for c in entered)
            complete = complete and len({c.period for c in entered}) >= months
        cost = shared_cost(services, totals, sharers)[0] if totals else None
    net, _, verdict = judged(
        side,
        charge=charge,
        credits=owed,
        cost=None if side is Side.BUYS else cost,
        attainment=None,
        complete=complete,
    )
    return Money(
        side=side,
        currency=currency,
        charge=charge,
        cost=cost if show_costs else None,
        credits_paid=owed if side is Side.SELLS else Decimal("0.00"),
        credits_received=owed if side is Side.BUYS else Decimal("0.00"),
        net=net if show_costs else None,
        verdict=verdict if show_costs else None,
    )


# -- totals, order and groups --------------------------------------------------------------------


def totals(lines: Sequence[PortfolioLine]) -> Totals:
    by_currency: dict[str | None, list[Decimal]] = {}
    for line in lines:
        m = line.money
        sums = by_currency.setdefault(m.currency, [Decimal(0)] * 5)
        if m.side is Side.SELLS and m.charge is not None:
            sums[0] += m.charge
        for i, amount in enumerate((m.cost, m.credits_paid, m.credits_received, m.net), start=1):
            if amount is not None:
                sums[i] += amount
    money = tuple(
        MoneyTotal(
            currency=currency,
            income=cents(s[0]),
            cost=cents(s[1]),
            credits_paid=cents(s[2]),
            credits_received=cents(s[3]),
            net=cents(s[4]),
        )
        for currency, s in sorted(by_currency.items(), key=lambda item: (item[0] is None, item[0] or ""))
        # Lines without a currency have no money at all (no charge, credit or cost): no total.
        if currency is not None or any(s)
    )
    risks = [line.risk for line in lines if line.risk is not None]
    return Totals(
        agreements=len(lines),
        health=sum((line.health for line in lines), Health()),
        money=money,
        risk=max(risks) if risks else None,
        reviews_overdue=sum(1 for line in lines if line.review is not None and line.review.overdue),
        improving=sum(1 for line in lines if line.trend.direction is TrendDirection.IMPROVING),
        degrading=sum(1 for line in lines if line.trend.direction is TrendDirection.DEGRADING),
    )


def _first(values: Sequence[str]) -> str | None:
    return values[0] if values else None


_KEYS: dict[SortColumn, Callable[[PortfolioLine], Any]] = {
    SortColumn.AGREEMENT: lambda line: line.agreement,
    SortColumn.KIND: lambda line: line.kind.value,
    SortColumn.CUSTOMER: lambda line: _first(line.customers),
    SortColumn.SERVICE: lambda line: _first(line.services),
    SortColumn.SUPPLIER: lambda line: _first(line.suppliers),
    SortColumn.TIER: lambda line: line.tier,
    # Best first: met, then at risk, then breached (more breaches worse); no data is missing.
    SortColumn.HEALTH: lambda line: (
        None
        if line.health.status is EvaluationStatus.NO_DATA
        else (_SEVERITY[line.health.status], line.health.breached, line.health.at_risk)
    ),
    SortColumn.MET: lambda line: line.health.met,
    SortColumn.AT_RISK: lambda line: line.health.at_risk,
    SortColumn.BREACHED: lambda line: line.health.breached,
    SortColumn.NO_DATA: lambda line: line.health.no_data,
    SortColumn.TREND: lambda line: line.trend.slope,
    SortColumn.CHARGE: lambda line: line.money.charge,
    SortColumn.COST: lambda line: line.money.cost,
    SortColumn.CREDITS_PAID: lambda line: line.money.credits_paid,
    SortColumn.CREDITS_RECEIVED: lambda line: line.money.credits_received,
    SortColumn.NET: lambda line: line.money.net,
    SortColumn.RISK: lambda line: line.risk,
    SortColumn.REVIEW: lambda line: None if line.review is None else line.review.next_review,
}


def sort_key(column: SortColumn) -> Callable[[PortfolioLine], Any]:
    """What ``column`` compares: names, counts, amounts (as numbers, whatever their currency),
    the trend's slope, the risk, the next review's date; ``None`` when the line has none."""
    return _KEYS[column]


def sort_lines(lines: Iterable[PortfolioLine], column: SortColumn, descending: bool = False) -> list[PortfolioLine]:
    """Sorted by ``column`` (ties by agreement name), lines without a value last either way."""
    by_name = sorted(lines, key=lambda line: line.agreement)
    key = _KEYS[column]
    valued = [line for line in by_name if key(line) is not None]
    missing = [line for line in by_name if key(line) is None]
    # Python's sort is stable with reverse=True too: ties keep the order by name.
    return [*sorted(valued, key=key, reverse=descending), *missing]


def group_keys(line: PortfolioLine, by: GroupBy) -> tuple[str | int | None, ...]:
    """The groups a line is in: each of its customers, services or suppliers, or its tier; the
    group without a key (``None``) when it names none."""
    if by is GroupBy.TIER:
        return (line.tier,)
    named = {GroupBy.CUSTOMER: line.customers, GroupBy.SERVICE: line.services, GroupBy.SUPPLIER: line.suppliers}[by]
    return tuple(dict.fromkeys(named)) or (None,)


def group_lines(lines: Sequence[PortfolioLine], by: GroupBy) -> list[PortfolioGroup]:
    """Groups by key (the group without one last), each with the lines in the order given."""
    members: dict[str | int | None, list[PortfolioLine]] = {}
    for line in lines:
        for key in group_keys(line, by):
            members.setdefault(key, []).append(line)
    ordered = sorted(members, key=lambda k: (k is None, (0, k) if isinstance(k, int) else (1, str(k or ""))))
    return [PortfolioGroup(key=k, lines=tuple(members[k]), totals=totals(members[k])) for k in ordered]
