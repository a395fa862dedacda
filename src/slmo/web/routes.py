"""The web UI's pages: sign in, sign out, the overview of agreements and objectives, and one
agreement. Each page reads through ``services.access`` as the signed-in principal, so a
customer sees its own agreements and another party's agreement is 404, as in the API.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from slmo.core.model import Agreement, AgreementVersion, Objective
from slmo.errors import AuthenticationError
from slmo.i18n import gettext
from slmo.services.sessions import SESSION_COOKIE, Current
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


@dataclass(frozen=True)
class AgreementRow:
    """An agreement as the overview shows it: the version in force (else the latest)."""

    agreement: Agreement
    version: AgreementVersion | None

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return () if self.version is None else self.version.objectives


def _row(agreement: Agreement, today: dt.date) -> AgreementRow:
    return AgreementRow(agreement, agreement.active_version(today) or agreement.latest_version())


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


def _rows(request: Request, signed: Current) -> list[AgreementRow]:
    slmo = get_slmo(request)
    today = slmo.time.now().date()
    access = slmo.access(signed.principal)
    return [_row(a, today) for a in access.objects("Agreement") if isinstance(a, Agreement)]


@router.get("/")
async def overview(request: Request, signed: SignedInDep) -> Response:
    rows = await run_in_threadpool(_rows, request, signed)
    return render(request, "overview.html", current=signed, rows=rows)


@router.get("/agreements/{name}")
async def agreement(request: Request, name: str, signed: SignedInDep) -> Response:
    slmo = get_slmo(request)
    access = slmo.access(signed.principal)
    found, _ = await run_in_threadpool(access.get, "Agreement", name)
    assert isinstance(found, Agreement)
    return render(request, "agreement.html", current=signed, row=_row(found, slmo.time.now().date()))
