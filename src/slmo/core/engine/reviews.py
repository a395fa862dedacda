"""The review schedule: when an agreement or a procedure is next reviewed, and whether that is
far off, due or overdue. Dates only; the caller says which day it is.

Rules (``docs/architecture.md``, "Reviews and improvement"):

- A **procedure**'s next review is the later of the date its document sets (``nextReview``)
  and the next review set by its latest review; with neither, one cadence after it was
  registered (its first audit entry).
- An **agreement**'s next review is the next review set by its latest review; without one,
  one cadence (the version in force's ``review.everyMonths``, else ``DEFAULT_MONTHS``) after
  that version took effect (else after the agreement was registered).
- A review sets the next one: the date given with it, else its own date plus the cadence.
- **Due** from ``DUE_DAYS`` before the date, **overdue** from the day after it.
- Months are calendar months, clamped to the month's end (31 January + 1 month is 28 or 29
  February).
"""

from __future__ import annotations

import calendar
import datetime as dt

from slmo.core.model.review import ReviewState

DUE_DAYS = 30
# The cadence of an agreement whose version in force sets none: a review a year.
DEFAULT_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month reached."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_after(reviewed: dt.date, every_months: int, given: dt.date | None = None) -> dt.date:
    """The next review a review held on ``reviewed`` sets: ``given``, else one cadence on."""
    return given if given is not None else add_months(reviewed, every_months)


def procedure_next(
    document_date: dt.date | None, from_review: dt.date | None, registered: dt.date, every_months: int
) -> dt.date:
    found = [d for d in (document_date, from_review) if d is not None]
    return max(found) if found else add_months(registered, every_months)


def agreement_next(from_review: dt.date | None, in_force_since: dt.date, every_months: int) -> dt.date:
    return from_review if from_review is not None else add_months(in_force_since, every_months)


def review_state(next_review: dt.date, today: dt.date, due_days: int = DUE_DAYS) -> ReviewState:
    if next_review < today:
        return ReviewState.OVERDUE
    if (next_review - today).days <= due_days:
        return ReviewState.DUE
    return ReviewState.SCHEDULED
