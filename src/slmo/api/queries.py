"""Query parameters that several routes share: instants, and a page of a list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from slmo.errors import Problem, SpecError

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, description="Items skipped before the page.")]


def instant(text: str | None, field: str) -> dt.datetime | None:
    """An ISO 8601 instant with an offset (``Z`` too), or a problem naming the parameter."""
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise SpecError(
            [Problem(None, field, f"{text!r} is not an ISO 8601 instant with an offset", key="api.bad_instant")]
        )
    return value


def at_query(
    at: Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset; default now.")] = None,
) -> dt.datetime | None:
    return instant(at, "at")


def since_query(
    since: Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset.")] = None,
) -> dt.datetime | None:
    return instant(since, "since")
