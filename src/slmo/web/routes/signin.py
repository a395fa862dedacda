"""Signing in and out of the web UI (the session and CSRF rules are in ``web.security``)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from slmo.errors import AuthenticationError
from slmo.i18n import gettext
from slmo.services.sessions import SESSION_COOKIE
from slmo.web.pages import lang_of, render
from slmo.web.security import (
    SIGNIN_COOKIE,
    SignedInDep,
    clear_cookie,
    current,
    form,
    get_slmo,
    may_sign_in_here,
    pre_session,
    root,
    set_cookie,
    signin_token,
)

logger = logging.getLogger(__name__)

router = APIRouter()


def _next(request: Request, asked: str | None) -> str:
    """Where to go after signing in: a page of this UI, never another site."""
    home = root(request) + "/"
    if asked and asked.startswith(home) and "//" not in asked and "\\" not in asked:
        return asked
    return home


def _signin_page(request: Request, *, status: int = 200, name: str = "", error: str | None = None) -> Response:
    token, new = signin_token(request)
    response = render(
        request,
        "signin.html",
        status=status,
        name=name,
        error=error,
        token=token,
        allowed=may_sign_in_here(request),
        next=_next(request, request.query_params.get("next")),
    )
    if new:
        set_cookie(request, response, SIGNIN_COOKIE, token, path=root(request) or "/")
    return response


@router.get("/signin")
async def signin_form(request: Request) -> Response:
    if await current(request) is not None:
        return RedirectResponse(root(request) + "/", status_code=303)
    return _signin_page(request)


@router.post("/signin")
@pre_session
async def signin(request: Request) -> Response:
    if not may_sign_in_here(request):
        return _signin_page(request, status=403)
    fields = await form(request)
    name = fields.get("name", "")[:255]
    slmo = get_slmo(request)
    try:
        signed = await run_in_threadpool(
            slmo.sessions.sign_in, name, fields.get("password", ""), previous=request.cookies.get(SESSION_COOKIE)
        )
    except AuthenticationError as error:
        message = gettext(error.key, lang_of(request), **error.args_for_translation)
        throttled = error.key == "web.signin_throttled"
        response = _signin_page(request, status=429 if throttled else 401, name=name, error=message)
        if throttled:
            response.headers["Retry-After"] = str(60 * int(error.args_for_translation.get("minutes", 1)))
        return response
    response = RedirectResponse(_next(request, fields.get("next")), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, signed.secret)
    clear_cookie(request, response, SIGNIN_COOKIE, path=root(request) or "/")
    return response


@router.post("/signout")
async def signout(request: Request, signed: SignedInDep) -> Response:
    slmo = get_slmo(request)
    await run_in_threadpool(slmo.sessions.sign_out, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(root(request) + "/signin", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response
