"""The fast number formatting gives exactly what Babel's pattern gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from agendasite.numbers import format_number, format_number_babel


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=6),
       st.sampled_from(["da", "en"]), st.integers(min_value=0, max_value=4), st.booleans())
def test_fast_format_equals_babel(value: Decimal, locale: str, decimals: int, grouping: bool) -> None:
    assert format_number(value, locale, decimals, grouping) == format_number_babel(value, locale, decimals, grouping)


def test_examples() -> None:
    assert format_number(Decimal("1778"), "da") == "1.778"
    assert format_number(Decimal("-0.04"), "da", 1) == "-0,0"
    assert format_number(Decimal("10.45"), "da", 1) == "10,5"
    assert format_number(Decimal("1234.5"), "en", 2, grouping=False) == "1234.50"
