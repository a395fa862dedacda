"""The evaluation engine: pure functions over numpy arrays, no I/O, no clock.

Formulas and their sources are in ``docs/formulas.md``. The application layer builds a
``BucketGrid`` (from the store's series, with service-hour and maintenance weights from
the calendar, e.g. through ``bucket_mask``) and calls ``evaluate`` for one objective or
``evaluate_batch`` for many.

Alerts (``docs/alerting.md``): ``default_rules`` is the SRE workbook's multiwindow,
multi-burn-rate policy; ``evaluate_alerts`` decides which tiers fire at one instant,
``alert_history`` at every instant of a history, and ``backtest`` matches the alerts with
breaches.

``breach_episodes`` turns stored evaluations into breach episodes (``GET /api/v1/breaches``).

Forecast accuracy (``forecast_accuracy``): interval coverage, mean absolute error, the
seasonal-naive forecast a model has to beat, MASE and the error ratio against a reference.
"""

from slmo.core.engine.alert_history import AlertHistory, alert_history
from slmo.core.engine.alert_policy import (
    WORKBOOK_CONDITIONS,
    AlertSignal,
    SignalKind,
    budget_share,
    condition_from_budget,
    default_rules,
    policy_signals,
    policy_windows,
    rules_from_conditions,
    scaled_factor,
)
from slmo.core.engine.alert_rules import (
    AlertState,
    decide_alerts,
    evaluate_alerts,
    in_intervals,
    signal_states,
    tier_states,
)
from slmo.core.engine.alert_warnings import elapsed_warning_levels, new_elapsed_warnings
from slmo.core.engine.attainment import check_slice_target, check_target, ratio, slice_scores
from slmo.core.engine.backtest import ANY_TIER, BacktestResult, Intervals, backtest, firing_intervals, match_alerts
from slmo.core.engine.breaches import BreachEpisode, breach_episodes
from slmo.core.engine.budget import budget_left, budget_minutes, budget_spent, budget_total
from slmo.core.engine.burnrate import (
    BURN_WINDOWS,
    budget_consumed,
    burn_rate,
    rate_for_consumption,
    seconds_to_exhaustion,
    window_seconds,
)
from slmo.core.engine.contributors import Incidents, contributors
from slmo.core.engine.coverage import bucket_coverage, bucket_mask, merge
from slmo.core.engine.evaluation import (
    EvaluationArrays,
    counted_seconds,
    evaluate,
    evaluate_batch,
    evaluate_group,
    records,
    slice_settings,
)
from slmo.core.engine.forecast_accuracy import (
    error_ratio,
    interval_coverage,
    mase,
    mean_absolute_error,
    seasonal_naive,
    seasonal_naive_scale,
    skill_score,
)
from slmo.core.engine.grid import BucketGrid, threshold_counts
from slmo.core.engine.segments import window_sums
from slmo.core.engine.status import STATUS_CODES, StatusRules, status, status_codes
from slmo.core.engine.windows import (
    Instant,
    Span,
    calendar_period,
    epoch_seconds,
    named_period,
    period_label,
    period_unit,
    periods,
    rolling_window,
    window_at,
)
from slmo.core.model.alerting import (
    AlertRules,
    AlertTier,
    AtRiskRule,
    BudgetThreshold,
    BurnCondition,
    NoDataRule,
)

__all__ = [
    "ANY_TIER",
    "BURN_WINDOWS",
    "STATUS_CODES",
    "WORKBOOK_CONDITIONS",
    "AlertHistory",
    "AlertRules",
    "AlertSignal",
    "AlertState",
    "AlertTier",
    "AtRiskRule",
    "BacktestResult",
    "BreachEpisode",
    "BucketGrid",
    "BudgetThreshold",
    "BurnCondition",
    "EvaluationArrays",
    "Incidents",
    "Instant",
    "Intervals",
    "NoDataRule",
    "SignalKind",
    "Span",
    "StatusRules",
    "alert_history",
    "backtest",
    "breach_episodes",
    "bucket_coverage",
    "bucket_mask",
    "budget_consumed",
    "budget_left",
    "budget_minutes",
    "budget_share",
    "budget_spent",
    "budget_total",
    "burn_rate",
    "calendar_period",
    "check_slice_target",
    "check_target",
    "condition_from_budget",
    "contributors",
    "counted_seconds",
    "decide_alerts",
    "default_rules",
    "elapsed_warning_levels",
    "epoch_seconds",
    "error_ratio",
    "evaluate",
    "evaluate_alerts",
    "evaluate_batch",
    "evaluate_group",
    "firing_intervals",
    "in_intervals",
    "interval_coverage",
    "mase",
    "match_alerts",
    "mean_absolute_error",
    "merge",
    "named_period",
    "new_elapsed_warnings",
    "period_label",
    "period_unit",
    "periods",
    "policy_signals",
    "policy_windows",
    "rate_for_consumption",
    "ratio",
    "records",
    "rolling_window",
    "rules_from_conditions",
    "scaled_factor",
    "seasonal_naive",
    "seasonal_naive_scale",
    "seconds_to_exhaustion",
    "signal_states",
    "skill_score",
    "slice_scores",
    "slice_settings",
    "status",
    "status_codes",
    "threshold_counts",
    "tier_states",
    "window_at",
    "window_seconds",
    "window_sums",
]
