"""Reading incidents (``id,service,start,end,impact`` and an optional ``title``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from slmo.core.model.measurement import Impact, Incident
from slmo.sources.incidents import read_incidents

NOW = int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())
HEADER = "id,service,start,end,impact,title\n"


def read(data: str, name: str = "incidents.csv") -> tuple[list[Incident], list[int], list[str]]:
    chunks = list(read_incidents(io.BytesIO(data.encode()), name, now_epoch=NOW))
    return (
        [i for c in chunks for i in c.incidents],
        [line for c in chunks for line in c.lines],
        [str(p) for c in chunks for p in c.problems],
    )


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, 1, hour, minute, tzinfo=dt.UTC)


def test_closed_and_open_incidents_with_quoted_titles() -> None:
    incidents, lines, problems = read(
        HEADER
        + 'INC-1,checkout,2026-10-01T09:12:00Z,2026-10-01T09:47:00Z,outage,"Card payments failing, EU"\n'
        + "INC-2,search,2026-10-01T14:00:00+03:00,,Degraded,\n"
    )
    assert problems == []
    assert lines == [2, 3]
    assert incidents == [
        Incident(
            id="INC-1",
            service="checkout",
            start=at(9, 12),
            end=at(9, 47),
            impact=Impact.OUTAGE,
            title="Card payments failing, EU",
            source="incidents.csv",
        ),
        Incident(id="INC-2", service="search", start=at(11), end=None, impact=Impact.DEGRADED, source="incidents.csv"),
    ]


def test_a_cause_column_is_read_and_may_be_blank() -> None:
    incidents, _, problems = read(
        "id,service,start,end,impact,title,cause\n"
        "INC-1,checkout,2026-10-01T09:00:00Z,2026-10-01T09:30:00Z,outage,Switch lost power,power\n"
        "INC-2,checkout,2026-10-01T10:00:00Z,,degraded,,\n"
    )
    assert problems == []
    assert [(i.id, i.title, i.cause) for i in incidents] == [
        ("INC-1", "Switch lost power", "power"),
        ("INC-2", None, None),
    ]


def test_a_cause_in_json_lines() -> None:
    incidents, _, problems = read(
        '{"id": "INC-1", "service": "checkout", "start": "2026-10-01T09:00:00Z", "end": null, '
        '"impact": "outage", "cause": "change"}\n',
        "incidents.jsonl",
    )
    assert problems == [] and incidents[0].cause == "change" and incidents[0].end is None


def test_title_is_optional() -> None:
    incidents, _, problems = read("id,service,start,end,impact\nINC-1,checkout,2026-10-01T09:00:00Z,,outage\n")
    assert problems == [] and incidents[0].title is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "INC-1,checkout,2026-10-01T09:00:00Z,2026-10-01T08:00:00Z,outage,",
            "end: '2026-10-01T08:00:00Z' is before start '2026-10-01T09:00:00Z'",
        ),
        ("INC-1,checkout,2026-10-01T09:00:00Z,,minor,", "impact: 'minor' is not outage or degraded"),
        (",checkout,2026-10-01T09:00:00Z,,outage,", "id: no value"),
        ("INC-1,,2026-10-01T09:00:00Z,,outage,", "service: no value"),
        ("INC-1,checkout,,,outage,", "start: no value"),
        (
            "INC-1,checkout,2026-10-01T09:00:00,,outage,",
            "start: '2026-10-01T09:00:00' has no UTC offset; give one, or --tz ZONE",
        ),
        (
            "INC-1,checkout,2026-10-01T09:00:00Z,2027-06-01T00:00:00Z,outage,",
            "end: '2027-06-01T00:00:00Z' is in the future (more than 1 day after now)",
        ),
        (
            'INC-1,checkout,2026-10-01T09:00:00Z,,outage,"a title that never ends',
            "row: not valid CSV (unexpected end of data)",
        ),
    ],
)
def test_bad_incidents(row: str, message: str) -> None:
    incidents, _, problems = read(HEADER + row + "\n")
    assert problems == [f"incidents.csv:2: {message}"]
    assert incidents == []


def test_incidents_as_json_lines() -> None:
    incidents, _, problems = read(
        '{"id": "INC-9", "service": "api", "start": "2026-10-01T09:00:00Z", "end": null, "impact": "outage"}\n'
        '{"id": "INC-10", "service": "api", "start": "2026-10-01T09:00:00Z", "impact": "outage"}\n',
        "incidents.jsonl",
    )
    assert problems == []
    assert [i.id for i in incidents] == ["INC-9", "INC-10"]
    assert incidents[1].end is None
    assert incidents[0].end is None and incidents[0].source == "incidents.jsonl"
