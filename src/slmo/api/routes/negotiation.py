"""Negotiating an agreement's versions: the steps (propose, counter, comment, approve, activate),
the history, the diff between versions, and the evidence for a proposed objective.

Who speaks for which party: a customer token for its party; staff (admin, manager) for the
agreement's provider (``services.negotiation_access``). Walls: a role that may not take a step
is 403 for every agreement; another party's agreement is 404 for a customer, as a missing one.
Every step is one transaction, recorded and audited with the interface ``api``.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from slmo.api.deps import AccessDep
from slmo.api.schemas.negotiation import (
    CounterIn,
    DiffPublic,
    EvidencePublic,
    HistoryPublic,
    OutcomePublic,
    StepIn,
    diff_public,
    outcome_public,
    step_public,
)
from slmo.core.model.negotiation import StepKind
from slmo.services.evidence import evidence_json
from slmo.services.targets import evidence_what_if_json

router = APIRouter(prefix="/agreements", tags=["negotiation"])
VERSION = "/{name}/versions/{number}"


def _body(body: StepIn | None) -> StepIn:
    return body if body is not None else StepIn()


@router.post(f"{VERSION}/propose", response_model=OutcomePublic, summary="Propose a draft version")
async def propose(name: str, number: int, access: AccessDep, body: StepIn | None = None) -> OutcomePublic:
    given = _body(body)
    desk = access.negotiation()
    return outcome_public(await run_in_threadpool(desk.propose, name, number, given.comment, given.party))


@router.post(
    f"{VERSION}/counter",
    status_code=201,
    response_model=OutcomePublic,
    summary="Counter a proposal: new terms proposed as the next version",
)
async def counter(
    name: str, number: int, access: AccessDep, response: Response, body: CounterIn | None = None
) -> OutcomePublic:
    given = body if body is not None else CounterIn()
    document = None if given.document is None else json.dumps(given.document, ensure_ascii=False)
    desk = access.negotiation()
    outcome = await run_in_threadpool(
        lambda: desk.counter(name, number, document=document, edits=given.set, comment=given.comment, party=given.party)
    )
    made = outcome_public(outcome)
    response.headers["Location"] = f"/api/v1/agreements/{name}/versions/{made.version}/diff?against={number}"
    return made


@router.post(f"{VERSION}/comment", status_code=201, response_model=OutcomePublic, summary="Comment on a version")
async def comment(name: str, number: int, access: AccessDep, body: StepIn | None = None) -> OutcomePublic:
    given = _body(body)
    desk = access.negotiation()
    return outcome_public(await run_in_threadpool(desk.comment, name, number, given.comment, given.party))


@router.post(
    f"{VERSION}/approve", response_model=OutcomePublic, summary="Approve a proposal for the party you speak for"
)
async def approve(name: str, number: int, access: AccessDep, body: StepIn | None = None) -> OutcomePublic:
    given = _body(body)
    desk = access.negotiation()
    return outcome_public(await run_in_threadpool(desk.approve, name, number, given.comment, given.party))


@router.post(
    f"{VERSION}/activate",
    response_model=OutcomePublic,
    summary="Put an agreed version in force on or after its effective date",
)
async def activate(name: str, number: int, access: AccessDep, body: StepIn | None = None) -> OutcomePublic:
    given = _body(body)
    desk = access.negotiation()
    return outcome_public(await run_in_threadpool(desk.activate, name, number, given.comment, given.party))


@router.get("/{name}/history", response_model=HistoryPublic, summary="The negotiation's steps, oldest first")
def history(
    name: str,
    access: AccessDep,
    version: Annotated[int | None, Query(ge=1, description="Only this version's steps.")] = None,
) -> HistoryPublic:
    steps = access.negotiation().history(name)
    if version is not None:
        steps = [s for s in steps if s.version == version]
    return HistoryPublic(agreement=name, items=[step_public(s) for s in steps], total=len(steps))


@router.get(f"{VERSION}/diff", response_model=DiffPublic, summary="What a version changed, field by field")
def diff(
    name: str,
    number: int,
    access: AccessDep,
    against: Annotated[
        int | None,
        Query(ge=1, description="The version to compare with (default: the one it counters, else the one before)."),
    ] = None,
) -> DiffPublic:
    desk = access.negotiation()
    if against is None:
        steps = desk.history(name)
        countered = [s.related for s in steps if s.version == number and s.kind is StepKind.PROPOSED and s.related]
        against = countered[-1] if countered else max(number - 1, 1)
    return diff_public(name, against, number, desk.diff(name, against, number))


@router.get(
    f"{VERSION}/evidence",
    response_model=EvidencePublic,
    summary="What history says of one of the version's objectives at a proposed target",
)
def evidence(
    name: str,
    number: int,
    access: AccessDep,
    objective: Annotated[str, Query(max_length=255, description="The objective's name in the version.")],
    periods: Annotated[int, Query(ge=1, le=120, description="Complete past periods.")] = 12,
    target: Annotated[float | None, Query(ge=0, lt=1, description="Default: the objective's target.")] = None,
    per: Literal["month", "quarter", "week"] = "month",
) -> EvidencePublic:
    found = access.negotiation().evidence(name, objective, periods=periods, target=target, version=number, per=per)
    study = access.evidence_what_if(found)
    return EvidencePublic.model_validate(evidence_json(found) | evidence_what_if_json(study))
