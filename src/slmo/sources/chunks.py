"""Reading a table into chunks of column arrays, with a problem for every bad row.

A block of CSV lines is split and parsed with numpy: newlines and commas are found once, rows
with the expected number of fields give the field boundaries, and each column is read by its
vectorised reader (see ``fields`` and ``timestamps``). Rows that any of these leaves out
(quotes, other forms, bad values) go one by one through the per-value readers, which either
take them or word the problem. JSON lines take the per-value path throughout.

Rows come out in file order, each with its line number. Bad rows are counted in ``rejected``;
at most ``max_problems`` problems are listed over the whole input, so that a wrong file gives
a readable report rather than a million lines, and a last chunk says how many were left out.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from slmo.errors import IngestError, Location, Problem
from slmo.sources.digits import PADDING
from slmo.sources.fields import (
    Column,
    FieldError,
    Kind,
    count_column,
    flag_column,
    is_blank,
    number_column,
    parse_count,
    parse_flag,
    parse_number,
    parse_text,
)
from slmo.sources.tabular import (
    Block,
    Blocks,
    Format,
    Table,
    UnreadableInputError,
    open_table,
    source_name,
    unknown_name,
)
from slmo.sources.timestamps import TimeRules, parse_timestamp, parse_timestamps

_NL, _CR, _COMMA, _QUOTE = (ord(c) for c in '\n\r,"')
_CUT_SHORT = "; the last line has no line end, so the file may be cut short"

Values = dict[str, NDArray[Any]]
RowsCheck = Callable[[Mapping[str, NDArray[Any]]], NDArray[np.bool_]]
RowCheck = Callable[[Mapping[str, Any]], tuple[str, str] | None]


@dataclass(frozen=True)
class Layout:
    """A file format: its columns, and the rules across columns, once over arrays (True
    where a row is fine) and once per row (the field and message of a broken rule)."""

    columns: tuple[Column, ...]
    check_rows: RowsCheck | None = None
    check_row: RowCheck | None = None

    def dtype(self, column: Column) -> type[np.generic]:
        if column.kind is Kind.TEXT or (column.kind is Kind.TIME and column.blank):
            return np.object_
        return {Kind.TIME: np.int64, Kind.COUNT: np.int64, Kind.NUMBER: np.float64, Kind.FLAG: np.bool_}[column.kind]

    @property
    def vectorised(self) -> bool:
        return all(self.dtype(c) is not np.object_ for c in self.columns)


@dataclass(frozen=True, eq=False)
class ColumnChunk:
    """Good rows as one array per column, with their line numbers; the problems of the bad
    rows (``rejected`` counts them, listed or not)."""

    values: Values
    lines: NDArray[np.int64]
    problems: list[Problem]
    rejected: int

    @classmethod
    def empty(cls, layout: Layout, problems: list[Problem]) -> ColumnChunk:
        values = {c.name: np.empty(0, dtype=layout.dtype(c)) for c in layout.columns}
        return cls(values, np.empty(0, dtype=np.int64), problems, 0)


def read_chunks(
    source: BinaryIO | str | Path,
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
                stream: BinaryIO = stack.enter_context(Path(source).open("rb"))
            except OSError as exc:
                yield ColumnChunk.empty(layout, [Problem(Location(where), "", f"cannot be read: {exc.strerror}")])
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
            yield ColumnChunk.empty(layout, table)
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
        pending.append(ColumnChunk.empty(layout, [exc.problem]))
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
        self.known = {c.name: c for c in layout.columns}

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
        if fast_path:
            fast, values, slow = self._vectorised(
                buf, starts, ends, separators=separators, newlines=newlines, filled=filled, quoted=b'"' in block.data
            )
        else:
            fast, values, slow = np.empty(0, dtype=np.intp), {}, np.flatnonzero(filled)
        rows, problems, rejected = self._one_by_one(block, starts, ends, slow, last=ends.shape[0] - 1)
        chunk = self._merge(block.first_line, fast, values, rows)
        return ColumnChunk(chunk.values, chunk.lines, problems, rejected)

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
        """Lines with the expected number of fields and no quotes, parsed column by column;
        the lines read, their values, and the other lines that are not blank."""
        commas = self.table.width - 1
        regular = (np.diff(newlines, prepend=-1) - 1 == commas) & filled
        if quoted:
            quotes = np.flatnonzero(buf == _QUOTE)
            regular &= np.searchsorted(quotes, ends) == np.searchsorted(quotes, starts)
        rows = np.flatnonzero(regular)
        last = newlines[rows]  # field j of a row ends at separator last - commas + j
        read = np.ones(rows.shape[0], dtype=np.bool_)
        values: Values = {}
        for column in self.layout.columns:
            at = self.table.positions.get(column.name)
            if at is None:
                values[column.name] = np.full(rows.shape[0], np.nan)
                continue
            field_starts = starts[rows] if at == 0 else separators[last - commas + at - 1] + 1
            field_ends = ends[rows] if at == commas else separators[last - commas + at]
            values[column.name], column_read = self._column(buf, column, field_starts, field_ends)
            read &= column_read
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

    def _one_by_one(
        self, block: Block, starts: NDArray[np.int64], ends: NDArray[np.int64], slow: NDArray[np.intp], last: int
    ) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem], int]:
        rows: list[tuple[int, dict[str, Any]]] = []
        problems: list[Problem] = []
        rejected = 0
        for index in slow.tolist():
            where = Location(self.table.source, block.first_line + index)
            cut_short = _CUT_SHORT if block.unterminated and index == last else ""
            raw = block.data[starts[index] : ends[index]]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
                problems.append(Problem(where, "row", f"not UTF-8 text ({byte})"))
                rejected += 1
                continue
            if not text.strip():
                continue
            record = self._record(text, cut_short)
            if isinstance(record, str):
                problems.append(Problem(where, "row", record))
                rejected += 1
                continue
            row: dict[str, Any] = {}
            broken = [(name, message + cut_short) for name, message in self._fields(record, row)]
            if not broken and self.layout.check_row is not None and (rule := self.layout.check_row(row)) is not None:
                broken.append((rule[0], rule[1] + cut_short))
            if broken:
                problems.extend(Problem(where, name, message) for name, message in broken)
                rejected += 1
            else:
                rows.append((index, row))
        return rows, problems, rejected

    def _record(self, text: str, cut_short: str) -> dict[str, object] | str:
        """The raw values of one line by column name, or what is wrong with the line."""
        if self.table.format is Format.JSON_LINES:
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                reason = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
                return f"not valid JSON ({reason} at column {exc.colno}){cut_short}"
            if not isinstance(record, dict):
                return f"expected a JSON object, got {type(record).__name__}{cut_short}"
            unknown = [key for key in record if key not in self.known]
            if unknown:
                return "; ".join(unknown_name("key", key, self.known) for key in unknown) + cut_short
            missing = [c.name for c in self.layout.columns if c.required and c.name not in record]
            if missing:
                return ", ".join(f"missing key '{name}'" for name in missing) + cut_short
            return record
        try:
            fields = next(csv.reader([text], strict=True)) if '"' in text else text.split(",")
        except csv.Error as exc:
            return f"not valid CSV ({exc}){cut_short}"
        if len(fields) != self.table.width:
            return f"{len(fields)} fields, expected {self.table.width}{cut_short}"
        return {name: fields[at] for name, at in self.table.positions.items()}

    def _fields(self, record: Mapping[str, object], row: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """Fill ``row`` with the value of every column; the field and message of each problem."""
        for column in self.layout.columns:
            raw = record.get(column.name)
            if column.name not in record or is_blank(raw):
                row[column.name] = np.nan if column.kind is Kind.NUMBER else None
                if column.name in record and not column.blank:
                    yield column.name, "no value"
                continue
            try:
                row[column.name] = self._value(column, raw)
            except FieldError as exc:
                yield column.name, exc.message

    def _value(self, column: Column, raw: object) -> object:
        match column.kind:
            case Kind.TIME:
                return parse_timestamp(raw, self.rules)
            case Kind.COUNT:
                return parse_count(raw)
            case Kind.NUMBER:
                return parse_number(raw, column.minimum)
            case Kind.FLAG:
                return parse_flag(raw)
            case Kind.TEXT:
                return parse_text(raw)

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
