"""The schema's migrations, run from code and from the developers' alembic.ini."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from slmo.errors import ConfigurationError, StoreError
from slmo.store.engine import (
    MIGRATIONS_DIR,
    check,
    current_revision,
    ensure_current,
    head_revision,
    make_engine,
    sqlite_url_for,
    upgrade,
)

ROOT = Path(__file__).resolve().parents[2]


def test_upgrade_from_empty_to_head_then_check_passes(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        with pytest.raises(StoreError, match="has no slmo schema"):
            ensure_current(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check(engine)
        ensure_current(engine)
        assert set(inspect(engine).get_table_names()) >= {
            "catalogue_objects",
            "audit_log",
            "bucket_chunks",
            "sample_chunks",
            "incidents",
            "evaluations",
        }
        upgrade(engine)  # at head already: nothing to do
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_each_revision_upgrades_in_turn(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        assert "bucket_chunks" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_packed_measurements_are_stored_out_of_line_uncompressed(postgres_engine: Engine) -> None:
    storage = text(
        "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) "
        "AND attname IN ('good', 'total', 'sample_values')"
    )
    with postgres_engine.connect() as connection:
        for table in ("bucket_chunks", "sample_chunks"):
            found = {name: kind for name, kind in connection.execute(storage, {"table": table})}
            assert found and set(found.values()) == {"e"}, (table, found)


def test_processes_starting_together_may_all_upgrade(db_url: str) -> None:
    # Processes, not threads: Alembic keeps its migration context in module globals, and
    # `slmo serve` with its workers are processes too.
    started = [
        subprocess.Popen(
            [sys.executable, "-c", "import sys; from slmo.store.engine import upgrade; upgrade(sys.argv[1])", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for process in started:
        try:
            _, errors = process.communicate(timeout=120)
        finally:
            process.kill()
        assert process.returncode == 0, errors
    assert current_revision(db_url) == head_revision()
    check(db_url)


def test_functions_take_a_url_too(db_url: str) -> None:
    upgrade(db_url)
    check(db_url)
    ensure_current(db_url)
    assert current_revision(db_url) == head_revision()


def test_check_fails_on_an_empty_database(db_url: str) -> None:
    with pytest.raises(StoreError, match="check"):
        check(db_url)


def test_check_fails_when_tables_drift_from_the_models(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_log ADD COLUMN ticket VARCHAR(20)"))
    with pytest.raises(StoreError, match="differ from slmo's models") as caught:
        check(engine)
    assert caught.value.exit_code == 6


def test_unreachable_database_names_the_url_without_its_password() -> None:
    url = "postgresql+psycopg://slmo:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        current_revision(url)
    message = str(caught.value)
    assert "127.0.0.1:1/nowhere" in message
    assert "s3cret" not in message
    assert "s3cret" not in repr(caught.value.args_for_translation)


def test_a_url_that_is_not_one_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not a database URL"):
        make_engine("no url at all")
    with pytest.raises(ConfigurationError, match="no database driver"):
        make_engine("nosuchdb://host/db")


def test_sqlite_engine_makes_its_folder_and_sets_its_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "slmo.db"
    url = sqlite_url_for(path)
    assert url == f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        assert path.parent.is_dir()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        engine.dispose()


def test_in_memory_sqlite_works_for_quick_experiments() -> None:
    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        check(engine)
    finally:
        engine.dispose()


def test_sqlite_url_for_a_relative_path_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert sqlite_url_for("data/slmo.db") == f"sqlite:///{tmp_path.resolve() / 'data' / 'slmo.db'}"


def test_migrations_are_packaged_with_slugs() -> None:
    revisions = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert revisions[0] == "0001_catalogue_and_audit.py"
    assert all(name[:4].isdigit() and name[4] == "_" for name in revisions)
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()


def test_developers_alembic_ini_upgrades_and_checks(tmp_path: Path) -> None:
    url = sqlite_url_for(tmp_path / "dev.db")
    ini = MIGRATIONS_DIR / "alembic.ini"
    environment = {**os.environ, "SLMO_DATABASE_URL": url}
    for arguments in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(ini), *arguments],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert current_revision(url) == head_revision()
