"""Where objectives stand: ``GET /status`` (``?at=`` for the past) and stored evaluations.

``GET /status`` without ``?at=`` answers from the status board (``services.board``): each
objective's newest stored evaluation. Its answer changes only when the board's version does,
so the serialised body is kept per version and side of the walls (``Bodies``), with a strong
ETag (a hash of the body) that lets a client ask again with ``If-None-Match`` and get a 304.
Each row's JSON is kept by its stamp, so a new version (one objective evaluated again)
serialises one row, not all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from slmo.api.deps import AccessDep, SlmoDep, get_principal
from slmo.api.schemas.status import ForecastRow, StatusRow, status_json, status_row
from slmo.core.model.results import ObjectiveEvaluation
from slmo.errors import Problem, SpecError
from slmo.services.access import Access, CurrentStatus
from slmo.services.forecasts import forecast_json

router = APIRouter(tags=["status"])

# Answers kept at once: one per side of the walls (staff, each customer party) and filter.
BODIES_KEPT = 64
_BODIES_LOCK = threading.Lock()


@dataclass(frozen=True)
class Body:
    content: bytes
    etag: str


def _wanted(record: ObjectiveEvaluation, agreement: str | None, service: str | None) -> bool:
    return (agreement is None or record.agreement == agreement) and (service is None or record.service == service)


def _array(parts: Iterable[bytes]) -> bytes:
    return b"[" + b",".join(parts) + b"]"


class Bodies:
    """Serialised ``GET /status`` answers, by ``CurrentStatus.key`` and filters; thread-safe."""

    def __init__(self, kept: int = BODIES_KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._bodies: OrderedDict[tuple[object, ...], Body] = OrderedDict()
        self._rows: dict[int, bytes] = {}
        self._version = 0

    def get(self, current: CurrentStatus, agreement: str | None, service: str | None) -> Body:
        key = (current.key, agreement, service)
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
            if current.version > self._version:
                # A new board: forget the answers and rows it no longer holds.
                self._bodies.clear()
                self._rows = {s: j for s, j in self._rows.items() if s in current.stamps}
                self._version = current.version
            parts = []
            for row in current.rows():
                if not _wanted(row.record, agreement, service):
                    continue
                part = self._rows.get(row.stamp)
                if part is None:
                    part = self._rows[row.stamp] = status_json(row.record)
                parts.append(part)
            content = _array(parts)
            body = Body(content, f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"')
            if current.version == self._version:
                self._bodies[key] = body
                while len(self._bodies) > self._kept:
                    self._bodies.popitem(last=False)
            return body


def _bodies(request: Request) -> Bodies:
    # One per app (so two apps in one process never share), made on first use.
    state = request.app.state
    with _BODIES_LOCK:
        found = getattr(state, "status_bodies", None)
        if not isinstance(found, Bodies):
            found = state.status_bodies = Bodies()
        return found


def _instant(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise SpecError(
            [Problem(None, "at", f"{text!r} is not an ISO 8601 instant with an offset", key="api.bad_instant")]
        )
    return value


def _matches(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


@router.get(
    "/status",
    response_model=list[StatusRow],
    summary="Where every objective stands",
    description=(
        "Now (without `at`): each objective's newest stored evaluation (the scheduler stores one "
        "about every minute), or one made on the spot when it has none from the last 10 minutes; "
        "each row's `at` tells when. With an ETag: send it back as If-None-Match for a 304 while "
        "nothing changed. With `at`: every objective evaluated at that instant."
    ),
    responses={304: {"description": "Not modified since the ETag sent in If-None-Match."}},
)
async def status(
    request: Request,
    slmo: SlmoDep,
    at: Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset; default now.")] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    service: Annotated[str | None, Query(max_length=255)] = None,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    # The caller is found (deps.get_principal, as AccessDep would) in the same worker thread
    # as the answer: one hand-over to a thread per request instead of two, at 200 requests a
    # second.
    def access() -> Access:
        return slmo.access(get_principal(request, slmo, authorization))

    if at is not None:

        def live() -> bytes:
            caller = access()  # first, so that a caller without a token learns nothing more
            rows = caller.status(_instant(at))
            return _array(status_json(r) for r in rows if _wanted(r, agreement, service))

        # Evaluated and serialised in the thread too: seconds of work that must not hold the loop.
        return Response(await run_in_threadpool(live), media_type="application/json")
    bodies = _bodies(request)
    body = await run_in_threadpool(lambda: bodies.get(access().current_status(), agreement, service))
    # The answer depends on the token: private, and to be revalidated each time.
    headers = {"ETag": body.etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    if _matches(if_none_match, body.etag):
        return Response(status_code=304, headers=headers)
    return Response(body.content, media_type="application/json", headers=headers)


@router.get("/evaluations", response_model=list[StatusRow], summary="Stored evaluations, a page from the newest back")
def evaluations(
    access: AccessDep,
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many of the newest.")] = 0,
    sort: Annotated[Literal["at", "-at"], Query(description="at: oldest first; -at: newest first.")] = "at",
) -> list[StatusRow]:
    rows = [status_row(r) for r in access.evaluations(objective, limit, offset)]
    return rows if sort == "at" else rows[::-1]


@router.get("/history", response_model=list[StatusRow], summary="An objective over a past calendar period")
def history(
    access: AccessDep,
    objective: Annotated[str, Query(max_length=255, description="NAME or AGREEMENT/NAME")],
    period: Annotated[str, Query(max_length=16, description="2026-10, 2026-Q3, 2026-W40, 2026 or 2026-10-05")],
) -> list[StatusRow]:
    return [status_row(r) for r in access.history(objective, period)]


@router.get(
    "/forecasts",
    response_model=list[ForecastRow],
    summary="Where each objective's window will end",
    description=(
        "The forecast made with each objective's newest stored evaluation (or, with `at`, with an "
        "evaluation at that instant): expected end-of-window attainment, 80 and 95 % prediction "
        "intervals and the probability of breach."
    ),
)
def forecasts(
    access: AccessDep,
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    at: Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset; default now.")] = None,
) -> list[ForecastRow]:
    if at is not None:
        records = access.status(_instant(at))
    else:
        current = access.current_status()
        records = [row.record for row in current.rows()]
    found = []
    for record in records:
        if objective is not None and objective not in (record.key, record.evaluation.objective):
            continue
        if agreement is not None and record.agreement != agreement:
            continue
        row = forecast_json(record)
        if row is not None:
            found.append(ForecastRow(**row))
    return sorted(found, key=lambda r: r.objective)
