"""Date/time + and - Quantity, successor and predecessor.  Cases named after the
conformance suite (CqlDateTimeOperatorsTest.xml groups Add/Subtract,
CqlArithmeticFunctionsTest.xml Successor/Predecessor) plus month-end and leap-year cases."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.temporal import add, date, datetime, predecessor, subtract, successor
from fhirrules.cql.types.temporal import MAX_DATETIME, MIN_DATETIME, Date, DateTime, Time

from .helpers import L, Q, text

ADD = [
    ("DateTimeAdd5Years", datetime(2005, 10, 10), Q(5, "years"), "@2010-10-10T"),
    ("DateTimeAdd5Months", datetime(2005, 5, 10), Q(5, "months"), "@2005-10-10T"),
    ("DateTimeAddMonthsOverflow", datetime(2005, 5, 10), Q(10, "months"), "@2006-03-10T"),
    ("DateTimeAdd5Days", datetime(2005, 5, 10), Q(5, "days"), "@2005-05-15T"),
    ("DateTimeAddDaysOverflow", datetime(2016, 6, 10), Q(21, "days"), "@2016-07-01T"),
    ("DateTimeAdd5Hours", datetime(2005, 5, 10, 5), Q(5, "hours"), "@2005-05-10T10"),
    ("DateTimeAdd5HoursWithLeftMinPrecisionSecond", datetime(2005, 5, 10, 5, 20, 30), Q(5, "hours"),
     "@2005-05-10T10:20:30"),
    ("DateTimeAdd5HoursWithLeftMinPrecisionDay", datetime(2005, 5, 10), Q(5, "hours"), "@2005-05-10T"),
    ("DateTimeAdd5HoursWithLeftMinPrecisionDayOverflow", datetime(2005, 5, 10), Q(25, "hours"), "@2005-05-11T"),
    ("DateAdd2YearsAsMonths", date(2014), Q(24, "months"), "@2016"),
    ("DateAdd2YearsAsMonthsRem1", date(2014), Q(25, "months"), "@2016"),
    ("DateAdd33Days", date(2014, 6), Q(33, "days"), "@2014-07"),
    ("DateAdd1Year", date(2014, 6), Q(1, "year"), "@2015-06"),
    ("DateTimeAddHoursOverflow", datetime(2016, 6, 10, 5), Q(19, "hours"), "@2016-06-11T00"),
    ("DateTimeAdd5Minutes", datetime(2005, 5, 10, 5, 5), Q(5, "minutes"), "@2005-05-10T05:10"),
    ("DateTimeAddMinutesOverflow", datetime(2016, 6, 10, 5, 5), Q(55, "minutes"), "@2016-06-10T06:00"),
    ("DateTimeAdd5Seconds", datetime(2005, 5, 10, 5, 5, 5), Q(5, "seconds"), "@2005-05-10T05:05:10"),
    ("DateTimeAddSecondsOverflow", datetime(2016, 6, 10, 5, 5, 5), Q(55, "seconds"), "@2016-06-10T05:06:00"),
    ("DateTimeAdd5Milliseconds", datetime(2005, 5, 10, 5, 5, 5, 5), Q(5, "milliseconds"),
     "@2005-05-10T05:05:05.010"),
    ("DateTimeAddMillisecondsOverflow", datetime(2016, 6, 10, 5, 5, 5, 5), Q(995, "milliseconds"),
     "@2016-06-10T05:05:06.000"),
    ("DateTimeAddLeapYear", datetime(2012, 2, 29), Q(1, "year"), "@2013-02-28T"),
    ("DateTimeAdd2YearsByMonths", datetime(2014), Q(24, "months"), "@2016T"),
    ("DateTimeAdd2YearsByDays", datetime(2014), Q(730, "days"), "@2016T"),
    ("DateTimeAdd2YearsByDaysRem5Days", datetime(2014), Q(735, "days"), "@2016T"),
    ("TimeAdd5Hours", L("@T15:59:59.999"), Q(5, "hours"), "@T20:59:59.999"),
    ("TimeAdd1Minute", L("@T15:59:59.999"), Q(1, "minute"), "@T16:00:59.999"),
    ("TimeAdd1Second", L("@T15:59:59.999"), Q(1, "seconds"), "@T16:00:00.999"),
    ("TimeAdd1Millisecond", L("@T15:59:59.999"), Q(1, "milliseconds"), "@T16:00:00.000"),
    ("TimeAdd5hoursByMinute", L("@T15:59:59.999"), Q(300, "minutes"), "@T20:59:59.999"),
    # beyond the suite: end-of-month clamp, leap years, wrap-around, UCUM units, decimals
    ("Jan31Plus1Month", date(2014, 1, 31), Q(1, "month"), "@2014-02-28"),
    ("Jan31Plus1MonthLeap", date(2016, 1, 31), Q(1, "month"), "@2016-02-29"),
    ("Mar31Plus1MonthDateTime", datetime(2014, 3, 31, 10), Q(1, "month"), "@2014-04-30T10"),
    ("Feb29Plus4Years", date(2012, 2, 29), Q(4, "years"), "@2016-02-29"),
    ("Dec31Plus1Day", date(2015, 12, 31), Q(1, "day"), "@2016-01-01"),
    ("Feb28LeapPlus1Day", date(2016, 2, 28), Q(1, "day"), "@2016-02-29"),
    ("Feb28CommonPlus1Day", date(2015, 2, 28), Q(1, "day"), "@2015-03-01"),
    ("TimeWrapsForward", L("@T23:30:00"), Q(1, "hour"), "@T00:30:00"),
    ("UcumDays", date(2014, 1, 1), Q(3, "d"), "@2014-01-04"),
    ("UcumWeeks", date(2014, 1, 1), Q(2, "wk"), "@2014-01-15"),
    ("UcumHours", datetime(2014, 1, 1, 10), Q(3, "h"), "@2014-01-01T13"),
    ("UcumMilliseconds", L("@T10:00:00.000"), Q(1500, "ms"), "@T10:00:01.500"),
    ("DecimalDaysTruncated", date(2014, 1, 1), Q("1.9", "days"), "@2014-01-02"),
    ("DecimalSecondsKeepMs", L("@2014-01-01T10:00:00.000"), Q("1.5", "seconds"), "@2014-01-01T10:00:01.500"),
    ("WeeksToMonthPrecision", date(2014, 6), Q(5, "weeks"), "@2014-07"),
    ("OffsetKept", L("@2014-01-01T23:00:00-05:00"), Q(2, "hours"), "@2014-01-02T01:00:00-05:00"),
]

SUBTRACT = [
    ("DateTimeSubtract5Years", datetime(2005, 10, 10), Q(5, "years"), "@2000-10-10T"),
    ("DateTimeSubtract5Months", datetime(2005, 6, 10), Q(5, "months"), "@2005-01-10T"),
    ("DateTimeSubtractMonthsUnderflow", datetime(2005, 5, 10), Q(6, "months"), "@2004-11-10T"),
    ("DateTimeSubtract5Days", datetime(2005, 5, 10), Q(5, "days"), "@2005-05-05T"),
    ("DateTimeSubtractDaysUnderflow", datetime(2016, 6, 10), Q(11, "days"), "@2016-05-30T"),
    ("DateTimeSubtract5Hours", datetime(2005, 5, 10, 10), Q(5, "hours"), "@2005-05-10T05"),
    ("DateTimeSubtractHoursUnderflow", datetime(2016, 6, 10, 5), Q(6, "hours"), "@2016-06-09T23"),
    ("DateTimeSubtract5Minutes", datetime(2005, 5, 10, 5, 10), Q(5, "minutes"), "@2005-05-10T05:05"),
    ("DateTimeSubtractMinutesUnderflow", datetime(2016, 6, 10, 5, 5), Q(6, "minutes"), "@2016-06-10T04:59"),
    ("DateTimeSubtract5Seconds", datetime(2005, 5, 10, 5, 5, 10), Q(5, "seconds"), "@2005-05-10T05:05:05"),
    ("DateTimeSubtract1YearInSeconds", datetime(2016, 5), Q(31535999, "seconds"), "@2015-05T"),
    ("DateTimeSubtract15HourPrecisionSecond", datetime(2016, 10, 1, 10, 20, 30), Q(15, "hours"),
     "@2016-09-30T19:20:30"),
    ("DateTimeSubtractSecondsUnderflow", datetime(2016, 6, 10, 5, 5, 5), Q(6, "seconds"), "@2016-06-10T05:04:59"),
    ("DateTimeSubtract5Milliseconds", datetime(2005, 5, 10, 5, 5, 5, 10), Q(5, "milliseconds"),
     "@2005-05-10T05:05:05.005"),
    ("DateTimeSubtractMillisecondsUnderflow", datetime(2016, 6, 10, 5, 5, 5, 5), Q(6, "milliseconds"),
     "@2016-06-10T05:05:04.999"),
    ("DateTimeSubtract2YearsAsMonths", datetime(2014), Q(24, "months"), "@2012T"),
    ("DateTimeSubtract2YearsAsMonthsRem1", datetime(2014), Q(25, "months"), "@2012T"),
    ("DateSubtract2YearsAsMonths", date(2014), Q(24, "months"), "@2012"),
    ("DateSubtract2YearsAsMonthsRem1", date(2014), Q(25, "months"), "@2012"),
    ("DateSubtract33Days", date(2014, 6), Q(33, "days"), "@2014-05"),
    ("DateSubtract1Year", date(2014, 6), Q(1, "year"), "@2013-06"),
    ("TimeSubtract5Hours", L("@T15:59:59.999"), Q(5, "hours"), "@T10:59:59.999"),
    ("TimeSubtract1Minute", L("@T15:59:59.999"), Q(1, "minutes"), "@T15:58:59.999"),
    ("TimeSubtract1Second", L("@T15:59:59.999"), Q(1, "seconds"), "@T15:59:58.999"),
    ("TimeSubtract1Millisecond", L("@T15:59:59.0"), Q(1, "milliseconds"), "@T15:59:58.999"),
    ("TimeSubtract5hoursByMinute", L("@T15:59:59.999"), Q(300, "minutes"), "@T10:59:59.999"),
    ("Mar31Minus1Month", date(2014, 3, 31), Q(1, "month"), "@2014-02-28"),
    ("Mar1LeapMinus1Day", date(2016, 3, 1), Q(1, "day"), "@2016-02-29"),
    ("Jan1Minus1Minute", datetime(2016, 1, 1, 0, 0), Q(1, "minute"), "@2015-12-31T23:59"),
    ("TimeWrapsBackward", L("@T00:30:00"), Q(1, "hour"), "@T23:30:00"),
    ("TimeWrapsBackward2", L("@T01:00:00"), Q(2, "hours"), "@T23:00:00"),
]


@pytest.mark.parametrize("name,value,qty,expected", ADD, ids=[c[0] for c in ADD])
def test_add(name: str, value, qty, expected: str) -> None:
    assert text(add(value, qty)) == expected


@pytest.mark.parametrize("name,value,qty,expected", SUBTRACT, ids=[c[0] for c in SUBTRACT])
def test_subtract(name: str, value, qty, expected: str) -> None:
    assert text(subtract(value, qty)) == expected


@pytest.mark.parametrize("start,weeks,end", [
    ((2018, 5, 2), 3, (2018, 5, 23)),      # DateTimeAddThreeWeeks
    ((2018, 5, 23), 52, (2019, 5, 22)),    # DateTimeAddYearInWeeks
    ((2023, 3, 2), 52, (2024, 2, 29)),     # DateTimeLeapDayAddYearInWeeks
    ((2024, 2, 28), 52, (2025, 2, 26)),    # DateTimeLeapYearAddYearInWeeks
])
def test_add_weeks_keeps_weekday(start, weeks, end) -> None:
    assert add(datetime(*start), Q(weeks, "weeks")).cql_equal(datetime(*end)) is True
    assert subtract(datetime(*end), Q(weeks, "weeks")).cql_equal(datetime(*start)) is True


@pytest.mark.parametrize("start,weeks,end", [
    ((2018, 5, 23), 3, (2018, 5, 2)),      # DateTimeSubtractThreeWeeks
    ((2018, 5, 23), 52, (2017, 5, 24)),    # DateTimeSubtractYearInWeeks
    ((2024, 2, 29), 52, (2023, 3, 2)),     # DateTimeLeapDaySubtractYearInWeeks
    ((2024, 3, 1), 52, (2023, 3, 3)),      # DateTimeLeapYearSubtractYearInWeeks
])
def test_subtract_weeks(start, weeks, end) -> None:
    assert subtract(datetime(*start), Q(weeks, "weeks")).cql_equal(datetime(*end)) is True


def test_compound_time_addition() -> None:
    # TimeAdd5Hours1Minute / TimeSubtract5Hours1Minute
    t = L("@T15:59:59.999")
    assert text(add(add(t, Q(5, "hours")), Q(1, "minutes"))) == "@T21:00:59.999"
    assert text(subtract(subtract(t, Q(5, "hours")), Q(1, "minutes"))) == "@T10:58:59.999"


@pytest.mark.parametrize("make", [
    lambda: add(datetime(2005, 10, 10), Q(8000, "years")),         # DateTimeAddInvalidYears
    lambda: subtract(datetime(2005, 10, 10), Q(2005, "years")),    # DateTimeSubtractInvalidYears
    lambda: add(date(9999, 12, 31), Q(1, "day")),
    lambda: subtract(MIN_DATETIME, Q(1, "millisecond")),
    lambda: add(date(2014, 1, 1), Q(1, "hour")),       # Date accepts year..day only
    lambda: add(L("@T10:00"), Q(1, "day")),            # Time accepts hour..millisecond only
    lambda: add(date(2014, 1, 1), Q(1, "a")),          # definite-duration year is refused
    lambda: add(date(2014, 1, 1), Q(1, "mo")),
    lambda: add(date(2014, 1, 1), Q(1, "cm")),
])
def test_invalid_arithmetic_raises(make) -> None:
    with pytest.raises(CqlRuntimeError):
        make()


def test_null_propagation() -> None:
    assert add(None, Q(1, "day")) is None
    assert add(date(2014), None) is None
    assert subtract(None, None) is None
    assert successor(None) is None and predecessor(None) is None


SUCCESSORS = [
    ("SuccessorOfJan12000", datetime(2000, 1, 1), "@2000-01-02T"),
    ("SuccessorOfNoon", L("@T12:00:00.000"), "@T12:00:00.001"),
    ("SuccessorMonthEnd", date(2014, 2), "@2014-03"),
    ("SuccessorYearEnd", L("@2014-12-31T23:59:59.999"), "@2015-01-01T00:00:00.000"),
    ("SuccessorLeapDay", date(2016, 2, 28), "@2016-02-29"),
]
PREDECESSORS = [
    ("PredecessorOfJan12000", datetime(2000, 1, 1), "@1999-12-31T"),
    ("PredecessorOfNoon", L("@T12:00:00.000"), "@T11:59:59.999"),
    ("PredecessorMarch1Leap", date(2016, 3, 1), "@2016-02-29"),
    ("PredecessorHour", L("@T00"), None),
]


@pytest.mark.parametrize("name,value,expected", SUCCESSORS, ids=[c[0] for c in SUCCESSORS])
def test_successor(name, value, expected) -> None:
    assert text(successor(value)) == expected


@pytest.mark.parametrize("name,value,expected", PREDECESSORS, ids=[c[0] for c in PREDECESSORS])
def test_predecessor(name, value, expected) -> None:
    if expected is None:
        with pytest.raises(CqlRuntimeError):
            predecessor(value)
    else:
        assert text(predecessor(value)) == expected


@pytest.mark.parametrize("make", [
    lambda: successor(MAX_DATETIME),                       # SuccessorOverflowDt
    lambda: successor(datetime(9999, 12, 31, 23, 59, 59, 999)),
    lambda: predecessor(datetime(1, 1, 1, 0, 0, 0, 0)),    # PredecessorUnderflowDt
    lambda: successor(L("@T23:59:59.999")),                # SuccessorOverflowT
    lambda: predecessor(L("@T00:00:00.000")),              # PredecessorUnderflowT
    lambda: successor(Date(9999, 12, 31)),
    lambda: predecessor(Date(1)),
])
def test_successor_predecessor_out_of_range(make) -> None:
    with pytest.raises(CqlRuntimeError):
        make()


def test_arithmetic_keeps_type_precision_and_offset() -> None:
    v = L("@2014-01-31T10:30+05:30")
    r = add(v, Q(1, "month"))
    assert isinstance(r, DateTime) and r.precision == "minute" and text(r) == "@2014-02-28T10:30+05:30"
    t = add(Time(10), Q(90, "minutes"))
    assert isinstance(t, Time) and text(t) == "@T11"
