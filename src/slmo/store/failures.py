"""SQLAlchemy's exceptions turned into slmo's, in one place.

Callers of the store see only ``slmo.errors``: a lost connection or a missing table is a
``StoreError`` that names the database (never its password); a write that collides with
another transaction's is a ``ConflictError``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from slmo.errors import ConflictError, StoreError

logger = logging.getLogger(__name__)


def safe_url(url: str | URL) -> str:
    """The URL as text with any password masked, fit for messages and logs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Not a URL SQLAlchemy understands; show only the scheme-like start, which cannot
        # hold a password.
        return str(url).split("://", 1)[0] + "://…"
    return parsed.render_as_string(hide_password=True)


def session_url(session: Session) -> URL:
    """The URL of the database ``session`` talks to."""
    return session.get_bind().engine.url


@contextmanager
def translated(url: str | URL, doing: str) -> Iterator[None]:
    """Run the block, raising slmo's errors for SQLAlchemy's; ``doing`` says what was tried."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            f"{doing}: the object was changed or deleted by someone else meanwhile; read it again and retry",
            key="error.store.stale",
        ) from exc
    except IntegrityError as exc:
        raise ConflictError(
            f"{doing}: the database refused the write as contradicting what is stored: {_first_line(exc)}",
            key="error.store.integrity",
        ) from exc
    except DBAPIError as exc:
        where = safe_url(url)
        logger.debug("database error at %s while %s", where, doing, exc_info=True)
        raise StoreError(
            f"{doing}: database {where} failed: {_first_line(exc)}",
            key="error.store.database",
            url=where,
        ) from exc
    except SQLAlchemyError as exc:
        where = safe_url(url)
        raise StoreError(f"{doing}: {where}: {_first_line(exc)}", key="error.store.database", url=where) from exc


def _first_line(exc: BaseException) -> str:
    """The driver's own message without SQLAlchemy's statement and parameters, which may
    hold user data and are long; the chained exception keeps them for debugging."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__
