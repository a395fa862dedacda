"""Values: the vectorised column readers agree with the per-value readers on every text they
take, for counts, numbers and flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmo.sources.digits import PADDING
from slmo.sources.fields import (
    MAX_COUNT,
    FieldError,
    count_column,
    flag_column,
    number_column,
    parse_count,
    parse_flag,
    parse_number,
    show,
)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Column = Callable[[Any, Any, Any], tuple[Any, Any]]


def column(reader: Column, texts: list[str]) -> tuple[list[Any], list[bool]]:
    encoded = [t.encode() for t in texts]
    buf = np.frombuffer(b",".join(encoded) + b"\n" + bytes(PADDING), dtype=np.uint8)
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    starts = (np.cumsum(lengths + 1) - lengths - 1).astype(np.int64)
    values, read = reader(buf, starts, starts + lengths)
    return values.tolist(), read.tolist()


def per_value(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except FieldError:
        return None


def agree(reader: Column, parse: Callable[[str], Any], texts: list[str]) -> list[bool]:
    values, read = column(reader, texts)
    for text, value, taken in zip(texts, values, read, strict=True):
        if taken:
            assert per_value(parse, text) == value, text
    return read


numeric_text = st.text(alphabet="0123456789.eE+- x", max_size=22)


@SETTINGS
@given(st.lists(st.one_of(numeric_text, st.integers(0, 10**19).map(str)), min_size=1, max_size=20))
def test_counts_agree(texts: list[str]) -> None:
    read = agree(count_column, parse_count, texts)
    for text, taken in zip(texts, read, strict=True):
        if text.isdigit() and len(text) <= 18 and int(text) <= MAX_COUNT:
            assert taken, text


@SETTINGS
@given(
    st.lists(
        st.one_of(numeric_text, st.floats(allow_nan=False, allow_infinity=False).map(repr)), min_size=1, max_size=20
    )
)
def test_numbers_agree(texts: list[str]) -> None:
    agree(number_column, parse_number, texts)


@pytest.mark.parametrize("text", ["1", "0", "true", "FALSE", "True", "yes", "2", "", "tru", " 1"])
def test_flags_agree(text: str) -> None:
    read = agree(flag_column, parse_flag, [text])
    assert read == [text in ("1", "0", "true", "FALSE", "True")]


def test_counts_past_eight_digits() -> None:
    texts = ["12345678", "123456789", "999999999999999999", "9007199254740991", "9007199254740992", "0000000000000042"]
    values, read = column(count_column, texts)
    assert read == [True, True, False, True, False, True]
    assert [v for v, r in zip(values, read, strict=True) if r] == [12345678, 123456789, MAX_COUNT, 42]


def test_a_blank_number_is_nan_only_where_allowed() -> None:
    values, read = column(lambda b, s, e: number_column(b, s, e, blank=True), ["", "1.5"])
    assert read == [True, True] and np.isnan(values[0]) and values[1] == 1.5
    assert column(number_column, [""])[1] == [False]


def test_how_values_are_shown() -> None:
    assert [show(v) for v in ("abc", None, True, 5, 2.5, "x" * 50)] == [
        "'abc'",
        "null",
        "true",
        "5",
        "2.5",
        "'" + "x" * 39 + "…'",
    ]
