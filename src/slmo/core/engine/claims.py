"""Claims on suppliers: when the window to file one closes, and how near that is
(``docs/formulas.md`` section 20).

- **Deadline.** A contract's ``claims.withinDays`` count whole local days from the end of the
  period the credit is owed for, in the contract's time zone: the window closes at local
  midnight ``withinDays`` days after the period's end, and its last day is the day before. With
  30 days, a credit owed for August 2026 (UTC) is filed by 30 September, before
  2026-10-01T00:00Z.
- **Urgency**, at an instant: a due claim is ``overdue`` once the window has closed, ``soon``
  when it closes within the warning's days, else ``open`` (as is a due claim without a
  window); any other claim is ``settled``. The days left are whole days, rounded up, so the
  last day of the window shows as one day left.
"""

from __future__ import annotations

import datetime as dt
import math

from slmo.core.engine.windows import Span, zone
from slmo.core.model.claims import Claim, ClaimStatus, Urgency

_DAY = dt.timedelta(days=1)


def claim_deadline(period: Span, within_days: int, time_zone: str) -> tuple[dt.datetime, dt.date]:
    """The instant the filing window closes (local midnight, as an aware datetime in
    ``time_zone``) and its last day, for a credit owed for ``period``."""
    if within_days < 1:
        raise ValueError(f"a claim window is at least a day, got {within_days}")
    tz = zone(time_zone)
    end_day = dt.datetime.fromtimestamp(period.end, tz).date()
    closes_on = end_day + dt.timedelta(days=within_days)
    closes = dt.datetime.combine(closes_on, dt.time(), tzinfo=tz)
    return closes, closes_on - _DAY


def urgency(claim: Claim, now: dt.datetime, warn_days: int) -> Urgency:
    if claim.status is not ClaimStatus.DUE:
        return Urgency.SETTLED
    if claim.deadline is None:
        return Urgency.OPEN
    if now >= claim.deadline:
        return Urgency.OVERDUE
    if claim.deadline - now <= warn_days * _DAY:
        return Urgency.SOON
    return Urgency.OPEN


def days_left(claim: Claim, now: dt.datetime) -> int | None:
    """Whole days until the window closes, rounded up (negative once it has closed: the days
    since, rounded up too); ``None`` without a window."""
    if claim.deadline is None:
        return None
    seconds = (claim.deadline - now).total_seconds()
    days = math.ceil(abs(seconds) / 86400)
    return days if seconds > 0 else -days
