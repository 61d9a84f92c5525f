"""Compile a FHIRPath AST into closures ``fn(env, focus) -> list`` and evaluate them.

Every FHIRPath value is a collection (a Python list).  Operators reuse the CQL System
types and operators (``fhirrules.cql.operators``) on the items' System values; what is
FHIRPath-specific here is collection semantics, navigation over typed FHIR nodes and the
function library (``functions.py``).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlError, CqlRuntimeError, CqlSemanticError
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.fhir.fhirpath.nodes import PRIMITIVE_SYSTEM_TYPE, Node, fhir_type_info, is_resource_type, type_ancestors
from fhirrules.fhir.fhirpath.parser import ExternalConstant
from fhirrules.fhir.fhirpath.values import parse_temporal, singleton, system_type_name, to_boolean, to_system

Fn = Callable[["Env", list], list]


class Env:
    """Evaluation state: variables (``%name``), ``$this``/``$index``/``$total``, strict
    mode (unknown elements are errors) and the fixed ``now``."""

    __slots__ = ("variables", "this", "index", "total", "strict", "now")

    def __init__(self, variables: dict[str, list], strict: bool = False, now: Any = None) -> None:
        self.variables = variables
        self.this: Any = None
        self.index: Any = None
        self.total: Any = None
        self.strict = strict
        self.now = now

    def child(self, this: Any, index: Optional[int] = None, total: Any = None) -> "Env":
        env = Env(self.variables, self.strict, self.now)
        env.this, env.index, env.total = this, index, total if total is not None else self.total
        return env


# ---------------------------------------------------------------- equality helpers
def _cmp():
    from fhirrules.cql.operators import comparison
    return comparison


def _deep(a: Any) -> Any:
    if isinstance(a, Node):
        return a.value
    return a


def align_temporals(a: Any, b: Any) -> tuple[Any, Any, bool]:
    """FHIRPath reads seconds and milliseconds as one precision (``@T10:30:00`` equals
    ``@T10:30:00.0``), and a DateTime with a timezone cannot be compared with one without
    (the third value is False then)."""
    pa, pb = getattr(a, "precision", None), getattr(b, "precision", None)
    if pa is None or pb is None or not hasattr(a, "cql_compare") or not hasattr(b, "cql_compare"):
        return a, b, True
    if {pa, pb} == {"second", "millisecond"}:
        if pa == "second":
            a = a._replace(tuple(a.fields) + (0,))
        else:
            b = b._replace(tuple(b.fields) + (0,))
    oa, ob = getattr(a, "offset", None), getattr(b, "offset", None)
    timed = pa not in ("year", "month", "day") and pb not in ("year", "month", "day")
    if timed and hasattr(a, "offset") and hasattr(b, "offset") and (oa is None) != (ob is None):
        return a, b, False
    return a, b, True


def item_equal(a: Any, b: Any) -> Optional[bool]:
    sa, sb = to_system(a), to_system(b)
    sa, sb, comparable = align_temporals(sa, sb)
    if not comparable:
        return None
    if isinstance(sa, Node) or isinstance(sb, Node):
        return _deep(sa) == _deep(sb)
    return _cmp().equal(sa, sb)


def item_equivalent(a: Any, b: Any) -> bool:
    sa, sb, _ = align_temporals(to_system(a), to_system(b))
    if isinstance(sa, Node) or isinstance(sb, Node):
        return _deep(sa) == _deep(sb)
    return bool(_cmp().equivalent(sa, sb))


def collection_equal(left: list, right: list) -> Optional[bool]:
    if not left or not right:
        return None
    if len(left) != len(right):
        return False
    result: Optional[bool] = True
    for a, b in zip(left, right):
        r = item_equal(a, b)
        if r is False:
            return False
        if r is None:
            result = None
    return result


def collection_equivalent(left: list, right: list) -> bool:
    if len(left) != len(right):
        return False
    remaining = list(right)
    for a in left:
        for i, b in enumerate(remaining):
            if item_equivalent(a, b):
                del remaining[i]
                break
        else:
            return False
    return True


def distinct(items: list) -> list:
    out: list = []
    for item in items:
        if not any(item_equal(item, seen) is True for seen in out):
            out.append(item)
    return out


# ---------------------------------------------------------------- types
SYSTEM_TYPES = {"Any", "Boolean", "Integer", "Long", "Decimal", "String", "Date", "DateTime", "Time",
                "Quantity", "Code", "Concept", "Ratio"}


def check_type_name(spec: ast.NamedTypeSpec) -> None:
    """An unknown type name is an execution error (FHIRPath suite, testFHIRPathAsFunction23)."""
    known_fhir = fhir_type_info(spec.name) is not None or spec.name in PRIMITIVE_SYSTEM_TYPE
    known_system = spec.name in SYSTEM_TYPES
    if spec.namespace is None and not (known_fhir or known_system):
        raise CqlRuntimeError(f"unknown type {spec.namespace + '.' if spec.namespace else ''}{spec.name}", *spec.pos)


def type_matches(item: Any, spec: ast.NamedTypeSpec, primitive_bases: bool = False) -> bool:
    """``is`` passes primitive_bases=True (a code is a string); ``as``/``ofType`` do not."""
    check_type_name(spec)
    ns, name = spec.namespace, spec.name
    if isinstance(item, Node):
        if ns == "System":
            return False
        return name in type_ancestors(item.type, primitive_bases)
    sys_name = system_type_name(item)
    if ns == "FHIR":
        return False
    if sys_name == name:
        return True
    return name == "Any"


# ---------------------------------------------------------------- compiler
class Compiler:
    def __init__(self, functions: dict[str, Callable]) -> None:
        self.functions = functions

    def compile(self, node: ast.Expr) -> Fn:
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise CqlSemanticError(f"unsupported FHIRPath construct {type(node).__name__}", *node.pos)
        return method(node)

    def c_Literal(self, node: ast.Literal) -> Fn:
        value = literal_value(node)
        result = [] if value is None else [value]
        return lambda env, focus: result

    def c_ExternalConstant(self, node: ExternalConstant) -> Fn:
        name = node.name

        def run(env: Env, focus: list) -> list:
            if name in env.variables:
                return env.variables[name]
            # FHIR's predefined families: %vs-name and %ext-name
            if name.startswith("vs-"):
                return ["http://hl7.org/fhir/ValueSet/" + name[3:]]
            if name.startswith("ext-"):
                return ["http://hl7.org/fhir/StructureDefinition/" + name[4:]]
            raise CqlSemanticError(f"unknown external constant %{name}", *node.pos)
        return run

    def c_Identifier(self, node: ast.Identifier) -> Fn:
        name = node.name
        if name == "$this":
            return lambda env, focus: [env.this] if env.this is not None else list(focus)
        if name == "$index":
            return lambda env, focus: [] if env.index is None else [env.index]
        if name == "$total":
            return lambda env, focus: [] if env.total is None else list(env.total) if isinstance(env.total, list) else [env.total]
        type_like = name[:1].isupper() and fhir_type_info(name) is not None

        def run(env: Env, focus: list) -> list:
            if type_like:
                matched = [i for i in focus if isinstance(i, Node) and name in type_ancestors(i.type)]
                if matched:
                    return matched
                if any(isinstance(i, Node) and is_resource_type(i.type) for i in focus) and is_resource_type(name):
                    if env.strict:
                        raise CqlSemanticError(f"the context is not a {name}", *node.pos)
                    return []
            return navigate(env, focus, name, node)
        return run

    def c_Member(self, node: ast.Member) -> Fn:
        source = self.compile(node.source)
        name = node.name
        return lambda env, focus: navigate(env, source(env, focus), name, node)

    def c_Indexer(self, node: ast.Indexer) -> Fn:
        source, index = self.compile(node.source), self.compile(node.index)

        def run(env: Env, focus: list) -> list:
            items = source(env, focus)
            i = singleton(index(env, focus), "index")
            if i is None:
                return []
            return [items[i]] if 0 <= i < len(items) else []
        return run

    def c_FunctionCall(self, node: ast.FunctionCall) -> Fn:
        fn = self.functions.get(node.name)
        if fn is None:
            raise CqlSemanticError(f"unknown FHIRPath function {node.name}()", *node.pos)
        source = self.compile(node.source) if node.source is not None else None
        args = [self.compile(a) for a in node.args]
        arg_nodes = node.args

        def run(env: Env, focus: list) -> list:
            items = source(env, focus) if source is not None else (
                [env.this] if env.this is not None else focus)
            return fn(env, items, args, arg_nodes)
        run.__name__ = node.name
        return run

    def c_UnaryOp(self, node: ast.UnaryOp) -> Fn:
        operand = self.compile(node.operand)
        from fhirrules.cql.operators.registry import OPERATORS
        negate = OPERATORS["Negate"]

        def run(env: Env, focus: list) -> list:
            v = to_system(singleton(operand(env, focus)))
            if v is None:
                return []
            if isinstance(v, bool) or not isinstance(v, (int, Decimal, Quantity)):
                raise CqlRuntimeError("unary minus needs a number or a quantity", *node.pos)
            r = negate(v)
            return [] if r is None else [r]
        return run

    def c_IsType(self, node: ast.IsType) -> Fn:
        operand, spec = self.compile(node.operand), node.type

        def run(env: Env, focus: list) -> list:
            item = singleton(operand(env, focus))
            return [] if item is None else [type_matches(item, spec, primitive_bases=True)]
        return run

    def c_AsType(self, node: ast.AsType) -> Fn:
        operand, spec = self.compile(node.operand), node.type

        def run(env: Env, focus: list) -> list:
            items = operand(env, focus)
            if len(items) > 1:
                raise CqlRuntimeError("'as' needs a single item", *node.pos)
            return [i for i in items if type_matches(i, spec)]
        return run

    def c_BinaryOp(self, node: ast.BinaryOp) -> Fn:
        from fhirrules.fhir.fhirpath.operators import binary_operator
        left, right = self.compile(node.left), self.compile(node.right)
        op = binary_operator(node.op, node)
        return lambda env, focus: op(left(env, focus), right(env, focus))


def literal_value(node: ast.Literal) -> Any:
    t, v = node.type, node.value
    if t == "Null":
        return None
    if t == "Boolean":
        return v
    if t == "Integer":
        n = int(v)
        if n > 2 ** 31 - 1:
            raise CqlSemanticError("integer literal out of range", *node.pos)
        return n
    if t == "Long":
        return Long(int(v))
    if t == "Decimal":
        return Decimal(v)
    if t == "String":
        return v
    if t in ("Date", "DateTime", "Time"):
        try:
            return parse_temporal(t, v)
        except CqlError as e:
            raise CqlSemanticError(e.message, *node.pos) from None
    if t == "Quantity":
        number, unit = v
        return Quantity(Decimal(number), unit)
    raise CqlSemanticError(f"unsupported literal {t}", *node.pos)


def navigate(env: Env, focus: list, name: str, node: ast.Node) -> list:
    out: list = []
    for item in focus:
        if isinstance(item, Node):
            found = list(item.children(name))
            if not found and isinstance(item.value, dict) and fhir_type_info(item.type) is not None:
                from fhirrules.fhir.fhirpath.nodes import element_info, is_choice_suffixed
                if element_info(item.type, name) is None and (env.strict or is_choice_suffixed(item.type, name)):
                    raise CqlSemanticError(f"{item.type} has no element '{name}'", *node.pos)
            out.extend(found)
        elif isinstance(item, Quantity) and name in ("value", "unit"):
            out.append(item.value if name == "value" else item.unit)
        elif isinstance(item, dict) and name in item:       # System tuples (type() results)
            value = item[name]
            if value is not None:
                out.append(value)
    return out


def fhirpath_boolean(items: list) -> Optional[bool]:
    return to_boolean(items)
