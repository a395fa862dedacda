"""Records: one row as its raw values (the fields of a CSV line, or a JSON object) and the
values read from them.

Two ways to read values. ``Records.read`` takes one record through the per-value readers and
words every problem: the path of any row the vectorised readers leave out. ``json_columns``
reads a whole block of JSON records column by column with numpy, for the plain values
(timestamps as text, counts as integers, numbers, booleans), so JSON lines do not pay the
per-value price for every row.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.sources.digits import PADDING
from slmo.sources.fields import (
    MAX_COUNT,
    Column,
    FieldError,
    Kind,
    is_blank,
    parse_count,
    parse_flag,
    parse_number,
    parse_text,
)
from slmo.sources.layout import Layout, Values
from slmo.sources.tabular import Format, Table, unknown_name
from slmo.sources.timestamps import TimeRules, parse_timestamp, parse_timestamps

Broken = list[tuple[str, str]]  # (field, message) of each problem of a row


class Records:
    def __init__(self, table: Table, layout: Layout, rules: TimeRules) -> None:
        self.table = table
        self.layout = layout
        self.rules = rules
        self.known = {c.name: c for c in layout.columns}
        self.every_key = set(self.known)
        self._decoder = json.JSONDecoder()

    def record(self, text: str, cut_short: str) -> dict[str, object] | str:
        """The raw values of one line by column name, or what is wrong with the line."""
        if self.table.format is Format.JSON_LINES:
            try:
                record, end = self._decoder.raw_decode(text, len(text) - len(text.lstrip()))
                if end < len(text) and text[end:].strip():
                    raise json.JSONDecodeError("Extra data", text, end)
            except json.JSONDecodeError as exc:
                reason = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
                return f"not valid JSON ({reason} at column {exc.colno}){cut_short}"
            if type(record) is dict and record.keys() == self.every_key:  # the usual case, quickly
                return record
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
            found = f"{len(fields)} field" + ("" if len(fields) == 1 else "s")
            return f"{found}, expected {self.table.width}{cut_short}"
        return {name: fields[at] for name, at in self.table.positions.items()}

    def read(self, record: Mapping[str, object], cut_short: str) -> dict[str, Any] | Broken:
        """The values of a record by column, or the problems that keep it out."""
        row: dict[str, Any] = {}
        broken = [(name, message + cut_short) for name, message in self._fields(record, row)]
        if not broken and self.layout.check_row is not None and (rule := self.layout.check_row(row)) is not None:
            broken.append((rule[0], rule[1] + cut_short))
        return broken or row

    def _fields(self, record: Mapping[str, object], row: dict[str, Any]) -> Iterator[tuple[str, str]]:
        for column in self.layout.columns:
            raw = record.get(column.name)
            if column.name not in record or is_blank(raw):
                row[column.name] = math.nan if column.kind is Kind.NUMBER else None
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


def json_columns(
    layout: Layout, records: Sequence[Mapping[str, object]], rules: TimeRules
) -> tuple[Values, NDArray[np.bool_]]:
    """The plain values of JSON records, column by column; and which records were read
    whole (the others go through ``Records.read``)."""
    count = len(records)
    read = np.ones(count, dtype=np.bool_)
    values: Values = {}
    for column in layout.columns:
        raws = [record.get(column.name) for record in records]
        values[column.name], column_read = _json_column(column, raws, rules, count)
        read &= column_read
    if layout.check_rows is not None and count:
        read &= layout.check_rows(values)
    return values, read


def _json_column(
    column: Column, raws: list[object], rules: TimeRules, count: int
) -> tuple[NDArray[Any], NDArray[np.bool_]]:
    unread = np.zeros(count, dtype=np.bool_)
    if column.kind is Kind.TIME and not column.blank:
        texts = [raw if type(raw) is str else "" for raw in raws]
        joined = "\n".join(texts)
        data = joined.encode()
        if len(data) != len(joined):  # not ASCII: offsets in bytes differ, take the per-value path
            return np.zeros(count, dtype=np.int64), unread
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
        starts = np.cumsum(lengths + 1) - lengths - 1
        buf = np.frombuffer(data + b"\n" + bytes(PADDING), dtype=np.uint8)
        return parse_timestamps(buf, starts, starts + lengths, rules)
    if column.kind is Kind.COUNT:
        try:
            counts = np.array([raw if type(raw) is int else -1 for raw in raws], dtype=np.int64)
        except OverflowError:
            return np.zeros(count, dtype=np.int64), unread
        return counts, (counts >= 0) & (counts <= MAX_COUNT)
    if column.kind is Kind.NUMBER:
        try:
            numbers = np.array([raw if type(raw) in (int, float) else math.nan for raw in raws], dtype=np.float64)
        except OverflowError:
            return np.full(count, math.nan), unread
        taken = np.isfinite(numbers)
        if column.minimum is not None:
            taken &= ~(numbers < column.minimum)
        if column.blank:
            taken |= np.array([raw is None for raw in raws], dtype=np.bool_)
        return numbers, taken
    if column.kind is Kind.FLAG:
        flags = np.array([raw is True for raw in raws], dtype=np.bool_)
        return flags, np.array([type(raw) is bool for raw in raws], dtype=np.bool_)
    return np.empty(count, dtype=np.object_), unread
