"""Reading event counts (``timestamp,good,total``): every bad input gives one clear problem,
as ``file:line: field: message``, and nothing good is lost."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest

from slmo.errors import IngestError
from slmo.sources.events import EventChunk, read_events

NOW = int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())
T0 = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
HEADER = "timestamp,good,total\n"


def read(data: str | bytes, name: str = "events.csv", **options: object) -> tuple[list[EventChunk], list[str]]:
    raw = data.encode() if isinstance(data, str) else data
    chunks = list(read_events(io.BytesIO(raw), name, now_epoch=NOW, **options))  # type: ignore[arg-type]
    return chunks, [str(p) for c in chunks for p in c.problems]


def rows(chunks: list[EventChunk]) -> list[tuple[int, int, int, int]]:
    """(timestamp, good, total, line) of every good row."""
    return [
        (int(t), int(g), int(n), int(line))
        for c in chunks
        for t, g, n, line in zip(c.timestamps, c.good, c.total, c.lines, strict=True)
    ]


def problems_of(data: str | bytes, **options: object) -> list[str]:
    return read(data, **options)[1]


def test_a_good_file_in_file_order_with_lines() -> None:
    chunks, problems = read(
        HEADER + "2026-10-01T00:00:00Z,998,1000\n2026-10-01T03:00:00+03:00,5,5\n2026-10-01T00:01:00.250Z,0,7\n"
    )
    assert problems == []
    assert rows(chunks) == [(T0, 998, 1000, 2), (T0, 5, 5, 3), (T0 + 60, 0, 7, 4)]
    assert all(c.timestamps.dtype == np.int64 and c.good.dtype == np.int64 for c in chunks)


def test_columns_in_any_order_case_and_spaces_do_not_matter() -> None:
    chunks, problems = read(" Total , timestamp,GOOD\n10,2026-10-01T00:00:00Z,9\n")
    assert problems == []
    assert rows(chunks) == [(T0, 9, 10, 2)]


def test_json_lines_with_the_same_keys() -> None:
    lines = [
        {"timestamp": "2026-10-01T00:00:00Z", "good": 9, "total": 10},
        {"total": "4", "good": 4.0, "timestamp": "2026-10-01T00:01:00+00:00"},
    ]
    chunks, problems = read("\n".join(json.dumps(line) for line in lines) + "\n", "events.jsonl")
    assert problems == []
    assert rows(chunks) == [(T0, 9, 10, 1), (T0 + 60, 4, 4, 2)]


def test_json_lines_problems() -> None:
    data = "\n".join(
        [
            '{"timestamp": "2026-10-01T00:00:00Z", "goood": 9, "total": 10}',
            '{"timestamp": "2026-10-01T00:00:00Z", "total": 10}',
            "[1, 2, 3]",
            '{"timestamp": "2026-10-01T00:00:00Z", "good": true, "total": NaN}',
            '{"timestamp": 1790812800, "good": 1, "total": 1}',
            '{"timestamp": "2026-10-01T00:00:00Z", "good": 1, "total": 1}',
            '{"timestamp": "2026-10-01T00:00:00Z", "go',
        ]
    )
    assert problems_of(data, name="e.jsonl") == [
        "e.jsonl:1: row: unknown key 'goood'; did you mean 'good'?",
        "e.jsonl:2: row: missing key 'good'",
        "e.jsonl:3: row: expected a JSON object, got list",
        "e.jsonl:4: good: true is not a number",
        "e.jsonl:4: total: nan is not a finite number",
        "e.jsonl:5: timestamp: 1790812800 is not an ISO 8601 time such as 2026-10-01T00:00:00Z",
        "e.jsonl:7: row: not valid JSON (Unterminated string starting at column 39); "
        "the last line has no line end, so the file may be cut short",
    ]


def test_a_json_array_is_not_json_lines() -> None:
    assert problems_of('[{"timestamp": "2026-10-01T00:00:00Z", "good": 1, "total": 1}]\n') == [
        "events.csv:1: a JSON array, not JSON lines: write one object per line"
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "timestamp,goood,total",
            [
                "events.csv:1: header: unknown column 'goood'; did you mean 'good'?",
                "events.csv:1: header: missing column 'good' (the columns are timestamp, good, total)",
            ],
        ),
        (
            "timestamp,good,total,host",
            ["events.csv:1: header: unknown column 'host'; expected timestamp, good, total"],
        ),
        ("timestamp,good", ["events.csv:1: header: missing column 'total' (the columns are timestamp, good, total)"]),
        ("timestamp,good,good,total", ["events.csv:1: header: column 'good' appears twice"]),
        (
            "timestamp;good;total",
            ["events.csv:1: header: the columns are separated by ';'; expected commas (timestamp, good, total)"],
        ),
        (
            "2026-10-01T00:00:00Z,1,1",
            [
                "events.csv:1: header: the first line holds data, not column names; "
                "start the file with the header 'timestamp, good, total'"
            ],
        ),
    ],
)
def test_header_problems_stop_the_file(header: str, expected: list[str]) -> None:
    chunks, problems = read(header + "\n2026-10-01T00:00:00Z,1,1\n")
    assert problems == expected
    assert rows(chunks) == []
    assert sum(c.rejected for c in chunks) == 1  # "no row rejected" means nothing is wrong


def test_a_timestamp_without_an_offset_needs_tz() -> None:
    assert problems_of(HEADER + "2026-10-01T00:00:00,1,1\n") == [
        "events.csv:2: timestamp: '2026-10-01T00:00:00' has no UTC offset; give one, or --tz ZONE"
    ]


def test_tz_reads_local_times_with_daylight_saving() -> None:
    chunks, problems = read(
        HEADER
        + "2026-07-01T12:00:00,1,1\n"  # summer: +02:00
        + "2026-12-01T12:00:00,1,1\n"  # winter: +01:00
        + "2026-10-25T02:30:00,1,1\n"  # happens twice: the first (+02:00) is taken
        + "2026-03-29T02:30:00,1,1\n"  # never happens
        + "2026-10-01T00:00:00Z,1,1\n",  # an offset in the text wins over --tz
        tz="Europe/Berlin",
    )
    assert problems == [
        "events.csv:5: timestamp: '2026-03-29T02:30:00' does not exist in Europe/Berlin (the clocks skip it)"
    ]
    utc = dt.UTC
    assert [t for t, *_ in rows(chunks)] == [
        int(dt.datetime(2026, 7, 1, 10, tzinfo=utc).timestamp()),
        int(dt.datetime(2026, 12, 1, 11, tzinfo=utc).timestamp()),
        int(dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc).timestamp()),
        T0,
    ]


def test_an_unknown_zone_is_refused_at_once() -> None:
    with pytest.raises(IngestError) as raised:
        read_events(io.BytesIO(b""), "e.csv", now_epoch=NOW, tz="Mars/Olympus")
    assert str(raised.value) == "tz: 'Mars/Olympus' is not an IANA time zone such as Europe/Berlin or Asia/Riyadh"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2026-10-01T00:00:00Z,7,5", "good: 7 is more than total 5"),
        ("2026-10-01T00:00:00Z,-1,5", "good: -1 is negative; counts are 0 or more"),
        ("2026-10-01T00:00:00Z,1,-5", "total: -5 is negative; counts are 0 or more"),
        ("2026-10-01T00:00:00Z,NaN,5", "good: 'NaN' is not a finite number"),
        ("2026-10-01T00:00:00Z,1,inf", "total: 'inf' is not a finite number"),
        ("2026-10-01T00:00:00Z,1,1e999", "total: '1e999' is not a finite number"),
        ("2026-10-01T00:00:00Z,2.5,5", "good: '2.5' is not a whole number"),
        ("2026-10-01T00:00:00Z,abc,5", "good: 'abc' is not a number"),
        ("2026-10-01T00:00:00Z,,5", "good: no value"),
        (
            "2026-10-01T00:00:00Z,1,99999999999999999999",
            "total: 99999999999999999999 is too large (at most 9007199254740991)",
        ),
        ("yesterday,1,1", "timestamp: 'yesterday' is not an ISO 8601 time such as 2026-10-01T00:00:00Z"),
        (
            "2026-02-30T00:00:00Z,1,1",
            "timestamp: '2026-02-30T00:00:00Z' is not an ISO 8601 time such as 2026-10-01T00:00:00Z",
        ),
        (
            "2026-13-01T00:00:00Z,1,1",
            "timestamp: '2026-13-01T00:00:00Z' is not an ISO 8601 time such as 2026-10-01T00:00:00Z",
        ),
        ("2026-10-01T00:00:00Z,1", "row: 2 fields, expected 3"),
        ("2026-10-01T00:00:00Z,1,1,1", "row: 4 fields, expected 3"),
        ("2027-01-03T00:00:00Z,1,1", "timestamp: '2027-01-03T00:00:00Z' is in the future (more than 1 day after now)"),
    ],
)
def test_bad_rows(row: str, expected: str) -> None:
    good = "2026-10-01T00:05:00Z,1,2"
    chunks, problems = read(HEADER + f"{good}\n{row}\n{good}\n")
    assert problems == [f"events.csv:3: {expected}"]
    assert [line for *_, line in rows(chunks)] == [2, 4]
    assert sum(c.rejected for c in chunks) == 1


def test_several_problems_of_one_row_are_all_listed() -> None:
    assert problems_of(HEADER + "2026-10-01T00:00:00,-1,x\n") == [
        "events.csv:2: timestamp: '2026-10-01T00:00:00' has no UTC offset; give one, or --tz ZONE",
        "events.csv:2: good: -1 is negative; counts are 0 or more",
        "events.csv:2: total: 'x' is not a number",
    ]


def test_whole_decimals_and_spaces_are_taken() -> None:
    chunks, problems = read(HEADER + "2026-10-01T00:00:00Z, 5.0 ,1e3\n 2026-10-01T00:01:00Z ,+3,3\n")
    assert problems == []
    assert rows(chunks) == [(T0, 5, 1000, 2), (T0 + 60, 3, 3, 3)]


def test_the_future_allowance_is_a_parameter() -> None:
    data = HEADER + "2027-01-01T02:00:00Z,1,1\n"
    assert problems_of(data) == []
    assert problems_of(data, max_future_seconds=3600) == [
        "events.csv:2: timestamp: '2027-01-01T02:00:00Z' is in the future (more than 1 hour after now)"
    ]


def test_repeated_and_out_of_order_rows_are_not_problems_here() -> None:
    chunks, problems = read(HEADER + "2026-10-01T00:01:00Z,1,1\n2026-10-01T00:00:00Z,1,1\n2026-10-01T00:00:00Z,2,2\n")
    assert problems == []
    assert len(rows(chunks)) == 3


def test_a_truncated_last_line_is_named() -> None:
    chunks, problems = read(HEADER + "2026-10-01T00:00:00Z,1,1\n2026-10-01T00:01:00Z,1")
    assert problems == [
        "events.csv:3: row: 2 fields, expected 3; the last line has no line end, so the file may be cut short"
    ]
    assert len(rows(chunks)) == 1


def test_a_complete_last_line_without_line_end_is_fine() -> None:
    chunks, problems = read(HEADER + "2026-10-01T00:00:00Z,1,1\n2026-10-01T00:01:00Z,1,2")
    assert problems == []
    assert rows(chunks)[-1] == (T0 + 60, 1, 2, 3)


def test_blank_lines_crlf_bom_and_quotes() -> None:
    data = b'\xef\xbb\xbf\r\ntimestamp,good,total\r\n\r\n"2026-10-01T00:00:00Z",1,1\r\n   \r\n2026-10-01T00:01:00Z,"2",2\r\n'
    chunks, problems = read(data)
    assert problems == []
    assert rows(chunks) == [(T0, 1, 1, 4), (T0 + 60, 2, 2, 6)]


def test_an_empty_file_is_a_problem_a_header_alone_is_not() -> None:
    expected = ["events.csv: the file is empty; expected a header line 'timestamp,good,total' or JSON lines"]
    assert problems_of("") == expected
    assert problems_of("\n  \n\r\n") == expected
    assert sum(c.rejected for c in read("")[0]) == 1
    chunks, problems = read(HEADER)
    assert problems == [] and rows(chunks) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            bytes(range(256)) * 4000,
            "events.csv:1: binary data (a NUL byte at byte 1 of the line), not CSV or JSON lines text",
        ),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(5000),
            "events.csv:1: binary data (a NUL byte at byte 6 of the line), not CSV or JSON lines text",
        ),
        (
            b"\x1f\x8b\x08\x00" + bytes(100),
            "events.csv:1: gzip-compressed data; decompress it first (gunzip -c FILE) and read it from '-'",
        ),
        ("timestamp,good,total\n".encode("utf-16"), "events.csv:1: UTF-16 text; save it as UTF-8"),
        (b"\xff\xfeab\n", "events.csv:1: UTF-16 text; save it as UTF-8"),
        (b"time\xe9,good,total\n", "events.csv:1: not UTF-8 text (byte 0xe9 at column 5)"),
        (
            b"x" * (2 << 20),
            "events.csv:1: a line longer than 1 MiB, so this is not CSV or JSON lines; reading stopped here",
        ),
    ],
)
def test_input_that_is_not_text_is_one_problem(data: bytes, expected: str) -> None:
    chunks, problems = read(data)
    assert problems == [expected]
    assert rows(chunks) == []
    assert sum(c.rejected for c in chunks) == 1


def test_a_row_that_is_not_utf8() -> None:
    data = HEADER.encode() + b"2026-10-01T00:00:00Z,\xff1,1\n"
    assert problems_of(data) == ["events.csv:2: row: not UTF-8 text (byte 0xff at column 22)"]


def test_nul_bytes_after_good_rows() -> None:
    data = (HEADER + "2026-10-01T00:00:00Z,1,1\n").encode() + bytes(5000)
    chunks, problems = read(data)
    assert problems == [
        "events.csv:3: row: binary data (NUL bytes), not text; the last line has no line end, so the file may be cut short"
    ]
    assert len(rows(chunks)) == 1


def test_one_field() -> None:
    assert problems_of(HEADER + "2026-10-01T00:00:00Z\n") == ["events.csv:2: row: 1 field, expected 3"]


def test_problems_are_listed_up_to_a_limit_and_counted() -> None:
    data = HEADER + "2026-10-01T00:00:00Z,1,1\n" + "2026-10-01T00:00:00Z,2,1\n" * 300
    chunks, problems = read(data, max_problems=100)
    assert len(problems) == 101
    assert problems[0] == "events.csv:3: good: 2 is more than total 1"
    assert problems[-1] == "events.csv: 200 more problems not listed (only the first 100 are)"
    assert sum(c.rejected for c in chunks) == 300
    assert len(rows(chunks)) == 1


def test_a_path_and_a_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "2026-10-01T00:00:00Z,1,1\n")
    chunks = list(read_events(path, now_epoch=NOW))
    assert rows(chunks) == [(T0, 1, 1, 2)]
    missing = list(read_events(tmp_path / "nope.csv", now_epoch=NOW))
    assert [str(p) for c in missing for p in c.problems] == [
        f"{tmp_path / 'nope.csv'}: cannot be read: No such file or directory"
    ]


class Trickle(io.RawIOBase):
    """A pipe that hands out a few bytes at a time, as stdin may."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data = data
        self.at = 0
        self.step = step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.step if size < 0 else min(size, self.step)
        piece = self.data[self.at : self.at + size]
        self.at += len(piece)
        return piece


def test_a_stream_that_trickles_in_reads_the_same() -> None:
    body = "".join(f"2026-10-01T{m // 60:02d}:{m % 60:02d}:00Z,{m % 7},{m % 7 + 1}\n" for m in range(120))
    data = (HEADER + body + "2026-10-01T09:00:00Z,1").encode()
    expected = read(data)
    chunks = list(read_events(Trickle(data, 7), "-", now_epoch=NOW))  # type: ignore[arg-type]
    assert rows(chunks) == rows(expected[0])
    assert [str(p) for c in chunks for p in c.problems] == [p.replace("events.csv", "-") for p in expected[1]]
    assert len(rows(chunks)) == 120


def test_a_byte_order_mark_split_over_reads() -> None:
    data = b"\xef\xbb\xbf" + (HEADER + "2026-10-01T00:00:00Z,1,1\n").encode()
    for step in (1, 2, 4):
        chunks = list(read_events(Trickle(data, step), "-", now_epoch=NOW))  # type: ignore[arg-type]
        assert [str(p) for c in chunks for p in c.problems] == []
        assert rows(chunks) == [(T0, 1, 1, 2)]


def test_chunks_cover_a_large_input_with_right_line_numbers() -> None:
    count = 120_000  # 3.7 MB: several blocks of 1 MiB, with lines cut at their edges
    minutes = np.datetime64("2026-10-01T00:00") + np.arange(count).astype("timedelta64[m]")
    stamps = np.datetime_as_string(minutes, unit="s")
    body = "".join(f"{s}Z,{i % 10},10\n" for i, s in enumerate(stamps.tolist()))
    chunks, problems = read(HEADER + body, chunk_rows=2_000)
    assert problems == []
    assert len(chunks) >= 3
    timestamps = np.concatenate([c.timestamps for c in chunks])
    lines = np.concatenate([c.lines for c in chunks])
    assert (timestamps == T0 + 60 * np.arange(count)).all()
    assert (lines == np.arange(2, count + 2)).all()


def test_a_file_that_quotes_every_field() -> None:
    data = '"timestamp","good","total"\n"2026-10-01T00:00:00Z","1","2"\n"2026-10-01T00:01:00Z","3","4"\n'
    chunks, problems = read(data)
    assert problems == []
    assert rows(chunks) == [(T0, 1, 2, 2), (T0 + 60, 3, 4, 3)]


def test_quotes_inside_a_field_go_to_the_csv_module() -> None:
    data = HEADER + '2026-10-01T00:00:00Z,"1""",2\n"2026-10-01T00:01:00Z",1,"1,0"\n'
    assert problems_of(data) == [
        "events.csv:2: good: '1\"' is not a number",
        "events.csv:3: total: '1,0' is not a number",
    ]
