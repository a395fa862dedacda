"""Fields of measurement files: the kinds of column, each read one value at a time (which also
words every problem) or a whole column at once from the bytes of a block (vectorised).

The vectorised readers take only the plain forms (``42``, ``0.25``, ``true``) and leave
anything else, valid or not, to the per-value readers, so the two always agree and every
message is written in one place.

Rules for values:

- Counts are whole numbers from 0 to 2**53 - 1. A count written as a decimal is taken when it
  is whole (``5.0``, ``1e3``: some exporters write every number as a float); ``5.5`` is refused
  rather than rounded.
- NaN and infinity are refused everywhere: an explicit ``NaN`` is a broken exporter, and an
  empty cell (where a column allows one) says "not measured" without ambiguity.
- Flags are ``true``, ``false``, ``1`` or ``0`` (any case; JSON booleans too).
- Surrounding spaces are ignored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from slmo.sources import digits

MAX_COUNT = 2**53 - 1  # exact in a float64 too, and a bucket can sum a million of them in int64
_SHOWN = 40  # characters of a bad value quoted in a message
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
_MAX_DIGITS = 18  # 10**18 - 1 fits int64, so a column of up to 18 digits is summed exactly

# Bytes a plain decimal number may hold; anything else goes to the per-value path.
_NUMBER_BYTES = np.zeros(256, dtype=np.bool_)
_NUMBER_BYTES[np.frombuffer(b"0123456789.eE+-", dtype=np.uint8)] = True


class FieldError(ValueError):
    """A value that cannot be taken, with the reason as it reads after ``field: ``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Kind(StrEnum):
    TIME = "time"
    COUNT = "count"
    NUMBER = "number"
    FLAG = "flag"
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    """One column of a file format. ``required``: must be in the header (or JSON object);
    ``blank``: the value may be empty (or JSON null), read as NaN or None; ``minimum``: the
    smallest number allowed."""

    name: str
    kind: Kind
    required: bool = True
    blank: bool = False
    minimum: float | None = None


def show(value: object) -> str:
    """A value as a message quotes it: text in quotes (cut short when long), numbers bare."""
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"
        return f"'{text}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(f"{show(value)} is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise FieldError("no value")
        count = int(text) if _INTEGER.fullmatch(text) else _whole(_number(text), text)
    elif isinstance(value, float):
        count = _whole(_finite(value, value), value)
    else:
        count = value
    if count < 0:
        raise FieldError(f"{count} is negative; counts are 0 or more")
    if count > MAX_COUNT:
        raise FieldError(f"{count} is too large (at most {MAX_COUNT})")
    return count


def parse_number(value: object, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(f"{show(value)} is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise FieldError("no value")
        number = _number(text)
    else:
        number = _finite(float(value), value)
    if minimum is not None and number < minimum:
        raise FieldError(f"{_bare(number)} is negative" if minimum == 0 else f"{_bare(number)} is less than {minimum}")
    return number


def parse_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text == "":
        raise FieldError("no value")
    raise FieldError(f"{show(value)} is not true, false, 1 or 0")


def parse_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(f"{show(value)} is not text")
    text = str(value).strip()
    if not text:
        raise FieldError("no value")
    return text


def _number(text: str) -> float:
    if _NOT_FINITE.fullmatch(text):
        raise FieldError(f"{show(text)} is not a finite number")
    if not _DECIMAL.fullmatch(text):
        raise FieldError(f"{show(text)} is not a number")
    return _finite(float(text), text)


def _finite(number: float, written: object) -> float:
    if not math.isfinite(number):
        raise FieldError(f"{show(written)} is not a finite number")
    return number


def _whole(number: float, written: object) -> int:
    if not number.is_integer():
        raise FieldError(f"{show(written)} is not a whole number")
    return int(number)


def _bare(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


# Vectorised readers: buf[starts[i]:ends[i]] is the text of row i. Each returns the values
# and a mask of the rows it read; the others go to the per-value readers above.


def count_column(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Plain unsigned integers of up to 18 digits (``buf`` padded, see ``digits``)."""
    widths = ends - starts
    values, read = digits.right_aligned(digits.words(buf)[starts], widths)
    longer = np.flatnonzero((widths > 8) & (widths <= _MAX_DIGITS))
    if longer.size:
        values[longer], read[longer] = _digit_by_digit(buf, starts[longer], ends[longer])
    read &= values <= MAX_COUNT
    return values, read


def _digit_by_digit(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    widths = ends - starts
    values = np.zeros(starts.shape[0], dtype=np.int64)
    read = np.ones(starts.shape[0], dtype=np.bool_)
    scale = np.int64(1)
    for back in range(1, int(widths.max()) + 1):
        inside = widths >= back
        digit = buf[ends - back] - np.uint8(ord("0"))  # wraps: a non-digit becomes > 9
        read &= ~inside | (digit <= 9)
        values += np.where(inside, digit, 0) * scale
        scale *= 10
    return values, read


def number_column(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64], blank: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Plain decimal numbers (digits, sign, point, exponent); NaN for empty cells if ``blank``."""
    count = starts.shape[0]
    widths = ends - starts
    values = np.full(count, np.nan)
    empty = widths == 0
    read = (widths >= 1) & (widths <= 32)
    if read.any():
        longest = int(widths[read].max())
        at = np.arange(longest)
        inside = at < widths[:, None]
        chars = np.where(inside, buf[np.minimum(starts[:, None] + at, buf.shape[0] - 1)], np.uint8(0))
        read &= (_NUMBER_BYTES[chars] | ~inside).all(axis=1)
        rows = np.flatnonzero(read)
        try:
            # numpy parses fixed-width byte strings in C; trailing NULs are padding.
            parsed = np.ascontiguousarray(chars[rows]).view(f"S{longest}").ravel().astype(np.float64)
        except ValueError:  # a malformed number such as '1-2': let the per-value path say which
            read[:] = False
        else:
            values[rows] = parsed
            read[rows] &= np.isfinite(parsed)
    if blank:
        read |= empty
    return values, read


def flag_column(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """``1``, ``0``, ``true``, ``false`` (any case)."""
    widths = ends - starts
    values = np.zeros(starts.shape[0], dtype=np.bool_)
    read = np.zeros(starts.shape[0], dtype=np.bool_)
    first = buf[np.minimum(starts, buf.shape[0] - 1)]
    one = widths == 1
    values[one] = first[one] == ord("1")
    read[one] = (first[one] == ord("1")) | (first[one] == ord("0"))
    for word, meaning in ((b"true", True), (b"false", False)):
        rows = np.flatnonzero(widths == len(word))
        if rows.size:
            chars = buf[starts[rows][:, None] + np.arange(len(word))] | np.uint8(0x20)  # lower case
            match = (chars == np.frombuffer(word, dtype=np.uint8)).all(axis=1)
            values[rows[match]] = meaning
            read[rows[match]] = True
    return values, read
