"""What history says about a proposed target (``docs/formulas.md``, "Evidence for a proposed
target").

Given the attainments of the last ``n`` periods that had data, the target that the next period
meets with confidence ``c`` is estimated without assuming any distribution, by an order
statistic: if the periods are exchangeable (none is special, as for i.i.d. draws), the next
period's attainment ``X`` is as likely to rank anywhere among the ``n + 1``, so for the
``k``-th lowest past attainment ``x_(k)``

    P(X >= x_(k)) >= (n + 1 - k) / (n + 1)

(equality for continuous values; ties only make it larger). The estimator takes the largest
``k`` whose guarantee reaches ``c``:

    k = floor((n + 1) * (1 - c)),    target_c = x_(k),    assured = (n + 1 - k) / (n + 1)

and gives no target when ``k = 0``: ``n`` periods cannot back that confidence at all, and at
least ``ceil(1 / (1 - c)) - 1`` are needed (9 for 90 %, 19 for 95 %, 99 for 99 %). This is
the distribution-free one-sided prediction bound for one future observation (Meeker, Hahn and
Escobar, *Statistical Intervals: A Guide for Practitioners and Researchers*, 2nd ed., Wiley
2017, chapter 5, "Distribution-free statistical intervals"), the rank argument of conformal
prediction (Vovk, Gammerman and Shafer, *Algorithmic Learning in a
Random World*, 2005).

Worked example (``tests/unit/test_engine_evidence.py``): 12 months, lowest 0.9981 then
0.9985: at 90 %, ``k = floor(13 * 0.1) = 1``, target 0.9981, assured 12/13 = 92.3 %; at 95 %
``floor(13 * 0.05) = 0``: no target (19 months needed).

Confidences are taken as the decimals written (0.9, not 0.900000000000000022...), so that
``(n + 1) * (1 - c)`` is exact: with binary floats 10 * (1 - 0.9) is 0.9999999999999998.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from slmo.core.model.evidence import ConfidentTarget

CONFIDENCES: tuple[float, ...] = (0.90, 0.95, 0.99)


def _exact(ratio: float) -> Fraction:
    return Fraction(repr(ratio))


def periods_needed(confidence: float) -> int:
    """The fewest periods whose lowest attainment is met with ``confidence``."""
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence is in (0, 1), not {confidence}")
    return math.ceil(1 / (1 - _exact(confidence))) - 1


def confident_target(attainments: Sequence[float], confidence: float) -> ConfidentTarget:
    """The order-statistic bound above, over the periods' attainments (ratios in [0, 1])."""
    needed = periods_needed(confidence)
    n = len(attainments)
    k = math.floor((n + 1) * (1 - _exact(confidence)))
    if k < 1:
        return ConfidentTarget(
            confidence=confidence, periods=n, periods_needed=needed, target=None, rank=None, assured=None
        )
    ordered = sorted(attainments)
    return ConfidentTarget(
        confidence=confidence,
        periods=n,
        periods_needed=needed,
        target=ordered[k - 1],
        rank=k,
        assured=(n + 1 - k) / (n + 1),
    )


def confident_targets(
    attainments: Sequence[float], confidences: Sequence[float] = CONFIDENCES
) -> tuple[ConfidentTarget, ...]:
    return tuple(confident_target(attainments, c) for c in confidences)


def met(attainment: float | None, target: float) -> bool | None:
    """Whether a period's attainment meets ``target`` (``None`` without data): at or above it,
    as the status rule says (``docs/formulas.md`` section 7: breached when below)."""
    return None if attainment is None else attainment >= target
