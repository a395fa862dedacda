"""Reviews of agreements and of operational procedures: the record of one review, and where
each reviewed subject stands in the schedule (``core.engine.reviews`` has the rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# The two kinds of subject a review is of.
REVIEWED_KINDS = ("Agreement", "Procedure")


class ReviewState(StrEnum):
    """``scheduled``: the next review is more than the notice period away; ``due``: within it;
    ``overdue``: its date has passed."""

    SCHEDULED = "scheduled"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, kw_only=True)
class Review:
    """One review held on ``date`` of ``subject_kind/subject``: who attended, what was found and
    decided, and the next review date it set (given, or ``date`` plus the subject's cadence).
    The improvement actions it created are in the register, with this review as their origin.
    ``id`` is ``None`` until stored."""

    id: int | None = None
    subject_kind: str
    subject: str
    date: dt.date
    attendees: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    next_review: dt.date | None = None
    recorded_at: dt.datetime
    recorded_by: str

    @property
    def key(self) -> str:
        """``Agreement/NAME`` or ``Procedure/NAME``."""
        return f"{self.subject_kind}/{self.subject}"


@dataclass(frozen=True, kw_only=True)
class ReviewDue:
    """Where one subject stands in the review schedule on a given day. ``owners`` are the
    parties told when it is due (a procedure's owner; an agreement's providers);
    ``last_review`` the date of the latest review recorded (with its id), and ``days`` the
    days left until ``next_review`` (negative when overdue)."""

    subject_kind: str
    subject: str
    owners: tuple[str, ...]
    every_months: int
    last_review: dt.date | None
    last_review_id: int | None
    next_review: dt.date
    state: ReviewState
    days: int

    @property
    def key(self) -> str:
        return f"{self.subject_kind}/{self.subject}"
