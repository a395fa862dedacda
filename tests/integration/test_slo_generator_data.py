"""The good and total counts that the slo-generator cross-check (bench/slo_generator) gives both
tools are the ones its README states: the rule applied to the NAB ELB series in ../shared."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bench.slo_generator.nab_counts import SERIES, WINDOWS, derive

NAB = "data/nab-real-aws-cloudwatch-and-known-cause"


@pytest.mark.shared
def test_counts_are_the_readme_figures(shared: Path) -> None:
    counts = derive(shared / NAB)

    assert (counts.first, counts.last, counts.step_seconds) == (
        dt.datetime(2014, 4, 10, 0, 4),
        dt.datetime(2014, 4, 24, 0, 39),
        300,
    )
    assert (len(counts.total), counts.missing_rows) == (4040, 8)
    assert (sum(counts.total), sum(counts.bad)) == (249_327, 29_856)
    # A row is bad or good as a whole, and the bad rows are those of the two labelled windows,
    # both ends included: 2014-04-12 09:04 to 2014-04-13 01:44 and 2014-04-22 11:14 to 2014-04-23 03:54.
    assert all(g in (0, t) for g, t in zip(counts.good, counts.total, strict=True))
    bad_rows = [i for i, b in enumerate(counts.bad) if b]
    assert len(bad_rows) == 402
    when = [counts.first + dt.timedelta(minutes=5 * i) for i in bad_rows]
    assert (when[0], when[-1]) == (dt.datetime(2014, 4, 12, 9, 4), dt.datetime(2014, 4, 23, 3, 54))
    # The windows at the end of the series, as the README's table gives them.
    for rows, total, bad in [(12, 433, 0), (288, 19_828, 2_872), (864, 57_058, 17_129), (2016, 116_681, 17_129)]:
        assert (sum(counts.total[-rows:]), sum(counts.bad[-rows:])) == (total, bad)


def _nab(folder: Path, rows: list[str], windows: list[list[str]]) -> Path:
    (folder / SERIES).parent.mkdir(parents=True)
    (folder / SERIES).write_text("timestamp,value\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    (folder / WINDOWS).parent.mkdir(parents=True)
    (folder / WINDOWS).write_text(json.dumps({SERIES: windows}), encoding="utf-8")
    return folder


def test_skipped_rows_become_zero_and_window_ends_count(tmp_path: Path) -> None:
    rows = ["2014-04-10 00:04:00,5.0", "2014-04-10 00:09:00,7.0", "2014-04-10 00:19:00,3.0"]
    counts = derive(_nab(tmp_path, rows, [["2014-04-10 00:09:00.000000", "2014-04-10 00:19:00.000000"]]))

    assert (counts.total, counts.good, counts.missing_rows) == ((5, 7, 0, 3), (5, 0, 0, 0), 1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2014-04-10 00:07:00,1.0", ":3: 2014-04-10 00:07:00 is not on the 5-minute grid"),
        ("2014-04-10 00:09:00,1.5", ":3: expected a whole request count"),
    ],
)
def test_rows_off_the_rule_are_refused_with_their_line(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        derive(_nab(tmp_path, ["2014-04-10 00:04:00,5.0", row], []))
