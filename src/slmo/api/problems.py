"""RFC 9457 problem details, and the one place where slmo's errors become HTTP status codes.

| error                        | status |
|------------------------------|--------|
| SpecError, IngestError       | 422    |
| AuthenticationError          | 401    |
| PermissionDeniedError        | 403    |
| NotFoundError                | 404    |
| ConflictError                | 409    |
| PreconditionFailedError      | 412    |
| StoreError                   | 503    |
| ConfigurationError           | 500    |
| any other SlmoError          | 400    |

Every problem is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; input problems add ``errors``: one item per problem, each with the failing
field's path (``field``) and, for documents, the line and column in the body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from slmo.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    IngestError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    Problem,
    SlmoError,
    SourceError,
    SpecError,
    StoreError,
)

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://slmo.dev/problems/"

# Most specific first: the first class an error is an instance of decides.
STATUS: tuple[tuple[type[SlmoError], int], ...] = (
    (SpecError, 422),
    (IngestError, 422),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (PreconditionFailedError, 412),
    (ConflictError, 409),
    (StoreError, 503),
    (SourceError, 502),
    (ConfigurationError, 500),
)

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def status_of(error: SlmoError) -> int:
    return next((status for cls, status in STATUS if isinstance(error, cls)), 400)


def problem(
    status: int,
    detail: str,
    *,
    key: str | None = None,
    errors: Sequence[Mapping[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (key or f"http-{status}"),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


def problem_item(p: Problem) -> dict[str, Any]:
    item: dict[str, Any] = {"field": p.field, "message": p.message, "key": p.key}
    if p.location is not None:
        item["source"] = p.location.source
        if p.location.line is not None:
            item["line"] = p.location.line
        if p.location.column is not None:
            item["column"] = p.location.column
    return item


def from_error(error: SlmoError) -> JSONResponse:
    status = status_of(error)
    if isinstance(error, AuthenticationError):
        # No reason given: unknown, expired and revoked tokens look the same from outside.
        return problem(401, "a valid API token is required", key="unauthorized", headers={"WWW-Authenticate": "Bearer"})
    errors = [problem_item(p) for p in error.problems] if isinstance(error, SpecError | IngestError) else []
    detail = f"{len(errors)} problem(s) found; nothing was written" if errors else error.message
    if status >= 500:
        logger.error("request failed: %s", error.message)
    return problem(status, detail, key=error.key, errors=errors)


def _validation_item(entry: Mapping[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in entry.get("loc", ())]
    where = loc[0] if loc else ""
    return {"field": ".".join(loc[1:]), "in": where, "message": str(entry.get("msg", "")), "key": "request"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem."""

    async def slmo_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, SlmoError)
        return from_error(exc)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        items = [_validation_item(e) for e in exc.errors()]
        return problem(422, f"{len(items)} problem(s) in the request", key="request", errors=items)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return problem(exc.status_code, str(exc.detail), headers=exc.headers)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "an unexpected error occurred; it has been logged")

    app.add_exception_handler(SlmoError, slmo_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
