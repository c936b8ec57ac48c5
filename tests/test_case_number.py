"""Case numbers: a slip of one character or a swap of two neighbours is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.case_number import check_case_number, display_case_number, make_case_number
from app.rules.problems import RuleError

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(st.integers(1, 9_999_999))
def test_number_round_trips_through_display_and_lower_case(serial: int) -> None:
    n = make_case_number("6203212026", serial)
    assert check_case_number(display_case_number(n).lower()) == n
    assert check_case_number(" ".join(n)) == n


@given(st.integers(1, 9_999_999), st.data())
def test_single_character_slip_is_refused(serial: int, data: st.DataObject) -> None:
    n = make_case_number("6203212026", serial)
    pos = data.draw(st.integers(0, len(n) - 1))
    other = data.draw(st.sampled_from([c for c in ALPHABET if c != n[pos]]))
    with pytest.raises(RuleError) as err:
        check_case_number(n[:pos] + other + n[pos + 1:])
    assert err.value.code in {"CASE_NUMBER_CHECK", "CASE_NUMBER_FORMAT"}


@given(st.integers(1, 9_999_999), st.data())
def test_adjacent_swap_is_refused(serial: int, data: st.DataObject) -> None:
    n = make_case_number("6203212026", serial)
    pos = data.draw(st.integers(0, len(n) - 2))
    if n[pos] == n[pos + 1]:
        return
    swapped = n[:pos] + n[pos + 1] + n[pos] + n[pos + 2:]
    with pytest.raises(RuleError) as err:
        check_case_number(swapped)
    assert err.value.code == "CASE_NUMBER_CHECK"  # the pick-up desk says: check the number digit by digit


def test_full_width_digits_from_an_ime_are_accepted() -> None:
    n = make_case_number("6203212026", 42)
    full = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in n)
    assert check_case_number(full) == n
