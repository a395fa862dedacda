"""Reviews and improvement actions over the API: dates as ``YYYY-MM-DD``, instants as
``isoformat()`` text, attainments as fractions, null where there is none."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from slmo.core.model.improvement import ImprovementAction
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.model.review import Review, ReviewDue
from slmo.services.improvements import ActionChange, ActionDraft, Effect, parse_status


class ReviewDuePublic(BaseModel):
    subject: str = Field(description="Agreement/NAME or Procedure/NAME")
    kind: Literal["Agreement", "Procedure"]
    name: str
    owners: list[str] = Field(description="The parties told when it is due.")
    every_months: int
    last_review: str | None
    last_review_id: int | None
    next_review: str
    state: Literal["scheduled", "due", "overdue"]
    days: int = Field(description="Days until the next review; negative when overdue.")


class SchedulePage(BaseModel):
    items: list[ReviewDuePublic]
    total: int


class ReviewPublic(BaseModel):
    id: int
    subject: str
    date: str
    attendees: list[str]
    findings: list[str]
    decisions: list[str]
    next_review: str | None
    recorded_at: str
    recorded_by: str
    actions: list[int] = Field(default_factory=list, description="The improvement actions it created.")


class ReviewPage(BaseModel):
    items: list[ReviewPublic]
    total: int
    limit: int
    offset: int


class ActionDraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    owner: str | None = Field(default=None, max_length=255)
    due: dt.date | None = None
    objectives: list[str] = Field(default_factory=list)
    notes: str | None = Field(default=None, max_length=4000)


class ReviewIn(BaseModel):
    """A review that was held; actions take the subject's owner and the next review date unless
    they say otherwise."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=300, description="AGREEMENT, agreement/NAME or procedure/NAME")
    date: dt.date
    attendees: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    actions: list[ActionDraftIn] = Field(default_factory=list)
    nextReview: dt.date | None = Field(default=None, description="Not in the past; else the date plus the cadence.")  # noqa: N815


class ActionIn(ActionDraftIn):
    origin: str = Field(max_length=600, description="breach:AGREEMENT/OBJECTIVE@START, review:ID or trend:TEXT")
    owner: str = Field(max_length=255)
    due: dt.date


class ActionPatch(BaseModel):
    """Fields to change; a status of ``done`` stamps now, or ``doneAt``."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=500)
    owner: str | None = Field(default=None, max_length=255)
    due: dt.date | None = None
    status: Literal["open", "in_progress", "done", "dropped"] | None = None
    objectives: list[str] | None = None
    notes: str | None = Field(default=None, max_length=4000)
    doneAt: dt.datetime | None = None  # noqa: N815


class Span(BaseModel):
    start: str
    end: str
    attainment: float | None
    target: float
    status: str


class EffectPublic(BaseModel):
    objective: str
    seconds: int = Field(description="The length of each span, before and after.")
    before: Span | None
    after: Span | None
    change: float | None = Field(description="After minus before, a fraction.")


class ActionPublic(BaseModel):
    id: int
    title: str
    origin: str
    owner: str
    due: str
    status: Literal["open", "in_progress", "done", "dropped"]
    objectives: list[str]
    notes: str | None
    created_at: str
    created_by: str
    updated_at: str
    done_at: str | None
    effects: list[EffectPublic] | None = Field(
        default=None, description="Attainment before and after, once done (one action's page only)."
    )


class ActionPage(BaseModel):
    items: list[ActionPublic]
    total: int
    limit: int
    offset: int


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def due_public(row: ReviewDue) -> ReviewDuePublic:
    return ReviewDuePublic(
        subject=row.key,
        kind="Agreement" if row.subject_kind == "Agreement" else "Procedure",
        name=row.subject,
        owners=list(row.owners),
        every_months=row.every_months,
        last_review=None if row.last_review is None else row.last_review.isoformat(),
        last_review_id=row.last_review_id,
        next_review=row.next_review.isoformat(),
        state=row.state.value,
        days=row.days,
    )


def review_public(review: Review, actions: list[ImprovementAction] | None = None) -> ReviewPublic:
    return ReviewPublic(
        id=review.id or 0,
        subject=review.key,
        date=review.date.isoformat(),
        attendees=list(review.attendees),
        findings=list(review.findings),
        decisions=list(review.decisions),
        next_review=None if review.next_review is None else review.next_review.isoformat(),
        recorded_at=review.recorded_at.isoformat(),
        recorded_by=review.recorded_by,
        actions=[a.id or 0 for a in actions or ()],
    )


def _span(record: ObjectiveEvaluation | None) -> Span | None:
    if record is None:
        return None
    ev = record.evaluation
    return Span(
        start=ev.window_start.isoformat(),
        end=ev.window_end.isoformat(),
        attainment=_finite(ev.attainment),
        target=ev.target,
        status=ev.status.value,
    )


def action_public(action: ImprovementAction, effects: list[Effect] | None = None) -> ActionPublic:
    return ActionPublic(
        id=action.id or 0,
        title=action.title,
        origin=str(action.origin),
        owner=action.owner,
        due=action.due.isoformat(),
        status=action.status.value,
        objectives=list(action.objectives),
        notes=action.notes,
        created_at=action.created_at.isoformat(),
        created_by=action.created_by,
        updated_at=action.updated_at.isoformat(),
        done_at=None if action.done_at is None else action.done_at.isoformat(),
        effects=None
        if effects is None
        else [
            EffectPublic(
                objective=e.objective,
                seconds=e.seconds,
                before=_span(e.before),
                after=_span(e.after),
                change=_finite(e.change),
            )
            for e in effects
        ],
    )


def draft_of(given: ActionDraftIn) -> ActionDraft:
    return ActionDraft(
        title=given.title, owner=given.owner, due=given.due, objectives=tuple(given.objectives), notes=given.notes
    )


def change_of(patch: ActionPatch) -> ActionChange:
    return ActionChange(
        title=patch.title,
        owner=patch.owner,
        due=patch.due,
        status=None if patch.status is None else parse_status(patch.status),
        objectives=None if patch.objectives is None else tuple(patch.objectives),
        notes=patch.notes,
    )
