"""Breach episodes of objectives, from the stored evaluations (``core.engine.breaches``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset, since_query
from slmo.api.schemas.breaches import BreachPage, breach_public

router = APIRouter(tags=["breaches"])


@router.get("/breaches", response_model=BreachPage, summary="Breach episodes, oldest start first")
def breaches(
    access: AccessDep,
    since: Annotated[dt.datetime | None, Depends(since_query)],
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    open_only: Annotated[bool, Query(alias="open", description="Only the breaches still going on.")] = False,
    sort: Literal["start", "-start"] = "start",
    limit: Limit = 100,
    offset: Offset = 0,
) -> BreachPage:
    found = access.breaches(agreement=agreement, objective=objective, since=since, open_only=open_only)
    if sort == "-start":
        found.reverse()
    return BreachPage(
        items=[breach_public(e) for e in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )
