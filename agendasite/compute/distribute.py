"""Sharing an amount by weights so the rounded parts add up exactly (largest-remainder rounding).

Pure arithmetic on exact fractions: no files, no formatting. The tie-break
(larger remainder, then larger weight, then name) does not depend on row order.
"""

from __future__ import annotations

from decimal import Decimal
from math import lcm
from typing import Sequence


class DistributionError(ValueError):
    """A distribution that cannot be made (negative or all-zero weights, a total off the rounding unit)."""


MAX_EXPONENT = 40  # the whole-number arithmetic below grows with the figures' exponents: 1e999999999 never ends


def _check_size(figures: list[Decimal]) -> None:
    """Refuse figures whose exact integer ratio would have more than about 40 digits (or are not finite)."""
    for figure in figures:
        if not figure.is_finite() or (figure and abs(figure.adjusted()) > MAX_EXPONENT) \
                or abs(figure.as_tuple().exponent) > MAX_EXPONENT:  # type: ignore[arg-type]
            raise DistributionError(f"the figure {figure:.3e} is too large or too finely divided to share")


def distribute(total: Decimal, weights: Sequence[tuple[str, Decimal]], unit: Decimal = Decimal(1)) -> tuple[Decimal, ...]:
    """Amounts in multiples of `unit` that add up exactly to `total`, each within one unit of its exact share.

    Every row first gets its exact share rounded down to the unit; the units
    left over go one each to the rows with the largest remainders (ties: the
    larger weight, then the name in alphabetical order).
    """
    _check_size([total, unit] + [w for _, w in weights])
    if unit <= 0:
        raise DistributionError("the rounding unit must be positive")
    if total < 0:
        raise DistributionError("the total is negative")
    # Whole numbers throughout (Fractions cost a third of a millisecond a distribution): every exact share
    # in units is units_num * scaled[i] / (units_den * whole), one denominator for all rows.
    total_num, total_den = total.as_integer_ratio()
    unit_num, unit_den = unit.as_integer_ratio()
    units_num, units_den = total_num * unit_den, total_den * unit_num
    if units_num % units_den:
        raise DistributionError(f"the total {total} is not a whole multiple of the rounding unit {unit}")
    if not weights:
        if total != 0:
            raise DistributionError("there is nobody to share the total among")
        return ()
    if any(w < 0 for _, w in weights):
        raise DistributionError("a weight is negative")
    ratios = [w.as_integer_ratio() for _, w in weights]
    common = lcm(*(den for _, den in ratios))
    scaled = [num * (common // den) for num, den in ratios]
    whole = sum(scaled)
    if whole == 0 and total != 0:
        raise DistributionError("every weight is zero, so the total cannot be shared")
    denominator = units_den * (whole or 1)
    base, rest = [], []
    for weight in scaled:
        quotient, remainder = divmod(units_num * weight, denominator)
        base.append(quotient)
        rest.append(remainder)
    left = units_num // units_den - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-rest[i], -weights[i][1], weights[i][0]))
    for i in order[:left]:
        base[i] += 1
    return tuple(Decimal(n) * unit for n in base)
