"""Property tests of the largest-remainder distribution: exact totals, fair rounding, order independence."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agendasite.compute.distribute import DistributionError, distribute

from .reference_impl import exact_shares

UNITS = st.sampled_from([Decimal(1), Decimal("0.01"), Decimal("0.1"), Decimal(100)])
NAMES = st.text(alphabet="abcæøåXYZ-", min_size=1, max_size=6)
WEIGHTS = st.lists(st.tuples(NAMES, st.integers(min_value=0, max_value=2_000_000).map(Decimal)),
                   min_size=1, max_size=40, unique_by=lambda row: row[0])


def _total(units: int, unit: Decimal) -> Decimal:
    return Decimal(units) * unit


@given(WEIGHTS, st.integers(min_value=0, max_value=10**9), UNITS)
def test_amounts_add_up_exactly_and_stay_within_one_unit(rows, units, unit):
    if all(w == 0 for _, w in rows):
        rows = rows[:-1] + [(rows[-1][0], Decimal(1))]
    total = _total(units, unit)
    amounts = distribute(total, rows, unit)
    assert sum(amounts) == total
    for amount, exact in zip(amounts, exact_shares(total, rows)):
        assert abs(Fraction(amount) - exact) < Fraction(unit)
        assert amount % unit == 0


@given(WEIGHTS, st.integers(min_value=0, max_value=10**7), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_row_order(rows, units, random):
    if all(w == 0 for _, w in rows):
        rows = rows + [("zz-extra", Decimal(3))]
    total = Decimal(units)
    first = dict(zip((n for n, _ in rows), distribute(total, rows)))
    shuffled = list(rows)
    random.shuffle(shuffled)
    second = dict(zip((n for n, _ in shuffled), distribute(total, shuffled)))
    assert first == second


@given(st.lists(st.integers(min_value=1, max_value=10**6).map(Decimal), min_size=1, max_size=30))
def test_shares_in_percent_add_up_to_100(weights):
    rows = [(f"k{i}", w) for i, w in enumerate(weights)]
    shares = distribute(Decimal(100), rows, Decimal("0.1"))
    assert sum(shares) == Decimal(100)


@given(NAMES, st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**9))
def test_a_single_row_gets_everything(name, weight, units):
    if weight == 0 and units:
        with pytest.raises(DistributionError):
            distribute(Decimal(units), [(name, Decimal(weight))])
        return
    assert distribute(Decimal(units), [(name, Decimal(weight))]) == (Decimal(units),)


@settings(max_examples=50)
@given(WEIGHTS)
def test_zero_total_gives_zero_to_everyone(rows):
    assert distribute(Decimal(0), rows) == tuple(Decimal(0) for _ in rows)


def test_zero_weights_get_nothing_and_ties_break_by_weight_then_name():
    rows = [("b", Decimal(1)), ("a", Decimal(1)), ("zero", Decimal(0)), ("c", Decimal(1))]
    assert distribute(Decimal(2), rows) == (Decimal(1), Decimal(1), Decimal(0), Decimal(0))
    # 10 over weights 1,1,1: 3,33 each; the extra unit goes to the first name alphabetically
    assert distribute(Decimal(10), [("y", Decimal(1)), ("x", Decimal(1)), ("z", Decimal(1))]) == (
        Decimal(3), Decimal(4), Decimal(3))


def test_empty_keys_and_bad_totals_are_refused():
    assert distribute(Decimal(0), []) == ()
    with pytest.raises(DistributionError):
        distribute(Decimal(5), [])
    with pytest.raises(DistributionError):
        distribute(Decimal("10.5"), [("a", Decimal(1))], Decimal(1))
    with pytest.raises(DistributionError):
        distribute(Decimal(10), [("a", Decimal(-1)), ("b", Decimal(2))])


def test_the_kod_annex_figures():
    """525.000 kr. by three populations: exact shares 444.489,11 / 70.707,39 / 9.803,50 round down to
    524.999 kr.; the one krone left goes to the largest remainder (Dragør's 0,50)."""
    rows = [("København", Decimal(660692)), ("Frederiksberg", Decimal(105100)), ("Dragør", Decimal(14572))]
    amounts = distribute(Decimal(525000), rows)
    assert sum(amounts) == 525000
    assert amounts == (Decimal(444489), Decimal(70707), Decimal(9804))


def _distribute_by_fractions(total: Decimal, weights, unit: Decimal) -> tuple[Decimal, ...]:
    """The distribution as first written, in Fractions: the reference the whole-number version must equal."""
    exact = [share / Fraction(unit) for share in exact_shares(total, weights)]
    base = [int(e // 1) for e in exact]
    left = int(Fraction(total) / Fraction(unit)) - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), -weights[i][1], weights[i][0]))
    for i in order[:left]:
        base[i] += 1
    return tuple(Decimal(n) * unit for n in base)


DECIMAL_WEIGHTS = st.lists(st.tuples(NAMES, st.decimals(min_value=0, max_value=10**7, places=3)
                                     | st.integers(min_value=0, max_value=40).map(Decimal)),
                           min_size=1, max_size=25, unique_by=lambda row: row[0])


@settings(max_examples=500)
@given(DECIMAL_WEIGHTS, st.integers(min_value=0, max_value=10**9), UNITS)
def test_whole_number_arithmetic_equals_fractions(rows, units, unit):
    total = _total(units, unit)
    if all(w == 0 for _, w in rows) and total:
        with pytest.raises(DistributionError):
            distribute(total, rows, unit)
        return
    assert distribute(total, rows, unit) == _distribute_by_fractions(total, rows, unit)
