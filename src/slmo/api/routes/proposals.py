"""Proposals for change: the list and one proposal (every role; a customer its own agreements'
only, another party's a 404), drafting a period's (admins and managers), and accepting or
rejecting one (admins and managers) with ``If-Match``: 428 without, 412 when the proposal
changed since it was read. Accepting drafts the agreement's next version for its provider."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.concurrency import run_in_threadpool

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.routes.catalogue import etag, parse_if_match
from slmo.api.schemas.proposals import (
    AcceptIn,
    DraftChangePublic,
    DraftIn,
    DraftPublic,
    ProposalPage,
    ProposalPublic,
    RejectIn,
)
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.errors import Problem, SpecError
from slmo.services.proposals import proposal_json

router = APIRouter(prefix="/proposals", tags=["proposals"])
_PRECONDITION: dict[int | str, dict[str, Any]] = {
    412: {"description": "The proposal changed since its ETag was read."},
    428: {"description": "No If-Match."},
}


def _public(proposal: Proposal) -> ProposalPublic:
    return ProposalPublic.model_validate(proposal_json(proposal))


def _statuses(values: list[str] | None) -> set[ProposalStatus] | None:
    if not values:
        return None
    known = {s.value: s for s in ProposalStatus}
    wrong = [v for v in values if v not in known]
    if wrong:
        raise SpecError(
            [
                Problem(
                    None,
                    "status",
                    f"{wrong[0]!r} is not draft, accepted or rejected",
                    key="proposals.status",
                    args={"value": wrong[0]},
                )
            ]
        )
    return {known[v] for v in values}


@router.get("", response_model=ProposalPage, summary="Proposals for change, by id")
def proposals(
    access: AccessDep,
    status: Annotated[list[str] | None, Query(max_length=16, description="draft, accepted, rejected")] = None,
    period: Annotated[str | None, Query(max_length=16, description="The period proposed for: 2027.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ProposalPage:
    found = access.proposals().proposals(period=period, statuses=_statuses(status))
    return ProposalPage(
        items=[_public(p) for p in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )


@router.post(
    "",
    response_model=DraftPublic,
    summary="Draft a period's proposals from the twelve months before it (or before now); idempotent",
)
async def draft(body: DraftIn, access: AccessDep) -> DraftPublic:
    desk = access.proposals()
    report = await run_in_threadpool(desk.draft, body.period)
    return DraftPublic(
        period=report.period,
        changes=[DraftChangePublic(outcome=c.outcome.value, proposal=_public(c.proposal)) for c in report.changes],
    )


@router.get("/{proposal_id}", response_model=ProposalPublic, summary="One proposal; its revision is the ETag")
def proposal(proposal_id: int, access: AccessDep, response: Response) -> ProposalPublic:
    found = access.proposals().proposal(proposal_id)
    response.headers["ETag"] = etag(found.revision)
    return _public(found)


@router.post(
    "/{proposal_id}/accept",
    response_model=ProposalPublic,
    summary="Accept a draft proposal: its change becomes the agreement's next draft version (If-Match)",
    responses=_PRECONDITION,
)
async def accept(
    proposal_id: int,
    access: AccessDep,
    response: Response,
    body: AcceptIn | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> ProposalPublic:
    desk = access.proposals()
    # The role is checked before the precondition: a viewer learns nothing about the proposal.
    desk.require()
    revision = parse_if_match(if_match)
    given = body or AcceptIn()
    done = await run_in_threadpool(
        lambda: desk.accept(proposal_id, revision=revision, party=given.party, comment=given.comment)
    )
    response.headers["ETag"] = etag(done.revision)
    return _public(done)


@router.post(
    "/{proposal_id}/reject",
    response_model=ProposalPublic,
    summary="Reject a draft proposal, saying why (If-Match)",
    responses=_PRECONDITION,
)
def reject(
    proposal_id: int,
    body: RejectIn,
    access: AccessDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ProposalPublic:
    desk = access.proposals()
    desk.require()
    revision = parse_if_match(if_match)
    done = desk.reject(proposal_id, body.reason, revision=revision)
    response.headers["ETag"] = etag(done.revision)
    return _public(done)
