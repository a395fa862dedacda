"""What routes ask for, as ``Annotated`` aliases: the handle, the caller, its access, bodies."""

from __future__ import annotations

import hashlib
import json
import tempfile
from typing import Annotated, Any, BinaryIO

from fastapi import Depends, Header, Request
from starlette.exceptions import HTTPException

from slmo.api.limits import BodyTooLargeError
from slmo.bootstrap import Slmo
from slmo.core.model.auth import Principal
from slmo.errors import Location, Problem, SpecError
from slmo.services.access import Access
from slmo.services.sessions import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, check_unsafe, same_origin

# Bodies are spooled to a temporary file past this size, so memory stays flat while an
# upload of many megabytes streams in.
SPOOL_BYTES = 4 * 1024 * 1024
JSON_TYPES = ("application/json",)
# A catalogue document is a few kilobytes; the largest agreement imaginable is far below this.
DOCUMENT_LIMIT = 1024 * 1024


# No I/O: async, so that FastAPI calls it in place instead of handing it to a worker thread.
async def get_slmo(request: Request) -> Slmo:
    slmo = request.app.state.slmo
    assert isinstance(slmo, Slmo)
    return slmo


SlmoDep = Annotated[Slmo, Depends(get_slmo)]


def get_principal(
    request: Request, slmo: SlmoDep, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Principal:
    """The caller: by its bearer token, else by the web UI's session cookie. A cookie is sent
    by the browser on its own, so an unsafe request made with one must also carry the
    session's CSRF token in ``X-CSRF-Token`` (and come from this origin, when it says); a
    bearer token is never sent on its own, so its requests need neither."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if authorization is None and cookie:
        current = slmo.sessions.current(cookie)
        if request.method not in SAFE_METHODS:
            origin_ok = same_origin(
                request.headers.get("origin"),
                request.headers.get("referer"),
                request.url.scheme,
                request.headers.get("host", ""),
            )
            check_unsafe(current.session, request.headers.get(CSRF_HEADER), origin_ok=origin_ok)
        return current.principal
    scheme, _, secret = (authorization or "").partition(" ")
    return slmo.auth.authenticate(secret.strip() if scheme.lower() == "bearer" else None)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_access(slmo: SlmoDep, principal: PrincipalDep) -> Access:
    return slmo.access(principal)


AccessDep = Annotated[Access, Depends(get_access)]


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def require_media(request: Request, *allowed: str) -> str:
    kind = media_type(request)
    if kind not in allowed:
        raise HTTPException(415, f"send the body as {' or '.join(allowed)}, not {kind or 'no content type'}")
    return kind


def parse_json(body: bytes) -> Any:
    """The body as JSON, or a problem pointing at the line and column where it breaks."""
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise SpecError([Problem(Location("request body"), "", "the body is not UTF-8", key="api.not_utf8")]) from None
    except json.JSONDecodeError as error:
        raise SpecError(
            [
                Problem(
                    Location("request body", error.lineno, error.colno),
                    "",
                    f"malformed JSON: {error.msg}",
                    key="api.malformed_json",
                )
            ]
        ) from None


async def json_text(request: Request) -> str:
    """A JSON document body as text, checked to be JSON first (the codec reads it as YAML,
    which would accept some broken JSON)."""
    require_media(request, *JSON_TYPES)
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DOCUMENT_LIMIT:
            raise BodyTooLargeError(DOCUMENT_LIMIT)
        parts.append(chunk)
    body = b"".join(parts)
    parse_json(body)
    return body.decode("utf-8")


async def spooled(request: Request) -> tuple[BinaryIO, str]:
    """The body streamed into a spooled file, and the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
    try:
        async for chunk in request.stream():
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, digest.hexdigest()  # type: ignore[return-value]
