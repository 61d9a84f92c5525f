"""Property checks (hypothesis) for laws the operators must keep on any input."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators import interval as iv
from fhirrules.cql.operators.comparison import compare, equal, equivalent
from fhirrules.cql.operators.list import distinct, sort_list
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import INTEGER_MAX, INTEGER_MIN

ints = st.integers(INTEGER_MIN, INTEGER_MAX)
decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=8,
                       allow_nan=False, allow_infinity=False)
scalars = st.one_of(ints, decimals, st.text(max_size=6), st.none())


@given(ints, ints)
def test_integer_add_is_exact_or_null(a: int, b: int) -> None:
    r = ar.Add(a, b)
    assert r == a + b if INTEGER_MIN <= a + b <= INTEGER_MAX else r is None


@given(decimals, decimals)
def test_decimal_subtract_undoes_add(a: Decimal, b: Decimal) -> None:
    assert ar.Subtract(ar.Add(a, b), b) == a


@given(ints, ints.filter(lambda x: x != 0))
def test_truncated_division_identity(a: int, b: int) -> None:
    q, r = ar.TruncatedDivide(a, b), ar.Modulo(a, b)
    if q is not None and r is not None:
        assert q * b + r == a
        assert r == 0 or (r > 0) == (a > 0)      # remainder takes the dividend's sign


@given(scalars, scalars)
def test_compare_is_antisymmetric(a, b) -> None:
    c1, c2 = compare(a, b), compare(b, a)
    assert (c1 is None) == (c2 is None)
    if c1 is not None:
        assert c1 == -c2


@given(scalars)
def test_equivalence_is_reflexive_and_total(a) -> None:
    assert equivalent(a, a) is True
    assert equivalent(a, None) is (a is None)


@given(scalars, scalars)
def test_equal_implies_equivalent(a, b) -> None:
    if equal(a, b) is True:
        assert equivalent(a, b) is True


@given(st.lists(st.one_of(ints, st.none()), max_size=12))
def test_distinct_keeps_first_occurrences(items: list) -> None:
    out = distinct(items)
    assert len(out) == len(set(items))
    assert sorted(out, key=lambda x: (x is not None, x or 0)) == \
        sorted(set(items), key=lambda x: (x is not None, x or 0))


@given(st.lists(st.one_of(decimals, st.none()), max_size=12))
def test_sort_puts_nulls_first_then_ascending(items: list) -> None:
    out = sort_list(items)
    nulls = [x for x in out if x is None]
    assert out[:len(nulls)] == nulls
    rest = out[len(nulls):]
    assert all(rest[i] <= rest[i + 1] for i in range(len(rest) - 1))


@settings(max_examples=200)
@given(st.integers(-50, 50), st.integers(0, 20), st.integers(-50, 50), st.integers(0, 20), st.integers(-60, 80))
def test_integer_interval_laws(a: int, wa: int, b: int, wb: int, p: int) -> None:
    x, y = Interval(a, a + wa), Interval(b, b + wb)
    # membership agrees with plain arithmetic
    assert iv.Contains(x, p) is (a <= p <= a + wa)
    # overlaps is symmetric and agrees with a non-empty intersection
    assert iv.Overlaps(x, y) is iv.Overlaps(y, x)
    assert (iv.Intersect(x, y) is not None) is iv.Overlaps(x, y)
    # a union exists exactly when the intervals overlap or meet, and covers both
    u = iv.Union(x, y)
    assert (u is not None) is bool(iv.Overlaps(x, y) or iv.Meets(x, y))
    if u is not None:
        assert iv.Includes(u, x) and iv.Includes(u, y)
    # before/after are mirror images
    assert iv.Before(x, y) is iv.After(y, x)
