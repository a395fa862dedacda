"""Fixtures for the two databases slmo runs on, and for the store over each.

- ``db_url``: an empty database, once on SQLite (a file in the test's tmp folder) and once
  on PostgreSQL (a schema of its own in the server at ``SLMO_TEST_POSTGRES_URL``, dropped
  afterwards), so tests never see each other's tables and may run in parallel.
- ``engine``: an engine on ``db_url`` with the schema upgraded to head.
- ``uow_factory``: units of work over the in-memory fakes, SQLite and PostgreSQL, for the
  behaviour every store must share.

PostgreSQL that cannot be reached skips its tests on a developer's machine; in CI
(``CI=true``) it fails them, so a broken service never passes as green.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from slmo.core.ports import UnitOfWork
from slmo.store.engine import make_engine, sqlite_url_for, upgrade
from slmo.store.memory import MemoryStore
from slmo.store.unit_of_work import unit_of_work_factory

POSTGRES_URL_VARIABLE = "SLMO_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ALL_BACKENDS = ["memory", *SQL_BACKENDS]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL must be there)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def _postgres_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    base = make_url(os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL))
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OperationalError as exc:
            where = base.render_as_string(hide_password=True)
            _unavailable(f"PostgreSQL at {where} cannot be reached: {str(exc.orig).strip()}")
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                # A connection left open by a failed test must not hang the suite.
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``."""
    if backend == "sqlite":
        yield sqlite_url_for(tmp_path / "db" / "slmo.sqlite")
    elif backend == "postgres":
        with _postgres_schema() as url:
            yield url
    else:  # pragma: no cover - a typo in a parametrisation
        raise ValueError(backend)


@pytest.fixture(params=SQL_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url``, schema at head."""
    made = make_engine(db_url)
    try:
        upgrade(made)
        yield made
    finally:
        made.dispose()


@pytest.fixture(params=ALL_BACKENDS)
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    """Units of work on one fresh store; every call gives a new one on the same data."""
    if request.param == "memory":
        yield MemoryStore().unit_of_work
        return
    with database(request.param, tmp_path) as url:
        made = make_engine(url)
        try:
            upgrade(made)
            yield unit_of_work_factory(made)
        finally:
            made.dispose()
