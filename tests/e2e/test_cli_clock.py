"""`slmo clock elapsed|deadline --json`: the commands scripts rely on, on worked cases from
../shared/sla-clock-cases.md (numbers in the test names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli

STD = """\
apiVersion: slmo/v1
kind: Calendar
metadata: {name: std}
spec:
  timeZone: Europe/London
  hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
"""

SAUDI = """\
apiVersion: slmo/v1
kind: Calendar
metadata: {name: saudi}
spec:
  timeZone: Asia/Riyadh
  hours: {sun: ["08:00-16:00"], mon: ["08:00-16:00"], tue: ["08:00-16:00"], wed: ["08:00-16:00"], thu: ["08:00-16:00"]}
  holidays:
    dates:
      - {date: 2026-02-22, name: Founding Day}
      - {from: 2025-03-30, to: 2025-04-02, name: Eid al-Fitr}
"""


@pytest.fixture
def calendars(tmp_path: Path) -> dict[str, str]:
    found = {}
    for name, text in (("std", STD), ("saudi", SAUDI)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        found[name] = str(path)
    return found


def deadline(cli: Cli, calendar: str, start: str, target: str, *extra: str) -> str:
    out = cli("clock", "deadline", "--calendar", calendar, "--from", start, "--target", target, *extra, "--json").stdout
    value: str = json.loads(out)["deadline"]
    return value


def elapsed(cli: Cli, calendar: str, start: str, end: str, *extra: str) -> int:
    out = cli("clock", "elapsed", "--calendar", calendar, "--from", start, "--to", end, *extra, "--json").stdout
    value: int = json.loads(out)["elapsed_seconds"]
    return value


def test_case_1_carry_over_night(cli: Cli, calendars: dict[str, str]) -> None:
    assert deadline(cli, calendars["std"], "2025-01-14T15:30:00+00:00", "4h") == "2025-01-15T11:30:00+00:00"


def test_case_3_weekend(cli: Cli, calendars: dict[str, str]) -> None:
    assert elapsed(cli, calendars["std"], "2025-01-17T21:00:00+00:00", "2025-01-20T09:30:00+00:00") == 1800


def test_case_5_pause_across_the_night(cli: Cli, calendars: dict[str, str]) -> None:
    pause = "--pause", "2025-01-13T15:00:00+00:00/2025-01-14T11:00:00+00:00"
    assert elapsed(cli, calendars["std"], "2025-01-13T10:00:00+00:00", "2025-01-14T14:00:00+00:00", *pause) == 8 * 3600
    assert deadline(cli, calendars["std"], "2025-01-13T10:00:00+00:00", "8h", *pause) == "2025-01-14T14:00:00+00:00"


def test_case_10_saudi_week_and_founding_day(cli: Cli, calendars: dict[str, str]) -> None:
    assert deadline(cli, calendars["saudi"], "2026-02-19T14:00:00+03:00", "8h") == "2026-02-23T14:00:00+03:00"
    assert elapsed(cli, calendars["saudi"], "2026-02-19T14:00:00+03:00", "2026-02-23T15:00:00+03:00") == 9 * 3600


def test_case_11_eid_closure(cli: Cli, calendars: dict[str, str]) -> None:
    assert deadline(cli, calendars["saudi"], "2025-03-27T15:00:00+03:00", "16h") == "2025-04-06T15:00:00+03:00"


def test_case_18_one_day_in_three_units(cli: Cli, calendars: dict[str, str]) -> None:
    start = "2025-01-13T10:00:00+00:00"
    assert deadline(cli, calendars["std"], start, "1d", "--unit", "business") == "2025-01-16T10:00:00+00:00"
    assert deadline(cli, calendars["std"], start, "1d", "--unit", "business-days") == "2025-01-14T10:00:00+00:00"
    assert deadline(cli, calendars["std"], start, "1d", "--unit", "end-of-day") == "2025-01-14T17:00:00+00:00"


def test_bad_input_is_named(cli: Cli, calendars: dict[str, str], tmp_path: Path) -> None:
    std = calendars["std"]
    assert (
        "is zero"
        in cli(
            "clock", "deadline", "--calendar", std, "--from", "2025-01-13T10:00:00+00:00", "--target", "0m", code=2
        ).stderr
    )
    naive = cli(
        "clock",
        "elapsed",
        "--calendar",
        std,
        "--from",
        "2025-01-13T10:00:00",
        "--to",
        "2025-01-14T10:00:00+00:00",
        code=2,
    )
    assert "has no UTC offset" in naive.stderr
    closed = tmp_path / "closed.yaml"
    closed.write_text(
        STD.replace(
            '{mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}',
            "{}",
        ),
        encoding="utf-8",
    )
    refused = cli(
        "clock", "deadline", "--calendar", str(closed), "--from", "2025-01-13T10:00:00+00:00", "--target", "4h", code=2
    )
    assert "the calendar has no working hours at all" in refused.stderr
