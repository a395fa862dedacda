"""ASCII digits read eight bytes at a time, for the vectorised readers.

The text of a block is seen as little-endian uint64 words starting at every byte (a strided
view, no copy), so one gather brings in eight characters of every row, and a handful of
integer operations over the whole column checks and converts all of them at once ("SIMD
within a register"; D. Lemire, "Quickly parsing eight digits", 2018). Gathers are the costly
step in numpy, so this beats reading byte by byte several times over.

The view needs ``PADDING`` bytes after the last row: callers append them to the block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

PADDING = 8
_U = np.uint64
_ASCII_ZERO = 0x30


def words(buf: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """The eight bytes from every offset of ``buf`` as one little-endian uint64 (byte ``i`` of
    the text in bits ``8i..8i+7``)."""
    return np.ndarray((max(buf.shape[0] - 7, 0),), dtype="<u8", buffer=buf, strides=(1,))


def byte(values: NDArray[np.uint64], at: int) -> NDArray[np.int64]:
    """Byte ``at`` (0..7) of each word."""
    result: NDArray[np.int64] = ((values >> _U(8 * at)) & _U(0xFF)).astype(np.int64)
    return result


@dataclass(frozen=True)
class Pattern:
    """Eight characters of a fixed form, such as ``DDDD-DD-``: ``D`` a digit, ``?`` anything,
    every other character itself."""

    digits: np.uint64
    high_nibbles: np.uint64
    zeros: np.uint64
    sixes: np.uint64
    literal_mask: np.uint64
    literal: np.uint64

    @classmethod
    def of(cls, template: str) -> Pattern:
        digits = literal_mask = literal = 0
        for at, char in enumerate(template):
            if char == "D":
                digits |= 0xFF << (8 * at)
            elif char != "?":
                literal_mask |= 0xFF << (8 * at)
                literal |= ord(char) << (8 * at)
        return cls(
            _U(digits),
            _U(digits & 0xF0F0F0F0F0F0F0F0),
            _U(digits & 0x3030303030303030),
            _U(digits & 0x0606060606060606),
            _U(literal_mask),
            _U(literal),
        )

    def match(self, values: NDArray[np.uint64]) -> tuple[NDArray[np.bool_], NDArray[np.uint64]]:
        """Whether each word has the form, and its digit pairs: byte ``i`` of the second
        result is ``10 * d[i] + d[i + 1]`` (a two-digit number starting at ``i``)."""
        masked = values & self.digits
        ok: NDArray[np.bool_] = (values & self.literal_mask) == self.literal
        # A digit is 0x30..0x39: high nibble 3, and still 3 after adding 6 (0x3A..0x3F carry).
        ok &= (masked & self.high_nibbles) == self.zeros
        ok &= ((masked + self.sixes) & self.high_nibbles) == self.zeros
        masked -= self.zeros
        pairs = masked * _U(10)
        pairs += masked >> _U(8)
        return ok, pairs


_ALL_DIGITS = Pattern.of("DDDDDDDD")


def right_aligned(values: NDArray[np.uint64], widths: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Unsigned integers of 1 to 8 digits, each the first ``widths[i]`` bytes of its word."""
    ok = (widths >= 1) & (widths <= 8)
    # Shift the number to the top of the word (dropping what follows it) and fill the bottom
    # with '0' characters: leading zeros do not change the value.
    shift = ((8 - np.clip(widths, 1, 8)) * 8).astype(np.uint64)
    values = values << shift
    values |= ((_U(1) << shift) - _U(1)) & _U(0x3030303030303030)
    matched, pairs = _ALL_DIGITS.match(values)
    ok &= matched
    quads = ((pairs & _U(0x00FF00FF00FF00FF)) * _U(100)) + ((pairs >> _U(16)) & _U(0x00FF00FF00FF00FF))
    number = ((quads & _U(0x0000FFFF0000FFFF)) * _U(10_000)) + ((quads >> _U(32)) & _U(0xFFFF))
    return (number & _U(0xFFFFFFFF)).astype(np.int64), ok
