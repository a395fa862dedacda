"""The storage adapter: SQLAlchemy over SQLite or PostgreSQL, and in-memory fakes.

Only ``bootstrap`` (and tests) name these; the use cases see the ports in
``slmo.core.ports``.
"""

from slmo.store.engine import (
    check,
    current_revision,
    ensure_current,
    head_revision,
    make_engine,
    sqlite_url_for,
    upgrade,
)
from slmo.store.memory import MemoryStore, MemoryUnitOfWork
from slmo.store.repositories import SqlAuditLog, SqlCatalogueRepository
from slmo.store.unit_of_work import SqlUnitOfWork, unit_of_work_factory

__all__ = [
    "MemoryStore",
    "MemoryUnitOfWork",
    "SqlAuditLog",
    "SqlCatalogueRepository",
    "SqlUnitOfWork",
    "check",
    "current_revision",
    "ensure_current",
    "head_revision",
    "make_engine",
    "sqlite_url_for",
    "unit_of_work_factory",
    "upgrade",
]
