"""Parse benchmark: an events CSV of 2 million rows (one per minute) read and bucketed.

Times ``read_events`` alone and ``read_events`` + ``BucketAccumulator`` (one-minute buckets)
over a file written to a temporary directory, and compares with a reference measured in the
same run: Python's csv module only splitting the same rows into fields. Also reports the
other timestamp forms (``+03:00`` offsets, local times with ``--tz``) and JSON lines (on a
smaller file: JSON is decoded row by row). Target: parsing >= 1,000,000 rows/s, well above the
300,000 rows/s that ingestion end to end (parse + bucket + store write) must reach.

    .venv/bin/python bench/bench_parse.py [--rows 2000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from slmo.core.engine.bucketing import BucketAccumulator
from slmo.sources.events import read_events

START = np.datetime64("2026-01-01T00:00:00")
NOW = int(dt.datetime(2031, 1, 1, tzinfo=dt.UTC).timestamp())


def best_of(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        rows = work()
        times.append(time.perf_counter() - began)
    return min(times), rows


def write_events(path: Path, rows: int, form: str) -> None:
    """``rows`` rows one minute apart, with traffic that has a daily cycle and rare errors."""
    rng = np.random.default_rng(7)
    minutes = np.arange(rows)
    total = rng.poisson(200 * (1.0 + 0.6 * np.sin(2 * np.pi * (minutes % 1440) / 1440)))
    good = total - rng.binomial(total, 0.002)
    suffix = {"zulu": "Z", "offset": "+03:00", "local": ""}[form]
    with path.open("w", encoding="ascii") as out:
        out.write("timestamp,good,total\n")
        for lo in range(0, rows, 100_000):
            stamps = np.datetime_as_string(START + minutes[lo : lo + 100_000].astype("timedelta64[m]"), unit="s")
            out.write(
                "".join(
                    f"{s}{suffix},{g},{t}\n"
                    for s, g, t in zip(
                        stamps.tolist(),
                        good[lo : lo + 100_000].tolist(),
                        total[lo : lo + 100_000].tolist(),
                        strict=True,
                    )
                )
            )


def write_json_lines(source: Path, path: Path, rows: int) -> None:
    with source.open(encoding="ascii") as lines, path.open("w", encoding="ascii") as out:
        next(lines)
        for _, line in zip(range(rows), lines, strict=False):
            stamp, good, total = line.rstrip("\n").split(",")
            out.write(json.dumps({"timestamp": stamp, "good": int(good), "total": int(total)}) + "\n")


def parse(path: Path, tz: str | None = None) -> int:
    """Rows read; with ``tz``, the local times of the hour skipped each spring are refused."""
    rows = 0
    for chunk in read_events(path, now_epoch=NOW, tz=tz):
        if chunk.problems and (tz is None or not chunk.problems[0].message.endswith(("skip it)", "are)"))):
            raise SystemExit(f"unexpected problems: {chunk.problems[:3]}")
        rows += len(chunk) + chunk.rejected
    return rows


def parse_and_bucket(path: Path) -> int:
    buckets = BucketAccumulator(60)
    rows = 0
    for chunk in read_events(path, now_epoch=NOW):
        buckets.add(chunk.timestamps, chunk.good, chunk.total)
        rows += len(chunk)
    if len(buckets.result()) != rows:
        raise SystemExit("one bucket per row expected")
    return rows


def csv_split(path: Path) -> int:
    with path.open(newline="", encoding="ascii") as lines:
        reader = csv.reader(lines)
        next(reader)
        return sum(1 for _ in reader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        paths = {form: Path(folder) / f"events-{form}.csv" for form in ("zulu", "offset", "local")}
        variant_rows = max(args.rows // 4, 1)  # the other forms on fewer rows: generating is slow
        for form, path in paths.items():
            write_events(path, args.rows if form == "zulu" else variant_rows, form)
        json_rows = max(args.rows // 10, 1)
        jsonl = Path(folder) / "events.jsonl"
        write_json_lines(paths["zulu"], jsonl, json_rows)
        megabytes = paths["zulu"].stat().st_size / 1e6

        reference_s, reference_rows = best_of(args.repeat, lambda: csv_split(paths["zulu"]))
        parse_s, rows = best_of(args.repeat, lambda: parse(paths["zulu"]))
        bucket_s, _ = best_of(args.repeat, lambda: parse_and_bucket(paths["zulu"]))
        offset_s, offset_rows = best_of(args.repeat, lambda: parse(paths["offset"]))
        local_s, local_rows = best_of(args.repeat, lambda: parse(paths["local"], tz="Europe/Berlin"))
        json_s, _ = best_of(args.repeat, lambda: parse(jsonl))

    if rows != args.rows or reference_rows != args.rows:
        raise SystemExit(f"read {rows} rows, csv split {reference_rows}, expected {args.rows}")
    reference = reference_rows / reference_s

    def line(name: str, seconds: float, count: int = rows) -> str:
        per_second = count / seconds
        return f"{name}: {per_second:,.0f} rows/s ({seconds:.3f} s); ratio to csv split {per_second / reference:.2f}x"

    print(f"{rows:,} rows, {megabytes:.0f} MB, timestamp,good,total")
    print(f"reference, csv module splitting rows: {reference:,.0f} rows/s ({reference_s:.3f} s)")
    print(line("read_events, ...Z timestamps", parse_s))
    print(line("read_events + bucketing (1-minute buckets)", bucket_s))
    print(line(f"read_events, ...+03:00 timestamps ({offset_rows:,} rows)", offset_s, offset_rows))
    print(line(f"read_events, local times with --tz Europe/Berlin ({local_rows:,} rows)", local_s, local_rows))
    print(line(f"read_events, JSON lines ({json_rows:,} rows)", json_s, json_rows))
    print(f"target: parsing >= 1,000,000 rows/s: {'met' if rows / parse_s >= 1_000_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
