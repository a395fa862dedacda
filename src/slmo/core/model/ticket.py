"""Service-desk tickets and the ticket part of an objective: per-priority targets, pause
statuses and the policies an agreement states for the cases the tools answer differently
(shared/sla-clock-cases.md, cases 14 to 23).

A ticket keeps its status history, one change per row with the status and the priority in
force from that instant, so pauses, reopens and priority changes are all known. Instants are
timezone-aware; the engine works on their epoch seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class TargetUnit(StrEnum):
    """How a ticket target counts; the same words as ``ClockUnit`` (docs/clock.md, case 18)."""

    BUSINESS = "business"
    BUSINESS_DAYS = "business-days"
    END_OF_DAY = "end-of-day"
    CALENDAR = "calendar"

    @property
    def counts_days(self) -> bool:
        return self in (TargetUnit.BUSINESS_DAYS, TargetUnit.END_OF_DAY)


class PriorityChangePolicy(StrEnum):
    """Case 14: the new priority's target counts from the opening (``retroactive``, GLPI,
    Zammad, JSM) or from the change (``from_change``, ServiceNow's default)."""

    RETROACTIVE = "retroactive"
    FROM_CHANGE = "from_change"


class ReopenPolicy(StrEnum):
    """Case 17: a reopened ticket resumes its clock, the solved time counting as a pause
    (``resume``, GLPI), or starts a new cycle with a clock of its own (``new_cycle``, JSM)."""

    RESUME = "resume"
    NEW_CYCLE = "new_cycle"


class AttachPolicy(StrEnum):
    """Case 21: an objective that comes into force while a ticket is open counts from the
    ticket's opening or from the instant the objective came into force."""

    FROM_OPENING = "from_opening"
    FROM_ATTACHMENT = "from_attachment"


@dataclass(frozen=True, kw_only=True)
class TicketPolicies:
    """The agreement's answers. A pause after a breach never undoes it (case 23) and a
    calendar edit never rewrites history (case 19): those are rules, not choices."""

    priority_change: PriorityChangePolicy = PriorityChangePolicy.RETROACTIVE
    reopen: ReopenPolicy = ReopenPolicy.RESUME
    attached: AttachPolicy = AttachPolicy.FROM_OPENING


DEFAULT_WARNINGS: tuple[float, ...] = (0.5, 0.75, 0.9)
DEFAULT_NEW_STATUSES: tuple[str, ...] = ("New", "Queued")
DEFAULT_RESOLVED_STATUSES: tuple[str, ...] = ("Resolved", "Closed", "Completed", "Cancelled")


@dataclass(frozen=True, kw_only=True)
class TicketTargets:
    """Per-priority targets of a ticket objective. ``targets`` maps a priority to seconds
    (``business`` and ``calendar``) or to a whole number of working days (the day units).

    The objective's own ``target`` is then the share of tickets in time per window."""

    unit: TargetUnit = TargetUnit.BUSINESS
    targets: Mapping[str, int] = field(default_factory=dict)
    pause_statuses: tuple[str, ...] = ()
    new_statuses: tuple[str, ...] = DEFAULT_NEW_STATUSES
    resolved_statuses: tuple[str, ...] = DEFAULT_RESOLVED_STATUSES
    policies: TicketPolicies = field(default_factory=TicketPolicies)
    warnings: tuple[float, ...] = DEFAULT_WARNINGS


@dataclass(frozen=True, kw_only=True)
class StatusChange:
    """From ``at`` on, the ticket is in ``status`` with ``priority`` (``None``: unchanged).
    ``sequence`` orders changes at the same instant and makes imports idempotent."""

    sequence: int
    at: dt.datetime
    status: str
    priority: str | None = None


@dataclass(frozen=True, kw_only=True)
class Ticket:
    id: str
    service: str | None
    priority: str
    opened: dt.datetime
    category: str | None = None
    acknowledged: dt.datetime | None = None
    resolved: dt.datetime | None = None
    closed: dt.datetime | None = None
    history: tuple[StatusChange, ...] = ()
    source: str = "default"
