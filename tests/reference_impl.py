"""Reference implementations the package's fast code is tested against: slow, obviously right, test-only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Sequence

from babel import Locale
from babel.numbers import parse_pattern

from agendasite.compute.distribute import DistributionError
from agendasite.source.numbers import _cleaned, _parse_babel


def parse_number_babel(text: str, locale: str = "da") -> Decimal:
    """parse_number through Babel alone (the reference the fast version is tested against)."""
    return _parse_babel(text, _cleaned(text, locale), locale)


def format_number_babel(value: Decimal | int, locale: str = "da", decimals: int = 0, grouping: bool = True) -> str:
    """format_number through Babel's pattern (the reference the fast version is tested against)."""
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return parse_pattern(pattern).apply(rounded, Locale.parse(locale), decimal_quantization=True)


def exact_shares(total: Decimal, weights: Sequence[tuple[str, Decimal]]) -> tuple[Fraction, ...]:
    """Each row's exact share of `total`, in proportion to its weight."""
    if any(w < 0 for _, w in weights):
        raise DistributionError("a weight is negative")
    whole = sum((Fraction(w) for _, w in weights), Fraction(0))
    if whole == 0:
        if total != 0:
            raise DistributionError("every weight is zero, so the total cannot be shared")
        return tuple(Fraction(0) for _ in weights)
    return tuple(Fraction(total) * Fraction(w) / whole for _, w in weights)
