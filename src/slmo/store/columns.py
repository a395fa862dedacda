"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zone type: SQLAlchemy writes its DATETIME as text and drops the
offset, so an aware instant would come back naive (or, worse, be written in local time).
``UtcDateTime`` writes UTC on every database and hands back aware UTC datetimes, so the
rest of slmo never meets a naive instant from the store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from slmo.store.documents import as_utc


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware instant, stored in UTC (``timestamptz`` on PostgreSQL, text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        # SQLite's DATETIME would silently drop the offset; drop it ourselves, knowing it is UTC.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        # PostgreSQL answers in the session's TimeZone setting; normalise so results do not
        # depend on the server's configuration.
        return value.astimezone(dt.UTC)


def json_document(*, none_as_null: bool = False) -> TypeEngine[Any]:
    """JSON on SQLite, JSONB on PostgreSQL (indexable, and compared by value, not by text).

    ``none_as_null`` makes Python ``None`` an SQL NULL instead of the JSON value ``null``,
    which is what a nullable column such as an audit entry's ``before`` means.
    """
    return JSON(none_as_null=none_as_null).with_variant(JSONB(none_as_null=none_as_null), "postgresql")
