"""Comparison operators (spec 09-b "Comparison Operators") and the generic helpers every
other operator module uses: ``equal``, ``equivalent`` and ``compare``.

Three-valued results: ``None`` stands for CQL null (unknown).  Values of different kinds
are never equal (``{1} = {'1'}`` is false) and not ordered (``compare`` gives None)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Optional

from fhirrules.cql.types import ucum
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio


def is_temporal(x: Any) -> bool:
    """Date, DateTime and Time implement the temporal protocol of docs/internals.md."""
    return hasattr(x, "cql_compare") and hasattr(x, "precision")


def kind(x: Any) -> str:
    """A coarse runtime type tag used to decide which comparison applies."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, Decimal)):
        return "num"
    if isinstance(x, str):
        return "str"
    if isinstance(x, Quantity):
        return "qty"
    if isinstance(x, Ratio):
        return "ratio"
    if isinstance(x, Interval):
        return "interval"
    if isinstance(x, Code):
        return "code"
    if isinstance(x, Concept):
        return "concept"
    if isinstance(x, dict):
        return "tuple"
    if isinstance(x, (list, tuple)):
        return "list"
    if is_temporal(x):
        return "temporal"
    return "other"


def _num(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(int(x))


def quantity_values(a: Quantity, b: Quantity, mode: str = "equal") -> Optional[tuple[Decimal, Decimal]]:
    """Both quantity values in ``a``'s unit, or None when the units are not comparable."""
    if a.value is None or b.value is None:
        return None
    if a.unit == b.unit:
        return a.value, b.value
    f = ucum.conversion_factor(b.unit, a.unit, mode)
    if f is None:
        # offset units (Cel, [degF]): convert towards the finer scale (Cel -> [degF]
        # multiplies by 1.8, exact; the other way divides by 1.8)
        scale = ucum.affine_scale(b.unit, a.unit)
        if scale is not None and scale < 1:
            av = ucum.convert(a.value, a.unit, b.unit, mode)
            return None if av is None else (av, b.value)
        bv = ucum.convert(b.value, b.unit, a.unit, mode)
        return None if bv is None else (a.value, bv)
    if mode == "equivalent":
        # compare in the larger unit: the value converted from the smaller unit keeps
        # its digits as decimals, so rounding to the less precise operand is fair
        # (4 'g' ~ 4040 'mg' compares 4 with 4.040)
        if f > 1:
            back = ucum.conversion_factor(a.unit, b.unit, mode)
            if back is not None:
                return a.value * back, b.value
        return a.value, b.value * f
    if f < 1:
        # convert the other way so the factor is >= 1 and usually exact (1 week vs 7
        # days: 7 * 1 rather than 7 * 0.142857...)
        back = ucum.conversion_factor(a.unit, b.unit, mode)
        if back is not None:
            return a.value * back, b.value
    return a.value, b.value * f


# ------------------------------------------------------------------------ equality
# values of these exact types compare with Python's own operators (the common case in
# query filters, so it skips the dispatch below)
_PLAIN = frozenset((int, str, bool, Decimal))


def equal(a: Any, b: Any) -> Optional[bool]:
    """CQL ``=``: null when either side is null or the answer is uncertain."""
    if a is None or b is None:
        return None
    ta = type(a)
    if ta is type(b) and ta in _PLAIN:
        return a == b
    ka, kb = kind(a), kind(b)
    if ka != kb:
        if {ka, kb} == {"code", "concept"}:
            return _code_concept_equal(a, b)
        return False
    if ka in ("bool", "str"):
        return a == b
    if ka == "num":
        return _num(a) == _num(b)
    if ka == "qty":
        vals = quantity_values(a, b)
        return None if vals is None else vals[0] == vals[1]
    if ka == "ratio":
        return _all_equal([(a.numerator, b.numerator), (a.denominator, b.denominator)])
    if ka == "temporal":
        return a.cql_equal(b)
    if ka == "tuple":
        if set(a.keys()) != set(b.keys()):
            return False
        return _all_equal([(a[k], b[k]) for k in a.keys()])
    if ka == "list":
        if len(a) != len(b):
            return False
        return _all_equal(list(zip(a, b)))
    if ka == "interval":
        return _interval_equal(a, b)
    if ka == "code":
        return _all_equal([(a.code, b.code), (a.system, b.system),
                           (a.version, b.version), (a.display, b.display)])
    if ka == "concept":
        if len(a.codes) != len(b.codes):
            return False
        return _all_equal(list(zip(a.codes, b.codes)) + [(a.display, b.display)])
    return a == b


def _code_concept_equal(a: Any, b: Any) -> Optional[bool]:
    # Code = Concept compares the Code as a single-code Concept (implicit conversion)
    ca = a if isinstance(a, Concept) else Concept([a])
    cb = b if isinstance(b, Concept) else Concept([b])
    return equal(Concept(ca.codes), Concept(cb.codes))


def _all_equal(pairs: list[tuple[Any, Any]]) -> Optional[bool]:
    """Element-wise equality for structured values.  Elements are taken in order: both
    null counts as equal, one null makes the result null, a definite difference makes it
    false (the conformance suite expects ``Tuple{Id: null, Name: 'John'} =
    Tuple{Id: 1, Name: 'James'}`` to be null, so the first uncertain element decides)."""
    for x, y in pairs:
        if x is None and y is None:
            continue
        r = equal(x, y)
        if r is None or r is False:
            return r
    return True


def _interval_equal(a: Interval, b: Interval) -> Optional[bool]:
    from fhirrules.cql.operators import interval as iv
    if _both_null_bounds(a) or _both_null_bounds(b):
        return None
    s = iv.points_equal(iv.start_point(a), iv.start_point(b))
    if s is False:
        return False
    e = iv.points_equal(iv.end_point(a), iv.end_point(b))
    if e is False:
        return False
    if s is None or e is None:
        return None
    return True


def _both_null_bounds(i: Interval) -> bool:
    return i.low is None and i.high is None


# --------------------------------------------------------------------- equivalence
def _decimal_places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def decimal_equivalent(a: Decimal, b: Decimal) -> bool:
    """Equal after rounding both to the precision of the less precise operand (trailing
    zeros do not count towards precision)."""
    places = min(_decimal_places(a), _decimal_places(b))
    q = Decimal(1).scaleb(-places)
    return a.quantize(q, rounding=ROUND_HALF_UP) == b.quantize(q, rounding=ROUND_HALF_UP)


def normalize_string(s: str) -> str:
    """String equivalence ignores case and treats every whitespace character as a space
    (spec 09-b, Equivalent: "normalizing whitespace")."""
    return "".join(" " if ch.isspace() else ch for ch in s).casefold()


def equivalent(a: Any, b: Any) -> bool:
    """CQL ``~``: never null; null ~ null is true."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        if {ka, kb} == {"code", "concept"}:
            codes_a = a.codes if isinstance(a, Concept) else [a]
            codes_b = b.codes if isinstance(b, Concept) else [b]
            return any(equivalent(x, y) for x in codes_a for y in codes_b)
        return False
    if ka == "bool":
        return a == b
    if ka == "str":
        return normalize_string(a) == normalize_string(b)
    if ka == "num":
        if isinstance(a, int) and isinstance(b, int):
            return int(a) == int(b)
        return decimal_equivalent(_num(a), _num(b))
    if ka == "qty":
        vals = quantity_values(a, b, "equivalent")
        if vals is None:
            return False
        return decimal_equivalent(*vals)
    if ka == "ratio":
        # 1:2 ~ 2:4 — compare cross products
        from fhirrules.cql.operators.arithmetic import Multiply
        return equivalent(Multiply(a.numerator, b.denominator), Multiply(b.numerator, a.denominator))
    if ka == "temporal":
        return bool(a.cql_equivalent(b))
    if ka == "tuple":
        if set(a.keys()) != set(b.keys()):
            return False
        return all(equivalent(a[k], b[k]) for k in a.keys())
    if ka == "list":
        return len(a) == len(b) and all(equivalent(x, y) for x, y in zip(a, b))
    if ka == "interval":
        from fhirrules.cql.operators import interval as iv
        if _both_null_bounds(a) or _both_null_bounds(b):
            return (_both_null_bounds(a) and _both_null_bounds(b)
                    and a.low_closed == b.low_closed and a.high_closed == b.high_closed)
        return (iv.points_equivalent(iv.start_point(a), iv.start_point(b))
                and iv.points_equivalent(iv.end_point(a), iv.end_point(b)))
    if ka == "code":
        # spec 09-b: code and system are compared with (string) equivalence
        return equivalent(a.code, b.code) and equivalent(a.system, b.system)
    if ka == "concept":
        return any(equivalent(x, y) for x in a.codes for y in b.codes)
    return a == b


# ------------------------------------------------------------------------- ordering
def compare(a: Any, b: Any, precision: Optional[str] = None) -> Optional[int]:
    """-1, 0 or 1; None when either is null, the values are not ordered against each
    other, or the answer is uncertain (temporal precision, incompatible units)."""
    if a is None or b is None:
        return None
    ta = type(a)
    if ta is type(b) and ta in _PLAIN and ta is not bool:
        return -1 if a < b else (1 if a > b else 0)
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return None
    if ka == "num":
        x, y = _num(a), _num(b)
    elif ka in ("str", "bool"):
        x, y = a, b
    elif ka == "qty":
        vals = quantity_values(a, b)
        if vals is None:
            return None
        x, y = vals
    elif ka == "temporal":
        return a.cql_compare(b, precision) if precision else a.cql_compare(b)
    else:
        return None
    return -1 if x < y else (1 if x > y else 0)


# ------------------------------------------------------------------ ELM operators
def Equal(a: Any, b: Any) -> Optional[bool]:
    return equal(a, b)


def NotEqual(a: Any, b: Any) -> Optional[bool]:
    r = equal(a, b)
    return None if r is None else not r


def Equivalent(a: Any, b: Any) -> bool:
    return equivalent(a, b)


def NotEquivalent(a: Any, b: Any) -> bool:
    return not equivalent(a, b)


def _uncertain_compare(a: Any, b: Any, test: Callable[[int], bool]) -> Optional[bool]:
    """Ordering when one side is an uncertainty interval (``months between
    DateTime(2005) and DateTime(2006, 7)`` is Interval[6, 18]): the answer is known when
    every value of the range gives the same one."""
    lo_a, hi_a = (a.low, a.high) if isinstance(a, Interval) else (a, a)
    lo_b, hi_b = (b.low, b.high) if isinstance(b, Interval) else (b, b)
    answers = {test(c) for c in (compare(lo_a, lo_b), compare(lo_a, hi_b),
                                  compare(hi_a, lo_b), compare(hi_a, hi_b)) if c is not None}
    if len(answers) != 1:
        return None
    # both extremes agree; values in between are ordered the same way
    extremes = [compare(hi_a, lo_b), compare(lo_a, hi_b)]
    return answers.pop() if None not in extremes else None


def _ordered(test: Callable[[int], bool]) -> Callable[..., Optional[bool]]:
    def op(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
        if isinstance(a, Interval) != isinstance(b, Interval) and a is not None and b is not None:
            return _uncertain_compare(a, b, test)
        c = compare(a, b, precision)
        return None if c is None else test(c)
    return op


Less = _ordered(lambda c: c < 0)
LessOrEqual = _ordered(lambda c: c <= 0)
Greater = _ordered(lambda c: c > 0)
GreaterOrEqual = _ordered(lambda c: c >= 0)
Less.__name__, LessOrEqual.__name__, Greater.__name__, GreaterOrEqual.__name__ = (
    "Less", "LessOrEqual", "Greater", "GreaterOrEqual")


OPERATORS: dict[str, Callable[..., Any]] = {
    "Equal": Equal, "NotEqual": NotEqual, "Equivalent": Equivalent,
    "NotEquivalent": NotEquivalent, "Less": Less, "LessOrEqual": LessOrEqual,
    "Greater": Greater, "GreaterOrEqual": GreaterOrEqual,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
