"""The fast number formatting and parsing give exactly what Babel gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agendasite.source.numbers import NumberFormatError, format_number, parse_number

from .reference_impl import format_number_babel, parse_number_babel


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=6),
       st.sampled_from(["da", "en"]), st.integers(min_value=0, max_value=4), st.booleans())
def test_fast_format_equals_babel(value: Decimal, locale: str, decimals: int, grouping: bool) -> None:
    assert format_number(value, locale, decimals, grouping) == format_number_babel(value, locale, decimals, grouping)


def test_examples() -> None:
    assert format_number(Decimal("1778"), "da") == "1.778"
    assert format_number(Decimal("-0.04"), "da", 1) == "-0,0"
    assert format_number(Decimal("10.45"), "da", 1) == "10,5"
    assert format_number(Decimal("1234.5"), "en", 2, grouping=False) == "1234.50"


def _outcome(parse, text: str, locale: str) -> tuple:
    """What a parser makes of a text: the exact Decimal (digits and exponent), or its error message."""
    try:
        return "number", parse(text, locale).as_tuple()
    except NumberFormatError as exc:
        return "error", str(exc)


_NUMBER_LIKE = st.text(alphabet="0123456789.,-+ \u00a0\u2212eE_٣x", max_size=24)


@settings(max_examples=2000)
@given(_NUMBER_LIKE, st.sampled_from(["da", "en"]))
def test_fast_parse_equals_babel_on_any_text(text: str, locale: str) -> None:
    assert _outcome(parse_number, text, locale) == _outcome(parse_number_babel, text, locale)


@settings(max_examples=2000)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15, max_value=10**15, places=6),
       st.sampled_from(["da", "en"]), st.integers(min_value=0, max_value=6), st.booleans(),
       st.sampled_from(["", "0", "00", "1", " "]))
def test_fast_parse_equals_babel_on_written_numbers(value: Decimal, locale: str, decimals: int, grouping: bool,
                                                     tail: str) -> None:
    text = format_number(value, locale, decimals, grouping) + tail  # as written, and with a digit too many
    assert _outcome(parse_number, text, locale) == _outcome(parse_number_babel, text, locale)


@pytest.mark.parametrize("text", ["1.778", "1.778,50", "-12.345.678,9", "1.77", "01.778", "1.7780", "1.778,",
                                  "1.778.000.000.000.000.000.000.000,5", "+1.778", "1,778", "1.778e3"])
def test_fast_parse_equals_babel_on_examples(text: str) -> None:
    for locale in ("da", "en", "de_CH", "sv"):
        assert _outcome(parse_number, text, locale) == _outcome(parse_number_babel, text, locale)


def test_a_number_too_large_to_check_is_not_a_number() -> None:
    with pytest.raises(NumberFormatError, match="is not a number"):
        parse_number("1E1000000,", "en")


def test_an_exponent_too_large_to_check_is_not_a_number() -> None:
    with pytest.raises(NumberFormatError, match="is not a number"):
        parse_number("1E\u22125000.", "da")
