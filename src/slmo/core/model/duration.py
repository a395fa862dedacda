"""Durations as agreements write them: ``90s``, ``15m``, ``4h``, ``3d``, ``2w``."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_duration(text: str) -> int | None:
    """Seconds in ``text``, or ``None`` when it is not a duration. ``1.5h`` is 5400."""
    match = _PATTERN.match(text)
    if match is None:
        return None
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds != int(seconds):
        return None
    return int(seconds)


def format_duration(seconds: int) -> str:
    """The shortest exact form: 5400 -> ``90m``, 86400 -> ``1d``, 0 -> ``0s``."""
    for unit in ("w", "d", "h", "m"):
        size = _UNITS[unit]
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
