"""Claims on suppliers: the list with each claim's deadline (admins, managers, viewers), one claim
with its revision as the ``ETag``, and its steps (admins, managers) with ``If-Match``: 428
without, 412 when the claim changed since it was read."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.routes.catalogue import etag, parse_if_match
from slmo.api.schemas.suppliers import ClaimPage, ClaimPublic, ClaimStepIn
from slmo.services.claims import parse_statuses
from slmo.services.supplier_documents import claim_document, standing_document

router = APIRouter(prefix="/claims", tags=["claims"])


@router.get("", response_model=ClaimPage, summary="Claims on suppliers, with their deadlines")
def claims(
    access: AccessDep,
    status: Annotated[
        list[str] | None, Query(max_length=16, description="due, filed, accepted, paid, rejected, expired")
    ] = None,
    period: Annotated[str | None, Query(max_length=16, description="The period owed for: 2026-08.")] = None,
    supplier: Annotated[str | None, Query(max_length=255)] = None,
    within: Annotated[
        int | None, Query(ge=0, le=3650, description="Only due claims whose window closes within N days, or has.")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ClaimPage:
    statuses = None if not status else parse_statuses(status)
    found = access.suppliers().claims(statuses=statuses, period=period, supplier=supplier, within=within)
    return ClaimPage(
        items=[ClaimPublic.model_validate(standing_document(s)) for s in found[offset : offset + limit]],
        total=len(found),
        limit=limit,
        offset=offset,
    )


@router.get("/{claim_id}", response_model=ClaimPublic, summary="One claim; its revision is the ETag")
def claim(claim_id: int, access: AccessDep, response: Response) -> ClaimPublic:
    found = access.suppliers().claim(claim_id)
    response.headers["ETag"] = etag(found.revision)
    return ClaimPublic.model_validate(claim_document(found))


@router.post(
    "/{claim_id}/{step}",
    response_model=ClaimPublic,
    summary="File a due claim, or record the supplier's acceptance, payment or rejection (If-Match)",
    responses={
        412: {"description": "The claim changed since its ETag was read."},
        428: {"description": "No If-Match."},
    },
)
def step(
    claim_id: int,
    step: Literal["file", "accept", "pay", "reject"],
    access: AccessDep,
    response: Response,
    given: ClaimStepIn | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> ClaimPublic:
    desk = access.suppliers()
    # The role is checked before the precondition: a viewer learns nothing about the claim.
    desk.may_step()
    revision = parse_if_match(if_match)
    body = given or ClaimStepIn()
    moved = desk.step(claim_id, step, reference=body.reference, reason=body.reason, revision=revision)
    response.headers["ETag"] = etag(moved.revision)
    return ClaimPublic.model_validate(claim_document(moved))
