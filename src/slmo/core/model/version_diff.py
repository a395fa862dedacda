"""A field-level diff of two agreement versions, as people read a counter-proposal: which
objective's target moved, which credit tier changed, when it takes effect.

It compares the versions as plain documents (``spec.versions[i]`` of the slmo/v1 format, so
that paths are the ones a person writes and ``slmo agreement counter --set`` takes):

- mappings key by key: ``effective.from``;
- lists of mappings that all have a ``name`` by that name: ``objectives.availability.target``;
- other lists item by item: ``credits.tiers[1].credit``;
- an object added or removed is one change, with the whole object on its side.

``version`` and ``state`` are left out: they always differ, and say nothing of the terms.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

IGNORED = frozenset({"version", "state"})


@dataclass(frozen=True)
class FieldChange:
    """``path`` changed from ``before`` to ``after``; ``None`` on one side: added or removed."""

    path: str
    before: Any
    after: Any

    @property
    def change(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def _named(items: Sequence[Any]) -> bool:
    return bool(items) and all(isinstance(i, Mapping) and isinstance(i.get("name"), str) for i in items)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(before: Any, after: Any, path: str, found: list[FieldChange]) -> None:
    if before == after:
        return
    if before is None or after is None:
        found.append(FieldChange(path, before, after))
        return
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in [*before, *(k for k in after if k not in before)]:
            if not path and key in IGNORED:
                continue
            _walk(before.get(key), after.get(key), _join(path, str(key)), found)
        return
    if isinstance(before, list | tuple) and isinstance(after, list | tuple):
        if _named(before) and _named(after):
            old = {item["name"]: item for item in before}
            new = {item["name"]: item for item in after}
            for name in [*old, *(n for n in new if n not in old)]:
                _walk(old.get(name), new.get(name), _join(path, name), found)
            return
        for i in range(max(len(before), len(after))):
            _walk(before[i] if i < len(before) else None, after[i] if i < len(after) else None, f"{path}[{i}]", found)
        return
    found.append(FieldChange(path, before, after))


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """What changed from ``before`` to ``after`` (two versions as plain documents), in the
    order of ``before``'s fields, then the fields only ``after`` has."""
    found: list[FieldChange] = []
    _walk(before, after, "", found)
    return found


# -- edits: the same paths, to change a version's document ------------------------------------

_ALTERNATIVES = {"target": "targetPercent", "targetPercent": "target"}


class EditPathError(ValueError):
    """A path that names nothing in the version: ``code`` (``bad_index``, ``no_item``,
    ``no_name``, ``name_a_field``, ``no_fields``, ``empty``) and ``where`` (the path up to the
    part that failed) say what, for the translation layer."""

    def __init__(self, message: str, code: str, where: str, part: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.where = where
        self.part = part


def _steps(path: str) -> list[str | int]:
    """The parts of a path: keys (or an item's name) and ``[i]`` indexes."""
    found: list[str | int] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            found.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            if not index.isdigit():
                raise EditPathError(f"{index!r} is not an index", "bad_index", path, index)
            found.append(int(index))
            rest = rest.removeprefix("[")
    if not found:
        raise EditPathError("the path is empty", "empty", path)
    return found


def with_edit(document: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``document`` (a version as a plain document) with the field at ``path`` set to ``value``.

    Paths are those of ``field_changes``: ``objectives.availability.target``,
    ``credits.tiers[0].credit``, ``effective.from``. A missing last key is added (a field the
    document leaves at its default); a missing objective or tier is an ``EditPathError`` that
    says which part. Setting ``target`` drops ``targetPercent`` beside it, and the other
    way round, since a document gives one of the two.
    """
    top: dict[str, Any] = copy.deepcopy(dict(document))
    steps = _steps(path)
    here: Any = top
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = ".".join(str(s) for s in steps[: depth + 1])
        if isinstance(step, int):
            if not isinstance(here, list) or not 0 <= step < len(here):
                raise EditPathError(f"there is no item {step} here", "no_item", where, str(step))
            if last:
                here[step] = value
            else:
                here = here[step]
            continue
        if isinstance(here, list):
            named = [item for item in here if isinstance(item, Mapping) and item.get("name") == step]
            if not named:
                raise EditPathError(f"there is no {step!r} here", "no_name", where, step)
            if last:
                raise EditPathError(f"name a field of {step!r}", "name_a_field", where, step)
            here = named[0]
            continue
        if not isinstance(here, dict):
            raise EditPathError(f"{steps[depth - 1]!r} has no fields", "no_fields", where, str(steps[depth - 1]))
        if last:
            here[step] = value
            alternative = _ALTERNATIVES.get(step)
            if alternative is not None:
                here.pop(alternative, None)
        else:
            if here.get(step) is None:
                here[step] = {}
            here = here[step]
    return top
