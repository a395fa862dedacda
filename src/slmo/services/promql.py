"""PromQL text: durations, quoted strings, label names, and a query taken over a window.

An indicator's query is written for one bucket (slmo pulls it at every bucket's end): Sloth's
``{{.window}}`` variable, a range such as ``rate(x[1m])``, or a plain expression. Over a
longer window it becomes the same query with the window in place of the range, which for a
per-second rate is the rate over the window, so that ``bad / total`` is the error ratio of
the window (as Sloth writes its ``slo:sli_error:ratio_rate<window>`` rules).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

WINDOW_VARIABLE = re.compile(r"\{\{\s*\.window\s*\}\}")
# A range or a subquery's range: [5m], [1h30m], [5m:1m], [5m:].
_RANGE = re.compile(r"\[\s*((?:\d+(?:ms|[smhdwy]))+)\s*(:[^\]]*)?\]")
# String literals of PromQL, where a "[5m]" is text and must stay as it is.
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`")
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_METRIC_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:]*$")
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration(seconds: int) -> str:
    """A PromQL duration in the largest unit that divides it: ``5m``, ``1h``, ``30d``
    (``90m`` rather than ``1h30m``, as Sloth names its windows)."""
    if seconds <= 0:
        raise ValueError(f"a window must be positive, got {seconds} s")
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable: every whole number of seconds divides by 1")


def quoted(value: str) -> str:
    """A PromQL string literal: JSON's escapes are Go's (``\\"``, ``\\\\``, ``\\n``, ``\\uXXXX``)."""
    return json.dumps(value, ensure_ascii=False)


def label_name(name: str) -> str | None:
    """``name`` as a Prometheus label name (other characters become ``_``); ``None`` for a name
    Prometheus reserves (``__`` first)."""
    made = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if made and made[0].isdigit():
        made = "_" + made
    if not made or made.startswith("__") or not _LABEL_NAME.match(made):
        return None
    return made


def is_metric_name(name: str) -> bool:
    return bool(_METRIC_NAME.match(name))


def selector(labels: Mapping[str, str]) -> str:
    """``{a="x", b="y"}``."""
    return "{" + ", ".join(f"{k}={quoted(v)}" for k, v in labels.items()) + "}"


def _outside_strings(query: str, change: re.Pattern[str], replacement: str) -> tuple[str, int]:
    parts: list[str] = []
    count = 0
    last = 0
    for found in _STRING.finditer(query):
        text, n = change.subn(replacement, query[last : found.start()])
        parts += [text, found.group(0)]
        count += n
        last = found.end()
    text, n = change.subn(replacement, query[last:])
    parts.append(text)
    return "".join(parts), count + n


def over_window(query: str, window: str, *, counter: bool, resolution: str) -> str:
    """``query`` taken over ``window``:

    - ``{{.window}}`` becomes the window (Sloth's specs);
    - else every range (``[1m]``, a subquery's ``[5m:1m]``) becomes the window;
    - else the expression's values over the window at ``resolution`` are added up
      (``sum_over_time((q)[w:r])``), which for a rate gives the ratio of the window;
    - a counter (``counter: true``) is its increase over the window, ``increase((q)[w:r])``.
    """
    stripped = query.strip()
    if counter:
        return f"increase(({stripped})[{window}:{resolution}])"
    if WINDOW_VARIABLE.search(stripped):
        return WINDOW_VARIABLE.sub(window, stripped)
    text, ranges = _outside_strings(stripped, _RANGE, f"[{window}\\2]")
    if ranges:
        return text
    return f"sum_over_time(({stripped})[{window}:{resolution}])"
