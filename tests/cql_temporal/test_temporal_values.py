"""Literals, constructors, output text, components, conversions, extremes and
boundaries (suite groups DateTime, Time, DateTimeComponentFrom, 'From Github issue #29';
CqlTypesTest, CqlTypeOperatorsTest ToDateTime/ToTime, CqlStringOperatorsTest ToString,
CqlArithmeticFunctionsTest minimum/maximum, Precision, Low/HighBoundary)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlRuntimeError, CqlSyntaxError
from fhirrules.cql.operators.temporal import (
    FUNCTIONS, OPERATORS, component_from, date, date_from, datetime, high_boundary, low_boundary,
    max_value, min_value, now, precision_digits, time, time_from, time_of_day, timezone_offset_from,
    to_date, to_datetime, to_time, today)
from fhirrules.cql.types.temporal import Date, DateTime, Time, parse_temporal_literal

from .helpers import L, text

LITERALS = [
    # (literal text, type, precision, cql_str)
    ("2014", Date, "year", "@2014"),
    ("2014-01", Date, "month", "@2014-01"),
    ("2014-01-01", Date, "day", "@2014-01-01"),
    ("2014T", DateTime, "year", "@2014T"),
    ("2014-01T", DateTime, "month", "@2014-01T"),
    ("2014-01-01T", DateTime, "day", "@2014-01-01T"),
    ("2014-01-01T10", DateTime, "hour", "@2014-01-01T10"),
    ("2012-03-10T10:20:00", DateTime, "second", "@2012-03-10T10:20:00"),
    ("2017-03-12T01:00:00-07:00", DateTime, "second", "@2017-03-12T01:00:00-07:00"),
    ("2013-01-02T00:00:00.000Z", DateTime, "millisecond", "@2013-01-02T00:00:00.000Z"),
    ("2017-12-21T02:00:00.0", DateTime, "millisecond", "@2017-12-21T02:00:00.000"),
    ("2014-01-01T10:30+05:30", DateTime, "minute", "@2014-01-01T10:30+05:30"),
    ("T10", Time, "hour", "@T10"),
    ("T10:30", Time, "minute", "@T10:30"),
    ("T09:00:00.000", Time, "millisecond", "@T09:00:00.000"),      # AnyTime
    ("T23:59:59.10000", Time, "millisecond", "@T23:59:59.100"),    # TimeMillisParsing
    ("T00:00:00.000", Time, "millisecond", "@T00:00:00.000"),      # TimeAllMin
]


@pytest.mark.parametrize("literal,cls,precision,expected", LITERALS, ids=[c[0] for c in LITERALS])
def test_literal(literal, cls, precision, expected) -> None:
    v = parse_temporal_literal(literal)
    assert type(v) is cls and v.precision == precision and v.cql_str() == expected
    assert text(parse_temporal_literal(expected[1:])) == expected       # output reads back


@pytest.mark.parametrize("literal", [
    "T24:59:59.999", "T23:60:59.999", "T23:59:60.999",        # TimeUpperBound*
    "2014-13-01", "2014-02-30", "2015-02-29", "0000-01-01",
    "2014-01-01T10:30+15:00",
])
def test_impossible_literal_values(literal) -> None:
    with pytest.raises(CqlRuntimeError):
        parse_temporal_literal(literal)


@pytest.mark.parametrize("literal", ["T06Z", "2014/01/01", "14-01-01", "2014-1-1", "T1030", "", "2014-01T10",
                                     "T10:30+01:00"])
def test_malformed_literal(literal) -> None:
    with pytest.raises(CqlSyntaxError):
        parse_temporal_literal(literal)


def test_leap_day_literal() -> None:
    assert text(L("@2016-02-29")) == "@2016-02-29"


CONSTRUCTORS = [
    ("DateTimeYear", datetime(2003), "@2003T"),
    ("DateTimeMonth", datetime(2003, 10), "@2003-10T"),
    ("DateTimeDay", datetime(2003, 10, 29), "@2003-10-29T"),
    ("DateTimeHour", datetime(2003, 10, 29, 20), "@2003-10-29T20"),
    ("DateTimeMinute", datetime(2003, 10, 29, 20, 50), "@2003-10-29T20:50"),
    ("DateTimeSecond", datetime(2003, 10, 29, 20, 50, 33), "@2003-10-29T20:50:33"),
    ("DateTimeMillisecond", datetime(2003, 10, 29, 20, 50, 33, 955), "@2003-10-29T20:50:33.955"),
    ("DateTimeAA", datetime(2017, 3, 12, 1, 0, 0, 0, Decimal("-7.0")), "@2017-03-12T01:00:00.000-07:00"),
    ("DateTimeCC", datetime(2017, 11, 5, 1, 30, 0, 0, Decimal("-6.0")), "@2017-11-05T01:30:00.000-06:00"),
    ("DateTimeMin", datetime(1, 1, 1, 0, 0, 0, 0), "@0001-01-01T00:00:00.000"),
    ("DateTimeMax", datetime(9999, 12, 31, 23, 59, 59, 999), "@9999-12-31T23:59:59.999"),
    ("DateTimeTrailingNulls", datetime(2001, 1, 1, None, None), "@2001-01-01T"),
    ("DateYear", date(2014), "@2014"),
    ("DateDay", date(2012, 1, 1), "@2012-01-01"),
    ("TimeHour", time(12), "@T12"),
    ("TimeWithMilliseconds", time(12, 30, 0, 10), "@T12:30:00.010"),
    ("HalfHourOffset", datetime(2012, 1, 1, 12, 30, 0, 0, Decimal("5.5")), "@2012-01-01T12:30:00.000+05:30"),
]


@pytest.mark.parametrize("name,value,expected", CONSTRUCTORS, ids=[c[0] for c in CONSTRUCTORS])
def test_constructor(name, value, expected) -> None:
    assert text(value) == expected


@pytest.mark.parametrize("make", [
    lambda: datetime(10000, 12, 31, 23, 59, 59, 999),   # DateTimeUpperBoundExcept
    lambda: datetime(0, 1, 1, 0, 0, 0, 0),              # DateTimeLowerBoundExcept
    lambda: date(2012, None, 1),                        # DateInvalid (spec 09-b)
    lambda: datetime(2012, 1, 1, 12, None, 0, 0, -7),   # DateInvalid for DateTime
    lambda: time(12, None, 0, 0),                       # TimeInvalid
    lambda: date(2014, 2, 29),
    lambda: time(24),
    lambda: date("2014"),
    lambda: datetime(2014, 1, 1, 0, 0, 0, 0, 20),
])
def test_constructor_errors(make) -> None:
    with pytest.raises(CqlRuntimeError):
        make()


def test_constructor_nulls() -> None:
    assert datetime(None) is None             # DateTimeNull
    assert date(None) is None and time(None) is None


def test_to_string_formats() -> None:
    assert str(datetime(2000, 1, 1)) == "2000-01-01"                                   # DateTimeToString1
    assert str(datetime(2000, 1, 1, 15, 25, 25, 300)) == "2000-01-01T15:25:25.300"     # DateTimeToString2
    assert str(datetime(2000, 1, 1, 8, 25, 25, 300, -7)) == "2000-01-01T08:25:25.300-07:00"
    assert str(L("@T09:30:01.003")) == "09:30:01.003"                                  # TimeToString1
    assert str(date(2014, 3)) == "2014-03"
    assert repr(L("@2014-01-01T")) == "@2014-01-01T"


COMPONENTS = [
    ("year", 2003), ("month", 10), ("day", 29), ("hour", 20), ("minute", 50), ("second", 33),
    ("millisecond", 955),
]


@pytest.mark.parametrize("precision,expected", COMPONENTS)
def test_component_from_datetime(precision, expected) -> None:
    assert component_from(datetime(2003, 10, 29, 20, 50, 33, 955), precision=precision) == expected


def test_other_components() -> None:
    v = datetime(2003, 10, 29, 20, 50, 33, 955, 1)
    assert component_from(datetime(2003, 1, 29), precision="month") == 1      # ...MinBoundary
    assert component_from(v, precision="timezoneoffset") == Decimal("1.00")   # DateTimeComponentFromTimezone
    assert timezone_offset_from(v) == Decimal("1")
    assert text(component_from(v, precision="date")) == "@2003-10-29"          # DateTimeComponentFromDate
    assert text(date_from(v)) == "@2003-10-29"
    assert text(time_from(v)) == "@T20:50:33.955"
    t = L("@T23:20:15.555")
    assert [component_from(t, precision=p) for p in ("hour", "minute", "second", "millisecond")] == [23, 20, 15, 555]
    assert component_from(L("@2015-02-10T"), precision="hour") is None         # DateTimeTimeUnspecified
    assert component_from(datetime(2012), precision="month") is None           # MonthFromIsNull
    assert component_from(None, precision="year") is None
    assert timezone_offset_from(L("@2014-01-01T")) is None
    assert timezone_offset_from(datetime(2014, 1, 1, 10)) == Decimal("0")      # the default offset
    assert time_from(datetime(2014, 1, 1)) is None
    assert component_from(date(2014, 5), precision="month") == 5
    with pytest.raises(CqlRuntimeError):
        component_from(date(2014), precision="week")


CONVERSIONS = [
    ("StringToDateTime", to_datetime, "2014-01-01", "@2014-01-01T"),
    ("ToDateTime2", to_datetime, "2014-01-01T12:05", "@2014-01-01T12:05"),
    ("ToDateTime3", to_datetime, "2014-01-01T12:05:05.955", "@2014-01-01T12:05:05.955"),
    ("ToDateTime4", to_datetime, "2014-01-01T12:05:05.955+01:30", "@2014-01-01T12:05:05.955+01:30"),
    ("ToDateTime5", to_datetime, "2014-01-01T12:05:05.955-01:15", "@2014-01-01T12:05:05.955-01:15"),
    ("ToDateTime6", to_datetime, "2014-01-01T12:05:05.955Z", "@2014-01-01T12:05:05.955+00:00"),
    ("StringToDateTimeMalformed", to_datetime, "2014/01/01", None),
    ("ToDateTimeMalformed", to_datetime, "2014/01/01T12:05:05.955Z", None),
    ("ToDateTimeImpossible", to_datetime, "2014-02-30", None),
    ("ToDateTimeDate", to_datetime, date(2014, 1, 1), "@2014-01-01T"),
    ("ToDateTimeFhirYearMonth", to_datetime, "2019-03", "@2019-03T"),
    ("StringToTime", to_time, "T14:30:00.0", "@T14:30:00.000"),
    ("ToTime2", to_time, "T14:30:00.0+05:30", "@T14:30:00.000"),
    ("ToTime3", to_time, "T14:30:00.0-05:45", "@T14:30:00.000"),
    ("ToTime4", to_time, "T14:30:00.0Z", "@T14:30:00.000"),
    ("ToTimeWithoutT", to_time, "14:30", "@T14:30"),
    ("ToTimeMalformed", to_time, "T14-30-00.0", None),
    ("ToDateString", to_date, "2014-01-01", "@2014-01-01"),
    ("ToDateYear", to_date, "2014", "@2014"),
    ("ToDateFromDateTimeString", to_date, "2014-01-01T10:00:00Z", "@2014-01-01"),
    ("ToDateFromDateTime", to_date, datetime(2014, 1, 1, 10), "@2014-01-01"),
    ("ToDateMalformed", to_date, "01/01/2014", None),
    ("ToDateImpossible", to_date, "2014-13-01", None),
]


@pytest.mark.parametrize("name,fn,arg,expected", CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
def test_conversions(name, fn, arg, expected) -> None:
    assert text(fn(arg)) == expected


def test_conversion_nulls_and_hour_unspecified() -> None:
    assert to_date(None) is None and to_datetime(None) is None and to_time(None) is None
    assert component_from(to_datetime(date(2014, 1, 1)), precision="hour") is None   # ToDateTimeTimeUnspecified
    assert OPERATORS["ConvertsToDate"]("2014-01-01") is True
    assert OPERATORS["ConvertsToDateTime"]("not a date") is False
    assert OPERATORS["ConvertsToTime"](None) is None
    with pytest.raises(CqlRuntimeError):
        to_date(5)


def test_clock_functions() -> None:
    n = L("@2024-06-15T12:34:56.789+02:00")
    assert now(n) is n
    assert text(today(n)) == "@2024-06-15"
    assert text(time_of_day(n)) == "@T12:34:56.789"
    assert today(n).cql_equal(today(n)) is True                      # Issue34B
    assert (now(n) == now(n)) is True                                 # DateTimeNow


def test_extremes() -> None:
    assert text(min_value("DateTime")) == "@0001-01-01T00:00:00.000Z"     # DateTimeMinValue
    assert text(max_value("System.DateTime")) == "@9999-12-31T23:59:59.999Z"
    assert text(min_value("Date")) == "@0001-01-01" and text(max_value("Date")) == "@9999-12-31"
    assert text(min_value("Time")) == "@T00:00:00.000" and text(max_value("Time")) == "@T23:59:59.999"
    assert min_value("Integer") is None


BOUNDARIES = [
    ("HighBoundaryDateMonth", high_boundary, L("@2014"), 6, "@2014-12"),
    ("HighBoundaryDateTimeMillisecond", high_boundary, L("@2014-01-01T08"), 17, "@2014-01-01T08:59:59.999"),
    ("HighBoundaryTimeMillisecond", high_boundary, L("@T10:30"), 9, "@T10:30:59.999"),
    ("LowBoundaryDateMonth", low_boundary, L("@2014"), 6, "@2014-01"),
    ("LowBoundaryDateTimeMillisecond", low_boundary, L("@2014-01-01T08"), 17, "@2014-01-01T08:00:00.000"),
    ("LowBoundaryTimeMillisecond", low_boundary, L("@T10:30"), 9, "@T10:30:00.000"),
    ("HighBoundaryFebLeap", high_boundary, L("@2016-02"), 8, "@2016-02-29"),
    ("HighBoundaryDefault", high_boundary, L("@2015-02T"), None, "@2015-02-28T23:59:59.999"),
    ("HighBoundaryOddDigits", high_boundary, L("@2014"), 7, "@2014-12"),
    ("HighBoundaryDateTooPrecise", high_boundary, L("@2014"), 9, None),
    ("LowBoundaryCoarser", low_boundary, L("@2014-05-06T10"), 6, "@2014-05T"),
    ("BeyondMax", high_boundary, L("@2014"), 18, None),
]


@pytest.mark.parametrize("name,fn,value,digits,expected", BOUNDARIES, ids=[c[0] for c in BOUNDARIES])
def test_boundaries(name, fn, value, digits, expected) -> None:
    assert text(fn(value, digits)) == expected


def test_precision_digits() -> None:
    assert precision_digits(L("@2014")) == 4                                   # PrecisionYear
    assert precision_digits(L("@2014-01-05T10:30:00.000")) == 17               # PrecisionDateTimeMilliseconds
    assert precision_digits(L("@T10:30")) == 4                                 # PrecisionTimeMinutes
    assert precision_digits(L("@T10:30:00.000")) == 9
    assert precision_digits(None) is None


def test_tables_name_the_elm_operators() -> None:
    for name in ("Date", "DateTime", "Time", "DateFrom", "TimeFrom", "TimezoneOffsetFrom",
                 "DateTimeComponentFrom", "SameAs", "SameOrBefore", "SameOrAfter", "Before", "After",
                 "DifferenceBetween", "DurationBetween", "ToDate", "ToDateTime", "ToTime"):
        assert callable(OPERATORS[name])
    assert FUNCTIONS["CalculateAgeInYearsAt"](date(2000, 1, 1), date(2010, 1, 1)) == 10
    assert isinstance(OPERATORS["Today"](L("@2014-01-01T10:00")), Date)
    assert isinstance(OPERATORS["TimeOfDay"](L("@2014-01-01T10:00")), Time)
    assert isinstance(OPERATORS["DateTime"](2014), DateTime)


def test_with_offset_keeps_the_instant() -> None:
    v = L("@2014-01-01T23:30:00.000-05:00")
    moved = v.with_offset(Decimal("1"))
    assert text(moved) == "@2014-01-02T05:30:00.000+01:00"
    assert moved.cql_compare(v) == 0
    assert text(L("@2014-01-01T").with_offset(2)) == "@2014-01-01T+02:00"
    with pytest.raises(CqlRuntimeError):
        L("@0001-01-01T00:00:00.000Z").with_offset(-5)


@pytest.mark.parametrize("literal,offset", [
    ("2014-01-01T10:00-03:30", Decimal("-3.50")), ("2014-01-01T10:00+05:45", Decimal("5.75")),
    ("2014-01-01T10:00-00:30", Decimal("-0.50")), ("2014-01-01T10:00Z", Decimal("0")),
])
def test_offsets_are_decimal_hours(literal, offset) -> None:
    v = parse_temporal_literal(literal)
    assert v.offset == offset and timezone_offset_from(v) == offset
    assert parse_temporal_literal(v.cql_str()[1:]).offset == offset
