"""Pydantic's validation errors as slmo Problems: file:line:column, the field's path, what was
expected, and a "did you mean" for misspelt keys and values."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from slmo.errors import Problem
from slmo.spec.yaml_source import SourceDocument

_EXPECTED = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_parsing": "a date like 2026-02-22",
    "date_from_datetime_parsing": "a date like 2026-02-22",
    "date_type": "a date like 2026-02-22",
    "datetime_parsing": "a date and time like 2026-10-03T00:00:00+03:00",
    "datetime_from_date_parsing": "a date and time like 2026-10-03T00:00:00+03:00",
    "datetime_type": "a date and time like 2026-10-03T00:00:00+03:00",
}


def format_path(path: Sequence[str | int]) -> str:
    """``("spec", "objectives", 0, "target")`` -> ``spec.objectives[0].target``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def parse_path(text: str) -> tuple[str | int, ...]:
    """The inverse of :func:`format_path`."""
    steps: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        steps.append(int(index) if index else name)
    return tuple(steps)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean {close[0]!r}?" if close else ""


def _unwrap(tp: Any) -> list[Any]:
    """The classes a field annotation may hold, looking through Optional, Annotated, list and dict."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType, list, dict, tuple):
        args = typing.get_args(tp)
        if origin is dict:
            args = args[1:]
        return [c for a in args for c in _unwrap(a)]
    return [tp]


def fields_at(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """The field names (as written in documents) allowed in the mapping at ``path``."""
    current: list[Any] = [model]
    for step in path:
        if isinstance(step, int):
            continue
        following: list[Any] = []
        for cls in current:
            if isinstance(cls, type) and issubclass(cls, BaseModel):
                for name, info in cls.model_fields.items():
                    if step in (name, info.alias):
                        following.extend(_unwrap(info.annotation))
        current = following
    names: list[str] = []
    for cls in current:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            names.extend(info.alias or name for name, info in cls.model_fields.items())
    return names


def problem_from_error(error: ErrorDetails, document: SourceDocument, model: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    # Pydantic adds the name of a validator function or union member to the path; keep only
    # the steps that exist in the document.
    path = tuple(
        step for step in loc if isinstance(step, int) or not str(step).startswith(("function-", "literal[", "dict["))
    )
    kind = error["type"]
    value = error.get("input")
    ctx = dict(error.get("ctx") or {})
    location = document.location(path)
    if kind == "extra_forbidden":
        field_name = str(path[-1])
        allowed = fields_at(model, path[:-1])
        hint = did_you_mean(field_name, allowed)
        return Problem(
            location,
            format_path(path),
            f"unknown field {field_name!r}{hint}",
            key="spec.unknown_field",
            args={"field": field_name, "hint": hint},
        )
    if kind == "missing":
        return Problem(location, format_path(path), "required field is missing", key="spec.missing")
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        hint = did_you_mean(str(value), choices)
        return Problem(
            location,
            format_path(path),
            f"{value!r} is not one of {expected}{hint}",
            key="spec.not_one_of",
            args={"value": repr(value), "expected": expected, "hint": hint},
        )
    if kind in _EXPECTED:
        what = _EXPECTED[kind]
        return Problem(
            location,
            format_path(path),
            f"expected {what}, got {value!r}",
            key="spec.expected",
            args={"expected": what, "value": repr(value)},
        )
    if (kind == "string_pattern_mismatch" and path and path[-1] == "name") or kind == "string_pattern_mismatch":
        return Problem(
            location,
            format_path(path),
            f"{value!r} is not a valid name: use lower-case letters, digits, '.', '_' and '-'",
            key="spec.bad_name",
            args={"value": repr(value)},
        )
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return Problem(location, format_path(path), message, key=f"spec.{kind}", args={k: str(v) for k, v in ctx.items()})
