"""Where objectives stand: ``GET /status`` (``?at=`` for the past) and stored evaluations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.status import StatusRow, status_row
from slmo.errors import Problem, SpecError

router = APIRouter(tags=["status"])


def _instant(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise SpecError(
            [Problem(None, "at", f"{text!r} is not an ISO 8601 instant with an offset", key="api.bad_instant")]
        )
    return value


@router.get("/status", response_model=list[StatusRow], summary="Where every objective stands")
def status(
    access: AccessDep,
    at: Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset; default now.")] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    service: Annotated[str | None, Query(max_length=255)] = None,
) -> list[StatusRow]:
    rows = access.status(_instant(at))
    return [
        status_row(r)
        for r in rows
        if (agreement is None or r.agreement == agreement) and (service is None or r.service == service)
    ]


@router.get("/evaluations", response_model=list[StatusRow], summary="Stored evaluations, oldest first")
def evaluations(
    access: AccessDep,
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> list[StatusRow]:
    return [status_row(r) for r in access.evaluations(objective, limit)]


@router.get("/history", response_model=list[StatusRow], summary="An objective over a past calendar period")
def history(
    access: AccessDep,
    objective: Annotated[str, Query(max_length=255, description="NAME or AGREEMENT/NAME")],
    period: Annotated[str, Query(max_length=16, description="2026-10, 2026-Q3, 2026-W40, 2026 or 2026-10-05")],
) -> list[StatusRow]:
    return [status_row(r) for r in access.history(objective, period)]
