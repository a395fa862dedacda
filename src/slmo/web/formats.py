"""Numbers, shares, instants and durations as the pages show them, in the page's language.

Numbers go through ``slmo.i18n.format_number`` as in the CLI (grouping; Arabic-Indic digits
for Arabic). Instants are shown in UTC, to the minute, in ISO order (``2014-04-24 00:10``),
the CLI's order without its offset: each page says once that its times are UTC. A missing
value is an em dash, as in the CLI's tables.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from slmo.core.model.objective import Window
from slmo.i18n import format_number, gettext

DASH = "—"
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# The signals that raise an alert, as the engine names them (core.engine.alert_policy).
_REASONS = (
    (re.compile(r"burn (\S+)"), "web.reason_burn"),
    (re.compile(r"budget < (\d+)%"), "web.reason_budget"),
    (re.compile(r"at risk"), "web.reason_at_risk"),
    (re.compile(r"no data (\S+)"), "web.reason_no_data"),
    (re.compile(r"breach forecast >= (\d+)%"), "web.reason_forecast"),
)
# The workbook default's tiers; a policy's own severities are its author's words.
_TIERS = ("page", "ticket")


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


@dataclass(frozen=True)
class Formats:
    """The formatting of one language; the templates get one as ``f``."""

    lang: str

    def digits(self, text: str) -> str:
        """Western digits as the language writes them (identifiers and names are left alone)."""
        return text.translate(_ARABIC_DIGITS) if self.lang == "ar" else text

    def number(self, value: float | None, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals) if value is not None and _finite(value) else DASH

    def integer(self, value: int | None) -> str:
        return DASH if value is None else format_number(value, self.lang, 0)

    def percent(self, value: float | None, decimals: int | None = None) -> str:
        """A fraction as a percentage: ``decimals`` fixed, else as many as it has up to 3
        (0.999 -> 99.9%)."""
        if value is None or not _finite(value):
            return DASH
        if decimals is None:
            decimals = len(f"{value * 100:.3f}".rstrip("0").partition(".")[2])
        return format_number(value * 100, self.lang, decimals) + ("٪" if self.lang == "ar" else "%")

    def rate(self, value: float | None) -> str:
        """A burn rate: 5.56×."""
        return DASH if value is None or not _finite(value) else format_number(value, self.lang, 2) + "×"

    def when(self, at: dt.datetime | int | None) -> str:
        """An instant in UTC to the minute (epoch seconds or an aware datetime)."""
        if at is None:
            return DASH
        moment = dt.datetime.fromtimestamp(at, dt.UTC) if isinstance(at, int) else at.astimezone(dt.UTC)
        return self.digits(moment.strftime("%Y-%m-%d %H:%M"))

    def day(self, on: dt.date | None) -> str:
        return DASH if on is None else self.digits(on.isoformat())

    def window(self, window: Window) -> str:
        """``rolling 28 days``, ``calendar 1 month``."""
        span = gettext(f"web.span_{window.unit.name.lower()}", self.lang, n=self.integer(window.length))
        return gettext("web.window_rolling" if window.rolling else "web.window_calendar", self.lang, duration=span)

    def reason(self, text: str) -> str:
        """A signal that raised an alert (``burn 1h/5m``, ``budget < 25%``) in the language."""
        for pattern, key in _REASONS:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            if key in ("web.reason_budget", "web.reason_forecast"):
                return gettext(key, self.lang, share=self.percent(int(found.group(1)) / 100))
            return gettext(key, self.lang, window=self.digits(found.group(1)) if found.groups() else "")
        return text

    def tier(self, name: str) -> str:
        return gettext(f"web.tier_{name}", self.lang) if name in _TIERS else name

    def duration(self, seconds: float | None) -> str:
        """Days, hours and minutes, largest first, without the zero ones: 1 d 2 h, 45 min;
        negative with a minus sign (time past a deadline)."""
        if seconds is None or not _finite(seconds):
            return DASH
        sign = "-" if seconds < 0 else ""
        left = round(abs(seconds))
        parts = []
        for unit, size in (("days", 86_400), ("hours", 3_600), ("minutes", 60)):
            count, left = divmod(left, size)
            if count:
                parts.append(gettext(f"web.unit_{unit}", self.lang, n=self.integer(count)))
        if not parts:
            parts.append(gettext("web.unit_seconds", self.lang, n=self.integer(left)))
        return sign + " ".join(parts)
