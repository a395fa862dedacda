"""The improvement register: actions that come from a breach, a review or a trend, each with an
owner, a due date, a status and the objectives it targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


# open <-> in_progress -> done | dropped; done and dropped are final (a new action is opened
# instead), so the date an action was done, and the attainment measured around it, stay put.
ACTION_TRANSITIONS: Mapping[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.DROPPED: frozenset(),
}


class OriginKind(StrEnum):
    BREACH = "breach"
    REVIEW = "review"
    TREND = "trend"


@dataclass(frozen=True, kw_only=True)
class ActionOrigin:
    """Where an action comes from. ``ref`` names it: a breach episode as
    ``AGREEMENT/OBJECTIVE@START`` (the instant of its first breached evaluation), a review by
    its id, a trend in words (``eportal-sla/availability falling since 2026-08``)."""

    kind: OriginKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.ref}"


@dataclass(frozen=True, kw_only=True)
class ImprovementAction:
    """One action of the register. ``objectives`` are ``AGREEMENT/OBJECTIVE`` keys; ``done_at``
    is set when it is done (the instant around which attainment is compared). ``revision``
    grows with every change (an optimistic lock); ``id`` is ``None`` until stored."""

    id: int | None = None
    title: str
    origin: ActionOrigin
    owner: str
    due: dt.date
    status: ActionStatus = ActionStatus.OPEN
    objectives: tuple[str, ...] = ()
    notes: str | None = None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    done_at: dt.datetime | None = None
    revision: int = 0

    @property
    def open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def agreements(self) -> frozenset[str]:
        """The agreements the action concerns: those of its objectives and of a breach origin."""
        found = {key.split("/", 1)[0] for key in self.objectives}
        if self.origin.kind is OriginKind.BREACH:
            found.add(self.origin.ref.split("/", 1)[0])
        return frozenset(found)
