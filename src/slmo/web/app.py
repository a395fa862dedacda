"""The web UI as an ASGI app, built by ``create_web_app(slmo)`` and mounted by the API's
``create_app`` at ``/ui`` (``slmo serve`` serves both in one process).

- ``security``: cookies, sessions, and the CSRF guard that runs before every route;
- ``pages``: templates, language, rendering;
- ``routes``: the pages themselves, one router per noun;
- ``formats``, ``status_rows``, ``charts``: what the pages show, in the page's language.

slmo's errors become pages here: no session is a redirect to the sign-in (303, with the
page asked for as ``next``), ``PermissionDeniedError`` a 403 page and ``NotFoundError`` (or
an unknown path) a 404 page, ``ConflictError`` (acknowledging a resolved alert) a 409 page,
each in the user's language.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from slmo.bootstrap import Slmo
from slmo.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SlmoError,
    StoreError,
)
from slmo.i18n import gettext
from slmo.services.sessions import SAFE_METHODS
from slmo.web import routes
from slmo.web.pages import environment, lang_of, render
from slmo.web.security import current, guard, root

# What every answer of the UI carries: no framing (clickjacking), no scripts or styles but
# our own, forms only to ourselves, no MIME sniffing, and the Referer only to ourselves
# (which the CSRF guard reads when a browser sends no Origin).
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


class SecurityHeaders:
    """Adds ``HEADERS`` to every answer, and ``Cache-Control: no-store`` to pages (they show
    what one principal may see; a shared cache must not keep them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                held = {name.lower() for name, _ in message["headers"]}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in held]
                html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in message["headers"])
                if html and b"cache-control" not in held:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message["headers"], *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_web_app(slmo: Slmo) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, dependencies=[Depends(guard)])
    app.state.slmo = slmo
    app.state.templates = templates = environment()
    # Compiled now rather than by the first request of each page.
    for name in templates.list_templates(filter_func=lambda name: name.endswith(".html")):
        templates.get_template(name)
    app.include_router(routes.router)
    app.mount("/static", StaticFiles(packages=[("slmo.web", "static")]), name="static")

    async def not_signed_in(request: Request, exc: Exception) -> Response:
        target = root(request) + "/signin"
        if request.method in SAFE_METHODS and request.url.path != target:
            target += "?next=" + quote(request.url.path, safe="/")
        return RedirectResponse(target, status_code=303)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SlmoError)
        message = gettext(exc.key, lang_of(request), **exc.args_for_translation)
        return render(
            request, "problem.html", status=403, current=await current(request), message=message, status_code=403
        )

    async def missing(request: Request, exc: Exception) -> Response:
        # One page for "does not exist" and "not yours": the name is not repeated either.
        message = gettext("web.not_found", lang_of(request))
        return render(
            request, "problem.html", status=404, current=await current(request), message=message, status_code=404
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return await missing(request, exc)
        message = gettext("web.bad_request", lang_of(request))
        return render(request, "problem.html", status=exc.status_code, message=message, status_code=exc.status_code)

    async def failed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SlmoError)
        status = 503 if isinstance(exc, StoreError) else 409 if isinstance(exc, ConflictError) else 400
        message = gettext(exc.key, lang_of(request), **exc.args_for_translation)
        if message.startswith("["):
            message = exc.message
        return render(request, "problem.html", status=status, message=message, status_code=status)

    app.add_exception_handler(AuthenticationError, not_signed_in)
    app.add_exception_handler(PermissionDeniedError, refused)
    app.add_exception_handler(NotFoundError, missing)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(SlmoError, failed)
    app.add_middleware(SecurityHeaders)
    return app
