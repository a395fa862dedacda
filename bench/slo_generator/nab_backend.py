"""A custom slo-generator backend serving the derived counts, for machines without Prometheus.

slo-generator loads a backend named with a dot in the SLO's ``spec.backend`` as
``module.Class`` (its "custom backend" mechanism). This one reads the counts file the
cross-check writes (``start,good,total`` per 5-minute row, start in unix seconds) and sums
the rows that start in ``[timestamp - window, timestamp)``: the same rows slmo counts, so
with this backend the cross-check tests the formulas, not the way Prometheus cuts windows.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


class NabCountsBackend:
    def __init__(self, client: object = None, counts_file: str = "", **_: Any) -> None:
        with Path(counts_file).open(newline="", encoding="utf-8") as handle:
            self.rows = [(int(r["start"]), int(r["good"]), int(r["total"])) for r in csv.DictReader(handle)]

    def good_bad_ratio(self, timestamp: int, window: int, slo_config: dict[str, Any]) -> tuple[int, int]:
        """(good, bad) over the window ending at ``timestamp``, as slo-generator expects."""
        inside = [(g, t) for start, g, t in self.rows if timestamp - window <= start < timestamp]
        good = sum(g for g, _ in inside)
        return good, sum(t for _, t in inside) - good


def write_counts(path: Path, start: int, step_seconds: int, good: tuple[int, ...], total: tuple[int, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "good", "total"])
        for i, (g, t) in enumerate(zip(good, total, strict=True)):
            writer.writerow([start + i * step_seconds, g, t])
