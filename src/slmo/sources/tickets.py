"""Service-desk tickets from CSV or JSON-lines exports: ``slmo ingest tickets``.

Rows are either one per ticket or one per update (a status change, with its instant and an
update sequence); rows of one ticket may come in any order and are grouped by id. Each bad
row is a problem ``file:line: field: what``:

- a time without an offset or zone when no ``--tz`` is given, or one that cannot be read;
- a priority outside the mapping's priority table (or outside ``known_priorities``);
- ``resolved`` (or ``closed``, ``acknowledged``) before ``opened``;
- an update whose instant is before that of the update before it in sequence order (a
  status history that goes backwards);
- the same id and sequence twice with different data, or one ticket's rows disagreeing
  on when it was opened (duplicate ids with conflicting data). Repeating a row exactly is
  harmless: importing is idempotent by ticket id and update sequence.

Gzip-compressed input is recognised by its first bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from slmo.core.model.ticket import StatusChange, Ticket
from slmo.errors import Location, Problem
from slmo.sources.fields import FieldError, show
from slmo.sources.ticket_presets import PRESETS, TIME_FIELDS, TicketMapping, load_mapping
from slmo.sources.timestamps import DAY, TimeRules, _localize, parse_datetime


@dataclass
class TicketRead:
    """Tickets of one input, with the first line of each, and the problems of bad rows."""

    tickets: list[Ticket] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    rejected: int = 0

    def __len__(self) -> int:
        return len(self.tickets)


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


_LONG_AGO = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@dataclass
class _Held:
    line: int
    first: dict[str, Any]
    last: dict[str, Any]
    changes: dict[int, tuple[int, StatusChange, dict[str, Any]]] = field(default_factory=dict)
    top: int = -1
    top_at: dt.datetime = _LONG_AGO


def _opened_stream(source: IO[bytes]) -> io.BufferedIOBase:
    head = source.read(2)
    whole = io.BufferedReader(_Prefixed(head, source), 1 << 20)
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=whole)
    return whole


class _Prefixed(io.RawIOBase):
    """The bytes already read, then the rest of the stream (stdin cannot seek back)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _records(source: IO[bytes]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    text = io.TextIOWrapper(_opened_stream(source), encoding="utf-8-sig", newline="")  # type: ignore[type-var]
    head = text.readline()
    if head.lstrip().startswith("{"):
        for number, line in enumerate([head], start=1):
            yield number, json.loads(line)
        for number, line in enumerate(text, start=2):
            if line.strip():
                yield number, json.loads(line)
        return
    reader = csv.DictReader([head])
    names = reader.fieldnames or []
    for number, row in enumerate(csv.reader(text), start=2):
        if row:
            yield number, dict(zip(names, row, strict=False))


class _Parser:
    def __init__(self, mapping: TicketMapping, rules: TimeRules, known_priorities: Iterable[str] | None) -> None:
        self.mapping = mapping
        self.rules = rules
        self.known = set(known_priorities) if known_priorities is not None else None
        # Exports repeat the same few instants on every update row (opened, resolved):
        # each distinct text is read once.
        self._times: dict[object, dt.datetime | FieldError] = {}

    def raw(self, record: Mapping[str, Any], name: str) -> Any:
        column = self.mapping.column(name)
        if column is None:
            return None
        value = record.get(column)
        if value is None or (isinstance(value, str) and value.strip() in self.mapping.missing):
            return None
        return value

    def time(self, value: Any) -> dt.datetime:
        key = value if isinstance(value, str) else repr(value)
        found = self._times.get(key)
        if found is None:
            try:
                found = self._time(value)
            except FieldError as exc:
                found = exc
            if len(self._times) > 1_000_000:
                self._times.clear()
            self._times[key] = found
        if isinstance(found, FieldError):
            raise found
        return found

    def _time(self, value: Any) -> dt.datetime:
        fmt = self.mapping.time_format
        if fmt is None:
            return parse_datetime(value, self.rules)
        try:
            parsed = dt.datetime.strptime(str(value).strip(), fmt)
        except ValueError:
            raise FieldError(f"{show(value)} is not a time written as {fmt}") from None
        if parsed.tzinfo is None:
            if self.rules.zone is None:
                raise FieldError(f"{show(value)} has no UTC offset or zone; give --tz ZONE")
            parsed = _localize(parsed, self.rules.zone, str(value))
        return parsed.astimezone(dt.UTC)

    def row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The row's fields, or FieldError (with ``field`` set) for the first bad one."""
        out: dict[str, Any] = {}
        for name in ("id", "service", "priority", "category", "status", "sequence", *TIME_FIELDS):
            value = self.raw(record, name)
            try:
                if value is None:
                    if name == "id" or (name == "opened" and self.mapping.column("opened") is not None):
                        raise FieldError("no value")
                    out[name] = None
                elif name in TIME_FIELDS:
                    out[name] = self.time(value)
                elif name == "sequence":
                    out[name] = int(str(value).strip())
                else:
                    out[name] = str(value).strip()
            except (FieldError, ValueError) as exc:
                message = str(exc) if isinstance(exc, FieldError) else f"{show(value)} is not a whole number"
                raise _BadFieldError(name, message) from None
        out["service"] = out["service"] or self.mapping.service
        priority = out["priority"]
        if priority is not None and self.mapping.priorities:
            if priority not in self.mapping.priorities:
                raise _BadFieldError(
                    "priority", f"unknown priority {show(priority)}; known: {', '.join(self.mapping.priorities)}"
                )
            out["priority"] = self.mapping.priorities[priority]
        if out["priority"] is not None and self.known is not None and out["priority"] not in self.known:
            raise _BadFieldError(
                "priority",
                f"unknown priority {show(out['priority'])}; targets exist for {', '.join(sorted(self.known))}",
            )
        for name in ("acknowledged", "resolved", "closed"):
            if out[name] is not None and out["opened"] is not None and out[name] < out["opened"]:
                raise _BadFieldError(name, f"{out[name].isoformat()} is before opened {out['opened'].isoformat()}")
        return out


class _BadFieldError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


_TICKET_FIELDS = ("service", "category")


def read_tickets(
    source: IO[bytes],
    source_name: str,
    mapping: TicketMapping,
    *,
    now_epoch: int,
    tz: str | dt.tzinfo | None = None,
    known_priorities: Iterable[str] | None = None,
    service: str | None = None,
    max_problems: int = 100,
) -> TicketRead:
    """Every ticket of one input (grouped by id), its problems, and counts."""
    rules = TimeRules.of(tz, now_epoch, DAY)
    parser = _Parser(mapping, rules, known_priorities)
    held: dict[str, _Held] = {}
    result = TicketRead()
    has_status = mapping.column("status") is not None

    def problem(line: int, name: str, message: str) -> None:
        result.rejected += 1
        if len(result.problems) < max_problems:
            column = mapping.column(name) or name
            result.problems.append(
                Problem(Location(source_name, line), column, message, key="ingest.ticket_row", args={"field": column})
            )

    try:
        for line, record in _records(source):
            result.rows += 1
            if not isinstance(record, Mapping):  # a JSON line that is not an object
                problem(line, "", "a JSON line must be an object")  # type: ignore[unreachable]
                continue
            try:
                row = parser.row(record)
            except _BadFieldError as bad:
                problem(line, bad.field, bad.message)
                continue
            ticket = held.get(row["id"])
            if ticket is None:
                ticket = held[row["id"]] = _Held(line, row, row)
            elif row["opened"] != ticket.first["opened"]:
                problem(
                    line,
                    "opened",
                    f"ticket {row['id']} was opened at {ticket.first['opened'].isoformat()} on line {ticket.line}",
                )
                continue
            elif not has_status and row != ticket.last:
                problem(line, "id", f"ticket {row['id']} is given again with other data (line {ticket.line})")
                continue
            if has_status and row["status"] is not None:
                sequence = row["sequence"] if row["sequence"] is not None else len(ticket.changes)
                change = StatusChange(
                    sequence=sequence,
                    at=row["at"] or row["opened"] or row["resolved"],
                    status=row["status"],
                    priority=row["priority"],
                )
                before = ticket.changes.get(sequence)
                if before is not None and before[1] != change:
                    problem(
                        line,
                        "sequence",
                        f"update {sequence} of ticket {row['id']} is given again with other data (line {before[0]})",
                    )
                    continue
                if sequence > ticket.top:
                    backwards = change.at < ticket.top_at
                else:
                    backwards = any(c.at > change.at for s, (_, c, _) in ticket.changes.items() if s < sequence)
                if backwards:
                    problem(
                        line,
                        "at",
                        f"{change.at.isoformat()} is before an earlier update of ticket {row['id']}: the history goes backwards",
                    )
                    continue
                ticket.changes[sequence] = (line, change, row)
                if sequence > ticket.top:
                    ticket.top, ticket.top_at = sequence, change.at
            ticket.last = (
                row if row["sequence"] is None or row["sequence"] >= (ticket.last["sequence"] or -1) else ticket.last
            )
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        problem(result.rows + 1, "", f"cannot be read: {exc}")
    for key, ticket in held.items():
        last = ticket.last
        history = tuple(change for _, change, _ in sorted(ticket.changes.values(), key=lambda c: c[1].sequence))
        priority = last["priority"] or next((c.priority for c in reversed(history) if c.priority), None)
        result.tickets.append(
            Ticket(
                id=key,
                service=service or last["service"],
                priority=priority or "",
                category=last["category"],
                # Without an opened column (an event log), a ticket opens with its first event.
                opened=last["opened"] or min(c.at for c in history),
                acknowledged=last["acknowledged"],
                resolved=last["resolved"],
                closed=last["closed"],
                history=history,
                source=source_name,
            )
        )
        result.lines.append(ticket.line)
    return result


class TicketExportReader:
    """The ``TicketReader`` port: a preset by name, or a mapping file's text."""

    def presets(self) -> list[str]:
        return sorted(PRESETS)

    def read(
        self,
        source: IO[bytes],
        name: str,
        *,
        preset: str | None,
        mapping: str | None,
        now_epoch: int,
        tz: str | None,
        service: str | None,
        known_priorities: Sequence[str] | None,
    ) -> TicketRead:
        try:
            if mapping is not None:
                chosen = load_mapping(mapping, "--mapping")
            elif preset is not None:
                if preset not in PRESETS:
                    raise ValueError(f"unknown preset {preset!r}; presets are {', '.join(sorted(PRESETS))}")
                chosen = PRESETS[preset]
            else:
                chosen = PRESETS["slmo"]
            TimeRules.of(tz, now_epoch, DAY)  # an unknown --tz is one problem, not a row each
        except ValueError as exc:
            found = TicketRead(rejected=1)
            found.problems.append(Problem(Location(name), "--preset" if mapping is None else "--mapping", str(exc)))
            return found
        return read_tickets(
            source, name, chosen, now_epoch=now_epoch, tz=tz, known_priorities=known_priorities, service=service
        )
