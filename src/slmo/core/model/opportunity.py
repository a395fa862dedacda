"""Improvement opportunities: where the error budgets of a period went, broken down by service,
time of the week, incident cause, ticket category and priority, and supplier, with the slices
that spent the most proposed as improvement actions (``core.engine.opportunities`` has the
rules, ``docs/formulas.md`` "Improvement opportunities" the formulas).

Budget is counted in *budgets*: an objective that spent its whole period's budget in a slice
spent 1.0 there, and a slice's figure is the sum over the objectives of what each spent in it
as a fraction of its own budget, so that objectives counted in events, time slices and
tickets add up. Dimensions overlap (the same bad minute lies in a service, an hour, perhaps a
cause and a supplier); the slices of one dimension do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Dimension(StrEnum):
    SERVICE = "service"
    WEEK_HOUR = "week_hour"
    WEEKDAY = "weekday"
    HOUR = "hour"
    CAUSE = "cause"
    TICKET_CATEGORY = "ticket_category"
    TICKET_PRIORITY = "ticket_priority"
    SUPPLIER = "supplier"


# The hour of the week, the day of the week and the hour of the day: three views of one time.
TIME_DIMENSIONS = (Dimension.WEEK_HOUR, Dimension.WEEKDAY, Dimension.HOUR)
# The item of a slice whose label is missing: an incident without a cause, a ticket without a category.
NO_LABEL = "-"


class SpendUnit(StrEnum):
    """What an objective's budget counts: bad events, bad time slices or late tickets."""

    EVENTS = "events"
    SLICES = "slices"
    TICKETS = "tickets"


@dataclass(frozen=True, kw_only=True)
class ObjectiveSpend:
    """What one objective spent in a slice (or in the whole period): ``spent`` in its unit,
    ``budget`` its budget for the period in that unit, ``minutes`` the bad minutes when its
    unit is time (time slices, or availability measured per bucket)."""

    objective: str
    service: str | None
    unit: SpendUnit
    spent: float
    budget: float
    minutes: float | None = None

    @property
    def share(self) -> float:
        """The part of the objective's budget spent (1.0 the whole budget)."""
        return self.spent / self.budget if self.budget > 0 else 0.0

    @property
    def agreement(self) -> str:
        return self.objective.split("/", 1)[0]


@dataclass(frozen=True, kw_only=True)
class IncidentEvidence:
    """An incident during which budget was spent: ``spent`` is in budgets, over the units that
    overlap it, of the objectives it concerns."""

    id: str
    service: str
    start: dt.datetime
    end: dt.datetime
    cause: str | None
    spent: float


@dataclass(frozen=True, kw_only=True)
class OpportunitySlice:
    """One item of one dimension: ``item`` is its key (a service, ``sun 09:00``, ``sun``,
    ``09:00``, a cause, a ticket category or priority, a supplier; ``NO_LABEL`` when the label
    is missing). ``spent`` is in budgets, ``share`` its part of all the budget spent in the
    period; ``expected`` (time slices) what it would have spent had every objective spent its
    budget at an even rate over what it counted."""

    dimension: Dimension
    item: str
    spent: float
    share: float
    objectives: tuple[ObjectiveSpend, ...]
    expected: float | None = None
    incidents: tuple[IncidentEvidence, ...] = ()
    tickets: tuple[str, ...] = ()
    contracts: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The objectives involved, ``AGREEMENT/OBJECTIVE``."""
        return tuple(o.objective for o in self.objectives)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(sorted({o.service for o in self.objectives if o.service is not None}))


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """A slice proposed for improvement: ``action`` is the catalogues' key of the suggested
    kind of action, with its ``args``; ``owner`` the party suggested to own it."""

    rank: int
    slice: OpportunitySlice
    action: str
    args: Mapping[str, str] = field(default_factory=dict)
    owner: str | None = None


@dataclass(frozen=True, kw_only=True)
class Opportunities:
    """The breakdowns of one period's spent budgets and the proposals.

    ``spent`` is everything spent, in budgets; ``objectives`` each objective's whole figures;
    ``unbudgeted`` the objectives that spent something with a budget of zero (a 100 % target),
    left out of every share; ``outside_incidents`` the budgets spent while none of the
    incidents an objective's service depends on was open."""

    period: str | None
    start: dt.datetime
    end: dt.datetime
    spent: float
    objectives: tuple[ObjectiveSpend, ...]
    breakdowns: Mapping[Dimension, tuple[OpportunitySlice, ...]]
    proposals: tuple[Proposal, ...]
    outside_incidents: float = 0.0
    unbudgeted: tuple[str, ...] = ()
