"""Pages: Jinja2 templates (``web/templates``, autoescaped, strict about missing values), the
language of a request, and what every page is given.

Every template extends ``base.html`` and says every word through ``t(key, ...)``, the
catalogues of ``slmo.i18n``; ``lang`` and ``dir`` (``rtl`` for Arabic) go on ``<html>``.
The language is the ``lang`` query parameter (which the language switch sets and a cookie
remembers), else that cookie, else the server's language (``SLMO_LANG``).
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from slmo.i18n import SUPPORTED_LANGUAGES, direction, format_number, gettext
from slmo.services.sessions import CSRF_FIELD, Current
from slmo.web.security import get_slmo, root, set_cookie

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


def percent(value: float, lang: str) -> str:
    """A fraction as a percentage with as many decimals as it has (up to 3): 0.999 -> 99.9 %."""
    decimals = len(f"{value * 100:.3f}".rstrip("0").partition(".")[2])
    return format_number(value * 100, lang, decimals) + ("٪" if lang == "ar" else "%")


def render(
    request: Request, template: str, *, status: int = 200, current: Current | None = None, **context: Any
) -> HTMLResponse:
    lang = lang_of(request)
    environment = request.app.state.templates
    assert isinstance(environment, jinja2.Environment)

    def t(key: str, **args: Any) -> str:
        return gettext(key, lang, **args)

    html = environment.get_template(template).render(
        lang=lang,
        dir=direction(lang),
        t=t,
        percent=lambda value: percent(value, lang),
        root=root(request),
        path=request.url.path,
        principal=None if current is None else current.principal,
        csrf_field=CSRF_FIELD,
        csrf_token=None if current is None else current.session.csrf_token,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in SUPPORTED_LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        set_cookie(request, response, LANG_COOKIE, lang)
    return response
