"""The CQL type system as the compiler sees it: type specifiers, the run-time type test
behind ``is``/``as``/``cast``, ``convert``, and ``minimum``/``maximum`` of a type.

Types are small frozen dataclasses so they can be compared and hashed at compile time
(overload resolution).  Run-time checks are built once per type into a predicate
``check(value, models) -> bool`` so evaluation never re-reads the type structure."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping, Optional

from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import LONG_MAX, LONG_MIN, INTEGER_MAX, INTEGER_MIN, Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple


# ---------------------------------------------------------------- type values
class CqlType:
    """Base of the compile-time type descriptors."""


@dataclass(frozen=True)
class NamedType(CqlType):
    namespace: str          # 'System', 'FHIR', ...
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True)
class ListType(CqlType):
    element: Optional[CqlType]

    def __str__(self) -> str:
        return f"List<{self.element or 'System.Any'}>"


@dataclass(frozen=True)
class IntervalType(CqlType):
    point: Optional[CqlType]

    def __str__(self) -> str:
        return f"Interval<{self.point or 'System.Any'}>"


@dataclass(frozen=True)
class TupleType(CqlType):
    elements: tuple[tuple[str, Optional[CqlType]], ...]

    def __str__(self) -> str:
        return "Tuple{" + ", ".join(f"{n}: {t or 'System.Any'}" for n, t in self.elements) + "}"


@dataclass(frozen=True)
class ChoiceType(CqlType):
    choices: tuple[CqlType, ...]

    def __str__(self) -> str:
        return "Choice<" + ", ".join(map(str, self.choices)) + ">"


SYSTEM_TYPE_NAMES = (
    "Any", "Boolean", "Integer", "Long", "Decimal", "String", "Date", "DateTime", "Time",
    "Quantity", "Ratio", "Code", "Concept", "Vocabulary", "ValueSet", "CodeSystem",
)


def system(name: str) -> NamedType:
    return NamedType("System", name)


ANY = system("Any")
BOOLEAN, INTEGER, LONG, DECIMAL, STRING = (system(n) for n in ("Boolean", "Integer", "Long", "Decimal", "String"))
DATE, DATETIME, TIME = system("Date"), system("DateTime"), system("Time")
QUANTITY, RATIO, CODE, CONCEPT = system("Quantity"), system("Ratio"), system("Code"), system("Concept")


def is_system(t: Optional[CqlType], name: str) -> bool:
    return isinstance(t, NamedType) and t.namespace == "System" and t.name == name


# ---------------------------------------------------------------- run-time type of values
_TEMPORAL_NAMES = {"Date", "DateTime", "Time"}


def type_of(value: Any) -> Optional[CqlType]:
    """The System type of a run-time value, or None (null or a model value)."""
    if value is None:
        return None
    cls = type(value)
    simple = _SIMPLE_TYPES.get(cls)
    if simple is not None:
        return simple
    name = cls.__name__
    if name in _TEMPORAL_NAMES:
        return system(name)
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, list):
        for v in value:
            t = type_of(v)
            if t is not None:
                return ListType(t)
        return ListType(None)
    if isinstance(value, Interval):
        return IntervalType(type_of(value.low) or type_of(value.high))
    if isinstance(value, CqlTuple):
        return TupleType(tuple((k, type_of(v)) for k, v in value.items()))
    return None


_SIMPLE_TYPES: dict[type, CqlType] = {
    bool: BOOLEAN, int: INTEGER, Long: LONG, Decimal: DECIMAL, str: STRING,
    Quantity: QUANTITY, Ratio: RATIO, Code: CODE, Concept: CONCEPT,
    ValueSetRef: system("ValueSet"), CodeSystemRef: system("CodeSystem"),
}


# ---------------------------------------------------------------- run-time type tests
Check = Callable[[Any, Mapping[str, Any]], bool]


def build_check(t: CqlType) -> Check:
    """A predicate telling whether a non-null value is of type ``t`` (null is never of a
    type: callers test for None first)."""
    if isinstance(t, NamedType):
        if t.namespace == "System":
            return _system_check(t.name)
        ns, name = t.namespace, t.name

        def model_check(v: Any, models: Mapping[str, Any]) -> bool:
            m = models.get(ns)
            if m is None:
                return False
            r = m.is_type(v, f"{ns}.{name}")
            return bool(r)
        return model_check
    if isinstance(t, ListType):
        elem = build_check(t.element) if t.element is not None else None

        def list_check(v: Any, models: Mapping[str, Any]) -> bool:
            if not isinstance(v, list):
                return False
            return elem is None or all(x is None or elem(x, models) for x in v)
        return list_check
    if isinstance(t, IntervalType):
        point = build_check(t.point) if t.point is not None else None

        def interval_check(v: Any, models: Mapping[str, Any]) -> bool:
            if not isinstance(v, Interval):
                return False
            return point is None or all(b is None or point(b, models) for b in (v.low, v.high))
        return interval_check
    if isinstance(t, TupleType):
        checks = {n: (build_check(et) if et is not None else None) for n, et in t.elements}

        def tuple_check(v: Any, models: Mapping[str, Any]) -> bool:
            if not isinstance(v, CqlTuple) or any(k not in checks for k in v):
                return False
            return all(c is None or v.get(n) is None or c(v[n], models) for n, c in checks.items())
        return tuple_check
    if isinstance(t, ChoiceType):
        alts = [build_check(c) for c in t.choices]
        return lambda v, models: any(a(v, models) for a in alts)
    raise TypeError(f"not a type: {t!r}")


def _system_check(name: str) -> Check:
    if name == "Any":
        return lambda v, m: True
    if name == "Boolean":
        return lambda v, m: type(v) is bool
    if name == "Integer":
        return lambda v, m: type(v) is int
    if name == "Long":
        return lambda v, m: type(v) is Long
    if name == "Decimal":
        return lambda v, m: isinstance(v, Decimal)
    if name == "String":
        return lambda v, m: type(v) is str
    if name in _TEMPORAL_NAMES:
        return lambda v, m: type(v).__name__ == name
    if name == "Vocabulary":
        return lambda v, m: isinstance(v, (ValueSetRef, CodeSystemRef))
    cls = {"Quantity": Quantity, "Ratio": Ratio, "Code": Code, "Concept": Concept,
           "ValueSet": ValueSetRef, "CodeSystem": CodeSystemRef}.get(name)
    if cls is None:
        raise KeyError(name)
    return lambda v, m: isinstance(v, cls)


# ---------------------------------------------------------------- subtyping (compile time)
def is_subtype(a: Optional[CqlType], b: Optional[CqlType]) -> bool:
    """True when every value of ``a`` is a value of ``b`` (None means 'unknown' and is
    treated as Any on the right, unknown on the left never matches exactly)."""
    if b is None or b == ANY:
        return True
    if a is None:
        return False
    if a == b:
        return True
    if isinstance(b, ChoiceType):
        return any(is_subtype(a, c) for c in b.choices)
    if isinstance(a, ListType) and isinstance(b, ListType):
        return a.element is None or is_subtype(a.element, b.element)
    if isinstance(a, IntervalType) and isinstance(b, IntervalType):
        return a.point is None or is_subtype(a.point, b.point)
    if isinstance(a, TupleType) and isinstance(b, TupleType):
        bd = dict(b.elements)
        return all(n in bd and (t is None or is_subtype(t, bd[n])) for n, t in a.elements)
    if isinstance(a, NamedType) and isinstance(b, NamedType) and b.namespace == "System":
        return b.name == "Vocabulary" and a.name in ("ValueSet", "CodeSystem")
    return False


# Implicit conversions CQL applies when an operand's type does not match (spec 2.9 / 5.6).
IMPLICIT = {
    ("Integer", "Long"), ("Integer", "Decimal"), ("Long", "Decimal"), ("Integer", "Quantity"),
    ("Decimal", "Quantity"), ("Date", "DateTime"), ("Code", "Concept"),
}


def implicitly_converts(a: Optional[CqlType], b: Optional[CqlType]) -> bool:
    if isinstance(a, NamedType) and isinstance(b, NamedType) and a.namespace == b.namespace == "System":
        return (a.name, b.name) in IMPLICIT
    if isinstance(a, ListType) and isinstance(b, ListType):
        return implicitly_converts(a.element, b.element)
    if isinstance(a, IntervalType) and isinstance(b, IntervalType):
        return implicitly_converts(a.point, b.point)
    return False


def implicit_converter(target: Optional[CqlType]) -> Optional[Callable[[Any], Any]]:
    """A run-time converter applying the implicit System conversions towards ``target``
    (used on function arguments), or None when no conversion can apply."""
    if not isinstance(target, NamedType) or target.namespace != "System":
        return None
    name = target.name
    if name == "Decimal":
        return lambda v: Decimal(v) if type(v) is int or type(v) is Long else v
    if name == "Long":
        return lambda v: Long(v) if type(v) is int else v
    if name == "Quantity":
        return lambda v: (Quantity(Decimal(v), "1") if type(v) is int or type(v) is Long
                          else Quantity(v, "1") if isinstance(v, Decimal) else v)
    if name == "Concept":
        return lambda v: Concept([v]) if isinstance(v, Code) else v
    return None


# ---------------------------------------------------------------- minimum / maximum
DECIMAL_MAX = Decimal("99999999999999999999.99999999")
DECIMAL_MIN = -DECIMAL_MAX


def type_extent(kind: str, t: CqlType) -> Any:
    """``minimum T`` / ``maximum T``; KeyError when the type has none."""
    if not isinstance(t, NamedType) or t.namespace != "System":
        raise KeyError(str(t))
    lo = kind == "minimum"
    name = t.name
    if name == "Integer":
        return INTEGER_MIN if lo else INTEGER_MAX
    if name == "Long":
        return Long(LONG_MIN if lo else LONG_MAX)
    if name == "Decimal":
        return DECIMAL_MIN if lo else DECIMAL_MAX
    if name == "Quantity":
        return Quantity(DECIMAL_MIN if lo else DECIMAL_MAX, "1")
    text = {
        ("Date", True): "0001-01-01", ("Date", False): "9999-12-31",
        ("DateTime", True): "0001-01-01T00:00:00.000Z", ("DateTime", False): "9999-12-31T23:59:59.999Z",
        ("Time", True): "T00:00:00.000", ("Time", False): "T23:59:59.999",
    }.get((name, lo))
    if text is None:
        raise KeyError(name)
    from fhirrules.cql.compile_bridge import parse_temporal
    return parse_temporal(text)
