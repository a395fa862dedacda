"""The improvement register: actions (the open ones, or all), adding and changing one (admins and
managers), and one action with attainment before and after it once done; a customer sees the
actions that concern only its agreements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.schemas.records import ActionIn, ActionPage, ActionPatch, ActionPublic, action_public, change_of, draft_of

router = APIRouter(prefix="/actions", tags=["actions"])


@router.get("", response_model=ActionPage, summary="Improvement actions, by id")
def actions(
    access: AccessDep,
    open_only: Annotated[bool, Query(alias="open", description="Only open and in-progress actions.")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ActionPage:
    found = access.records().actions(open_only=open_only)
    return ActionPage(
        items=[action_public(a) for a in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )


@router.post("", status_code=201, response_model=ActionPublic, summary="Add an improvement action")
def add(given: ActionIn, access: AccessDep, response: Response) -> ActionPublic:
    made = access.records().add_action(draft_of(given), given.origin)
    response.headers["Location"] = f"/api/v1/actions/{made.id}"
    return action_public(made)


@router.get("/{action_id}", response_model=ActionPublic, summary="One action; once done, attainment before and after")
def action(action_id: int, access: AccessDep) -> ActionPublic:
    found, effects = access.records().action(action_id)
    return action_public(found, effects)


@router.patch("/{action_id}", response_model=ActionPublic, summary="Change an action: fields, status (done stamps now)")
def update(action_id: int, patch: ActionPatch, access: AccessDep) -> ActionPublic:
    return action_public(access.records().update_action(action_id, change_of(patch), patch.doneAt))
