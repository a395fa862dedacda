"""Timestamps: the vectorised reader and the per-value reader agree on everything the
vectorised one takes, and the rules (offsets, zones, daylight saving, fractions, the future)
hold on both."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmo.sources.digits import PADDING
from slmo.sources.fields import FieldError
from slmo.sources.timestamps import TimeRules, parse_timestamp, parse_timestamps, span

NOW = int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Riyadh", "America/Sao_Paulo", "UTC"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def vectorised(texts: list[str], rules: TimeRules) -> tuple[list[int], list[bool]]:
    encoded = [t.encode() for t in texts]
    buf = np.frombuffer(b"\n".join(encoded) + b"\n" + bytes(PADDING), dtype=np.uint8)
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    seconds, read = parse_timestamps(buf, starts, starts + lengths, rules)
    return seconds.tolist(), read.tolist()


def one_by_one(text: str, rules: TimeRules) -> int | None:
    try:
        return parse_timestamp(text, rules)
    except FieldError:
        return None


def assert_agree(texts: list[str], rules: TimeRules) -> list[bool]:
    seconds, read = vectorised(texts, rules)
    for text, value, taken in zip(texts, seconds, read, strict=True):
        if taken:
            assert one_by_one(text, rules) == value, text
    return read


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
    text = moment.strftime("%Y-%m-%d") + draw(st.sampled_from("Tt ")) + moment.strftime("%H:%M:%S")
    text = text.rjust(19, "0")
    fraction = draw(st.integers(0, 9))
    if fraction:
        text += draw(st.sampled_from(".,")) + str(moment.microsecond).rjust(6, "0")[:fraction].ljust(fraction, "7")
    offset = draw(st.sampled_from(["Z", "z", "", "+hh:mm", "-hh:mm", "+hhmm", "+hh"]))
    if "hh" in offset:
        offset = offset.replace("hh", f"{draw(st.integers(0, 23)):02d}").replace(
            "mm", f"{draw(st.integers(0, 59)):02d}"
        )
    return text + offset


@SETTINGS
@given(st.lists(timestamps(), min_size=1, max_size=30), st.sampled_from([None, *ZONES]))
def test_the_vectorised_reader_agrees_with_the_per_value_reader(texts: list[str], zone: str | None) -> None:
    rules = TimeRules.of(zone, 10**12, 0)
    read = assert_agree(texts, rules)
    for text, taken in zip(texts, read, strict=True):
        if len(text) in (20, 25) and text[10] == "T" and text[19] in "Z+-" and ":" in text[19:]:
            assert taken, f"the usual form {text} should take the fast path"


@SETTINGS
@given(timestamps(), st.integers(0, 24), st.characters(min_codepoint=32, max_codepoint=126))
def test_damaged_timestamps_are_never_taken_wrongly(text: str, at: int, char: str) -> None:
    damaged = text[:at] + char + text[at + 1 :]
    assert_agree([damaged, text[:at], damaged + "0"], TimeRules.of("Europe/Berlin", 10**12, 0))


@pytest.mark.parametrize("zone", ZONES)
def test_every_minute_around_the_changes_of_the_clocks(zone: str) -> None:
    """Both readers agree minute by minute over the days the clocks change in 2026."""
    rules = TimeRules.of(zone, NOW, 0)
    tz = zoneinfo.ZoneInfo(zone)
    days = [dt.datetime(2026, 1, 1) + dt.timedelta(days=d) for d in range(366)]
    changes = [day for day, before in zip(days[1:], days, strict=False) if _offset(day, tz) != _offset(before, tz)]
    minutes = {day - dt.timedelta(days=1) + dt.timedelta(minutes=m) for day in changes for m in range(3 * 1440)}
    minutes |= {days[0] + dt.timedelta(minutes=m) for m in range(0, 365 * 1440, 97)}
    texts = [moment.isoformat() for moment in sorted(minutes)]
    read = assert_agree(texts, rules)
    # Only the days of a change go one by one.
    slow = {text[:10] for text, taken in zip(texts, read, strict=True) if not taken and one_by_one(text, rules)}
    assert slow <= {(day - dt.timedelta(days=back)).date().isoformat() for day in changes for back in (0, 1)}


def _offset(day: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.timedelta | None:
    return day.replace(hour=12, tzinfo=tz).utcoffset()


def test_offsets_zulu_and_fractions() -> None:
    rules = TimeRules.of(None, NOW, 0)
    t0 = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
    cases = {
        "2026-10-01T00:00:00Z": t0,
        "2026-10-01t00:00:00z": t0,
        "2026-10-01 03:00:00+03:00": t0,
        "2026-09-30T19:00:00-05:00": t0,
        "2026-10-01T05:30:00+0530": t0,
        "2026-10-01T00:00:00.999999Z": t0,
        "2026-10-01T00:00:00,5+00:00": t0,
        "20261001T000000Z": t0,
        "2026-10-01T00:00Z": t0,
        "1969-12-31T23:59:59.5Z": -1,
        "1970-01-01T00:00:00Z": 0,
    }
    assert {text: parse_timestamp(text, rules) for text in cases} == cases
    seconds, read = vectorised(list(cases), rules)
    assert [s for s, r in zip(seconds, read, strict=True) if r] == [
        v for v, r in zip(cases.values(), read, strict=True) if r
    ]
    assert read[:4] == [True] * 4


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("2026-10-01T00:00:00", None, "'2026-10-01T00:00:00' has no UTC offset; give one, or --tz ZONE"),
        ("2026-10-01", None, "'2026-10-01' has no UTC offset; give one, or --tz ZONE"),
        (
            "2026-03-29T02:00:00",
            "Europe/Berlin",
            "'2026-03-29T02:00:00' does not exist in Europe/Berlin (the clocks skip it)",
        ),
        ("2026-10-01X00:00:00Z", None, "'2026-10-01X00:00:00Z' is not an ISO 8601 time such as 2026-10-01T00:00:00Z"),
        ("2026-10-01T24:00:00Z", None, "'2026-10-01T24:00:00Z' is not an ISO 8601 time such as 2026-10-01T00:00:00Z"),
        ("2026-10-01T23:59:60Z", None, "'2026-10-01T23:59:60Z' is not an ISO 8601 time such as 2026-10-01T00:00:00Z"),
        ("0001-01-01T00:00:00+01:00", None, "'0001-01-01T00:00:00+01:00' is out of range"),
        ("9999-12-31T23:59:59-01:00", None, "'9999-12-31T23:59:59-01:00' is out of range"),
        ("", None, "no value"),
        ("x" * 60, None, f"'{'x' * 39}…' is not an ISO 8601 time such as 2026-10-01T00:00:00Z"),
    ],
)
def test_problems(text: str, zone: str | None, message: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_timestamp(text, TimeRules.of(zone, NOW, 0))
    assert raised.value.message == message
    assert vectorised([text], TimeRules.of(zone, NOW, 0))[1] == [False]


def test_a_repeated_local_time_is_its_first_occurrence() -> None:
    rules = TimeRules.of("America/New_York", NOW, 0)
    first = int(dt.datetime(2026, 11, 1, 1, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"), fold=0).timestamp())
    assert parse_timestamp("2026-11-01T01:30:00", rules) == first
    assert first == int(dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC).timestamp())  # EDT, -04:00


def test_a_fixed_offset_zone_is_accepted_too() -> None:
    rules = TimeRules.of(dt.timezone(dt.timedelta(hours=3)), NOW, 0)
    assert parse_timestamp("2026-10-01T03:00:00", rules) == int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
    assert vectorised(["2026-10-01T03:00:00"], rules) == ([1790812800], [True])


def test_the_future() -> None:
    rules = TimeRules.of(None, NOW, 86_400)
    assert parse_timestamp("2027-01-02T00:00:00Z", rules) == NOW + 86_400
    with pytest.raises(FieldError, match=r"is in the future \(more than 1 day after now\)"):
        parse_timestamp("2027-01-02T00:00:01Z", rules)
    assert vectorised(["2027-01-02T00:00:00Z", "2027-01-02T00:00:01Z"], rules)[1] == [True, False]


def test_spans_read_as_people_say_them() -> None:
    assert [span(s) for s in (86_400, 172_800, 3600, 7200, 60, 90, 1)] == [
        "1 day",
        "2 days",
        "1 hour",
        "2 hours",
        "1 minute",
        "90 seconds",
        "1 second",
    ]


def test_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="'Nowhere/Land' is not an IANA time zone"):
        TimeRules.of("Nowhere/Land", NOW, 0)
