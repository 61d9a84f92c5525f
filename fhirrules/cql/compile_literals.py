"""Literals and selectors: values written directly in the source.

Literal values are built once at compile time (range and precision checks happen here,
so a bad literal is a compile error with its position)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import compare, parse_temporal
from fhirrules.cql.errors import CqlError, CqlRuntimeError, CqlSyntaxError
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import INTEGER_MAX, INTEGER_MIN, LONG_MAX, LONG_MIN, Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple


def const(value: Any) -> Any:
    def fn(ctx: Any) -> Any:
        return value
    fn.constant = value  # type: ignore[attr-defined]  # lets callers fold constants
    return fn


def literal_value(comp: Any, node: ast.Literal, negate: bool = False) -> tuple[Any, Optional[T.CqlType]]:
    """The value and type of a literal; ``negate`` folds a leading minus sign so that
    ``-2147483648`` is the valid minimum Integer rather than an overflowing positive."""
    kind, text = node.type, node.value
    sign = -1 if negate else 1
    if kind == "Null":
        return None, None
    if kind == "Boolean":
        return bool(text), T.BOOLEAN
    if kind == "Integer":
        v = sign * int(text)
        if not INTEGER_MIN <= v <= INTEGER_MAX:
            raise comp.error(node, f"Integer literal {v} is outside the Integer range "
                                   f"[{INTEGER_MIN}, {INTEGER_MAX}]", CqlSyntaxError)
        return v, T.INTEGER
    if kind == "Long":
        v = sign * int(str(text).rstrip("Ll"))
        if not LONG_MIN <= v <= LONG_MAX:
            raise comp.error(node, f"Long literal {v} is outside the Long range", CqlSyntaxError)
        return Long(v), T.LONG
    if kind == "Decimal":
        d = _check_scale(comp, node, _decimal(comp, node, text), text)
        return (-d if negate else d), T.DECIMAL
    if kind == "String":
        return text, T.STRING
    if kind in ("Date", "DateTime", "Time"):
        try:
            v = parse_temporal(str(text).lstrip("@"))
        except CqlError as e:
            raise comp.error(node, f"invalid {kind} literal @{text}: {e.message}") from None
        except NotImplementedError as e:
            raise comp.error(node, str(e)) from None
        except (ValueError, TypeError, OverflowError) as e:
            raise comp.error(node, f"invalid {kind} literal @{text}: {e}") from None
        return v, T.system(type(v).__name__ if type(v).__name__ in ("Date", "DateTime", "Time") else kind)
    if kind == "Quantity":
        num, unit = text
        q = Quantity(_decimal(comp, node, num) * sign, unit)
        return q, T.QUANTITY
    if kind == "Ratio":
        (n1, u1), (n2, u2) = text
        return Ratio(Quantity(_decimal(comp, node, n1), u1), Quantity(_decimal(comp, node, n2), u2)), T.RATIO
    raise comp.error(node, f"unknown literal type {kind}")


def _decimal(comp: Any, node: Any, text: Any) -> Decimal:
    try:
        d = Decimal(str(text))
    except InvalidOperation:
        raise comp.error(node, f"invalid number {text!r}", CqlSyntaxError) from None
    if d.copy_abs() >= _DECIMAL_LITERAL_LIMIT:
        raise comp.error(node, f"Decimal literal {text} is outside the Decimal range")
    return d


# A Decimal has 28 significant digits of which 8 after the point (spec: precision 28,
# scale 8); literals beyond those are errors rather than silently rounded.
_DECIMAL_LITERAL_LIMIT = Decimal(10) ** 28


def _check_scale(comp: Any, node: Any, d: Decimal, text: Any) -> Decimal:
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp < -8:
        raise comp.error(node, f"Decimal literal {text} has more than 8 digits after the point")
    return d


def compile_literal(comp: Any, node: ast.Literal, scope: Any) -> tuple:
    value, t = literal_value(comp, node)
    return const(value), t


def compile_list(comp: Any, node: ast.ListSelector, scope: Any) -> tuple:
    parts = [comp.expr(e, scope) for e in node.elements]
    fns = [f for f, _ in parts]
    if node.element_type is not None:
        et: Optional[T.CqlType] = comp.type_of_spec(node.element_type)
    else:
        et = _common_type([t for _, t in parts])
    conv = T.implicit_converter(et) if et is not None and any(t != et for _, t in parts) else None
    if conv is not None:
        fns = [(lambda f: lambda ctx: conv(f(ctx)))(f) for f in fns]
    return (lambda ctx: [f(ctx) for f in fns]), T.ListType(et)


def _common_type(types: list[Optional[T.CqlType]]) -> Optional[T.CqlType]:
    known = [t for t in types if t is not None]
    if not known:
        return None
    first = known[0]
    if all(t == first for t in known):
        return first
    names = {t.name for t in known if isinstance(t, T.NamedType)}
    if len(names) == len(known) or all(isinstance(t, T.NamedType) for t in known):
        for target in ("Decimal", "Long", "Quantity", "DateTime", "Concept"):
            if target in names and all(t.name == target or (t.name, target) in T.IMPLICIT
                                       for t in known if isinstance(t, T.NamedType)):
                return T.system(target)
    return T.ChoiceType(tuple(dict.fromkeys(known)))


def compile_tuple(comp: Any, node: ast.TupleSelector, scope: Any) -> tuple:
    parts = [(name, *comp.expr(e, scope)) for name, e in node.elements]
    names = [n for n, _, _ in parts]
    if len(set(names)) != len(names):
        raise comp.error(node, "duplicate element name in tuple selector")
    fns = [(n, f) for n, f, _ in parts]
    t = T.TupleType(tuple((n, ty) for n, _, ty in parts))
    return (lambda ctx: CqlTuple([(n, f(ctx)) for n, f in fns])), t


def compile_interval(comp: Any, node: ast.IntervalSelector, scope: Any) -> tuple:
    lo, lt = comp.expr(node.low, scope)
    hi, ht = comp.expr(node.high, scope)
    lc, hc = node.low_closed, node.high_closed
    pt = _common_type([lt, ht])

    def interval(ctx: Any) -> Interval:
        a, b = lo(ctx), hi(ctx)
        if a is not None and b is not None:
            ta, tb = type(a), type(b)
            if ta is not tb:
                a, b = _promote(a, b)
            c = compare(a, b)
            if c is not None and (c > 0 or (c == 0 and not (lc and hc))):
                raise CqlRuntimeError(f"invalid interval: the low boundary {a!r} must be less than "
                                      f"{'' if lc and hc else 'the '}high boundary {b!r}")
        return Interval(a, b, lc, hc)
    return comp.located(node, interval), T.IntervalType(pt)


def _promote(a: Any, b: Any) -> tuple[Any, Any]:
    """Integer/Long bounds mixed with Decimal bounds become Decimals (implicit conversion)."""
    if isinstance(a, Decimal) and type(b) in (int, Long):
        return a, Decimal(b)
    if isinstance(b, Decimal) and type(a) in (int, Long):
        return Decimal(a), b
    if type(a) is Long and type(b) is int:
        return a, Long(b)
    if type(b) is Long and type(a) is int:
        return Long(a), b
    return a, b


def compile_instance(comp: Any, node: ast.InstanceSelector, scope: Any) -> tuple:
    parts = [(n, *comp.expr(e, scope)) for n, e in node.elements]
    fns = [(n, f) for n, f, _ in parts]
    ns, name = node.type.namespace, node.type.name
    system_builder = _SYSTEM_INSTANCES.get(name) if ns in (None, "System") else None
    if system_builder is not None and ns is None and any(n not in _SYSTEM_FIELDS[name] for n, _ in fns) \
            and any(m.known_type(name) for m in comp.state.models.values()):
        system_builder = None       # e.g. CodeSystem { supplements: ... } in a FHIR library
    if system_builder is not None:
        builder, t = system_builder
        allowed = _SYSTEM_FIELDS[name]
        for n, _ in fns:
            if n not in allowed:
                raise comp.error(node, f"type System.{name} has no element '{n}'; it has "
                                       + ", ".join(sorted(allowed)))

        def system_instance(ctx: Any) -> Any:
            return builder({n: f(ctx) for n, f in fns})
        return comp.located(node, system_instance), t
    t = comp.type_of_spec(node.type)
    if isinstance(t, T.ChoiceType):
        t = next((c for c in t.choices if isinstance(c, T.NamedType) and c.namespace != "System"), t)
    if not isinstance(t, T.NamedType) or t.namespace == "System":
        raise comp.error(node, f"cannot build an instance of {t}")
    model = comp.state.models.get(t.namespace)
    type_name = f"{t.namespace}.{t.name}"

    def model_instance(ctx: Any) -> Any:
        return model.create(type_name, {n: f(ctx) for n, f in fns})
    return comp.located(node, model_instance), t


def _codes(value: Any) -> list:
    """A Concept's codes: a list, or one Code promoted to a list (implicit conversion)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _quantity(e: dict) -> Quantity:
    v = e.get("value")
    if v is not None and not isinstance(v, Decimal):
        v = Decimal(v)
    return Quantity(v, e.get("unit") or "1")


_SYSTEM_INSTANCES = {
    "Code": (lambda e: Code(e.get("code"), e.get("system"), e.get("version"), e.get("display")), T.CODE),
    "Concept": (lambda e: Concept(_codes(e.get("codes")), e.get("display")), T.CONCEPT),
    "Quantity": (_quantity, T.QUANTITY),
    "Ratio": (lambda e: Ratio(e.get("numerator"), e.get("denominator")), T.RATIO),
    "ValueSet": (lambda e: ValueSetRef(e.get("id"), e.get("version"), e.get("codesystems"), e.get("name")),
                 T.system("ValueSet")),
    "CodeSystem": (lambda e: CodeSystemRef(e.get("id"), e.get("version"), e.get("name")), T.system("CodeSystem")),
}
_SYSTEM_FIELDS = {
    "Code": {"code", "system", "version", "display"}, "Concept": {"codes", "display"},
    "Quantity": {"value", "unit"}, "Ratio": {"numerator", "denominator"},
    "ValueSet": {"id", "version", "codesystems", "name"}, "CodeSystem": {"id", "version", "name"},
}


def compile_code_selector(comp: Any, node: ast.CodeSelector, scope: Any) -> tuple:
    cs = _codesystem(comp, node.system, scope)
    code = Code(node.code, cs.id, cs.version, node.display)
    return const(code), T.CODE


def _codesystem(comp: Any, expr: Any, scope: Any) -> CodeSystemRef:
    fn, t = comp.expr(expr, scope)
    value = getattr(fn, "constant", None)
    if not isinstance(value, CodeSystemRef):
        raise comp.error(expr, "a code's system must name a codesystem definition")
    return value


def compile_concept_selector(comp: Any, node: ast.ConceptSelector, scope: Any) -> tuple:
    codes = [compile_code_selector(comp, c, scope)[0].constant for c in node.codes]
    return const(Concept(codes, node.display)), T.CONCEPT
