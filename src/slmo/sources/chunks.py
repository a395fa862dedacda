"""Reading a table into chunks of column arrays, with a problem for every bad row.

A block of CSV lines is split and parsed with numpy: newlines and commas are found once, rows
with the expected number of fields give the field boundaries, and each column is read by its
vectorised reader (see ``fields`` and ``timestamps``). Rows that any of these leaves out
(quotes, other forms, bad values) go one by one through the per-value readers, which either
take them or word the problem (see ``records``). JSON lines are decoded line by line, then
read column by column the same way.

Rows come out in file order, each with its line number. Bad rows are counted in ``rejected``;
at most ``max_problems`` problems are listed over the whole input, so that a wrong file gives
a readable report rather than a million lines, and a last chunk says how many were left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from slmo.errors import IngestError, Location, Problem
from slmo.sources.digits import PADDING
from slmo.sources.fields import Column, Kind, count_column, flag_column, number_column
from slmo.sources.layout import ColumnChunk, Layout, Values
from slmo.sources.records import Records, json_columns
from slmo.sources.tabular import Block, Blocks, Format, Table, UnreadableInputError, open_table, source_name
from slmo.sources.timestamps import TimeRules, parse_timestamps

_NL, _CR, _COMMA, _QUOTE = (ord(c) for c in '\n\r,"')


def read_chunks(
    source: IO[bytes] | str | Path,
    name: str | None,
    layout: Layout,
    rules: TimeRules,
    *,
    chunk_rows: int,
    max_problems: int,
) -> Iterator[ColumnChunk]:
    where = source_name(source, name)
    with contextlib.ExitStack() as stack:
        if isinstance(source, str | Path):
            try:
                stream: IO[bytes] = stack.enter_context(Path(source).open("rb"))
            except OSError as exc:
                yield ColumnChunk.unreadable(layout, [Problem(Location(where), "", f"cannot be read: {exc.strerror}")])
                return
        else:
            stream = source
        yield from _chunks(Blocks(stream, where), layout, rules, chunk_rows, max_problems)


def _chunks(
    reader: Blocks, layout: Layout, rules: TimeRules, chunk_rows: int, max_problems: int
) -> Iterator[ColumnChunk]:
    """Blocks of a couple of MiB are parsed one by one (their temporaries stay small and in
    cache) and joined into chunks of at least ``chunk_rows`` rows."""
    listed = hidden = 0
    pending: list[ColumnChunk] = []
    rows = 0
    try:
        table = open_table(reader, layout.columns)
        if isinstance(table, list):
            yield ColumnChunk.unreadable(layout, table)
            return
        parser = _BlockParser(table, layout, rules)
        for block in table.blocks:
            chunk = parser.parse(block)
            keep = max(0, min(len(chunk.problems), max_problems - listed))
            listed += keep
            hidden += len(chunk.problems) - keep
            pending.append(ColumnChunk(chunk.values, chunk.lines, chunk.problems[:keep], chunk.rejected))
            rows += chunk.lines.shape[0]
            if rows >= chunk_rows:
                yield _joined(pending)
                pending, rows = [], 0
    except UnreadableInputError as exc:
        pending.append(ColumnChunk.unreadable(layout, [exc.problem]))
    if hidden:
        note = f"{hidden} more problems not listed (only the first {max_problems} are)"
        pending.append(ColumnChunk.empty(layout, [Problem(Location(reader.source), "", note)]))
    if pending:
        yield _joined(pending)


def _joined(chunks: list[ColumnChunk]) -> ColumnChunk:
    if len(chunks) == 1:
        return chunks[0]
    return ColumnChunk(
        {name: np.concatenate([c.values[name] for c in chunks]) for name in chunks[0].values},
        np.concatenate([c.lines for c in chunks]),
        [p for c in chunks for p in c.problems],
        sum(c.rejected for c in chunks),
    )


def time_rules(tz: str | dt.tzinfo | None, now_epoch: int, max_future_seconds: int) -> TimeRules:
    """The rules for timestamps; IngestError for a zone name that is not an IANA zone."""
    try:
        return TimeRules.of(tz, now_epoch, max_future_seconds)
    except ValueError as exc:
        raise IngestError([Problem(None, "tz", str(exc))]) from None


class _BlockParser:
    def __init__(self, table: Table, layout: Layout, rules: TimeRules) -> None:
        self.table = table
        self.layout = layout
        self.rules = rules
        self.records = Records(table, layout, rules)

    def parse(self, block: Block) -> ColumnChunk:
        buf = np.frombuffer(block.data + bytes(PADDING), dtype=np.uint8)
        fast_path = self.table.format is Format.CSV and self.layout.vectorised
        # One pass finds every separator; a line's commas are the separators before its newline.
        separators = np.flatnonzero((buf == _NL) | (buf == _COMMA)) if fast_path else np.flatnonzero(buf == _NL)
        newlines = np.flatnonzero(buf[separators] == _NL) if fast_path else np.arange(separators.shape[0])
        ends = separators[newlines]
        starts = np.empty_like(ends)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        ends -= (ends > starts) & (buf[ends - 1] == _CR)
        filled = ends > starts
        lines = _Lines(self.table.source, block, starts, ends)
        if fast_path:
            fast, values, slow = self._vectorised(
                buf, starts, ends, separators=separators, newlines=newlines, filled=filled, quoted=b'"' in block.data
            )
            rows = self._one_by_one(lines, slow.tolist())
        elif self.table.format is Format.JSON_LINES and self.layout.vectorised:
            fast, values, rows = self._json(lines, np.flatnonzero(filled).tolist())
        else:
            fast, values = np.empty(0, dtype=np.intp), {}
            rows = self._one_by_one(lines, np.flatnonzero(filled).tolist())
        chunk = self._merge(block.first_line, fast, values, rows)
        return ColumnChunk(chunk.values, chunk.lines, lines.problems, lines.rejected)

    def _vectorised(
        self,
        buf: NDArray[np.uint8],
        starts: NDArray[np.intp],
        ends: NDArray[np.intp],
        *,
        separators: NDArray[np.intp],
        newlines: NDArray[np.intp],
        filled: NDArray[np.bool_],
        quoted: bool,
    ) -> tuple[NDArray[np.intp], Values, NDArray[np.intp]]:
        """Lines with the expected number of fields, parsed column by column; the lines read,
        their values, and the other lines that are not blank. A field in quotes is read
        without them (some exporters quote everything); a line with any other quote is left
        to the csv module."""
        commas = self.table.width - 1
        regular = (np.diff(newlines, prepend=-1) - 1 == commas) & filled
        rows = np.flatnonzero(regular)
        last = newlines[rows]  # field j of a row ends at separator last - commas + j
        read = np.ones(rows.shape[0], dtype=np.bool_)
        if quoted:
            quotes = np.flatnonzero(buf == _QUOTE)
            unmatched = np.searchsorted(quotes, ends[rows]) - np.searchsorted(quotes, starts[rows])
        values: Values = {}
        for column in self.layout.columns:
            at = self.table.positions.get(column.name)
            if at is None:
                values[column.name] = np.full(rows.shape[0], np.nan)
                continue
            field_starts = starts[rows] if at == 0 else separators[last - commas + at - 1] + 1
            field_ends = ends[rows] if at == commas else separators[last - commas + at]
            if quoted:
                inside = (field_ends - field_starts >= 2) & (buf[field_starts] == _QUOTE)
                inside &= buf[np.maximum(field_ends - 1, 0)] == _QUOTE
                field_starts, field_ends = field_starts + inside, field_ends - inside
                unmatched -= 2 * inside
            values[column.name], column_read = self._column(buf, column, field_starts, field_ends)
            read &= column_read
        if quoted:
            read &= unmatched == 0
        if self.layout.check_rows is not None:
            read &= self.layout.check_rows(values)
        if read.all():
            return rows, values, np.flatnonzero(filled & ~regular)
        values = {name: array[read] for name, array in values.items()}
        slow = np.sort(np.concatenate([np.flatnonzero(filled & ~regular), rows[~read]]))
        return rows[read], values, slow

    def _column(
        self, buf: NDArray[np.uint8], column: Column, starts: NDArray[np.int64], ends: NDArray[np.int64]
    ) -> tuple[NDArray[Any], NDArray[np.bool_]]:
        if column.kind is Kind.TIME:
            return parse_timestamps(buf, starts, ends, self.rules)
        if column.kind is Kind.COUNT:
            return count_column(buf, starts, ends)
        if column.kind is Kind.FLAG:
            return flag_column(buf, starts, ends)
        numbers, read = number_column(buf, starts, ends, blank=column.blank)
        if column.minimum is not None:
            read &= ~(numbers < column.minimum)
        return numbers, read

    def _one_by_one(self, lines: _Lines, indices: list[int]) -> list[tuple[int, dict[str, Any]]]:
        """Lines read value by value; their problems go to ``lines``."""
        rows: list[tuple[int, dict[str, Any]]] = []
        for index in indices:
            record = lines.record(index, self.records)
            if record is not None and (row := lines.row(index, self.records, record)) is not None:
                rows.append((index, row))
        return rows

    def _json(
        self, lines: _Lines, indices: list[int]
    ) -> tuple[NDArray[np.intp], Values, list[tuple[int, dict[str, Any]]]]:
        """JSON objects decoded line by line, then read column by column; the records the
        columns leave out are read value by value."""
        records: list[dict[str, object]] = []
        decoded: list[int] = []
        try:  # one decode for the block rather than one per line
            texts: list[str] | None = lines.block.data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            texts = None  # find the bad lines one by one
        for index in indices:
            record = lines.record(index, self.records, None if texts is None else texts[index])
            if record is not None:
                records.append(record)
                decoded.append(index)
        values, read = json_columns(self.layout, records, self.rules)
        at = np.array(decoded, dtype=np.intp)
        rows = []
        for position in np.flatnonzero(~read).tolist():
            if (row := lines.row(decoded[position], self.records, records[position])) is not None:
                rows.append((decoded[position], row))
        return at[read], {name: array[read] for name, array in values.items()}, rows

    def _merge(
        self, first_line: int, fast: NDArray[np.intp], values: Values, rows: list[tuple[int, dict[str, Any]]]
    ) -> ColumnChunk:
        """The rows read both ways as one chunk in file order."""
        indices = np.asarray(fast, dtype=np.int64)
        merged: Values = {}
        for column in self.layout.columns:
            dtype = self.layout.dtype(column)
            one_by_one = np.array([row[column.name] for _, row in rows], dtype=dtype)
            merged[column.name] = np.concatenate([values.get(column.name, np.empty(0, dtype=dtype)), one_by_one])
        if rows:
            indices = np.concatenate([indices, np.array([index for index, _ in rows], dtype=np.int64)])
            order = np.argsort(indices, kind="stable")
            indices = indices[order]
            merged = {name: array[order] for name, array in merged.items()}
        return ColumnChunk(merged, indices + first_line, [], 0)


_CUT_SHORT = "; the last line has no line end, so the file may be cut short"


class _Lines:
    """The lines of one block for the per-record path, and the problems found on them."""

    def __init__(self, source: str, block: Block, starts: NDArray[np.intp], ends: NDArray[np.intp]) -> None:
        self.source = source
        self.block = block
        self.starts = starts
        self.ends = ends
        self.problems: list[Problem] = []
        self.rejected = 0

    def record(self, index: int, records: Records, text: str | None = None) -> dict[str, object] | None:
        """The raw values of a line (``text`` when already decoded); None for a blank line or
        one with a problem (noted)."""
        if text is None:
            raw = self.block.data[int(self.starts[index]) : int(self.ends[index])]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
                self._problem(index, [("row", f"not UTF-8 text ({byte})")])
                return None
        if not text.strip():
            return None
        if "\x00" in text:  # a file padded with NULs after a crash, or binary data appended
            self._problem(index, [("row", f"binary data (NUL bytes), not text{self._cut_short(index)}")])
            return None
        record = records.record(text, self._cut_short(index))
        if isinstance(record, str):
            self._problem(index, [("row", record)])
            return None
        return record

    def row(self, index: int, records: Records, record: dict[str, object]) -> dict[str, Any] | None:
        """The values of a line's record; None when it has problems (noted)."""
        row = records.read(record, self._cut_short(index))
        if isinstance(row, list):
            self._problem(index, row)
            return None
        return row

    def _cut_short(self, index: int) -> str:
        return _CUT_SHORT if self.block.unterminated and index == self.starts.shape[0] - 1 else ""

    def _problem(self, index: int, broken: list[tuple[str, str]]) -> None:
        where = Location(self.source, self.block.first_line + index)
        self.problems.extend(Problem(where, name, message) for name, message in broken)
        self.rejected += 1
