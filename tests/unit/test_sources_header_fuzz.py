"""Header lines that are not valid CSV (a stray carriage return or an open quote, as fuzzed API
uploads send) are one clear problem, never a crash."""

from __future__ import annotations

import io

import pytest

from slmo.sources.events import read_events
from slmo.sources.incidents import read_incidents


@pytest.mark.parametrize("body", [b"\r0", b'id,"ser\nvice', b'timestamp,"good'])
def test_a_broken_header_is_a_problem(body: bytes) -> None:
    for reader in (read_events, read_incidents):
        chunks = list(reader(io.BytesIO(body), "upload.csv", now_epoch=2_000_000_000))
        problems = [str(p) for c in chunks for p in c.problems]
        assert problems and all(p.startswith("upload.csv:1: header: ") for p in problems), problems
        assert sum(c.rejected for c in chunks) == 1
