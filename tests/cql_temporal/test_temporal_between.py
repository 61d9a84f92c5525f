"""DifferenceBetween / DurationBetween (suite groups Difference, Duration, Uncertainty
tests, 'From Github issue #29'; CqlTypesTest DateTimeUncertain) and the age functions."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.temporal import (
    calculate_age, calculate_age_at, date, date_from, datetime, difference_between, duration_between)
from fhirrules.cql.types.interval import Interval

from .helpers import L

D = datetime


def iv(low: int, high: int) -> tuple:
    return ("interval", low, high)


def shape(v):
    return ("interval", v.low, v.high) if isinstance(v, Interval) else v


DIFFERENCE = [
    ("DateTimeDifferenceYear", D(2000), D(2005, 12), "year", 5),
    ("DateTimeDifferenceMonth", D(2000, 2), D(2000, 10), "month", 8),
    ("DateTimeDifferenceDay", D(2000, 10, 15, 10, 30), D(2000, 10, 25, 10, 0), "day", 10),
    ("DateTimeDifferenceHour", D(2000, 4, 1, 12), D(2000, 4, 1, 20), "hour", 8),
    ("DateTimeDifferenceMinute", D(2005, 12, 10, 5, 16), D(2005, 12, 10, 5, 25), "minute", 9),
    ("DateTimeDifferenceSecond", D(2000, 10, 10, 10, 5, 45), D(2000, 10, 10, 10, 5, 50), "second", 5),
    ("DateTimeDifferenceMillisecond", D(2000, 10, 10, 10, 5, 45, 500, -6.0),
     D(2000, 10, 10, 10, 5, 45, 900, -7.0), "millisecond", 3600400),
    ("DateTimeDifferenceWeeks", D(2000, 10, 15), D(2000, 10, 28), "week", 1),
    ("DateTimeDifferenceWeeks2", D(2000, 10, 15), D(2000, 10, 29), "week", 2),
    ("DateTimeDifferenceWeeks3", L("@2012-03-10T22:05:09"), L("@2012-03-24T07:19:33"), "week", 2),
    ("DateTimeDifferenceNegative", D(2016), D(1998), "year", -18),
    ("TimeDifferenceHour", L("@T20"), L("@T23:25:15.555"), "hour", 3),
    ("TimeDifferenceMinute", L("@T20:20:15.555"), L("@T20:25:15.555"), "minute", 5),
    ("TimeDifferenceSecond", L("@T20:20:15.555"), L("@T20:20:20.555"), "second", 5),
    ("TimeDifferenceMillis", L("@T20:20:15.555"), L("@T20:20:15.550"), "millisecond", -5),
    ("DifferenceInHoursA", L("@2017-03-12T01:00:00-07:00"), L("@2017-03-12T03:00:00-06:00"), "hour", 1),
    ("DifferenceInMinutesA", L("@2017-11-05T01:30:00-06:00"), L("@2017-11-05T01:15:00-07:00"), "minute", 45),
    ("DifferenceInDaysA", L("@2017-03-12T00:00:00-07:00"), L("@2017-03-13T00:00:00-06:00"), "day", 1),
    ("DifferenceInHoursAA", D(2017, 3, 12, 1, 0, 0, 0, -7.0), D(2017, 3, 12, 3, 0, 0, 0, -6.0), "hour", 1),
    ("DifferenceInDaysAA", D(2017, 3, 12, 0, 0, 0, 0, -7.0), D(2017, 3, 13, 0, 0, 0, 0, -6.0), "day", 1),
    ("SpecDifferenceInMonths", L("@2012-01-01"), L("@2012-02-01"), "month", 1),
    ("SpecUncertainDifferenceInMonths", L("@2012-01-02"), L("@2012"), "month", iv(0, 11)),
    ("DifferenceUncertainMonths", D(2005), D(2006, 7), "month", iv(7, 18)),
    ("YearBoundaryCrossed", L("@2012-12-31"), L("@2013-01-01"), "year", 1),
    ("DayBoundaryAcrossMidnight", L("@2012-01-01T23:00"), L("@2012-01-02T01:00"), "day", 1),
]


@pytest.mark.parametrize("name,a,b,precision,expected", DIFFERENCE, ids=[c[0] for c in DIFFERENCE])
def test_difference(name, a, b, precision, expected) -> None:
    assert shape(difference_between(a, b, precision=precision)) == expected


DURATION = [
    ("DateTimeDurationBetweenYear", D(2005), D(2010), "year", iv(4, 5)),
    ("DateTimeDurationBetweenYearOffset", D(2005, 5), D(2010, 4), "year", 4),
    ("DateTimeDurationBetweenMonth", L("@2014-01-31"), L("@2014-02-01"), "month", 0),
    ("DateTimeDurationBetweenDaysDiffYears", D(2010, 10, 12, 12, 5), D(2008, 8, 15, 8, 8), "day", -788),
    ("DateTimeDurationBetweenUncertainInterval2", D(2005), D(2006, 5), "month", iv(4, 16)),
    ("DateTimeUncertain", D(2015, 2, 10), D(2015, 3), "day", iv(18, 49)),   # CqlTypesTest
    ("DurationInYears", date_from(L("@2012-03-10T10:20:00")), date_from(L("@2013-03-10T09:20:00")), "year", 1),
    ("DurationInYearsWithTime", L("@2012-03-10T10:20:00"), L("@2013-03-10T09:20:00"), "year", 0),
    ("DurationInWeeks", L("@2012-03-10T22:05:09"), L("@2012-03-20T07:19:33"), "week", 1),
    ("DurationInWeeks2", L("@2012-03-10T22:05:09"), L("@2012-03-24T07:19:33"), "week", 1),
    ("DurationInWeeks3", L("@2012-03-10T06:05:09"), L("@2012-03-24T07:19:33"), "week", 2),
    ("TimeDurationBetweenHour", L("@T20:26:15.555"), L("@T23:25:15.555"), "hour", 2),
    ("TimeDurationBetweenHourDiffPrecision2", L("@T06"), L("@T07:00:00"), "hour", 1),
    ("TimeDurationBetweenMinute", L("@T23:20:16.555"), L("@T23:25:15.555"), "minute", 4),
    ("TimeDurationBetweenSecond", L("@T23:25:10.556"), L("@T23:25:15.555"), "second", 4),
    ("TimeDurationBetweenMillis", L("@T23:25:25.555"), L("@T23:25:25.560"), "millisecond", 5),
    ("DurationInHoursA", L("@2017-03-12T01:00:00-07:00"), L("@2017-03-12T03:00:00-06:00"), "hour", 1),
    ("DurationInMinutesA", L("@2017-11-05T01:30:00-06:00"), L("@2017-11-05T01:15:00-07:00"), "minute", 45),
    ("DurationInDaysA", L("@2017-03-12T00:00:00-07:00"), L("@2017-03-13T00:00:00-06:00"), "day", 0),
    ("DurationInDaysAA", D(2017, 3, 12, 0, 0, 0, 0, -7.0), D(2017, 3, 13, 0, 0, 0, 0, -6.0), "day", 0),
    ("SpecDurationInMonths", L("@2012-01-01"), L("@2012-02-01"), "month", 1),
    ("SpecMinuteVsDay", L("@2017-08-07T17:00"), L("@2017-08-14T"), "day", iv(6, 7)),
    ("SpecSecondsAndMillis", L("@2012-01-01T01:00:00"), L("@2012-01-01T02:00:00.0"), "hour", 1),
    ("EndOfMonthNotAWholeMonth", L("@2014-01-31"), L("@2014-02-28"), "month", 0),
    ("LeapDayBirthday", L("@2012-02-29"), L("@2013-02-28"), "year", 0),
    ("LeapDayBirthday2", L("@2012-02-29"), L("@2013-03-01"), "year", 1),
    ("NegativeMonths", L("@2014-03-15"), L("@2014-01-20"), "month", -1),
    ("DaysAcrossLeapYear", L("@2016-01-01"), L("@2017-01-01"), "day", 366),
]


@pytest.mark.parametrize("name,a,b,precision,expected", DURATION, ids=[c[0] for c in DURATION])
def test_duration(name, a, b, precision, expected) -> None:
    assert shape(duration_between(a, b, precision=precision)) == expected


def test_month_uncertainty_feeds_comparisons() -> None:
    # DateTimeDurationBetweenMonthUncertain*: the uncertainty decides comparisons when
    # its whole range is on one side (the arithmetic/comparison modules do the comparing)
    assert shape(duration_between(D(2005), D(2006, 7), precision="month")) == iv(6, 18)
    assert shape(duration_between(D(2005), D(2006, 2), precision="month")) == iv(1, 13)


@pytest.mark.xfail(strict=True, reason="suite's DateTimeDurationBetweenUncertainInterval expects [17, 44], "
                   "but the same file's Add/Subtract/Multiply uncertainty tests need [16, 44] for the same "
                   "expression; we follow the majority (the first day counts as uncertain to the ms)")
def test_suite_inconsistent_uncertain_interval() -> None:
    assert shape(duration_between(D(2014, 1, 15), D(2014, 2), precision="day")) == iv(17, 44)


def test_uncertain_interval_used_by_arithmetic_tests() -> None:
    # DateTimeDurationBetweenUncertainAdd expects [32, 88] = 2 x [16, 44]
    assert shape(duration_between(D(2014, 1, 15), D(2014, 2), precision="day")) == iv(16, 44)
    # Dates are exact at day precision: the spec's own example is [17, 44]
    assert shape(duration_between(date(2014, 1, 15), date(2014, 2), precision="day")) == iv(17, 44)


def test_between_nulls_and_errors() -> None:
    assert duration_between(None, D(2014), precision="year") is None
    assert difference_between(D(2014), None, precision="year") is None
    with pytest.raises(CqlRuntimeError):
        duration_between(L("@T10"), D(2014), precision="hour")
    with pytest.raises(CqlRuntimeError):
        duration_between(date(2014), date(2015), precision="hour")
    with pytest.raises(CqlRuntimeError):
        difference_between(L("@T10"), L("@T11"), precision="day")
    with pytest.raises(CqlRuntimeError):
        duration_between(5, D(2014), precision="year")


def test_mixed_date_and_datetime() -> None:
    # the Date becomes a day-precision DateTime (ToDateTime), whose time of day is unknown
    assert shape(duration_between(date(2014, 1, 1), L("@2014-01-11T00:00:00.000"), precision="day")) == iv(9, 10)
    assert difference_between(date(2014, 1, 1), L("@2014-01-11T23:00:00.000"), precision="day") == 10


AGES = [
    ("DayBeforeBirthday", date(1980, 6, 15), D(2024, 6, 14, 10), "year", 43),
    ("OnBirthday", date(1980, 6, 15), D(2024, 6, 15, 0, 1), "year", 44),
    ("LeapBirthdayCommonYear", date(2000, 2, 29), date(2021, 2, 28), "year", 20),
    ("LeapBirthdayMarch1", date(2000, 2, 29), date(2021, 3, 1), "year", 21),
    ("Months", date(2023, 11, 30), date(2024, 2, 29), "month", 2),
    ("Days", date(2024, 2, 1), date(2024, 3, 1), "day", 29),
    ("DateTimeBirth", L("@1990-01-01T08:00:00.000Z"), L("@2020-01-01T07:59:59.999Z"), "year", 29),
]


@pytest.mark.parametrize("name,birth,as_of,precision,expected", AGES, ids=[c[0] for c in AGES])
def test_calculate_age_at(name, birth, as_of, precision, expected) -> None:
    assert calculate_age_at(birth, as_of, precision) == expected


def test_calculate_age_uses_now() -> None:
    now = L("@2024-06-15T12:00:00.000+02:00")
    assert calculate_age(date(2000, 6, 16), now, "year") == 23
    assert calculate_age(None, now) is None
