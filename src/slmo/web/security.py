"""The web UI's session and CSRF machinery: cookies, the signed-in principal of a request,
and the guard every unsafe request passes before its route runs.

Cookies (all ``HttpOnly``, ``SameSite=Lax``):

- ``slmo_session`` (path ``/``, so the API accepts it too): the session's random id. It is
  ``Secure`` when the request came over https (as uvicorn sees it: directly, or from a TLS
  proxy it trusts through ``X-Forwarded-Proto``). Over plain http the browser would not send
  a ``Secure`` cookie back, and ``slmo serve`` listens on http://127.0.0.1 by default, so
  the flag follows the scheme; and to keep passwords and cookies off the network in clear,
  signing in over plain http is refused unless the host is this machine (``localhost``,
  127.0.0.0/8, ``::1``). Anywhere else, put TLS in front (a proxy, or uvicorn's own).
- ``slmo_signin`` (path of the UI): a random token for the sign-in form, which has no
  session yet. The form must send it back (double submit), so another site cannot sign a
  browser in to the attacker's account (login CSRF).

The guard (``guard``, a dependency of the whole web app) refuses with 403 any POST, PUT,
PATCH or DELETE whose ``Origin`` (or ``Referer``) names another site, or which lacks the
session's synchronizer token (form field ``csrf_token`` or header ``X-CSRF-Token``); routes
marked ``pre_session`` (the sign-in) take the ``slmo_signin`` token instead. A route added
later is guarded without doing anything.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from slmo.bootstrap import Slmo
from slmo.errors import AuthenticationError, PermissionDeniedError
from slmo.services.access import Access
from slmo.services.sessions import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    Current,
    check_unsafe,
    require_same_origin,
    same_origin,
    tokens_match,
)

SIGNIN_COOKIE = "slmo_signin"
# A sign-in form is two short fields and a token: anything larger is no form of ours.
FORM_LIMIT = 16 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"

F = TypeVar("F", bound=Callable[..., Any])


def get_slmo(request: Request) -> Slmo:
    slmo = request.app.state.slmo
    assert isinstance(slmo, Slmo)
    return slmo


def pre_session(endpoint: F) -> F:
    """Mark a route whose unsafe requests come before any session (the sign-in form)."""
    endpoint.pre_session = True  # type: ignore[attr-defined]
    return endpoint


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def is_loopback(request: Request) -> bool:
    host = (request.url.hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_sign_in_here(request: Request) -> bool:
    """Over https always; over plain http only on this machine."""
    return is_https(request) or is_loopback(request)


def root(request: Request) -> str:
    """Where the web app is mounted (``/ui``), for links and redirects."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def set_cookie(request: Request, response: Response, name: str, value: str, *, path: str = "/") -> None:
    response.set_cookie(name, value, path=path, httponly=True, samesite="lax", secure=is_https(request), max_age=None)


def clear_cookie(request: Request, response: Response, name: str, *, path: str = "/") -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="lax", secure=is_https(request))


def signin_token(request: Request) -> tuple[str, bool]:
    """The sign-in form's token: the browser's, or a new one (``True``: set the cookie)."""
    held = request.cookies.get(SIGNIN_COOKIE)
    if held and 20 <= len(held) <= 100:
        return held, False
    return secrets.token_urlsafe(32), True


async def form(request: Request) -> dict[str, str]:
    """The urlencoded body of a form (read once, kept on the request); empty for other bodies."""
    cached = getattr(request.state, "form", None)
    if isinstance(cached, dict):
        return cached
    fields: dict[str, str] = {}
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM_TYPE:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > FORM_LIMIT:
            raise HTTPException(413, "the form is too large")
        # ``body()`` keeps what it read, so a route may read the body again; the API's body
        # limit bounds a body sent without a length.
        body = await request.body()
        if len(body) > FORM_LIMIT:
            raise HTTPException(413, "the form is too large")
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
        except (UnicodeDecodeError, ValueError):
            raise HTTPException(400, "the form could not be read") from None
    request.state.form = fields
    return fields


def _lookup(slmo: Slmo, secret: str | None) -> Current | None:
    try:
        return slmo.sessions.current(secret)
    except AuthenticationError:
        return None


async def current(request: Request) -> Current | None:
    """The request's live session, if any (looked up once per request)."""
    if not hasattr(request.state, "current"):
        secret = request.cookies.get(SESSION_COOKIE)
        request.state.current = None if not secret else await run_in_threadpool(_lookup, get_slmo(request), secret)
    found = request.state.current
    assert found is None or isinstance(found, Current)
    return found


async def signed_in(request: Request) -> Current:
    """The request's session; without one, ``AuthenticationError`` (the app redirects to sign-in)."""
    found = await current(request)
    if found is None:
        raise AuthenticationError("sign in first", key="web.signin_required")
    return found


SignedInDep = Annotated[Current, Depends(signed_in)]


def access_for(request: Request, signed: Current) -> Access:
    """The use cases as the signed-in principal may use them: the API's walls; its writes
    are audited as made through the web."""
    access = get_slmo(request).access(signed.principal)
    access.interface = "web"
    return access


async def guard(request: Request) -> None:
    """Refuse an unsafe request from another site or without its token; see the module's doc."""
    if request.method in SAFE_METHODS:
        return
    origin_ok = same_origin(
        request.headers.get("origin"),
        request.headers.get("referer"),
        request.url.scheme,
        request.headers.get("host", ""),
    )
    fields = await form(request)
    route = request.scope.get("route")
    if getattr(getattr(route, "endpoint", None), "pre_session", False):
        require_same_origin(origin_ok)
        expected = request.cookies.get(SIGNIN_COOKIE)
        if not expected or not tokens_match(expected, fields.get(CSRF_FIELD)):
            raise PermissionDeniedError(
                "the sign-in form has expired or did not come from this site; reload it and try again",
                key="web.csrf_signin",
            )
        return
    found = await signed_in(request)
    check_unsafe(found.session, request.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD), origin_ok=origin_ok)
