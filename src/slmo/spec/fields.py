"""Field types shared by the slmo/v1 documents: names, localized text, durations, ratios."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from slmo.core.model.calendar import TimeRange
from slmo.core.model.duration import parse_duration

NAME_PATTERN = r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$"


class Strict(BaseModel):
    """Every document part refuses unknown fields, so that a misspelt key is never ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


Name = Annotated[str, Field(pattern=NAME_PATTERN, description="lower-case letters, digits, '.', '_' and '-'")]


class Texts(Strict):
    en: str = Field(min_length=1)
    ar: str | None = None


def _text(value: Any) -> Any:
    # A bare string is the English text: `displayName: Portal` is as good as `{en: Portal}`.
    if isinstance(value, str):
        return {"en": value}
    return value


Text = Annotated[
    Texts,
    BeforeValidator(_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "English text"},
                {
                    "type": "object",
                    "properties": {"en": {"type": "string", "minLength": 1}, "ar": {"type": "string"}},
                    "required": ["en"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


def _ratio(value: float) -> float:
    if not 0 <= value < 1:
        raise PydanticCustomError("ratio_range", "{value} is not a ratio in [0, 1)", {"value": value})
    return value


def _fraction(value: float) -> float:
    if not 0 <= value <= 1:
        raise PydanticCustomError("fraction_range", "{value} is not a fraction in [0, 1]", {"value": value})
    return value


Ratio = Annotated[float, AfterValidator(_ratio)]
Fraction = Annotated[float, AfterValidator(_fraction)]


def _duration(value: Any) -> int:
    if isinstance(value, str):
        seconds = parse_duration(value)
        if seconds is not None and seconds > 0:
            return seconds
    raise PydanticCustomError(
        "duration", "'{value}' is not a duration such as 30s, 15m, 4h, 3d or 2w", {"value": value}
    )


Duration = Annotated[
    int,
    BeforeValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?[smhdw]$", "examples": ["30s", "15m", "4h", "3d"]}),
]


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    if value not in _zones():
        close = difflib.get_close_matches(value, sorted(_zones()), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise PydanticCustomError(
            "time_zone", "'{value}' is not an IANA time zone{hint}", {"value": value, "hint": hint}
        )
    return value


TimeZone = Annotated[str, AfterValidator(_time_zone)]

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_time_range(value: Any) -> TimeRange:
    match = _RANGE.match(value) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError("time_range", "'{value}' is not a time range such as 08:00-16:00", {"value": value})
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise PydanticCustomError("time_range", "'{value}' is not a time range such as 08:00-16:00", {"value": value})
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise PydanticCustomError("time_range_empty", "'{value}' is an empty time range", {"value": value})
    return TimeRange(start=start, end=end)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise PydanticCustomError(
            "naive_datetime",
            "{value} has no UTC offset; write it like 2026-10-03T00:00:00+03:00",
            {"value": str(value)},
        )
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
