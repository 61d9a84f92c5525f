"""Precision-based comparison: Before/After/SameAs/SameOrBefore/SameOrAfter (the suite's
CqlDateTimeOperatorsTest groups of those names), the protocol's cql_compare/cql_equal/
cql_equivalent (CqlComparisonOperatorsTest temporal cases), timezone normalisation and
the Python protocol (==, hash, ordering) that lists and sets rely on."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.temporal import (
    after, before, datetime, date, same_as, same_or_after, same_or_before, time)
from fhirrules.cql.types.temporal import (
    DateTime, default_offset, reset_default_offset, set_default_offset)

from .helpers import L

D = datetime
CASES = [
    # After
    ("DateTimeAfterYearTrue", after, D(2005, 10, 10), D(2004, 10, 10), "year", True),
    ("DateTimeAfterYearFalse", after, D(2004, 11, 10), D(2004, 10, 10), "year", False),
    ("DateTimeAfterMonthTrue", after, D(2004, 12, 10), D(2004, 11, 10), "month", True),
    ("DateTimeAfterMonthFalse", after, D(2004, 9, 10), D(2004, 10, 10), "month", False),
    ("DateTimeAfterDayTrue", after, D(2004, 12, 11), D(2004, 10, 10), "day", True),
    ("DateTimeAfterDayTrue2", after, D(2004, 12, 9), D(2003, 10, 10), "day", True),
    ("DateTimeAfterDayFalse", after, D(2004, 10, 9), D(2004, 10, 10), "day", False),
    ("DateTimeAfterHourTrue", after, D(2004, 10, 10, 10), D(2004, 10, 10, 5), "hour", True),
    ("DateTimeAfterHourFalse", after, D(2004, 10, 10, 20), D(2004, 10, 10, 21), "hour", False),
    ("DateTimeAfterMinuteTrue", after, D(2004, 10, 10, 20, 30), D(2004, 10, 10, 20, 29), "minute", True),
    ("DateTimeAfterSecondFalse", after, D(2004, 10, 10, 20, 30, 15), D(2004, 10, 10, 20, 30, 16), "second", False),
    ("DateTimeAfterMillisecondTrue", after, D(2004, 10, 10, 20, 30, 15, 512), D(2004, 10, 10, 20, 30, 15, 510),
     "millisecond", True),
    ("DateTimeAfterUncertain", after, D(2005, 10, 10), D(2005, 9), "day", True),
    ("AfterTimezoneTrue", after, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T08:20:00.999+06:00"),
     "hour", True),
    ("AfterTimezoneFalse", after, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T10:20:00.999+06:00"),
     "hour", False),
    ("TimeAfterHourTrue", after, L("@T15:59:59.999"), L("@T14:59:59.999"), "hour", True),
    ("TimeAfterMinuteFalse", after, L("@T15:58:59.999"), L("@T15:59:59.999"), "minute", False),
    ("TimeAfterMillisecondTrue", after, L("@T15:59:59.999"), L("@T15:59:59.998"), "millisecond", True),
    ("TimeAfterTimeCstor", after, time(12, 30), time(11, 55), "hour", True),
    # Before
    ("DateTimeBeforeYearTrue", before, D(2003), D(2004, 10, 10), "year", True),
    ("DateTimeBeforeYearFalse", before, D(2004, 11, 10), D(2003, 10, 10), "year", False),
    ("DateTimeBeforeDayTrue2", before, D(2003, 10, 11), D(2004, 10, 10), "day", True),
    ("DateTimeBeforeMillisecondFalse", before, D(2004, 10, 10, 20, 30, 15, 599), D(2004, 10, 10, 20, 30, 15, 513),
     "millisecond", False),
    ("BeforeTimezoneTrue", before, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T10:20:00.999+06:00"),
     "hour", True),
    ("BeforeTimezoneFalse", before, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T09:20:00.999+06:00"),
     "hour", False),
    ("TimeBeforeMinuteFalse", before, L("@T15:59:59.999"), L("@T15:59:59.999"), "minute", False),
    ("TimeBeforeSecondFalse", before, L("@T15:59:56.999"), L("@T15:59:55.999"), "second", False),
    # SameAs
    ("DateTimeSameAsYearTrue", same_as, D(2014), D(2014), "year", True),
    ("DateTimeSameAsYearFalse", same_as, D(2013), D(2014), "year", False),
    ("DateTimeSameAsMinuteFalse", same_as, D(2014, 10, 10, 20, 55), D(2014, 10, 10, 21, 56), "minute", False),
    ("DateTimeSameAsMillisecondTrue", same_as, D(2014, 12, 10, 20, 55, 45, 500), D(2014, 12, 10, 20, 55, 45, 500),
     "millisecond", True),
    ("DateTimeSameAsNull", same_as, D(2014, 10), D(2014, 10, 12), "day", None),
    ("SameAsTimezoneTrue", same_as, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T09:20:00.999+06:00"),
     "hour", True),
    ("SameAsTimezoneFalse", same_as, L("@2012-03-10T10:20:00.999+07:00"), L("@2012-03-10T10:20:00.999+06:00"),
     "hour", False),
    ("TimeSameAsHourTrue", same_as, L("@T23:25:25.555"), L("@T23:55:25.900"), "hour", True),
    ("TimeSameAsMillisFalse", same_as, L("@T23:25:25.555"), L("@T23:25:25.554"), "millisecond", False),
    ("DateTimeDayCompare", same_as, L("@2022-02-22T00:00:00.000-05:00"), L("@2022-02-22T04:59:00.000Z"),
     "day", True),
    # SameOrAfter
    ("DateTimeSameOrAfterYearTrue1", same_or_after, D(2014), D(2014), "year", True),
    ("DateTimeSameOrAfterYearFalse", same_or_after, D(2013), D(2014), "year", False),
    ("DateTimeSameOrAfterMillisecondTrue2", same_or_after, D(2014, 10, 25, 10, 25, 20, 500),
     D(2014, 10, 25, 10, 25, 20, 499), "millisecond", True),
    ("DateTimeSameOrAfterNull1", same_or_after, D(2014, 12, 20), D(2014, 12), "day", None),
    ("SameOrAfterTimezoneTrue", same_or_after, L("@2012-03-10T10:20:00.999+07:00"),
     L("@2012-03-10T09:20:00.999+06:00"), "hour", True),
    ("SameOrAfterTimezoneFalse", same_or_after, L("@2012-03-10T10:20:00.999+07:00"),
     L("@2012-03-10T10:20:00.999+06:00"), "hour", False),
    ("TimeSameOrAfterSecondFalse", same_or_after, L("@T23:55:25.555"), L("@T23:55:35.900"), "second", False),
    ("OnOrAfterTrue", same_or_after, L("@2017-12-20T11:00:00.000"), L("@2017-12-20T11:00:00.000"), None, True),
    ("Issue32DateTime", same_or_after, L("@2017-12-21T02:00:00.0"), L("@2017-12-20T11:00:00.0"), None, True),
    # SameOrBefore
    ("DateTimeSameOrBeforeYearTrue2", same_or_before, D(2013), D(2014), "year", True),
    ("DateTimeSameOrBeforeDayFalse", same_or_before, D(2014, 10, 30), D(2014, 10, 25), "day", False),
    ("DateTimeSameOrBeforeNull1", same_or_before, D(2014, 12, 20), D(2014, 12, 20, 15), "minute", None),
    ("SameOrBeforeTimezoneTrue", same_or_before, L("@2012-03-10T09:20:00.999+07:00"),
     L("@2012-03-10T10:20:00.999+06:00"), "hour", True),
    ("SameOrBeforeTimezoneFalse", same_or_before, L("@2012-03-10T10:20:00.999+06:00"),
     L("@2012-03-10T10:20:00.999+07:00"), "hour", False),
    ("TimeSameOrBeforeMinuteFalse0", same_or_before, L("@T23:10:25.555"), L("@T22:15:25.900"), "minute", False),
    ("TimeSameOrBeforeMillisFalse", same_or_before, L("@T23:55:25.966"), L("@T23:55:25.900"), "millisecond",
     False),
    # spec 09-b examples on Dates
    ("SpecAfterIsTrue", after, L("@2012-02-01"), L("@2012-01-01"), "month", True),
    ("SpecAfterIsFalse", after, L("@2012-01-01"), L("@2012-01-01"), "month", False),
    ("SpecAfterUncertainIsNull", after, L("@2012-01-01"), L("@2012"), "month", None),
    ("SpecBeforeUncertainIsNull", before, L("@2012"), L("@2012-02-01"), "month", None),
    ("SpecSameOrAfterUncertain", same_or_after, L("@2012-01-02"), L("@2012-01"), "day", None),
    ("DateVsDateTime", same_as, L("@2012-01-02"), L("@2012-01-02T10:00"), "day", True),
]


@pytest.mark.parametrize("name,op,a,b,precision,expected", CASES, ids=[c[0] for c in CASES])
def test_timing(name, op, a, b, precision, expected) -> None:
    assert op(a, b, precision=precision) is expected


@pytest.mark.parametrize("op", [after, before, same_as, same_or_after, same_or_before])
def test_null_propagation(op) -> None:
    assert op(None, D(2014), precision="year") is None
    assert op(D(2014), None) is None


COMPARE = [
    # CqlComparisonOperatorsTest: uncertainty at different precisions
    ("UncertaintyGreaterNull", D(2014), D(2014, 2, 15), None),
    ("UncertaintyGreaterTrue", D(2015), D(2014, 2, 15), 1),
    ("UncertaintyGreaterFalse", D(2013), D(2014, 2, 15), -1),
    ("DateTimeGreaterTrue", D(2012, 2, 12), D(2012, 2, 10), 1),
    ("TimeGreaterTrue", L("@T10:00:00.001"), L("@T10:00:00.000"), 1),
    ("SecondVsMillisecondUncertain", L("@T15:59:59"), L("@T15:59:59.999"), None),
    ("SecondVsMillisecondDecided", L("@T15:59:58"), L("@T15:59:59.999"), -1),
    ("IncludedInNullCase", L("@2017-09-01T00:00:00"), L("@2017-09-01T00:00:00.000"), None),
    ("DateTimeUTC", L("@2014-01-25T14:30:14.559+01:00"), L("@2014-01-25T14:30:14.559+01:00"), 0),
    ("SameInstantDifferentOffsets", L("@2014-01-25T14:30+01:00"), L("@2014-01-25T13:30Z"), 0),
    ("HalfHourOffset", L("@2014-01-25T14:30+05:30"), L("@2014-01-25T09:00Z"), 0),
    ("DateVsDateTimeSameDay", L("@2014-01-25"), L("@2014-01-25T"), 0),
]


@pytest.mark.parametrize("name,a,b,expected", COMPARE, ids=[c[0] for c in COMPARE])
def test_cql_compare(name, a, b, expected) -> None:
    assert a.cql_compare(b) == expected
    reverse = None if expected is None else -expected
    assert b.cql_compare(a) == reverse


def test_equal_and_equivalent() -> None:
    assert D(2014, 1, 5, 5, 0, 0, 0, 0).cql_equal(D(2014, 1, 5, 5, 0, 0, 0, 0)) is True     # DateTimeEqJanJan
    assert D(2014, 1, 5, 5, 0, 0, 0, 0).cql_equal(D(2014, 7, 5, 5, 0, 0, 0, 0)) is False    # DateTimeEqJanJuly
    assert D(2001, 1, 1, None).cql_equal(D(2001, 1, 1, None, None)) is True                 # DateTimeEqTrue
    assert D(2014).cql_equal(D(2014, 2)) is None
    assert D(2014).cql_equal(D(2015, 2)) is False
    assert D(2014).cql_equal(None) is None
    # equivalence: different precision is simply not equivalent; null is never equivalent
    assert D(2014).cql_equivalent(D(2014, 2)) is False
    assert D(2014, 2).cql_equivalent(D(2014, 2)) is True
    assert L("@T10:00:00.000").cql_equivalent(L("@T22:00:00.000")) is False                # EquivTime10A10P
    assert D(2014).cql_equivalent(None) is False
    assert L("@T10").cql_equivalent(D(2014)) is False


def test_python_protocol_for_sets_and_sorting() -> None:
    # DistinctDateTime
    assert len({D(2012, 10, 5), D(2012, 1, 1), D(2012, 1, 1)}) == 2
    # equal instants at different offsets hash alike
    a, b = L("@2014-01-25T14:30+01:00"), L("@2014-01-25T13:30Z")
    assert a == b and hash(a) == hash(b)
    assert D(2014) != D(2014, 1)
    assert date(2014, 1, 1) != D(2014, 1, 1)       # distinct Python types stay distinct
    # SortDatesAsc: the less precise value first when they share a prefix
    values = [D(2012, 10, 5, 10), D(2012, 1, 1), D(2012, 1, 1, 12), D(2012, 10, 5)]
    assert [v.cql_str() for v in sorted(values)] == ["@2012-01-01T", "@2012-01-01T12", "@2012-10-05T",
                                                     "@2012-10-05T10"]


def test_default_offset_applies_to_unspecified_offsets() -> None:
    local = D(2014, 1, 1, 10, 0)           # no offset: interpreted at the default
    utc = L("@2014-01-01T10:00Z")
    assert local.cql_compare(utc) == 0
    token = set_default_offset(Decimal("-5"))
    try:
        assert local.cql_compare(utc) == 1                     # 10:00-05:00 is 15:00Z
        assert local.cql_compare(L("@2014-01-01T15:00Z")) == 0
        assert D(2014, 1, 1).cql_compare(D(2014, 1, 1)) == 0   # date-only values untouched
    finally:
        reset_default_offset(token)
    assert local.cql_compare(utc) == 0
    with default_offset(Decimal("2")):
        assert local.cql_compare(L("@2014-01-01T08:00Z")) == 0
    assert local.cql_compare(utc) == 0


def test_min_max_compare_across_offsets() -> None:
    from fhirrules.cql.types.temporal import MAX_DATETIME, MIN_DATETIME
    assert MIN_DATETIME.cql_compare(L("@0001-01-01T03:00+05:00")) == 1
    assert MAX_DATETIME.cql_compare(L("@9999-12-31T20:00-05:00")) == -1


def test_time_and_date_values_are_never_equal_nor_ordered() -> None:
    assert L("@T10").cql_compare(D(2014)) is None
    assert L("@T10").cql_equal(D(2014)) is False
    assert D(2014).cql_equal(L("@T10")) is False


def test_bad_comparisons_raise_engine_errors() -> None:
    with pytest.raises(CqlRuntimeError):
        L("@T10").cql_compare(5)
    with pytest.raises(CqlRuntimeError):
        D(2014).cql_compare(D(2014), precision="week")
    with pytest.raises(CqlRuntimeError):
        L("@T10").cql_compare(L("@T11"), precision="day")
    with pytest.raises(CqlRuntimeError):
        after(D(2014), 5)


def test_precision_names_are_normalised() -> None:
    assert same_as(D(2014, 1, 1), D(2014, 1, 2), precision="Months") is True
    assert isinstance(D(2014), DateTime)


def test_intervals_and_other_points_go_to_the_interval_operators() -> None:
    pytest.importorskip("fhirrules.cql.operators.interval")
    from fhirrules.cql.types.interval import Interval
    # DateTimeAfterTrue (CqlIntervalOperatorsTest): Interval[...] after DateTime(2011, 12, 31)
    assert after(Interval(D(2012, 1, 1), D(2012, 1, 15)), D(2011, 12, 31)) is True
    assert before(Interval(D(2012, 1, 1), D(2012, 1, 15)), D(2011, 12, 31)) is False
    assert after(5, 3) is True
