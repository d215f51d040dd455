"""Parsing iteration ranges and index lists: bounds checked before expansion, errors that read both ways."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbnn.errors import QbnnError
from qbnn.core.parsing import MAX_K, parse_index_list, parse_int_range, parse_single_int


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), min_size=1, max_size=5))
def test_ranges_are_the_union_of_their_parts(spans):
    text = ",".join(f"{lo}-{lo + width}" if width else str(lo) for lo, width in spans)
    expected = sorted({v for lo, width in spans for v in range(lo, lo + width + 1)})
    assert parse_int_range(text) == expected


@pytest.mark.parametrize("bad", ["a", "3-1", "", "1,,2", "2-x"])
def test_malformed_ranges_name_the_parameter(bad):
    with pytest.raises(QbnnError) as info:
        parse_int_range(bad)
    assert str(info.value).startswith(f"k={bad!r} is not a range")
    assert info.value.render({}).startswith(f"--k {bad} is not a range")


def test_huge_range_is_refused_before_it_is_expanded():
    """--k 0-100000000 used to build a 10^8-element set (8.7 GiB) before the limit check."""
    tracemalloc.start()
    with pytest.raises(QbnnError, match=f"must lie in 0..{MAX_K}"):
        parse_int_range("0-100000000")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000
    with pytest.raises(QbnnError, match="must lie in 0"):
        parse_int_range("-2")


def test_a_range_where_one_value_is_expected_is_named_a_range():
    """train --k 0-3 used to say '--k -3 must be >= 0'."""
    with pytest.raises(QbnnError) as info:
        parse_single_int("0-3")
    assert info.value.render({}) == "--k 0-3 is a range, but one value is expected here, e.g. 3"
    assert parse_single_int("7") == 7
    with pytest.raises(QbnnError, match="must lie in 0.."):
        parse_single_int("-3")


def test_index_lists():
    assert parse_index_list("5, 17") == (5, 17) and parse_index_list(None) == ()
    with pytest.raises(QbnnError) as info:
        parse_index_list("5;17")
    assert info.value.render({}).startswith("--exclude 5;17 is not a comma-separated list")
