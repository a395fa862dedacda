"""Reviews of agreements and procedures: the schedule, the records, recording one (admins and
managers); a customer sees its own agreements' and their procedures' only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.schemas.records import (
    ReviewIn,
    ReviewPage,
    ReviewPublic,
    SchedulePage,
    draft_of,
    due_public,
    review_public,
)
from slmo.core.model.review import ReviewState
from slmo.services.reviews import ReviewInput

router = APIRouter(prefix="/reviews", tags=["reviews"])


@router.get("/schedule", response_model=SchedulePage, summary="When each agreement and procedure is next reviewed")
def schedule(
    access: AccessDep,
    state: Annotated[Literal["scheduled", "due", "overdue"] | None, Query(description="Only this state.")] = None,
) -> SchedulePage:
    rows = access.records().schedule(None if state is None else {ReviewState(state)})
    return SchedulePage(items=[due_public(r) for r in rows], total=len(rows))


@router.get("", response_model=ReviewPage, summary="Review records, by date")
def reviews(
    access: AccessDep,
    subject: Annotated[str | None, Query(max_length=300, description="AGREEMENT or procedure/NAME")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ReviewPage:
    found = access.records().reviews(subject)
    return ReviewPage(
        items=[review_public(r) for r in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )


@router.post("", status_code=201, response_model=ReviewPublic, summary="Record a review that was held")
def record(given: ReviewIn, access: AccessDep, response: Response) -> ReviewPublic:
    review, actions = access.records().record(
        ReviewInput(
            subject=given.subject,
            date=given.date,
            attendees=tuple(given.attendees),
            findings=tuple(given.findings),
            decisions=tuple(given.decisions),
            actions=tuple(draft_of(a) for a in given.actions),
            next_review=given.nextReview,
        )
    )
    response.headers["Location"] = f"/api/v1/reviews/{review.id}"
    return review_public(review, actions)


@router.get("/{review_id}", response_model=ReviewPublic, summary="One review, with the actions it created")
def review(review_id: int, access: AccessDep) -> ReviewPublic:
    found, actions = access.records().review(review_id)
    return review_public(found, actions)
