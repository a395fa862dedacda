"""A file format as the readers see it: its columns, the rules across columns, and the
chunks of column arrays they produce."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.errors import Problem
from slmo.sources.fields import Column, Kind

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
    def empty(cls, layout: Layout, problems: list[Problem], rejected: int = 0) -> ColumnChunk:
        values = {c.name: np.empty(0, dtype=layout.dtype(c)) for c in layout.columns}
        return cls(values, np.empty(0, dtype=np.int64), problems, rejected)

    @classmethod
    def unreadable(cls, layout: Layout, problems: list[Problem]) -> ColumnChunk:
        """The input as a whole cannot be read (header, not text, empty, a line too long):
        counted as one rejected row, so that "any row rejected" means "something is wrong"."""
        return cls.empty(layout, problems, rejected=1)
