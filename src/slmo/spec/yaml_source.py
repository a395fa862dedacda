"""Reading YAML (and JSON) documents from files with their positions, so that every problem can
name file:line:column.

ruamel.yaml's round-trip loader keeps the position of every mapping key and sequence item
(``.lc``); :func:`locate` walks a field path down to the nearest node that has one.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from slmo.errors import Location, Problem, SpecError

# A catalogue document is a few kilobytes; a file of many megabytes is a mistake (a log or a
# data export given to `apply`), and parsing it would take long and much memory.
MAX_FILE_BYTES = 8 * 1024 * 1024
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class SourceDocument:
    """One document of a file: its data (ruamel nodes) and where it starts."""

    data: Any
    source: str
    line: int
    index: int

    def location(self, path: Sequence[str | int] = ()) -> Location:
        line, column = locate(self.data, path)
        if line is None:
            return Location(self.source, self.line, 1)
        return Location(self.source, line, column)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files named, and the spec files below directories named, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def read_text(path: Path) -> str:
    """The file's text, refusing what cannot be a catalogue document."""
    source = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SpecError([Problem(Location(source), "", "file not found", key="spec.file_not_found")]) from None
    except OSError as exc:
        raise SpecError(
            [
                Problem(
                    Location(source),
                    "",
                    f"cannot read: {exc.strerror}",
                    key="spec.unreadable",
                    args={"reason": exc.strerror},
                )
            ]
        ) from None
    if size > MAX_FILE_BYTES:
        raise SpecError(
            [
                Problem(
                    Location(source),
                    "",
                    f"file is {size / 1e6:.1f} MB; documents are limited to {MAX_FILE_BYTES / 1e6:.0f} MB",
                    key="spec.too_large",
                    args={"size": f"{size / 1e6:.1f}", "limit": f"{MAX_FILE_BYTES / 1e6:.0f}"},
                )
            ]
        )
    raw = path.read_bytes()
    return decode(raw, source)


def decode(raw: bytes, source: str) -> str:
    if b"\x00" in raw[:8192]:
        raise SpecError([Problem(Location(source), "", "binary file, expected YAML or JSON text", key="spec.binary")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            [Problem(Location(source, line), "", "not UTF-8 text, expected YAML or JSON", key="spec.not_utf8")]
        ) from None


def parse_documents(text: str, source: str) -> list[SourceDocument]:
    """Every document in the text (``---`` separated, or a top-level list of documents)."""
    if not text.strip():
        raise SpecError([Problem(Location(source), "", "empty file, expected at least one document", key="spec.empty")])
    try:
        loaded = list(_yaml().load_all(io.StringIO(text)))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        reason = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.context_mark is not None and exc.problem:
            # Where the unfinished construct began is usually where the mistake is.
            reason += f" ({exc.context.strip()} started at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
        raise SpecError(
            [
                Problem(
                    Location(source, line, column),
                    "",
                    f"YAML syntax error: {reason}",
                    key="spec.yaml_syntax",
                    args={"reason": reason},
                )
            ]
        ) from None
    except YAMLError as exc:
        raise SpecError(
            [Problem(Location(source), "", f"YAML error: {exc}", key="spec.yaml_syntax", args={"reason": str(exc)})]
        ) from None
    documents: list[SourceDocument] = []
    for data in loaded:
        if data is None:
            continue
        if isinstance(data, CommentedSeq):
            for i, item in enumerate(data):
                documents.append(SourceDocument(item, source, _line_of_item(data, i), len(documents)))
        else:
            documents.append(SourceDocument(data, source, _start_line(data), len(documents)))
    if not documents:
        raise SpecError([Problem(Location(source), "", "empty file, expected at least one document", key="spec.empty")])
    return documents


def _start_line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 1


def _line_of_item(seq: CommentedSeq, index: int) -> int:
    try:
        return int(seq.lc.item(index)[0]) + 1
    except (KeyError, TypeError, AttributeError):
        return _start_line(seq)


def locate(data: Any, path: Sequence[str | int]) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the deepest node along ``path`` whose position is known.

    A key's position is where the key is written; an unknown key in a mapping is found
    like any other. Past a missing key, the enclosing mapping's position is returned.
    """
    line: int | None = None
    column: int | None = None
    node = data
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        line, column = lc.line + 1, lc.col + 1
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            try:
                key_line, key_col = node.lc.key(step)[:2]
                line, column = key_line + 1, key_col + 1
            except (KeyError, TypeError):
                pass
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            try:
                item_line, item_col = node.lc.item(step)
                line, column = item_line + 1, item_col + 1
            except (KeyError, TypeError):
                pass
            node = node[step]
        else:
            break
    return line, column


def to_plain_data(node: Any) -> Any:
    """ruamel nodes to plain dicts and lists (so pydantic sees ordinary types)."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain_data(v) for v in node]
    if isinstance(node, dt.datetime) and type(node) is not dt.datetime:
        # ruamel's TimeStamp subclass would otherwise travel into the model and the dumper.
        return dt.datetime(
            node.year, node.month, node.day, node.hour, node.minute, node.second, node.microsecond, tzinfo=node.tzinfo
        )
    return node


def iter_source_documents(paths: Sequence[str | Path]) -> Iterator[SourceDocument]:
    """Documents of every file, raising one SpecError with the problems of all files at the end."""
    problems: list[Problem] = []
    for path in expand_paths(paths):
        try:
            documents = parse_documents(read_text(path), str(path))
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        yield from documents
    if problems:
        raise SpecError(problems)
