"""Aggregate functions (spec 09-b "Aggregate Functions").  Nulls in the input are
ignored; an aggregate over no (non-null) values is null, except Count (0), AllTrue (true)
and AnyTrue (false)."""
from __future__ import annotations

from decimal import Decimal, localcontext
from functools import cmp_to_key
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators.comparison import compare, equal
from fhirrules.cql.operators.list import distinct
from fhirrules.cql.types.primitives import DECIMAL_CONTEXT, normalize_decimal
from fhirrules.cql.types.quantity import Quantity


def _values(items: Optional[list]) -> list:
    return [] if items is None else [x for x in items if x is not None]


def Count(items: Optional[list]) -> int:
    return len(_values(items))


def Sum(items: Optional[list]) -> Any:
    vals = _values(items)
    if not vals:
        return None
    total = vals[0]
    for v in vals[1:]:
        total = ar.Add(total, v)
    return total


def Product(items: Optional[list]) -> Any:
    vals = _values(items)
    if not vals:
        return None
    total = vals[0]
    for v in vals[1:]:
        total = ar.Multiply(total, v)
    return total


def _ordered(vals: list) -> list:
    for v in vals:
        if compare(v, vals[0]) is None:
            raise CqlRuntimeError("aggregate over values that cannot be ordered")
    return sorted(vals, key=cmp_to_key(lambda x, y: compare(x, y) or 0))


def Min(items: Optional[list]) -> Any:
    vals = _values(items)
    return _ordered(vals)[0] if vals else None


def Max(items: Optional[list]) -> Any:
    vals = _values(items)
    return _ordered(vals)[-1] if vals else None


def _as_decimal(v: Any) -> Any:
    if isinstance(v, Quantity):
        return v
    return v if isinstance(v, Decimal) else Decimal(int(v))


def Avg(items: Optional[list]) -> Any:
    vals = [_as_decimal(v) for v in _values(items)]
    if not vals:
        return None
    return ar.Divide(Sum(vals), Decimal(len(vals)))


def Median(items: Optional[list]) -> Any:
    vals = _ordered([_as_decimal(v) for v in _values(items)])
    if not vals:
        return None
    mid = len(vals) // 2
    if len(vals) % 2:
        return vals[mid]
    return ar.Divide(ar.Add(vals[mid - 1], vals[mid]), Decimal(2))


def Mode(items: Optional[list]) -> Any:
    """The most frequent value; ties go to the value seen first."""
    vals = _values(items)
    if not vals:
        return None
    groups = distinct(vals)
    counts = [sum(1 for v in vals if equal(v, g)) for g in groups]
    return groups[counts.index(max(counts))]


def _variance(items: Optional[list], population: bool) -> Any:
    vals = [_as_decimal(v) for v in _values(items)]
    n = len(vals)
    if n == 0 or (n == 1 and not population):
        return None
    unit = None
    if isinstance(vals[0], Quantity):
        unit = vals[0].unit
        conv = [ar.Add(Quantity(0, unit), v) for v in vals]   # to the first unit
        if any(c is None for c in conv):
            return None
        vals = [c.value for c in conv]
    with localcontext(DECIMAL_CONTEXT):
        mean = sum(vals, Decimal(0)) / n
        ss = sum(((v - mean) ** 2 for v in vals), Decimal(0))
        var = ss / (n if population else n - 1)
    result = normalize_decimal(var)
    if unit is not None and result is not None:
        return Quantity(result, ar.Multiply(Quantity(1, unit), Quantity(1, unit)).unit)
    return result


def Variance(items: Optional[list]) -> Any:
    return _variance(items, population=False)


def PopulationVariance(items: Optional[list]) -> Any:
    return _variance(items, population=True)


def _sqrt(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, Quantity):
        raw = _variance_unit_root(v)
        return raw
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(v.sqrt())


def _variance_unit_root(q: Quantity) -> Quantity:
    # the variance unit is the square of the data unit ('g2' -> 'g')
    unit = q.unit[:-1] if q.unit.endswith("2") else q.unit
    with localcontext(DECIMAL_CONTEXT):
        return Quantity(normalize_decimal(q.value.sqrt()), unit)


def StdDev(items: Optional[list]) -> Any:
    return _sqrt(Variance(items))


def PopulationStdDev(items: Optional[list]) -> Any:
    return _sqrt(PopulationVariance(items))


def GeometricMean(items: Optional[list]) -> Any:
    vals = [_as_decimal(v) for v in _values(items)]
    if not vals:
        return None
    if any(v <= 0 for v in vals):
        return None
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal((sum((v.ln() for v in vals), Decimal(0)) / len(vals)).exp())


def AllTrue(items: Optional[list]) -> bool:
    return all(v for v in _values(items))


def AnyTrue(items: Optional[list]) -> bool:
    return any(v for v in _values(items))


_ALL: dict[str, Callable[..., Any]] = {
    "Count": Count, "Sum": Sum, "Min": Min, "Max": Max, "Avg": Avg, "Median": Median,
    "Mode": Mode, "StdDev": StdDev, "PopulationStdDev": PopulationStdDev,
    "Variance": Variance, "PopulationVariance": PopulationVariance, "AllTrue": AllTrue,
    "AnyTrue": AnyTrue, "Product": Product, "GeometricMean": GeometricMean,
}
OPERATORS: dict[str, Callable[..., Any]] = dict(_ALL)
FUNCTIONS: dict[str, Callable[..., Any]] = dict(_ALL)
