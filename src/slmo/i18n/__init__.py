"""One translation layer for every user-facing string: message catalogues in English and Arabic,
numbers, and text direction.

Messages are looked up by key; a missing Arabic message falls back to English, and a
missing key shows itself (``[key]``) so that tests catch it.
"""

from slmo.i18n.catalogue import SUPPORTED_LANGUAGES, direction, format_number, gettext, normalise_lang

__all__ = ["SUPPORTED_LANGUAGES", "direction", "format_number", "gettext", "normalise_lang"]
