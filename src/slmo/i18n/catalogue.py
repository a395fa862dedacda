"""Message catalogues (``catalogues/<lang>.json``) and lookup with ``str.format`` arguments."""

from __future__ import annotations

import functools
import json
import logging
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("en", "ar")
_ARABIC_DIGITS = str.maketrans("0123456789.,-%", "٠١٢٣٤٥٦٧٨٩٫٬-٪")


def normalise_lang(lang: str | None) -> str:
    """``ar_SA.UTF-8`` -> ``ar``; anything unsupported -> ``en``."""
    if not lang:
        return "en"
    short = lang.split(".")[0].split("_")[0].split("-")[0].lower()
    return short if short in SUPPORTED_LANGUAGES else "en"


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    text = resources.files("slmo.i18n").joinpath("catalogues", f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def gettext(key: str, lang: str = "en", /, **args: Any) -> str:
    """The message ``key`` in ``lang``, with ``args`` filled in."""
    lang = normalise_lang(lang)
    template = _catalogue(lang).get(key)
    if template is None and lang != "en":
        template = _catalogue("en").get(key)
    if template is None:
        logger.debug("no message for key %s", key)
        return f"[{key}]"
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):
        logger.warning("message %s in %s does not fit its arguments %s", key, lang, sorted(args))
        return template


def direction(lang: str) -> str:
    """``rtl`` for Arabic, else ``ltr``."""
    return "rtl" if normalise_lang(lang) == "ar" else "ltr"


def format_number(value: float, lang: str = "en", decimals: int = 2) -> str:
    """A number with grouping, in Arabic-Indic digits for Arabic."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_ARABIC_DIGITS) if normalise_lang(lang) == "ar" else text
