"""Store benchmark: read and evaluate 1,000 ratio objectives x 30 days of one-minute buckets
from SQLite and from PostgreSQL, and ingest buckets into each.

    .venv/bin/python bench/bench_store.py [--indicators 1000] [--days 30] [--backends sqlite,postgres]
        [--ingest-indicators 100] [--ingest-days 14] [--repeat 2]

Reading (targets from issue 3): every indicator's 30 days in one ``read_many``, stacked into
one grid (``BucketGrid.of_series``) and evaluated with ``evaluate_batch``: at most 10 s in
total on each database. The floor is one numpy sum over the same good and total arrays.
The data is written beforehand through ``write_buckets``, one batch per indicator; that
setup is timed but not counted.

Ingestion: ``--ingest-indicators`` x ``--ingest-days`` of one-minute buckets (2,016,000 by
default) through ``write_buckets`` in one unit of work: at least 300,000 buckets a second on
each database. Written twice: the second pass merges into the stored chunks (the path of
late or repeated data). Memory is the process's peak resident size, before and after.

PostgreSQL is the server at ``SLMO_TEST_POSTGRES_URL`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), in a schema of its own dropped afterwards;
SQLite is a file in a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from slmo.core.engine import BucketGrid, evaluate_batch
from slmo.core.model.measurement import BucketBatch
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.text import LocalizedText
from slmo.store.engine import make_engine, sqlite_url_for, upgrade
from slmo.store.unit_of_work import SqlUnitOfWork, unit_of_work_factory

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
READ_TARGET_S = 10.0
INGEST_TARGET = 300_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def database(backend: str) -> Iterator[Engine]:
    """An engine on a new, empty database at head; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="slmo-bench-") as folder:
            engine = make_engine(sqlite_url_for(Path(folder) / "bench.sqlite"))
            try:
                upgrade(engine)
                yield engine
            finally:
                engine.dispose()
        return
    base = make_url(os.environ.get("SLMO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(base.update_query_dict({"options": f"-csearch_path={schema}"}))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def traffic(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """One indicator's buckets: a daily cycle of traffic, rare errors, one burst."""
    minute = np.arange(count)
    expected = rng.lognormal(mean=4.0, sigma=1.0) * (1.0 + 0.6 * np.sin(2 * np.pi * (minute % 1440) / 1440))
    total = rng.poisson(expected)
    rate = np.full(count, 0.0005)
    burst = int(rng.integers(0, max(1, count - 120)))
    rate[burst : burst + 60] = 0.2
    bad = rng.binomial(total, rate)
    return (total - bad).astype(np.int64), total.astype(np.int64)


def batches(indicators: int, days: int, seed: int, first: int = 0) -> list[BucketBatch]:
    """``indicators`` batches of ``days`` of one-minute buckets, named from ``first`` on."""
    rng = np.random.default_rng(seed)
    count = days * 1440
    starts = START + np.arange(count, dtype=np.int64) * 60
    found = []
    for i in range(first, first + indicators):
        good, total = traffic(rng, count)
        found.append(BucketBatch(f"indicator-{i:04d}", "import", 60, starts, good, total))
    return found


def write_all(factory: Callable[[], SqlUnitOfWork], data: list[BucketBatch], per_commit: int) -> float:
    began = time.perf_counter()
    for i in range(0, len(data), per_commit):
        with factory() as uow:
            for one in data[i : i + per_commit]:
                uow.measurements.write_buckets(one)
            uow.commit()
    return time.perf_counter() - began


def ingest(backend: str, indicators: int, days: int) -> None:
    data = batches(indicators, days, seed=11)
    buckets = sum(len(b) for b in data)
    before = peak_mb()
    with database(backend) as engine:
        factory = unit_of_work_factory(engine)
        first = write_all(factory, data, per_commit=len(data))
        again = write_all(factory, data, per_commit=len(data))
    for label, seconds in (("new buckets", first), ("same buckets again (merge)", again)):
        rate = buckets / seconds
        verdict = "ok" if rate >= INGEST_TARGET else "MISSED"
        print(
            f"{backend:8s} ingest {buckets:,} {label}: {seconds:.2f} s, {rate:,.0f} buckets/s "
            f"(target >= {INGEST_TARGET:,}/s: {verdict}; {rate / INGEST_TARGET:.1f}x)"
        )
    print(f"{backend:8s} ingest peak resident memory {peak_mb():.0f} MB (before: {before:.0f} MB)")


def read_and_evaluate(backend: str, indicators: int, days: int, repeat: int) -> None:
    count = days * 1440
    end = START + count * 60
    names = [f"indicator-{i:04d}" for i in range(indicators)]
    window = Window(length=days, unit=WindowUnit.DAY, rolling=True)
    objectives = [
        Objective(
            name=f"objective-{i:04d}",
            display_name=LocalizedText(en=f"Objective {i}"),
            indicator=name,
            target=0.999,
            window=window,
        )
        for i, name in enumerate(names)
    ]
    with database(backend) as engine:
        factory = unit_of_work_factory(engine)
        began = time.perf_counter()
        for i in range(0, indicators, 100):
            write_all(factory, batches(min(100, indicators - i), days, seed=i, first=i), per_commit=100)
        setup = time.perf_counter() - began
        print(f"{backend:8s} setup: wrote {indicators:,} x {count:,} buckets in {setup:.1f} s (not counted)")

        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            with factory() as uow:
                series = uow.measurements.read_many(names, START, end, 60)  # type: ignore[attr-defined]
            t1 = time.perf_counter()
            grid = BucketGrid.of_series([series[name] for name in names])
            t2 = time.perf_counter()
            results = evaluate_batch(objectives, grid, end)
            t3 = time.perf_counter()
            # read_many's series are the rows of one matrix, in order: a grid can take them as
            # they are, which BucketGrid.of_series does not do (yet); measured for comparison.
            first = series[names[0]]
            in_place = BucketGrid(START, 60, first.good.base, first.total.base)  # type: ignore[arg-type]
            t4 = time.perf_counter()
            evaluate_batch(objectives, in_place, end)
            t5 = time.perf_counter()
            runs.append((t1 - t0, t2 - t1, t3 - t2, t3 - t0, (t1 - t0) + (t5 - t4)))
            assert len(results) == indicators
            present = sum(int(s.present.sum()) for s in series.values())
            assert present == indicators * count, (present, indicators * count)
            del series
        floor_began = time.perf_counter()
        grid.good.sum(axis=1)
        grid.total.sum(axis=1)
        floor = time.perf_counter() - floor_began
    read_s, stack_s, evaluate_s, total_s, without_stack_s = min(runs, key=lambda r: r[3])
    first_total = runs[0][3]
    verdict = "ok" if total_s <= READ_TARGET_S else "MISSED"
    gigabytes = (grid.good.nbytes + grid.total.nbytes) / 1e9
    print(
        f"{backend:8s} read {indicators:,} x {count:,} buckets ({gigabytes:.2f} GB as int64): read_many {read_s:.2f} s, "
        f"stack {stack_s:.2f} s, evaluate_batch {evaluate_s:.2f} s"
    )
    print(
        f"{backend:8s} total {total_s:.2f} s (first run {first_total:.2f} s; target <= {READ_TARGET_S:.0f} s: {verdict}); "
        f"floor (one numpy sum) {floor:.3f} s; ratio {total_s / floor:.0f}x the floor, "
        f"{indicators * count / read_s / 1e6:.0f} M buckets/s read"
    )
    print(f"{backend:8s} without the stacking copy (grid over read_many's matrix as is): {without_stack_s:.2f} s")
    print(f"{backend:8s} peak resident memory {peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--ingest-indicators", type=int, default=100)
    parser.add_argument("--ingest-days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    # Ingestion first: its memory figure is then not hidden by the read's larger arrays.
    for backend in backends:
        ingest(backend, args.ingest_indicators, args.ingest_days)
    for backend in backends:
        read_and_evaluate(backend, args.indicators, args.days, args.repeat)


if __name__ == "__main__":
    main()
