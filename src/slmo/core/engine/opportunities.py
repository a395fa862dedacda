"""Improvement opportunities: which services, times of the week, incident causes, ticket
categories and priorities, and suppliers spent the error budgets of a period, and the slices
proposed for improvement (``docs/formulas.md``, "Improvement opportunities").

Each objective comes as a ``Spending``: its units over the period (the tally's units, or its
tickets whose verdict became final in the period), each with ``[start, end)`` in epoch
seconds, the bad part and the counted total in the budgeting unit, and its budget for the
period in that unit. Unit ``u`` of objective ``o`` spent ``w = bad[u] / budget_o`` budgets;
a slice's figure is the sum of ``w`` over the units it holds, over every objective.

- **Service**: the objective's service (its indicator's).
- **Time**: the local hour of the week of the unit's start, in the objective's own time zone;
  the day of the week and the hour of the day are its sums.
- **Cause**: a unit counts for the causes of the incidents that overlap it, among the
  incidents of the objective's service and of every service it depends on (transitively);
  a unit overlapped by incidents of ``m`` distinct causes gives each ``w / m``.
- **Ticket category and priority**: a late ticket of a ticket objective counts for its
  category and its priority.
- **Supplier**: see ``supplier_shares``.

The slices of one dimension never hold the same budget twice; dimensions overlap. Which slices
are proposed is ``opportunity_ranking``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.clock_zone import DAY, LocalTime
from slmo.core.engine.coverage import merge
from slmo.core.engine.opportunity_ranking import rank
from slmo.core.engine.segments import prefix
from slmo.core.engine.windows import Instant, epoch_seconds
from slmo.core.model.calendar import Weekday
from slmo.core.model.opportunity import (
    NO_LABEL,
    TIME_DIMENSIONS,
    Dimension,
    IncidentEvidence,
    ObjectiveSpend,
    Opportunities,
    OpportunitySlice,
    SpendUnit,
)

HOUR = 3600
# 1970-01-01, day 0 of wall time, was a Thursday: Monday is 0 as ``Weekday`` has it.
_THURSDAY = Weekday.THU.value
Floats = NDArray[np.float64]


def _seconds(values: ArrayLike) -> NDArray[np.int64]:
    return np.asarray(values, dtype=np.int64).ravel()


@dataclass(frozen=True, eq=False)
class Spending:
    """One objective's units over the period: non-empty, their starts in order and their ends
    too (a tally's units follow each other; two tickets decided in the same second share it).

    ``bad`` and ``total`` are in the budgeting unit; ``budget`` is the period's budget in it;
    ``bad_seconds`` the bad part in seconds when the unit is time; ``labels`` per-unit labels
    (``priority`` and ``category`` for tickets, ``None`` where missing) and ``references`` a
    name per unit (ticket ids)."""

    objective: str
    service: str | None
    unit: SpendUnit
    budget: float
    time_zone: str
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    bad: Floats
    total: Floats
    bad_seconds: Floats | None = None
    labels: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)
    references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = self.starts.size
        arrays = {"ends": self.ends, "bad": self.bad, "total": self.total}
        if self.bad_seconds is not None:
            arrays["bad_seconds"] = self.bad_seconds
        for name, values in arrays.items():
            if values.shape != (n,):
                raise ValueError(f"{self.objective}: {name} has {values.size} values for {n} units")
        for name, labels in self.labels.items():
            if len(labels) != n:
                raise ValueError(f"{self.objective}: label {name!r} has {len(labels)} values for {n} units")
        if self.references and len(self.references) != n:
            raise ValueError(f"{self.objective}: {len(self.references)} references for {n} units")
        if n and (
            bool(np.any(self.ends <= self.starts))
            or bool(np.any(np.diff(self.starts) < 0))
            or bool(np.any(np.diff(self.ends) < 0))
        ):
            raise ValueError(f"{self.objective}: units must be non-empty, with starts and ends in order")
        if bool(np.any(self.bad < -1e-9)) or bool(np.any(self.bad > self.total + 1e-9)):
            raise ValueError(f"{self.objective}: bad must lie between 0 and total in every unit")

    @classmethod
    def of(
        cls,
        objective: str,
        service: str | None,
        unit: SpendUnit,
        budget: float,
        time_zone: str,
        starts: ArrayLike,
        ends: ArrayLike,
        bad: ArrayLike,
        total: ArrayLike,
        *,
        bad_seconds: ArrayLike | None = None,
        labels: Mapping[str, Sequence[str | None]] | None = None,
        references: Sequence[str] = (),
    ) -> Spending:
        """Build from anything array-like (lists in tests, arrays from the tally)."""
        return cls(
            objective=objective,
            service=service,
            unit=unit,
            budget=float(budget),
            time_zone=time_zone,
            starts=_seconds(starts),
            ends=_seconds(ends),
            bad=np.asarray(bad, dtype=np.float64).ravel(),
            total=np.asarray(total, dtype=np.float64).ravel(),
            bad_seconds=None if bad_seconds is None else np.asarray(bad_seconds, dtype=np.float64).ravel(),
            labels={k: tuple(v) for k, v in (labels or {}).items()},
            references=tuple(references),
        )

    @property
    def weights(self) -> Floats:
        """Budgets spent by each unit."""
        return self.bad / self.budget


@dataclass(frozen=True)
class IncidentSpan:
    """An incident as the engine takes it: ``[start, end)`` in epoch seconds (an open one ends
    at the end of what is looked at)."""

    id: str
    service: str
    start: int
    end: int
    cause: str | None = None

    @classmethod
    def of(cls, id: str, service: str, start: Instant, end: Instant, cause: str | None = None) -> IncidentSpan:
        return cls(id, service, epoch_seconds(start), epoch_seconds(end), cause)


@dataclass(frozen=True)
class Supplier:
    """A supplier party with underpinning contracts in force: their names, the services they
    cover and their objectives (``AGREEMENT/OBJECTIVE``)."""

    name: str
    contracts: tuple[str, ...]
    covered: frozenset[str]
    objectives: frozenset[str]


@dataclass(frozen=True)
class Dependencies:
    """The catalogue's dependencies: per service, the services and the supplier parties it
    depends on directly."""

    services: Mapping[str, frozenset[str]] = field(default_factory=dict)
    suppliers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def upstream(self, service: str) -> frozenset[str]:
        """The service and every service it depends on, directly or through others (a cycle
        in the catalogue ends where it meets a service already found)."""
        found = {service}
        todo = [service]
        while todo:
            for other in self.services.get(todo.pop(), frozenset()):
                if other not in found:
                    found.add(other)
                    todo.append(other)
        return frozenset(found)

    def relies_on(self, service: str, supplier: Supplier) -> bool:
        """Whether ``service`` depends on ``supplier``: it or a service upstream of it names the
        supplier among its dependencies, or is covered by one of the supplier's contracts."""
        upstream = self.upstream(service)
        return bool(upstream & supplier.covered) or any(supplier.name in self.suppliers.get(s, ()) for s in upstream)


# -- masks over units ----------------------------------------------------------------------------


def unit_ranges(
    spending: Spending, starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """For each interval ``[start, end)``, the first and one-past-last unit that overlaps it
    (units end after ``start`` from some unit on and start before ``end`` up to some unit, both
    being in order: those that overlap are consecutive)."""
    lo = np.searchsorted(spending.ends, starts, side="right")
    hi = np.maximum(np.searchsorted(spending.starts, ends, side="left"), lo)
    return lo.astype(np.intp), hi.astype(np.intp)


def overlapping(spending: Spending, starts: ArrayLike, ends: ArrayLike) -> NDArray[np.bool_]:
    """Which units overlap the union of the intervals."""
    s, e = merge(starts, ends)
    lo, hi = unit_ranges(spending, s, e)
    marks = np.zeros(spending.starts.size + 1, dtype=np.int64)
    np.add.at(marks, lo, 1)
    np.add.at(marks, hi, -1)
    found: NDArray[np.bool_] = np.cumsum(marks[:-1]) > 0
    return found


def week_hours(starts: NDArray[np.int64], time_zone: str) -> NDArray[np.int64]:
    """The local hour of the week (Monday 00:00-01:00 is 0, Sunday 23:00-24:00 is 167) of each
    instant in ``time_zone``."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    wall = LocalTime(time_zone, (int(starts.min()), int(starts.max()))).wall(starts)
    weekday = (wall // DAY + _THURSDAY) % 7
    found: NDArray[np.int64] = weekday * 24 + (wall % DAY) // HOUR
    return found


def week_hour_item(code: int) -> str:
    return f"{Weekday(code // 24).short} {code % 24:02d}:00"


def weekday_item(code: int) -> str:
    return Weekday(code).short


def hour_item(code: int) -> str:
    return f"{code:02d}:00"


# -- gathering slices ----------------------------------------------------------------------------


@dataclass
class _Item:
    """What one slice gathers while the objectives are read: budgets spent (and expected), per
    objective the units and bad seconds (NaN when its unit is not time), budgets spent during
    each incident, the late tickets."""

    spent: float = 0.0
    expected: float = 0.0
    objectives: dict[str, list[float]] = field(default_factory=dict)
    incidents: dict[str, float] = field(default_factory=dict)
    tickets: list[str] = field(default_factory=list)


class _Gathered:
    """The items of one dimension."""

    def __init__(self, dimension: Dimension) -> None:
        self.dimension = dimension
        self.items: dict[str, _Item] = {}

    def _objective(self, item: str, spending: Spending, units: float, seconds: float) -> _Item:
        held = self.items.setdefault(item, _Item())
        held.spent += units / spending.budget
        figures = held.objectives.setdefault(spending.objective, [0.0, 0.0])
        figures[0] += units
        figures[1] += seconds
        return held

    def add(self, item: str, spending: Spending, part: Floats) -> None:
        """``part`` weighs each unit of ``spending``: 1 where the unit is wholly the item's."""
        units = float(np.dot(spending.bad, part))
        if units <= 0:
            return
        seconds = np.nan if spending.bad_seconds is None else float(np.dot(spending.bad_seconds, part))
        self._objective(item, spending, units, seconds)

    def add_codes(
        self, spending: Spending, codes: NDArray[np.int64], names: Sequence[str], *, expected: bool = False
    ) -> None:
        """Each unit wholly the item ``names[code]``."""
        size = len(names)
        units = np.bincount(codes, weights=spending.bad, minlength=size)
        seconds = (
            None if spending.bad_seconds is None else np.bincount(codes, weights=spending.bad_seconds, minlength=size)
        )
        for k in np.flatnonzero(units > 0).tolist():
            held = self._objective(
                names[k], spending, float(units[k]), np.nan if seconds is None else float(seconds[k])
            )
            if spending.references:
                held.tickets.extend(spending.references[i] for i in np.flatnonzero((codes == k) & (spending.bad > 0)))
        counted = np.bincount(codes, weights=spending.total, minlength=size)
        whole = float(spending.total.sum())
        if expected and whole > 0:
            # At an even rate over what the objective counted, each item would hold the
            # objective's spending in proportion to its part of the counted total.
            spent = float(spending.weights.sum())
            for k in np.flatnonzero(counted > 0).tolist():
                self.items.setdefault(names[k], _Item()).expected += spent * float(counted[k]) / whole

    def during(self, item: str, incident: str, spent: float) -> None:
        if spent > 0:
            held = self.items.setdefault(item, _Item())
            held.incidents[incident] = held.incidents.get(incident, 0.0) + spent


@dataclass(frozen=True)
class _Context:
    spendings: Mapping[str, Spending]
    whole: float
    evidence: int
    incidents: Mapping[str, IncidentSpan]
    contracts: Mapping[str, tuple[str, ...]]


def _evidence(incident: IncidentSpan, spent: float) -> IncidentEvidence:
    return IncidentEvidence(
        id=incident.id,
        service=incident.service,
        start=_utc(incident.start),
        end=_utc(incident.end),
        cause=incident.cause,
        spent=spent,
    )


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _spend(spending: Spending, units: float, seconds: float) -> ObjectiveSpend:
    return ObjectiveSpend(
        objective=spending.objective,
        service=spending.service,
        unit=spending.unit,
        spent=units,
        budget=spending.budget,
        minutes=None if np.isnan(seconds) else seconds / 60.0,
    )


def _slices(gathered: _Gathered, context: _Context) -> tuple[OpportunitySlice, ...]:
    time = gathered.dimension in TIME_DIMENSIONS
    found = []
    for item, held in gathered.items.items():
        if held.spent <= 0:
            continue
        objectives = sorted(
            (_spend(context.spendings[key], units, seconds) for key, (units, seconds) in held.objectives.items()),
            key=lambda o: (-o.share, o.objective),
        )
        during = sorted(held.incidents.items(), key=lambda p: (-p[1], p[0]))[: context.evidence]
        found.append(
            OpportunitySlice(
                dimension=gathered.dimension,
                item=item,
                spent=held.spent,
                share=held.spent / context.whole if context.whole > 0 else 0.0,
                objectives=tuple(objectives),
                expected=held.expected if time else None,
                incidents=tuple(_evidence(context.incidents[k], v) for k, v in during),
                # A ticket late on two objectives (response and resolution) is named once.
                tickets=tuple(dict.fromkeys(held.tickets))[: context.evidence],
                contracts=context.contracts.get(item, ()) if gathered.dimension is Dimension.SUPPLIER else (),
            )
        )
    found.sort(key=lambda s: (-s.spent, s.item))
    return tuple(found)


# -- the dimensions ------------------------------------------------------------------------------

_WEEK_HOURS = [week_hour_item(k) for k in range(168)]
_WEEKDAYS = [weekday_item(k) for k in range(7)]
_HOURS = [hour_item(k) for k in range(24)]


def _time(spending: Spending, into: Mapping[Dimension, _Gathered]) -> None:
    codes = week_hours(spending.starts, spending.time_zone)
    into[Dimension.WEEK_HOUR].add_codes(spending, codes, _WEEK_HOURS, expected=True)
    into[Dimension.WEEKDAY].add_codes(spending, codes // 24, _WEEKDAYS, expected=True)
    into[Dimension.HOUR].add_codes(spending, codes % 24, _HOURS, expected=True)


def _labels(spending: Spending, label: str, into: _Gathered) -> None:
    values = spending.labels.get(label)
    if values is None:
        return
    names = sorted({NO_LABEL if v is None else v for v in values})
    index = {name: k for k, name in enumerate(names)}
    codes = np.array([index[NO_LABEL if v is None else v] for v in values], dtype=np.int64)
    into.add_codes(spending, codes, names)


def _during(spending: Spending, incidents: Sequence[IncidentSpan]) -> Floats:
    """Budgets spent in the units that overlap each incident."""
    if not incidents:
        return np.zeros(0)
    starts = np.array([i.start for i in incidents], dtype=np.int64)
    ends = np.array([i.end for i in incidents], dtype=np.int64)
    lo, hi = unit_ranges(spending, starts, ends)
    p = prefix(spending.weights)
    return np.asarray(p[hi] - p[lo], dtype=np.float64)


def _split(spending: Spending, masks: Mapping[str, NDArray[np.bool_]]) -> tuple[dict[str, Floats], NDArray[np.bool_]]:
    """Each item's part of every unit: a unit claimed by ``m`` items is ``1 / m`` each's; and
    the units that no item claims."""
    count = np.zeros(spending.starts.size)
    for mask in masks.values():
        count += mask
    share = np.divide(1.0, count, out=np.zeros_like(count), where=count > 0)
    return {item: np.where(mask, share, 0.0) for item, mask in masks.items()}, count == 0


def cause_shares(spending: Spending, incidents: Sequence[IncidentSpan]) -> tuple[dict[str, Floats], NDArray[np.bool_]]:
    """Each cause's part of every unit among ``incidents`` (those that concern the objective),
    and the units that no incident overlaps."""
    by_cause: dict[str, list[IncidentSpan]] = {}
    for incident in incidents:
        by_cause.setdefault(incident.cause or NO_LABEL, []).append(incident)
    masks = {
        cause: overlapping(spending, [i.start for i in found], [i.end for i in found])
        for cause, found in by_cause.items()
    }
    return _split(spending, masks)


def supplier_windows(
    spendings: Sequence[Spending], incidents: Sequence[IncidentSpan], suppliers: Sequence[Supplier]
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Per supplier, when it was failing: the union of the incidents on the services its
    contracts cover and of the units in which its contracts' objectives spent budget."""
    found = {}
    for supplier in suppliers:
        starts = [i.start for i in incidents if i.service in supplier.covered]
        ends = [i.end for i in incidents if i.service in supplier.covered]
        for spending in spendings:
            if spending.objective in supplier.objectives:
                bad = spending.bad > 0
                starts.extend(spending.starts[bad].tolist())
                ends.extend(spending.ends[bad].tolist())
        found[supplier.name] = merge(starts, ends)
    return found


def supplier_shares(
    spending: Spending,
    suppliers: Sequence[Supplier],
    windows: Mapping[str, tuple[NDArray[np.int64], NDArray[np.int64]]],
    dependencies: Dependencies,
) -> dict[str, Floats]:
    """Each supplier's part of every unit of ``spending``.

    - An objective of a supplier's underpinning contract is wholly that supplier's (shared
      equally when several suppliers are parties to the contract).
    - Any other objective whose service relies on a supplier (``Dependencies.relies_on``) gives
      the supplier the units that overlap its windows (``supplier_windows``); a unit in the
      windows of ``m`` suppliers the objective relies on is ``1 / m`` each's.
    """
    own = [s for s in suppliers if spending.objective in s.objectives]
    if own:
        whole = np.full(spending.starts.size, 1.0 / len(own))
        return {s.name: whole for s in own}
    if spending.service is None:
        return {}
    masks = {
        s.name: overlapping(spending, *windows[s.name])
        for s in suppliers
        if dependencies.relies_on(spending.service, s)
    }
    parts, _ = _split(spending, masks)
    return parts


# -- the whole -------------------------------------------------------------------------------------


def opportunities(
    spendings: Sequence[Spending],
    *,
    start: Instant,
    end: Instant,
    period: str | None = None,
    incidents: Sequence[IncidentSpan] = (),
    dependencies: Dependencies | None = None,
    suppliers: Sequence[Supplier] = (),
    top: int = 5,
    evidence: int = 10,
) -> Opportunities:
    """The breakdowns of what ``spendings`` spent over ``[start, end)`` and the ``top``
    proposals; each slice keeps up to ``evidence`` incidents and tickets."""
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    deps = dependencies or Dependencies()
    unbudgeted = tuple(s.objective for s in spendings if s.budget <= 0 and float(s.bad.sum()) > 0)
    counted = [s for s in spendings if s.budget > 0]
    gathered = {d: _Gathered(d) for d in Dimension}
    windows = supplier_windows(counted, incidents, suppliers)
    outside = 0.0
    for spending in counted:
        ones = np.ones(spending.starts.size)
        gathered[Dimension.SERVICE].add(spending.service or NO_LABEL, spending, ones)
        _time(spending, gathered)
        _labels(spending, "category", gathered[Dimension.TICKET_CATEGORY])
        _labels(spending, "priority", gathered[Dimension.TICKET_PRIORITY])
        upstream = frozenset() if spending.service is None else deps.upstream(spending.service)
        concern = [i for i in incidents if i.service in upstream]
        parts, none = cause_shares(spending, concern)
        for cause, part in parts.items():
            gathered[Dimension.CAUSE].add(cause, spending, part)
        outside += float(spending.weights[none].sum())
        for incident, spent in zip(concern, _during(spending, concern), strict=True):
            gathered[Dimension.CAUSE].during(incident.cause or NO_LABEL, incident.id, float(spent))
        for supplier, part in supplier_shares(spending, suppliers, windows, deps).items():
            gathered[Dimension.SUPPLIER].add(supplier, spending, part)
            mine = next(s for s in suppliers if s.name == supplier)
            covered = [i for i in incidents if i.service in mine.covered]
            for incident, spent in zip(covered, _during(spending, covered), strict=True):
                gathered[Dimension.SUPPLIER].during(supplier, incident.id, float(spent))
    whole = float(sum(float(s.weights.sum()) for s in counted))
    context = _Context(
        spendings={s.objective: s for s in spendings},
        whole=whole,
        evidence=evidence,
        incidents={i.id: i for i in incidents},
        contracts={s.name: s.contracts for s in suppliers},
    )
    breakdowns = {d: _slices(g, context) for d, g in gathered.items()}
    return Opportunities(
        period=period,
        start=_utc(epoch_seconds(start)),
        end=_utc(epoch_seconds(end)),
        spent=whole,
        objectives=tuple(
            _spend(
                s,
                float(s.bad.sum()),
                np.nan if s.bad_seconds is None else float(s.bad_seconds.sum()),
            )
            for s in spendings
        ),
        breakdowns=breakdowns,
        proposals=rank(breakdowns, top),
        outside_incidents=outside,
        unbudgeted=unbudgeted,
    )
