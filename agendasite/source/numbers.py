"""Numbers read and written the site's way (Danish: 1.778 and 10,5) through Babel."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from decimal import (ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DecimalException, DivisionByZero,
                     InvalidOperation, Overflow, localcontext)
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError as _BabelError
from babel.numbers import get_minus_sign_symbol, parse_decimal
from babel.numbers import get_decimal_symbol as _decimal_symbol
from babel.numbers import get_group_symbol as _group_symbol


@lru_cache(maxsize=None)
def _locale(locale: str) -> Locale:
    """Parsed once: Babel re-parses a locale name on every call, which dominated table computing."""
    return Locale.parse(locale)


@lru_cache(maxsize=None)
def get_group_symbol(locale: str) -> str:
    """The locale's thousands separator (cached)."""
    return _group_symbol(_locale(locale))


@lru_cache(maxsize=None)
def get_decimal_symbol(locale: str) -> str:
    """The locale's decimal sign (cached)."""
    return _decimal_symbol(_locale(locale))


@lru_cache(maxsize=None)
def _symbols(locale: str) -> tuple[str, str, str]:
    """Thousands separator, decimal sign and minus sign of a locale."""
    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(_locale(locale))


class NumberFormatError(ValueError):
    """A cell or value that is not a number in the site's locale."""


class NumberBoundsError(NumberFormatError):
    """A number written correctly but too large or too finely divided to be an agenda's figure."""


MAX_WHOLE_DIGITS = 15  # below 10^15: a thousand times a national budget in kroner
MAX_DECIMALS = 10
# Editors' figures are computed in this context: 40 digits hold any sum of bounded figures exactly, and an
# overflow or invalid operation is an error instead of a number with a billion digits or a silent NaN.
ARITHMETIC = Context(prec=40, rounding=ROUND_HALF_EVEN, Emin=-40, Emax=40,
                     traps=[InvalidOperation, DivisionByZero, Overflow])


def bounded_arithmetic() -> AbstractContextManager[Context]:
    """The Decimal context for sums and shares of editors' figures (see ARITHMETIC)."""
    return localcontext(ARITHMETIC)


def _shown(text: str) -> str:
    """A value as quoted in a message: a pasted 10,000-digit number is cut short."""
    return text if len(text) <= 40 else f"{text[:20]}… ({len(text):,} characters)"


def _bounded(value: Decimal, text: str) -> Decimal:
    """The value if it is a finite number of at most MAX_WHOLE_DIGITS digits and MAX_DECIMALS decimals: a
    total of '1e999999999' would otherwise be shared out digit by digit for hours."""
    if not value.is_finite():
        raise NumberFormatError(f"'{_shown(text)}' is not a number")
    if value and value.adjusted() >= MAX_WHOLE_DIGITS:
        raise NumberBoundsError(f"'{_shown(text)}' is too large: a figure has at most {MAX_WHOLE_DIGITS} digits "
                                "before the decimal sign")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        raise NumberBoundsError(f"'{_shown(text)}' has too many decimals: a figure has at most {MAX_DECIMALS}")
    return value


@lru_cache(maxsize=None)
def _grouped(locale: str) -> re.Pattern | None:
    """A number with thousands separators exactly as Babel's strict parsing accepts it without asking (groups of
    three, no leading zero, at most 20 characters: well within Decimal's precision); None: always ask Babel."""
    group, decimal, minus = _symbols(locale)
    plain = len(group) == 1 and len(decimal) == 1 and not group.isspace() and not decimal.isspace() and minus == "-" \
        and not any(ch.isdigit() or ch in "-+" for ch in group + decimal) and group != decimal \
        and _locale(locale).decimal_formats[None].grouping == (3, 3)
    if not plain:
        return None
    return re.compile(rf"-?[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}})+(?:{re.escape(decimal)}[0-9]+)?")


def parse_number(text: str, locale: str = "da") -> Decimal:
    """Parse `1.778`, `10,5`, `-3`, `1779` the locale's way; raise NumberFormatError otherwise."""
    raw = _cleaned(text, locale)
    group = get_group_symbol(locale)
    if group in raw:
        grouped = _grouped(locale)
        if grouped is None or len(raw) > 20 or not grouped.fullmatch(raw):
            return _parse_babel(text, raw, locale)
    # What Babel's parse_decimal does when strict checking has nothing to check (no separator, or separators
    # exactly where Babel writes them), at a fifth of the cost: tables are parsed cell by cell.
    try:
        value = Decimal(raw.replace(group, "").replace(get_decimal_symbol(locale), "."))
    except InvalidOperation:
        raise _not_the_locale_way(text, locale) from None
    return _bounded(value, raw)


def _cleaned(text: str, locale: str) -> str:
    """The text without surrounding space, no-break spaces and typographic minus; an error if it cannot be a
    number (no digit, or spaces inside where the locale does not group with them)."""
    raw = text.strip().replace("\u00a0", " ").replace("\u2212", "-")
    if not raw or not any(map(str.isdigit, raw)):
        raise NumberFormatError(f"'{_shown(text)}' is not a number")
    if " " in raw and get_group_symbol(locale) != " ":
        raise NumberFormatError(f"'{_shown(text)}' is not a number (spaces inside)")
    return raw


def number_or_none(text: str, locale: str = "da") -> Decimal | None:
    """`parse_number` for a table's cells, where most text is no number: None instead of the error."""
    if not any(map(str.isdigit, text)):
        return None
    try:
        return parse_number(text, locale)
    except NumberFormatError:
        return None


def why_not_a_number(text: str, locale: str = "da") -> str:
    """Why a table cell counts as text: a figure too large or too precise says so, anything else is no number."""
    try:
        parse_number(text, locale)
    except NumberBoundsError as exc:
        return str(exc)
    except NumberFormatError:
        pass
    return f"'{_shown(text)}' is not a number"


def _parse_babel(text: str, raw: str, locale: str) -> Decimal:
    try:
        with localcontext(ARITHMETIC):  # Babel's strict check re-formats the value: '1E1000000,' overflows
            value = parse_decimal(raw, locale=_locale(locale), strict=True)
    except _BabelError as exc:
        raise _not_the_locale_way(text, locale, getattr(exc, "suggestions", None)) from None
    except (DecimalException, ValueError):
        raise NumberFormatError(f"'{_shown(text)}' is not a number") from None
    return _bounded(value, raw)


def _not_the_locale_way(text: str, locale: str, suggestions: list[str] | None = None) -> NumberFormatError:
    hint = f"; did you mean {suggestions[0]}?" if suggestions else ""
    return NumberFormatError(
        f"'{_shown(text)}' is not a number written the {locale} way "
        f"(thousands separator '{get_group_symbol(locale)}', decimal sign '{get_decimal_symbol(locale)}'){hint}")


def decimals_of(text: str, locale: str = "da") -> int:
    """How many decimals a number is written with (`20,0` → 1)."""
    decimal = get_decimal_symbol(locale)
    raw = text.strip()
    if decimal in raw:
        return len(raw.rsplit(decimal, 1)[1].strip())
    return 0


@lru_cache(maxsize=None)
def _writing(locale: str, decimals: int, grouping: bool) -> tuple[Decimal, str, dict[int, str], str]:
    """Rounding unit, format spec, separators and minus sign for one way of writing (tables write thousands)."""
    group, decimal, minus = _symbols(locale)
    return Decimal(1).scaleb(-decimals), f"{',' if grouping else ''}.{decimals}f", {44: group, 46: decimal}, minus


def format_number(value: Decimal | int, locale: str = "da", decimals: int = 0,
                  grouping: bool = True) -> str:
    """Format with exactly `decimals` decimals and the locale's separators."""
    quantum, spec, separators, minus = _writing(locale, decimals, grouping)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP, context=ARITHMETIC)  # 0,05 → 0,1
    text = format(abs(rounded), spec).translate(separators)
    return minus + text if rounded.is_signed() else text  # what Babel's "#,##0.00" gives, 10× faster


def format_percent(value: Decimal, locale: str = "da", decimals: int = 1) -> str:
    """A percentage as the locale writes it (`34,5 %`)."""
    from babel.numbers import format_percent as _fp

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return _fp(rounded / 100, format=pattern, locale=locale, decimal_quantization=True)
