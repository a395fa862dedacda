"""Pages: Jinja2 templates (``web/templates``, autoescaped, strict about missing values), the
language of a request, and what every page is given.

Every template extends ``base.html`` and says every word through ``t(key, ...)``, the
catalogues of ``slmo.i18n``, and every number and instant through ``f`` (``web.formats``);
``lang`` and ``dir`` (``rtl`` for Arabic) go on ``<html>``, and the style sheet uses logical
properties only, so the same rules lay a page out either way.
The language is the ``lang`` query parameter (which the language switch sets and a cookie
remembers), else that cookie, else the server's language (``SLMO_LANG``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from slmo.core.model.auth import Role
from slmo.i18n import SUPPORTED_LANGUAGES, direction, gettext
from slmo.services.sessions import CSRF_FIELD, Current
from slmo.web.formats import Formats
from slmo.web.security import get_slmo, root, set_cookie
from slmo.web.status_rows import StatusRow, status_rows

LANG_COOKIE = "slmo_lang"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("slmo.web", "templates"),
        # Every template is HTML: escape everything, whatever the file's name.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in SUPPORTED_LANGUAGES:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    if kept in SUPPORTED_LANGUAGES:
        return kept
    return get_slmo(request).settings.lang


def language_links(request: Request) -> dict[str, str]:
    """This page in each language: the same path and query, with ``lang`` set."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {lang: request.url.path + "?" + urlencode([*kept, ("lang", lang)]) for lang in SUPPORTED_LANGUAGES}


def render(
    request: Request, template: str, *, status: int = 200, current: Current | None = None, **context: Any
) -> HTMLResponse:
    lang = lang_of(request)
    environment = request.app.state.templates
    assert isinstance(environment, jinja2.Environment)

    def t(key: str, **args: Any) -> str:
        return gettext(key, lang, **args)

    formats = Formats(lang)
    principal = None if current is None else current.principal
    path = root(request)

    def rows_html(rows: Sequence[StatusRow]) -> Markup:
        return status_rows(request).html(rows, lang, path, environment)

    html = environment.get_template(template).render(
        lang=lang,
        dir=direction(lang),
        t=t,
        f=formats,
        percent=formats.percent,
        root=path,
        path=request.url.path,
        rows_html=rows_html,
        languages=language_links(request),
        principal=principal,
        staff=principal is not None and principal.role is not Role.CUSTOMER,
        costs_reader=principal is not None and principal.role in (Role.ADMIN, Role.MANAGER, Role.VIEWER),
        csrf_field=CSRF_FIELD,
        csrf_token=None if current is None else current.session.csrf_token,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in SUPPORTED_LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        set_cookie(request, response, LANG_COOKIE, lang)
    return response
