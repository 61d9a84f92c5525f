"""Properties that must hold for all values, checked against Python's own calendar
(``datetime``) as an independent oracle."""
from __future__ import annotations

import datetime as py
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirrules.cql.operators.temporal import difference_between, duration_between
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.temporal import Date, DateTime, Time, parse_temporal_literal

instants = st.datetimes(min_value=py.datetime(1900, 1, 1), max_value=py.datetime(2100, 12, 31))
offsets = st.sampled_from([Decimal(x) for x in ("-11", "-7", "-5.5", "0", "1", "5.75", "9", "14")])
precisions = st.integers(min_value=1, max_value=7)


def cql_dt(d: py.datetime, n: int = 7, offset=None) -> DateTime:
    parts = (d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond // 1000)
    return DateTime(*parts[:n], offset=offset)


@settings(max_examples=200)
@given(instants, precisions)
def test_successor_and_predecessor_are_inverse(d, n) -> None:
    v = cql_dt(d, n)
    assert v.successor().predecessor() == v
    assert v.predecessor().successor() == v
    assert v.successor().cql_compare(v) == 1 and v.predecessor().cql_compare(v) == -1


@settings(max_examples=200)
@given(instants, st.integers(min_value=-3000, max_value=3000))
def test_adding_days_matches_python(d, days) -> None:
    v = Date(d.year, d.month, d.day)
    r = v.add_quantity(Quantity(Decimal(days), "day"))
    expected = d.date() + py.timedelta(days=days)
    assert r.fields == (expected.year, expected.month, expected.day)
    assert r.subtract_quantity(Quantity(Decimal(days), "day")) == v


@settings(max_examples=200)
@given(instants, st.integers(min_value=-10**7, max_value=10**7))
def test_adding_minutes_to_datetime_matches_python(d, minutes) -> None:
    v = cql_dt(d)
    r = v.add_quantity(Quantity(Decimal(minutes), "minute"))
    e = d.replace(microsecond=d.microsecond // 1000 * 1000) + py.timedelta(minutes=minutes)
    assert r.fields == (e.year, e.month, e.day, e.hour, e.minute, e.second, e.microsecond // 1000)


@settings(max_examples=200)
@given(instants, instants)
def test_day_difference_and_duration_match_python(a, b) -> None:
    a, b = a.replace(microsecond=a.microsecond // 1000 * 1000), b.replace(microsecond=b.microsecond // 1000 * 1000)
    assert difference_between(cql_dt(a), cql_dt(b), precision="day") == (b.date() - a.date()).days
    elapsed = b - a
    whole_days = int(elapsed / py.timedelta(days=1))      # toward zero
    assert duration_between(cql_dt(a), cql_dt(b), precision="day") == whole_days
    ms = int(elapsed / py.timedelta(milliseconds=1))
    assert duration_between(cql_dt(a), cql_dt(b), precision="millisecond") == ms


@settings(max_examples=200)
@given(instants, offsets, offsets)
def test_same_instant_at_two_offsets_is_equal(d, o1, o2) -> None:
    tz1 = py.timezone(py.timedelta(minutes=int(o1 * 60)))
    tz2 = py.timezone(py.timedelta(minutes=int(o2 * 60)))
    a = d.replace(tzinfo=tz1, microsecond=0)
    b = a.astimezone(tz2)
    va, vb = cql_dt(a, 7, o1), cql_dt(b, 7, o2)
    assert va.cql_compare(vb) == 0 and va == vb and hash(va) == hash(vb)
    later = cql_dt(b + py.timedelta(milliseconds=1), 7, o2)
    assert va.cql_compare(later) == -1 and later.cql_compare(va) == 1


@settings(max_examples=200)
@given(instants, precisions, instants, precisions)
def test_compare_is_antisymmetric_and_matches_sorting(a, na, b, nb) -> None:
    va, vb = cql_dt(a, na), cql_dt(b, nb)
    c = va.cql_compare(vb)
    r = vb.cql_compare(va)
    assert (c is None and r is None) or c == -r
    if c is not None and c != 0:
        assert (va < vb) == (c < 0)
    if c == 0:
        assert va == vb and hash(va) == hash(vb)


@settings(max_examples=100)
@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999),
       st.integers(-10**6, 10**6))
def test_time_arithmetic_wraps_like_a_clock(h, m, s, ms, delta) -> None:
    t = Time(h, m, s, ms)
    r = t.add_quantity(Quantity(Decimal(delta), "millisecond"))
    total = (((h * 60 + m) * 60 + s) * 1000 + ms + delta) % 86_400_000
    assert r.fields == (total // 3_600_000, total // 60_000 % 60, total // 1000 % 60, total % 1000)


@settings(max_examples=200)
@given(instants, precisions)
def test_literal_round_trip(d, n) -> None:
    v = cql_dt(d, n)
    assert parse_temporal_literal(v.cql_str()[1:]) == v
