"""Results of the evaluation engine: what one objective looked like over one window at one instant.

Units: ``good``, ``total``, ``budget_total`` and ``budget_spent`` are in the objective's
budgeting unit, events for ``occurrences`` and time slices for the two time-slice methods
(for ``ratio_timeslices`` ``good`` is the sum of the slices' ratios). ``budget_left`` is a
fraction of the budget: 1.0 untouched, 0.0 exhausted, negative when overspent. Minutes are
wall-clock minutes inside service hours. The formulas are in ``docs/formulas.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from slmo.core.model.forecast import AttainmentForecast
from slmo.core.model.objective import BudgetingMethod


class EvaluationStatus(StrEnum):
    """Where an objective stands; the rules are in ``core.engine.status``."""

    MET = "met"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NO_DATA = "no_data"


class ContributorKind(StrEnum):
    HOUR = "hour"
    INCIDENT = "incident"


@dataclass(frozen=True, kw_only=True)
class Contributor:
    """One hour, or one incident, that spent part of the error budget.

    ``budget_spent`` is in the budgeting unit (bad events or bad slices) and ``share`` is its
    part of everything spent in the window (0 to 1). ``reference`` names the incident.
    """

    kind: ContributorKind
    start: dt.datetime
    end: dt.datetime
    budget_spent: float
    share: float
    reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """One objective over one window at the instant ``at`` (all datetimes aware, in UTC).

    ``window_end`` is the end of the period (in the future for a calendar window evaluated
    part-way); measurements count up to ``at``. ``attainment`` is ``None`` when nothing was
    counted. ``burn_rates`` maps a window label (``1h``) to its burn rate, ``None`` when that
    window holds no data. The ``budget_minutes_*`` fields are set for the time-slice methods.
    """

    objective: str
    at: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    budgeting: BudgetingMethod
    good: float
    total: float
    attainment: float | None
    target: float
    budget_total: float
    budget_spent: float
    budget_left: float
    burn_rates: Mapping[str, float | None]
    status: EvaluationStatus
    budget_minutes_total: float | None = None
    budget_minutes_spent: float | None = None
    budget_minutes_left: float | None = None
    contributors: tuple[Contributor, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class ObjectiveEvaluation:
    """An evaluation placed in the catalogue: which agreement, version and service it belongs
    to. ``evaluation.objective`` is the objective's name inside its agreement."""

    agreement: str
    version: int
    service: str | None
    indicator: str
    evaluation: Evaluation
    # Why there is no data, when slmo knows: the error of the job that should have brought
    # the measurements in (a Prometheus that cannot be reached, a query it refused ...).
    reason: str | None = None
    # Where the window will end (core.engine.forecast); None for the records of a named past
    # period, which has no future.
    forecast: AttainmentForecast | None = None

    @property
    def key(self) -> str:
        """``agreement/objective``: unique across the catalogue."""
        return f"{self.agreement}/{self.evaluation.objective}"
