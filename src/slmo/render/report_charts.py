"""The report's charts as inline SVG, drawn by matplotlib (its SVG backend, no display, no
pyplot): a ``ChartPainter`` per report draws every chart on one ``Figure``, with the style in
an ``rc_context`` that two threads never hold at once.

Chart text is numbers and dates only, in the reader's digits (Arabic-Indic for Arabic); the
words (title, what the axes hold) are the HTML caption around the chart, from the
catalogues, where the browser or WeasyPrint shapes Arabic and lays it right to left. So
matplotlib never draws Arabic letters and needs no reshaping. Time runs left to right in
both languages, as in printed Arabic business charts.

The SVG is trimmed for inlining: no XML declaration, DOCTYPE or metadata, no namespace
declarations (the HTML parser puts ``<svg>`` in the SVG namespace), ``href`` rather than
``xlink:href``, and only the ids something refers to; those are salted per chart so that
many charts can share one document. Text stays text (``svg.fonttype: none``), so that the
HTML stays small and the PDF's text layer holds the figures.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import threading
from collections.abc import Sequence
from typing import Any, cast

import matplotlib as mpl
from markupsafe import Markup, escape
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from slmo.i18n.catalogue import format_number
from slmo.i18n.formats import digits

WIDTH, HEIGHT = 3.5, 1.75  # inches: two side by side across A4 between 18 mm margins
LINE = "#1f5f9e"
TARGET = "#b3261e"
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],
    "font.size": 7.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#666666",
    "xtick.major.size": 0.0,
    "ytick.major.size": 0.0,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "svg.image_inline": True,
}

# rc_context changes matplotlib's global settings for a while (the SVG backend reads them as it
# saves): charts drawn in two threads at once (the web app's) take turns.
_LOCK = threading.RLock()
_ID = re.compile(r' id="([^"]+)"')
_STYLE = re.compile(r' style="([^"]*)"')
_REF = re.compile(r"#([A-Za-z_][\w.-]*)")


def _percent_axis(lang: str, decimals: int) -> FuncFormatter:
    def label(value: float, _position: int | None) -> str:
        return format_number(value, lang, decimals) + ("٪" if lang == "ar" else "%")

    return FuncFormatter(label)


def _day_ticks(days: Sequence[dt.date], lang: str) -> tuple[list[int], list[str]]:
    """Up to six evenly spread days (a week apart in a month), labelled by day of month
    (``d/m`` past one month): every label is a text node for the PDF to lay out."""
    n = len(days)
    step = max(1, math.ceil(n / 5))
    at = list(range(0, n, step))
    if n - 1 not in at and n - 1 - at[-1] >= step / 2:
        at.append(n - 1)
    long = (days[-1] - days[0]).days > 31
    labels = [digits(f"{days[i].day}/{days[i].month}" if long else str(days[i].day), lang) for i in at]
    return at, labels


def _attributes(style: str) -> str:
    """``fill: none; stroke-width: 0.8`` -> `` fill="none" stroke-width="0.8"``."""
    found = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            found.append(f' {name.strip()}="{escape(value.strip())}"')
    return "".join(found)


def _svg(figure: Figure, salt: str, label: str) -> Markup:
    out = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": salt}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text, count=0)
    text = text.replace("xlink:href", "href")
    # Presentation attributes rather than CSS: in an HTML document an element's ``style`` is
    # the HTML cascade's, which knows no ``stroke`` (WeasyPrint warns on every one and parses
    # each twice). The stylesheet matplotlib puts in <defs> becomes attributes of the root.
    text = re.sub(r"\s*<style[^>]*>\*\{([^}]*)\}</style>", "", text)
    text = text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    text = _STYLE.sub(lambda m: _attributes(m.group(1)), text)
    text = re.sub(r"\s*<defs>\s*</defs>", "", text)
    referred = set(_REF.findall(text))
    text = _ID.sub(lambda m: m.group(0) if m.group(1) in referred else "", text)
    # Groups without attributes only nest: flatten them (when every group is one such).
    if "<g " not in text:
        text = re.sub(r"\s*</?g/?>", "", text)
    text = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", text)
    text = re.sub(r">\s+<", "><", text)
    text = re.sub(r"\s*\n\s*", " ", text)  # inside path data: one space does
    # Labelled for screen readers; the caption beside it says the same in words.
    text = text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(text.strip())


class ChartPainter:
    """Draws every chart of one report on one matplotlib figure, changing its lines, limits
    and ticks from chart to chart: making a figure, its axes and their ticks anew costs more
    than drawing it (forty charts a report of twenty objectives)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        with _LOCK, mpl.rc_context(cast(Any, STYLE)):
            self.figure = Figure(figsize=(WIDTH, HEIGHT))
            self.axes = self.figure.add_axes((0.14, 0.14, 0.83, 0.8))
            # No background patches and no clipping (the limits hold every point): fewer
            # nodes for WeasyPrint to draw.
            self.figure.patch.set_visible(False)
            self.axes.patch.set_visible(False)
            self.axes.grid(axis="y", linewidth=0.4, color="#dddddd", clip_on=False)
            self.axes.set_axisbelow(True)
            self.reference = self.axes.axhline(0.0, color=TARGET, linewidth=0.8, linestyle=(0, (4, 2)), clip_on=False)
            (self.line,) = self.axes.plot([], [], color=LINE, linewidth=1.4, solid_joinstyle="round", clip_on=False)
            self.axes.yaxis.set_major_locator(MaxNLocator(3))

    def draw(
        self,
        days: Sequence[dt.date],
        values: Sequence[float | None],
        *,
        salt: str,
        label: str,
        reference: float,
        floor: float | None,
    ) -> Markup:
        """One line of daily percentages with a dashed reference line."""
        axes = self.axes
        xs = list(range(len(days)))
        ys = [math.nan if v is None else v for v in values]
        self.line.set_data(xs, ys)
        self.reference.set_ydata([reference, reference])
        known = [y for y in ys if not math.isnan(y)]
        low = min([*known, reference]) if floor is None else floor
        high = max([*known, reference])
        pad = max((high - low) * 0.08, 0.01)
        axes.set_ylim(low - pad, high + pad)
        axes.set_xlim(-0.5, max(len(days) - 0.5, 0.5))
        at, names = _day_ticks(days, self.lang) if days else ([], [])
        by_index = dict(zip(at, names, strict=True))
        axes.xaxis.set_major_locator(FixedLocator(at))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _position: by_index.get(round(x), "")))
        span = high - low + 2 * pad
        decimals = 0 if span >= 8 else 1 if span >= 0.8 else 2 if span >= 0.08 else 3
        axes.yaxis.set_major_formatter(_percent_axis(self.lang, decimals))
        with _LOCK, mpl.rc_context(cast(Any, STYLE)):
            return _svg(self.figure, salt, label)

    def attainment(
        self, days: Sequence[dt.date], values: Sequence[float | None], target: float, *, salt: str, label: str
    ) -> Markup:
        """Attainment to date (ratios) by day, with the target dashed."""
        percent = [None if v is None else v * 100 for v in values]
        return self.draw(days, percent, salt=salt, label=label, reference=target * 100, floor=None)

    def budget(self, days: Sequence[dt.date], values: Sequence[float | None], *, salt: str, label: str) -> Markup:
        """The share of the period's error budget left by day (burn-down), with zero dashed."""
        percent = [None if v is None else v * 100 for v in values]
        floor = min([*(v for v in percent if v is not None), 0.0])
        return self.draw(days, percent, salt=salt, label=label, reference=0.0, floor=floor)


def attainment_chart(
    days: Sequence[dt.date], values: Sequence[float | None], target: float, *, lang: str, salt: str, label: str
) -> Markup:
    """One attainment chart on a figure of its own."""
    return ChartPainter(lang).attainment(days, values, target, salt=salt, label=label)


def budget_chart(
    days: Sequence[dt.date], values: Sequence[float | None], *, lang: str, salt: str, label: str
) -> Markup:
    """One burn-down chart on a figure of its own."""
    return ChartPainter(lang).budget(days, values, salt=salt, label=label)
