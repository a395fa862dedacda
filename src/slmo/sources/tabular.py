"""Tables in files or streams: CSV with a header line, or JSON lines, read in blocks of whole
lines so that memory stays flat however large the input.

The format is told by the first bytes that are not blank: ``{`` starts JSON lines, anything
else a CSV header. A CSV header names the columns in any order (case and surrounding spaces
do not matter); an unknown, missing or repeated column is a problem of the whole file.
Before any of that, input that is not text (a NUL byte, gzip, UTF-16, invalid UTF-8 in the
first line) is one problem, not one per line.
"""

from __future__ import annotations

import codecs
import csv
import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

from slmo.errors import Location, Problem
from slmo.sources.fields import Column

MAX_LINE_BYTES = 1 << 20
BLOCK_BYTES = 1 << 20  # measured: 0.5-4 MiB parse at the same speed; 1 MiB keeps the temporaries small
_SNIFF_BYTES = 1 << 16
_SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}


class Format(StrEnum):
    CSV = "csv"
    JSON_LINES = "jsonl"


@dataclass(frozen=True, eq=False)
class Block:
    """Whole lines of the input, each ending with ``\\n`` (one is added after a last line that
    had none, and ``unterminated`` says so: the input may have been cut short)."""

    data: bytes
    first_line: int
    unterminated: bool = False


class UnreadableInputError(Exception):
    """Reading had to stop (a line too long to be a row); carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Blocks:
    """Reads a binary stream in blocks of about ``block_bytes``, carrying a partial last line
    over to the next block."""

    def __init__(self, stream: IO[bytes], source: str, block_bytes: int = BLOCK_BYTES) -> None:
        self.stream = stream
        self.source = source
        self.block_bytes = block_bytes

    def __iter__(self) -> Iterator[Block]:
        carry = b""
        line = 1
        at_start = True
        while True:
            data = self.stream.read(self.block_bytes)
            if not data:
                if carry:
                    yield Block(carry + b"\n", line, unterminated=True)
                return
            if at_start and len(carry) + len(data) >= len(codecs.BOM_UTF8):
                # A byte-order mark (Excel writes one) is not part of the header; a pipe may
                # deliver it over several reads, so look at the start of what is carried.
                at_start = False
                carry, data = b"", (carry + data).removeprefix(codecs.BOM_UTF8)
            cut = data.rfind(b"\n")
            if cut < 0:
                carry += data
                if len(carry) > MAX_LINE_BYTES:
                    raise UnreadableInputError(_too_long(self.source, line))
                continue
            block = carry + data[: cut + 1]
            carry = data[cut + 1 :]
            if len(carry) > MAX_LINE_BYTES:
                raise UnreadableInputError(_too_long(self.source, line + block.count(b"\n")))
            yield Block(block, line)
            line += block.count(b"\n")


def _too_long(source: str, line: int) -> Problem:
    return Problem(
        Location(source, line),
        "",
        f"a line longer than {MAX_LINE_BYTES >> 20} MiB, so this is not CSV or JSON lines; reading stopped here",
    )


@dataclass(frozen=True, eq=False)
class Table:
    """An opened table: its format, for CSV the position of each known column in a row and
    the number of fields a row has, and the blocks of lines after the header."""

    source: str
    format: Format
    positions: dict[str, int]
    width: int
    blocks: Iterator[Block]


def source_name(source: IO[bytes] | str | Path, given: str | None) -> str:
    if given is not None:
        return given
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def open_table(reader: Blocks, columns: Sequence[Column]) -> Table | list[Problem]:
    """Read up to the first non-blank line and tell the format; the table, or the problems
    that make the whole input unreadable."""
    source = reader.source
    blocks = iter(reader)
    for block in blocks:
        text_at = len(block.data) - len(block.data.lstrip())
        if text_at == len(block.data):
            continue
        line = block.first_line + block.data.count(b"\n", 0, text_at)
        start = block.data.rfind(b"\n", 0, text_at) + 1
        head = block.data[start : start + _SNIFF_BYTES]
        if (problem := _not_text(head, Location(source, line))) is not None:
            return [problem]
        rest = Block(block.data[start:], line, block.unterminated)
        if head.lstrip()[:1] == b"[":
            return [Problem(Location(source, line), "", "a JSON array, not JSON lines: write one object per line")]
        if head.lstrip()[:1] == b"{":
            return Table(source, Format.JSON_LINES, {}, 0, _chain(rest, blocks))
        end = rest.data.index(b"\n")
        header = rest.data[:end].decode("utf-8").rstrip("\r")
        positions, width, problems = _read_header(header, columns, Location(source, line))
        if problems:
            return problems
        after = Block(rest.data[end + 1 :], line + 1, rest.unterminated)
        return Table(source, Format.CSV, positions, width, _chain(after, blocks))
    expected = ",".join(c.name for c in columns if c.required)
    return [Problem(Location(source), "", f"the file is empty; expected a header line '{expected}' or JSON lines")]


def _chain(first: Block, rest: Iterator[Block]) -> Iterator[Block]:
    if first.data:
        yield first
    yield from rest


def _not_text(head: bytes, where: Location) -> Problem | None:
    if head.startswith(b"\x1f\x8b"):
        reason = "gzip-compressed data; decompress it first (gunzip -c FILE) and read it from '-'"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reason = "UTF-16 text; save it as UTF-8"
    elif (nul := head.find(b"\x00")) >= 0:
        reason = f"binary data (a NUL byte at byte {nul + 1} of the line), not CSV or JSON lines text"
    else:
        first_line, newline, _ = head.partition(b"\n")
        if not newline:
            first_line = first_line[:-4]  # the sniff may have cut a character in two
        try:
            first_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 text (byte 0x{first_line[exc.start]:02x} at column {exc.start + 1})"
        else:
            return None
    return Problem(where, "", reason)


def _read_header(line: str, columns: Sequence[Column], where: Location) -> tuple[dict[str, int], int, list[Problem]]:
    known = {c.name: c for c in columns}
    expected = ", ".join(c.name for c in columns)
    problems: list[Problem] = []
    try:
        names = next(csv.reader([line], strict=True), [])
    except csv.Error as exc:
        # A stray carriage return or quote in the header line (seen from fuzzed uploads).
        problems.append(Problem(where, "header", f"not valid CSV ({exc}); expected the columns {expected}"))
        return {}, 0, problems

    def problem(message: str) -> None:
        problems.append(Problem(where, "header", message))

    if len(names) == 1:
        for separator, called in _SEPARATORS.items():
            if separator in names[0]:
                problem(f"the columns are separated by {called}; expected commas ({expected})")
                return {}, 0, problems
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for at, written in enumerate(names):
        name = written.strip().lower()
        if name in positions:
            problem(f"column '{name}' appears twice")
        elif name in known:
            positions[name] = at
        else:
            unknown.append(written)
    if unknown and all(name.strip()[:1].isdigit() for name in unknown):
        problem(f"the first line holds data, not column names; start the file with the header '{expected}'")
        return {}, 0, problems
    for written in unknown:
        problem(unknown_name("column", written, known))
    for column in columns:
        if column.required and column.name not in positions:
            problem(f"missing column '{column.name}' (the columns are {expected})")
    return positions, len(names), problems


def unknown_name(what: str, written: str, known: Sequence[str] | dict[str, Column]) -> str:
    """'unknown column 'goood'; did you mean 'good'?', or the names expected."""
    names = list(known)
    close = difflib.get_close_matches(written.strip().lower(), names, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"expected {', '.join(names)}"
    return f"unknown {what} '{written}'; {hint}"
