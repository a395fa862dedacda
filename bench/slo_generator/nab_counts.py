"""Good and total counts for the cross-check, derived from NAB's ELB request counts.

The rule (also in README.md, and checked by tests/integration/test_slo_generator_data.py):

- total: the ``value`` of each 5-minute row of ``realAWSCloudwatch/elb_request_count_8c0756.csv``
  (whole numbers in the file, so no rounding is involved);
- bad: all of a row's requests when the row's timestamp lies inside one of that file's NAB
  anomaly windows (``labels/combined_windows.json``, both ends included, as NAB scores them);
- good: total - bad;
- the file skips 8 rows (eight 10-minute steps); they become rows of 0 requests, so that the
  counts sit on a regular 5-minute grid, as a scraped counter would (it stays flat).

Standard library only: the project's own test imports this module without the bench's
virtual environment.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

SERIES = "realAWSCloudwatch/elb_request_count_8c0756.csv"
WINDOWS = "labels/combined_windows.json"
STEP_SECONDS = 300


@dataclass(frozen=True)
class Counts:
    """Per-row counts on a regular grid: row ``i`` starts at ``first + i * step_seconds``
    (naive wall-clock time, as NAB writes it)."""

    first: dt.datetime
    step_seconds: int
    good: tuple[int, ...]
    total: tuple[int, ...]
    missing_rows: int

    @property
    def bad(self) -> tuple[int, ...]:
        return tuple(t - g for g, t in zip(self.good, self.total, strict=True))

    @property
    def last(self) -> dt.datetime:
        return self.first + dt.timedelta(seconds=self.step_seconds * (len(self.total) - 1))


def _windows(data_dir: Path) -> list[tuple[dt.datetime, dt.datetime]]:
    labels = json.loads((data_dir / WINDOWS).read_text(encoding="utf-8"))
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in labels[SERIES]]


def derive(data_dir: Path) -> Counts:
    """Read the NAB series and labels under ``data_dir`` and apply the rule above."""
    windows = _windows(data_dir)
    path = data_dir / SERIES
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [(dt.datetime.fromisoformat(r["timestamp"]), r["value"]) for r in csv.DictReader(handle)]
    first = rows[0][0]
    good: list[int] = []
    total: list[int] = []
    for line, (stamp, text) in enumerate(rows, start=2):
        offset = (stamp - first).total_seconds()
        index, rest = divmod(int(offset), STEP_SECONDS)
        if rest or offset != int(offset) or index < len(total):
            raise ValueError(f"{path}:{line}: {stamp} is not on the 5-minute grid after the previous row")
        value = float(text)
        if value != int(value) or value < 0:
            raise ValueError(f"{path}:{line}: expected a whole request count, got {text!r}")
        while len(total) < index:  # a skipped row: no requests recorded
            good.append(0)
            total.append(0)
        count = int(value)
        bad = count if any(a <= stamp <= b for a, b in windows) else 0
        good.append(count - bad)
        total.append(count)
    return Counts(
        first=first,
        step_seconds=STEP_SECONDS,
        good=tuple(good),
        total=tuple(total),
        missing_rows=len(total) - len(rows),
    )
