"""Timestamps in measurement files: ISO 8601 text to integer seconds since the Unix epoch.

Two paths that give the same answer. A vectorised one reads the fixed-width forms that nearly
every exporter writes (``YYYY-MM-DDTHH:MM:SS``, an optional fraction, then ``Z``, ``±HH:MM``
or nothing) straight from a matrix of bytes, a million a second and more. A per-value one
(``datetime.fromisoformat``) takes every other ISO 8601 form and words the problems; the
vectorised path leaves to it whatever it does not recognise.

Rules, the same on both paths:

- An offset in the text (``Z``, ``+03:00``, ``-0500``) wins. Text without one is read in the
  zone given (``--tz``), or refused.
- A local time that happens twice, when the clocks go back, is the first occurrence (fold 0:
  the offset before the change). A local time that never happens, when the clocks go
  forward, is refused.
- Fractions of a second are dropped (floor): buckets are whole seconds, so two rows within one
  second have the same timestamp (and the later replaces the earlier, see bucketing).
- A time more than ``max_future`` seconds after ``now`` is refused: it is a wrong zone or a
  wrong clock, not a measurement.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.sources import digits
from slmo.sources.fields import FieldError, show

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SECOND = dt.timedelta(seconds=1)
DAY = 86_400
_EXAMPLE = "2026-10-01T00:00:00Z"

_ZERO, _DASH, _COLON, _DOT, _COMMA, _PLUS, _MINUS = (ord(c) for c in "0-:.,+-")
_DECIMAL_SIGNS = np.array([_DOT, _COMMA], dtype=np.uint8)
_ZULU = np.array([ord("Z"), ord("z")], dtype=np.uint8)
_SHORTEST, _LONGEST = 19, 40


@dataclass(frozen=True)
class TimeRules:
    """How to read the timestamps of one file: the zone for text without an offset, and the
    latest instant accepted (``now`` plus the allowance for clock skew)."""

    zone: dt.tzinfo | None
    latest: int
    max_future: int

    @classmethod
    def of(cls, tz: str | dt.tzinfo | None, now_epoch: int, max_future: int) -> TimeRules:
        """Raises ValueError for a name that is not an IANA zone."""
        zone: dt.tzinfo | None
        if isinstance(tz, str):
            try:
                zone = zoneinfo.ZoneInfo(tz)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"'{tz}' is not an IANA time zone such as Europe/Berlin or Asia/Riyadh") from exc
        else:
            zone = tz
        return cls(zone=zone, latest=now_epoch + max_future, max_future=max_future)


def parse_timestamp(value: object, rules: TimeRules) -> int:
    """One timestamp, as text (or a JSON value), to epoch seconds; FieldError says why not."""
    moment = parse_datetime(value, rules)
    return _epoch(moment)


def parse_datetime(value: object, rules: TimeRules) -> dt.datetime:
    """One timestamp to an aware datetime in UTC (fraction dropped); FieldError says why not."""
    if not isinstance(value, str):
        raise FieldError(f"{show(value)} is not an ISO 8601 time such as {_EXAMPLE}")
    text = value.strip()
    if not text:
        raise FieldError("no value")
    iso = text[:-1] + "Z" if text.endswith("z") else text
    # fromisoformat takes any character between date and time; ISO 8601 and RFC 3339 say T
    # (or a space), and the vectorised path agrees.
    if len(iso) > 10 and iso[4:5] == "-" and iso[10] not in "Tt ":
        raise FieldError(f"{show(text)} is not an ISO 8601 time such as {_EXAMPLE}")
    try:
        parsed = dt.datetime.fromisoformat(iso)
    except ValueError:
        raise FieldError(f"{show(text)} is not an ISO 8601 time such as {_EXAMPLE}") from None
    if parsed.tzinfo is None:
        if rules.zone is None:
            raise FieldError(f"{show(text)} has no UTC offset; give one, or --tz ZONE")
        parsed = _localize(parsed, rules.zone, text)
    try:
        moment = parsed.astimezone(dt.UTC).replace(microsecond=0)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise FieldError(f"{show(text)} is out of range") from None
    if _epoch(moment) > rules.latest:
        raise FieldError(f"{show(text)} is in the future (more than {span(rules.max_future)} after now)")
    return moment


def span(seconds: int) -> str:
    """A length of time as people say it: '1 day', '6 hours', '90 seconds'."""
    for unit, size in (("day", DAY), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            return f"{count} {unit}" + ("s" if count != 1 else "")
    return f"{seconds} second" + ("s" if seconds != 1 else "")


def _localize(naive: dt.datetime, zone: dt.tzinfo, text: str) -> dt.datetime:
    local = naive.replace(tzinfo=zone, fold=0)
    # A wall time skipped by a spring-forward change does not survive the round trip.
    if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise FieldError(f"{show(text)} does not exist in {zone} (the clocks skip it)")
    return local


def _epoch(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _SECOND


def parse_timestamps(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64], rules: TimeRules
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The vectorised path: the text ``buf[starts[i]:ends[i]]`` of each row to epoch seconds.

    Returns the seconds and a mask of the rows read; the others (other forms, invalid or
    future times, times near a change of the clocks) go to :func:`parse_timestamp`.
    """
    count = starts.shape[0]
    widths = ends - starts
    if count and (widths == widths[0]).all():  # the usual case: one form throughout
        groups: list[tuple[int, NDArray[np.intp] | None]] = [(int(widths[0]), None)]
    else:
        groups = [(int(w), np.flatnonzero(widths == w)) for w in np.unique(widths).tolist()]
    seconds = np.zeros(count, dtype=np.int64)
    read = np.zeros(count, dtype=np.bool_)
    for width, rows in groups:
        if not _SHORTEST <= width <= _LONGEST:
            continue
        text = _Text(buf, starts if rows is None else starts[rows])
        group_seconds, group_read = _parse_width(text, width, rules.zone)
        if rows is None:
            seconds, read = group_seconds, group_read
        else:
            seconds[rows] = group_seconds
            read[rows] = group_read
    read &= seconds <= rules.latest
    return seconds, read


class _Text:
    """The text of many rows, read at the same offset in each: one byte, or eight as a word."""

    def __init__(self, buf: NDArray[np.uint8], starts: NDArray[np.int64]) -> None:
        self.buf = buf
        self.starts = starts
        self.words = digits.words(buf)

    def byte(self, at: int) -> NDArray[np.uint8]:
        return self.buf[self.starts + at]

    def word(self, at: int) -> NDArray[np.uint64]:
        return self.words[self.starts + at]

    def subset(self, rows: NDArray[np.intp]) -> _Text:
        return _Text(self.buf, self.starts[rows])


def _year_table() -> NDArray[np.int64]:
    """Days from 1970-01-01 to 1 January of every year 0..9999 (proleptic Gregorian)."""
    before = np.arange(10_000, dtype=np.int64) - 1
    return before * 365 + before // 4 - before // 100 + before // 400 - 719_162


_YEAR_START = _year_table()
_YEARS = np.arange(10_000)
_LEAP = ((_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))).astype(np.int64)
_MONTH_LENGTH = np.array(
    [[0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]],
    dtype=np.int64,
)
_MONTH_START = np.concatenate([np.zeros((2, 1), dtype=np.int64), np.cumsum(_MONTH_LENGTH, axis=1)[:, :-1]], axis=1)
_DATE, _DAY_OF_MONTH = digits.Pattern.of("DDDD-DD-"), digits.Pattern.of("DD??????")
_CLOCK, _SECONDS = digits.Pattern.of("???DD:DD"), digits.Pattern.of(":DD?????")
_OFFSET = digits.Pattern.of("?DD:DD??")
_T, _SPACE = ord("t"), ord(" ")


def _parse_width(text: _Text, width: int, zone: dt.tzinfo | None) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Timestamps of one width: the body YYYY-MM-DDTHH:MM:SS, then a fraction and an offset
    whose form is told by the last characters."""
    date, clock, rest = text.word(0), text.word(8), text.word(16)
    days, ok = _days(date, clock)
    clock_ok, clock_pairs = _CLOCK.match(clock)
    seconds_ok, seconds_pairs = _SECONDS.match(rest)
    separator = digits.byte(clock, 2)
    ok &= clock_ok & seconds_ok & (((separator | 0x20) == _T) | (separator == _SPACE))
    hour, minute, second = digits.byte(clock_pairs, 3), digits.byte(clock_pairs, 6), digits.byte(seconds_pairs, 1)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    wall = days * DAY + hour * 3600 + minute * 60 + second

    # The tail after the seconds: Z, ±HH:MM or nothing, each after an optional fraction.
    last = digits.byte(rest, width - 17) if width <= 24 else text.byte(width - 1)
    zulu = np.isin(last, _ZULU)
    if width > _SHORTEST + 1 and zulu.any():  # a fraction before the Z: check only those rows
        rows = np.flatnonzero(zulu)
        zulu[rows] = _fraction_ok(text.subset(rows), width - 1)
    offset = np.zeros(wall.shape[0], dtype=np.int64)
    numeric = np.zeros(wall.shape[0], dtype=np.bool_)
    if width >= _SHORTEST + 6:
        tail = text.word(width - 6)
        numeric, offset_pairs = _OFFSET.match(tail)
        sign = digits.byte(tail, 0)
        hours, minutes = digits.byte(offset_pairs, 1), digits.byte(offset_pairs, 4)
        numeric &= ~zulu & ((sign == _PLUS) | (sign == _MINUS)) & (hours <= 23) & (minutes <= 59)
        numeric &= _fraction_ok(text, width - 6)
        offset = np.where(numeric, np.where(sign == _MINUS, -1, 1) * (hours * 3600 + minutes * 60), 0)
    known = zulu | numeric  # without a zone, text without an offset goes to the per-value path
    if zone is not None and not known.all():
        rows = np.flatnonzero(~known)
        naive = rows[_fraction_ok(text.subset(rows), width)]
        local, steady = _wall_to_epoch(wall[naive], zone)
        offset[naive] = wall[naive] - local
        known[naive] = steady
    return wall - offset, ok & known


def _days(date: NDArray[np.uint64], clock: NDArray[np.uint64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Days since 1970-01-01 of YYYY-MM-DD, and whether it is a valid date.

    Rows usually come in time order, so the date repeats for a whole day of rows: it is
    worked out once per run of equal dates and repeated, which saves most of the look-ups.
    """
    count = date.shape[0]
    day_digits = clock & np.uint64(0xFFFF)
    change = np.ones(count, dtype=np.bool_)
    change[1:] = (date[1:] != date[:-1]) | (day_digits[1:] != day_digits[:-1])
    runs = np.flatnonzero(change)
    if runs.shape[0] * 4 < count:
        days, ok = _days(date[runs], clock[runs])
        lengths = np.diff(runs, append=count)
        return np.repeat(days, lengths), np.repeat(ok, lengths)
    ok, pairs = _DATE.match(date)
    day_ok, day_pairs = _DAY_OF_MONTH.match(clock)
    # Garbage in rows already refused must still index the tables: clip after checking.
    year = digits.byte(pairs, 0) * 100 + digits.byte(pairs, 2)
    month = digits.byte(pairs, 5)
    # Years 1 and 9999 go one by one: an offset can take them out of range.
    ok &= day_ok & (year >= 2) & (year <= 9998) & (month >= 1) & (month <= 12)
    year, month = np.clip(year, 0, 9999), np.clip(month, 0, 12)
    day = digits.byte(day_pairs, 0)
    leap = _LEAP[year]
    ok &= (day >= 1) & (day <= _MONTH_LENGTH[leap, month])
    return _YEAR_START[year] + _MONTH_START[leap, month] + day - 1, ok


def _fraction_ok(text: _Text, end: int) -> NDArray[np.bool_]:
    """Whether columns 19..end hold nothing or a decimal sign and at least one digit."""
    count = text.starts.shape[0]
    if end == _SHORTEST:
        return np.ones(count, dtype=np.bool_)
    if end < _SHORTEST + 2:
        return np.zeros(count, dtype=np.bool_)
    ok = np.isin(text.byte(_SHORTEST), _DECIMAL_SIGNS)
    for at in range(_SHORTEST + 1, end):
        ok &= (text.byte(at) - np.uint8(_ZERO)) <= 9
    return ok


def _wall_to_epoch(wall: NDArray[np.int64], zone: dt.tzinfo) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Local wall times (as seconds, read as if UTC) to epoch seconds in ``zone``.

    A zone changes its offset at most a few times a year, so the offset is looked up once
    per calendar day: a day whose offset is the same at its first and last second, for
    either fold, has one offset throughout. Days with a change are left to the per-value
    path (``known`` False), which handles repeated and skipped times exactly.
    """
    days = wall // DAY
    if not days.shape[0]:
        return wall, np.ones(0, dtype=np.bool_)
    if (days[1:] >= days[:-1]).all():  # in time order: runs of one day, no sort needed
        firsts = np.flatnonzero(np.concatenate([[True], days[1:] != days[:-1]]))
        unique, inverse = days[firsts], np.repeat(np.arange(firsts.shape[0]), np.diff(firsts, append=days.shape[0]))
    else:
        unique, inverse = np.unique(days, return_inverse=True)
    offsets = np.zeros(unique.shape[0], dtype=np.int64)
    steady = np.zeros(unique.shape[0], dtype=np.bool_)
    for i, day in enumerate(unique.tolist()):
        try:
            first = _EPOCH.replace(tzinfo=None) + dt.timedelta(days=day)
            seen = {
                (first + dt.timedelta(seconds=at)).replace(tzinfo=zone, fold=fold).utcoffset()
                for at in (0, DAY - 1)
                for fold in (0, 1)
            }
        except OverflowError:  # an impossible date that the caller refuses anyway
            continue
        if len(seen) == 1 and (only := seen.pop()) is not None:
            offsets[i] = only // _SECOND
            steady[i] = True
    return wall - offsets[inverse], steady[inverse]
