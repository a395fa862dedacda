"""The translation layer: both catalogues hold the same keys, every key the code uses exists,
and placeholders agree between languages."""

from __future__ import annotations

import json
import re
import string
from importlib import resources

from slmo.i18n import direction, format_number, gettext, normalise_lang
from tests.conftest import ROOT


def _catalogue(lang: str) -> dict[str, str]:
    text = resources.files("slmo.i18n").joinpath("catalogues", f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_keys_in_both_languages() -> None:
    assert set(_catalogue("en")) == set(_catalogue("ar"))


def test_same_placeholders_in_both_languages() -> None:
    en, ar = _catalogue("en"), _catalogue("ar")
    for key, template in en.items():
        assert _fields(template) == _fields(ar[key]), key


def test_every_literal_key_used_in_the_code_exists() -> None:
    en = _catalogue("en")
    used: set[str] = set()
    pattern = re.compile(r"""(?:gettext|\.t)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
    for path in (ROOT / "src" / "slmo").rglob("*.py"):
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in en)
    assert missing == []
    assert len(used) > 10


def test_lookup_fallback_and_direction() -> None:
    assert gettext("change.created", "ar") == "أُنشئ"
    assert gettext("change.created", "en") == "created"
    assert gettext("no.such.key", "ar") == "[no.such.key]"
    assert direction("ar") == "rtl" and direction("en") == "ltr"
    assert normalise_lang("ar_SA.UTF-8") == "ar" and normalise_lang("fr") == "en"
    assert format_number(1234.5, "ar") == "١٬٢٣٤٫٥٠"
    assert format_number(1234.5, "en") == "1,234.50"
