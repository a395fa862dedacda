"""Numbers, percentages, dates and period names in the reader's language.

Arabic gets Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩), the Arabic decimal and thousands separators
(٫ ٬) and percent sign (٪), and the month names used in Saudi Arabia and Egypt (يناير ...
ديسمبر), which the catalogues hold as ``month.1`` to ``month.12``. Dates are written day,
month name, year in both languages ("5 October 2026", "٥ أكتوبر ٢٠٢٦"); times on the 24-hour
clock.
"""

from __future__ import annotations

import datetime as dt
import re

from slmo.i18n.catalogue import format_number, gettext, normalise_lang

_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_PERIOD = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
)


def digits(text: str, lang: str) -> str:
    """``text`` with its Western digits in Arabic-Indic for Arabic."""
    return text.translate(_DIGITS) if normalise_lang(lang) == "ar" else text


def format_percent(value: float | None, lang: str, decimals: int = 2) -> str:
    """A ratio as a percentage: 0.9995 -> ``99.95%``, ``٩٩٫٩٥٪``; ``—`` for ``None``."""
    if value is None:
        return "—"
    text = format_number(value * 100, lang, decimals)
    return text + ("٪" if normalise_lang(lang) == "ar" else "%")


def format_ratio_as_written(value: float, lang: str) -> str:
    """A ratio as a percentage with only the decimals it has, up to four: 0.999 -> ``99.9%``,
    0.9999 -> ``99.99%``, 0.25 -> ``25%``: targets and tiers as the agreement writes them."""
    decimals = len(f"{value * 100:.4f}".rstrip("0").partition(".")[2])
    return format_percent(value, lang, decimals)


def format_date(day: dt.date, lang: str) -> str:
    """``5 October 2026``, ``٥ أكتوبر ٢٠٢٦``."""
    month = gettext(f"month.{day.month}", lang)
    return digits(f"{day.day} {month} {day.year}", lang)


def format_datetime(at: dt.datetime, lang: str, tz: dt.tzinfo | None = None) -> str:
    """``5 October 2026 14:00`` (in ``tz`` when given), ``٥ أكتوبر ٢٠٢٦ ١٤:٠٠``."""
    local = at.astimezone(tz) if tz is not None else at
    return f"{format_date(local.date(), lang)} {digits(local.strftime('%H:%M'), lang)}"


def format_offset(at: dt.datetime, lang: str) -> str:
    """The UTC offset of an aware datetime: ``UTC+03:00``."""
    offset = at.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return digits(f"UTC{sign}{hours:02d}:{rest:02d}", lang)


def format_period(label: str, lang: str) -> str:
    """A named period in words: ``2026-10`` -> ``October 2026``, ``2026-Q3`` -> ``Q3 2026``,
    ``2026-W40`` -> ``week 40 of 2026``; the label itself when it is none of those."""
    for pattern, kind in _PERIOD:
        found = pattern.match(label)
        if found is None:
            continue
        numbers = [int(g) for g in found.groups()]
        if kind == "day":
            return format_date(dt.date(*numbers), lang)
        if kind == "month":
            if not 1 <= numbers[1] <= 12:
                break
            return digits(f"{gettext(f'month.{numbers[1]}', lang)} {numbers[0]}", lang)
        args = {"year": numbers[0], "number": numbers[1] if len(numbers) > 1 else 0}
        return digits(gettext(f"period.{kind}", lang, **args), lang)
    return label
