"""A cursor over one YAML document for the foreign formats (OpenSLO, Sloth): typed field reads
that remember which keys were read, so that every key left unread is reported by name.

Foreign documents are checked by hand rather than with pydantic models: the same field must
be an error in one place (a required OpenSLO field) and a note in another (a vendor field
slmo keeps no place for), and every message must carry the field's own file:line:column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from slmo.core.model.objective import FIXED_UNIT_SECONDS, WindowUnit
from slmo.errors import Location, Problem
from slmo.spec.yaml_source import SourceDocument

# Problem keys, so that the CLI and the translations can tell errors from notes.
INVALID = "import.invalid"
UNREPRESENTED = "import.unrepresented"
ASSUMED = "import.assumed"
REPLACED = "import.replaced"

# slmo's own names (see spec/fields.py): what the catalogue and the store accept.
NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")
NAME_RULE = "lower-case letters, digits, '.', '_' and '-', at most 63 characters"
# Objective names may hold spaces and slashes (``slo-name/Objective display name``).
OBJECTIVE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,127}$")
OBJECTIVE_NAME_RULE = "letters, digits, spaces, '.', '_', '/' and '-', at most 128 characters"

# OpenSLO's duration shorthand (spec v1, "duration-shorthand"): no seconds, and calendar units.
_SHORTHAND = re.compile(r"^([1-9][0-9]*)([mhdwMQY])$")


@dataclass
class Report:
    """What reading found: errors (the import fails) and notes (fields left out, or defaults
    slmo assumed), each with where and which field."""

    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def error(self, location: Location, path: str, message: str) -> None:
        self.errors.append(Problem(location, path, message, key=INVALID))

    def note(self, location: Location, path: str, message: str, key: str = UNREPRESENTED) -> None:
        self.notes.append(Problem(location, path, message, key=key))


def format_path(steps: Sequence[str | int]) -> str:
    """``("spec", "objectives", 0)`` -> ``spec.objectives[0]``."""
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def plain(value: Any) -> Any:
    """ruamel's nodes and scalar subclasses as plain Python values, so that model objects compare
    and serialise like any others. Timestamps keep the text they were written as."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.date):
        return str(value)
    return value


class Node:
    """A mapping (or any value) at ``steps`` inside ``doc``. Reading a key marks it read;
    :meth:`finish` notes every key that was not."""

    def __init__(self, doc: SourceDocument, steps: tuple[str | int, ...], value: Any, report: Report) -> None:
        self.doc = doc
        self.steps = steps
        self.value = value
        self.report = report
        self._read: set[str] = set()

    @property
    def path(self) -> str:
        return format_path(self.steps)

    @property
    def location(self) -> Location:
        return self.doc.location(self.steps)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, CommentedMap)

    def has(self, key: str) -> bool:
        return self.is_map and key in self.value and self.value[key] is not None

    def fields(self) -> list[str]:
        return [str(k) for k in self.value] if self.is_map else []

    def at(self, key: str | int) -> Node:
        steps = (*self.steps, key)
        value = self.value[key] if self.is_map or isinstance(self.value, CommentedSeq) else None
        return Node(self.doc, steps, value, self.report)

    def error(self, message: str, key: str | None = None) -> None:
        """An error about this node, or about its field ``key`` (which may be missing)."""
        if key is None:
            self.report.error(self.location, self.path, message)
        else:
            steps = (*self.steps, key)
            self.report.error(self.doc.location(steps), format_path(steps), message)

    def note(self, message: str, key: str | None = None, kind: str = ASSUMED) -> None:
        steps = self.steps if key is None else (*self.steps, key)
        self.report.note(self.doc.location(steps), format_path(steps), message, kind)

    def mark(self, *keys: str) -> None:
        self._read.update(keys)

    def child(self, key: str, *, required: bool = False, what: str = "") -> Node | None:
        """The value under ``key`` when present and not null."""
        self._read.add(key)
        if not self.has(key):
            if required:
                self.error(f"required{', ' + what if what else ''}", key)
            return None
        return self.at(key)

    def map(self, key: str, *, required: bool = False, what: str = "") -> Node | None:
        node = self.child(key, required=required, what=what)
        if node is not None and not node.is_map:
            node.error(f"expected a mapping{' (' + what + ')' if what else ''}")
            return None
        return node

    def items(self, key: str, *, required: bool = False, what: str = "") -> list[Node] | None:
        node = self.child(key, required=required, what=what)
        if node is None:
            return None
        if not isinstance(node.value, CommentedSeq):
            node.error("expected a list")
            return None
        return [node.at(i) for i in range(len(node.value))]

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        node = self.child(key, required=required)
        if node is None:
            return None
        if not isinstance(node.value, str) or (required and not node.value.strip()):
            node.error("expected text" if not isinstance(node.value, str) else "required, must not be empty")
            return None
        if max_length is not None and len(node.value) > max_length:
            node.error(f"at most {max_length} characters, got {len(node.value)}")
            return None
        return str(node.value)

    def number(self, key: str, *, required: bool = False) -> float | None:
        node = self.child(key, required=required)
        if node is None:
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            node.error("expected a number")
            return None
        return float(node.value)

    def flag(self, key: str, *, required: bool = False) -> bool | None:
        node = self.child(key, required=required)
        if node is None:
            return None
        if not isinstance(node.value, bool):
            node.error("expected true or false")
            return None
        return bool(node.value)

    def name(self, key: str, *, required: bool = True, rule: re.Pattern[str] = NAME_RE) -> str | None:
        """A name slmo can keep as given."""
        value = self.text(key, required=required)
        if value is not None and not rule.match(value):
            what = NAME_RULE if rule is NAME_RE else OBJECTIVE_NAME_RULE
            self.error(f"'{value}' is not a name slmo can keep: {what}", key)
            return None
        return value

    def string_map(self, key: str) -> dict[str, str]:
        """A mapping of text to text (annotations)."""
        node = self.map(key)
        if node is None:
            return {}
        out: dict[str, str] = {}
        for k in node.fields():
            value = node.value[k]
            if not isinstance(value, str):
                node.error("expected text", k)
                continue
            out[k] = str(value)
        return out

    def finish(self) -> None:
        """Note every key of this mapping that was not read: slmo has no place for it."""
        for key in self.fields():
            if key not in self._read:
                self.note("field not represented by slmo, left out", key, UNREPRESENTED)


def iter_nodes(nodes: list[Node] | None) -> Iterator[Node]:
    yield from nodes or ()


def parse_shorthand(text: str) -> tuple[int, WindowUnit] | None:
    """``4w`` -> (4, WindowUnit.WEEK); ``None`` when ``text`` is not an OpenSLO duration."""
    match = _SHORTHAND.match(text)
    if match is None:
        return None
    return int(match.group(1)), WindowUnit(match.group(2))


def shorthand_seconds(node: Node, key: str, *, required: bool = False) -> int | None:
    """A duration of fixed length (m, h, d or w) in seconds."""
    value = node.text(key, required=required)
    if value is None:
        return None
    parsed = parse_shorthand(value)
    seconds = FIXED_UNIT_SECONDS.get(parsed[1]) if parsed else None
    if parsed is None or seconds is None:
        node.error(f"'{value}' is not a duration such as 5m, 1h, 1d or 2w", key)
        return None
    return parsed[0] * seconds


def seconds_shorthand(seconds: int) -> str:
    """The shortest exact OpenSLO form of a whole number of minutes: 5400 -> ``90m``."""
    for unit in (WindowUnit.WEEK, WindowUnit.DAY, WindowUnit.HOUR, WindowUnit.MINUTE):
        size = FIXED_UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{seconds // size}{unit.value}"
    raise ValueError(f"{seconds} s is not a whole number of minutes")
