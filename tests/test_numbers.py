"""Numbers are read and written the Danish way (and the English way when configured)."""

from decimal import Decimal

import pytest

from agendasite.source.numbers import NumberFormatError, decimals_of, format_number, format_percent, parse_number


@pytest.mark.parametrize("text, value", [
    ("1.778", Decimal("1778")), ("10,5", Decimal("10.5")), ("1779", Decimal("1779")),
    ("1.913.090", Decimal("1913090")), ("561,5", Decimal("561.5")), ("-3,25", Decimal("-3.25")),
    ("0", Decimal("0")), ("166.666,67", Decimal("166666.67")),
])
def test_parse_danish(text, value):
    assert parse_number(text, "da") == value


def test_thousands_dot_is_not_a_decimal_point():
    assert parse_number("1.778", "da") != Decimal("1.778")


@pytest.mark.parametrize("text", ["abc", "", "1 000", "10.5", "1,2,3", "--1"])
def test_parse_rejects(text):
    with pytest.raises(NumberFormatError):
        parse_number(text, "da")


def test_parse_english():
    assert parse_number("1,778", "en") == Decimal("1778")
    assert parse_number("10.5", "en") == Decimal("10.5")


@pytest.mark.parametrize("value, decimals, text", [
    (Decimal("561.5"), 1, "561,5"), (Decimal("1778"), 0, "1.778"), (Decimal("1913090"), 0, "1.913.090"),
    (Decimal("20"), 1, "20,0"), (Decimal("0.05"), 1, "0,1"),
])
def test_format_danish(value, decimals, text):
    assert format_number(value, "da", decimals) == text


def test_format_english_and_percent():
    assert format_number(Decimal("1778.5"), "en", 1) == "1,778.5"
    assert format_percent(Decimal("34.5"), "da") == "34,5\u00a0%"


def test_decimals_of():
    assert decimals_of("20,0") == 1
    assert decimals_of("1.778") == 0
    assert decimals_of("166.666,67") == 2
