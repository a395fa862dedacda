"""The evaluation engine: pure functions over numpy arrays, no I/O, no clock.

Formulas and their sources are in ``docs/formulas.md``. The application layer builds a
``BucketGrid`` (from the store's series, with service-hour and maintenance weights from
the calendar, e.g. through ``bucket_mask``) and calls ``evaluate`` for one objective or
``evaluate_batch`` for many.
"""

from slmo.core.engine.attainment import check_slice_target, check_target, ratio, slice_scores
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

__all__ = [
    "BURN_WINDOWS",
    "STATUS_CODES",
    "BucketGrid",
    "EvaluationArrays",
    "Incidents",
    "Instant",
    "Span",
    "StatusRules",
    "bucket_coverage",
    "bucket_mask",
    "budget_consumed",
    "budget_left",
    "budget_minutes",
    "budget_spent",
    "budget_total",
    "burn_rate",
    "calendar_period",
    "check_slice_target",
    "check_target",
    "contributors",
    "counted_seconds",
    "epoch_seconds",
    "evaluate",
    "evaluate_batch",
    "evaluate_group",
    "merge",
    "named_period",
    "period_label",
    "period_unit",
    "periods",
    "rate_for_consumption",
    "ratio",
    "records",
    "rolling_window",
    "seconds_to_exhaustion",
    "slice_scores",
    "slice_settings",
    "status",
    "status_codes",
    "threshold_counts",
    "window_at",
    "window_seconds",
    "window_sums",
]
