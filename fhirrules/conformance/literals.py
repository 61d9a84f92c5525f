"""Expected values of the conformance suites: printing CQL values as CQL text and
comparing an expected value (the suite's ``<output>`` evaluated as CQL) with an actual
value structurally — same kind of value, decimals within 1e-8, date/times at the same
precision, lists/tuples/intervals element by element."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhirrules.cql.compile_bridge import equal
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple

TOLERANCE = Decimal("1e-8")
_TEMPORAL = ("Date", "DateTime", "Time")


def _str_literal(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def format_value(v: Any) -> str:
    """CQL text for a value (what the runner prints as 'actual')."""
    if v is None:
        return "null"
    if type(v) is bool:
        return "true" if v else "false"
    if type(v) is Long:
        return f"{int(v)}L"
    if type(v) is int:
        return str(v)
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, str):
        return _str_literal(v)
    if type(v).__name__ in _TEMPORAL and hasattr(v, "cql_str"):
        return v.cql_str()
    if isinstance(v, Quantity):
        return f"{v.value} '{v.unit}'" if v.unit != "1" else f"{v.value} '1'"
    if isinstance(v, Ratio):
        return f"{format_value(v.numerator)}:{format_value(v.denominator)}"
    if isinstance(v, list):
        return "{" + ", ".join(format_value(x) for x in v) + "}"
    if isinstance(v, Interval):
        return ("Interval" + ("[" if v.low_closed else "(") + format_value(v.low) + ", "
                + format_value(v.high) + ("]" if v.high_closed else ")"))
    if isinstance(v, CqlTuple):
        return "Tuple { " + ", ".join(f"{k}: {format_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Code):
        parts = [f"code: {_str_literal(v.code or '')}"]
        for f in ("system", "version", "display"):
            if getattr(v, f) is not None:
                parts.append(f"{f}: {_str_literal(getattr(v, f))}")
        return "Code { " + ", ".join(parts) + " }"
    if isinstance(v, Concept):
        inner = "codes: {" + ", ".join(format_value(c) for c in v.codes) + "}"
        if v.display is not None:
            inner += f", display: {_str_literal(v.display)}"
        return "Concept { " + inner + " }"
    if isinstance(v, (ValueSetRef, CodeSystemRef)):
        return f"{type(v).__name__}({v.id!r})"
    return repr(v)


def values_match(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    te, ta = type(expected), type(actual)
    if te is bool or ta is bool:
        return te is ta and expected == actual
    if te in (int, Long) or ta in (int, Long):
        return te is ta and int(expected) == int(actual)
    if isinstance(expected, Decimal):
        return isinstance(actual, Decimal) and abs(expected - actual) <= TOLERANCE
    if te is str:
        return ta is str and expected == actual
    if te.__name__ in _TEMPORAL:
        if ta.__name__ != te.__name__ or getattr(expected, "precision", None) != getattr(actual, "precision", None):
            return False
        if hasattr(expected, "cql_str") and expected.cql_str() == getattr(actual, "cql_str", lambda: None)():
            return True
        return equal(expected, actual) is True
    if isinstance(expected, Quantity):
        if not isinstance(actual, Quantity):
            return False
        if expected.unit == actual.unit:
            return values_match(expected.value, actual.value)
        return equal(expected, actual) is True
    if isinstance(expected, Ratio):
        return isinstance(actual, Ratio) and values_match(expected.numerator, actual.numerator) \
            and values_match(expected.denominator, actual.denominator)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) \
            and all(values_match(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, Interval):
        if not isinstance(actual, Interval):
            return False
        if expected.low_closed == actual.low_closed and expected.high_closed == actual.high_closed \
                and values_match(expected.low, actual.low) and values_match(expected.high, actual.high):
            return True
        return equal(expected, actual) is True
    if isinstance(expected, CqlTuple):
        return isinstance(actual, CqlTuple) and set(expected) == set(actual) \
            and all(values_match(expected[k], actual[k]) for k in expected)
    if isinstance(expected, Code):
        return isinstance(actual, Code) and all(
            getattr(expected, f) == getattr(actual, f) for f in ("code", "system", "version", "display"))
    if isinstance(expected, Concept):
        return isinstance(actual, Concept) and expected.display == actual.display \
            and values_match(expected.codes, actual.codes)
    return equal(expected, actual) is True
