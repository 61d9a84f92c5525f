"""FHIRPath binary operators: collection semantics around the CQL System operators."""
from __future__ import annotations

from typing import Any, Callable

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.fhir.fhirpath.evaluator import align_temporals, collection_equal, collection_equivalent, distinct, item_equal
from fhirrules.fhir.fhirpath.values import singleton, system_type_name, to_boolean, to_system

Op = Callable[[list, list], list]


def _wrap(value: Any) -> list:
    return [] if value is None else [value]


def _logical(op: str) -> Op:
    def run(left: list, right: list) -> list:
        a, b = to_boolean(left), to_boolean(right)
        if op == "And":
            if a is False or b is False:
                return [False]
            return [True] if a is True and b is True else []
        if op == "Or":
            if a is True or b is True:
                return [True]
            return [False] if a is False and b is False else []
        if op == "Xor":
            return [] if a is None or b is None else [a != b]
        # Implies
        if a is False or b is True:
            return [True]
        if a is True and b is False:
            return [False]
        return []
    return run


_NUMERIC = ("Integer", "Long", "Decimal")


def _comparable(a: Any, b: Any) -> bool:
    ta, tb = system_type_name(a), system_type_name(b)
    if ta in _NUMERIC and tb in _NUMERIC:
        return True
    if {ta, tb} <= {"Date", "DateTime"}:
        return True
    return ta == tb and ta is not None


def _ordering(op: str, node: ast.Node) -> Op:
    from fhirrules.cql.operators import comparison

    def run(left: list, right: list) -> list:
        a, b = to_system(singleton(left)), to_system(singleton(right))
        if a is None or b is None:
            return []
        a, b, comparable = align_temporals(a, b)
        if not comparable:
            return []
        if not _comparable(a, b):
            raise CqlRuntimeError(f"cannot compare {system_type_name(a) or 'this'} with "
                                  f"{system_type_name(b) or 'that'}", *node.pos)
        c = comparison.compare(a, b)
        if c is None:
            return []
        return [{"Less": c < 0, "LessOrEqual": c <= 0, "Greater": c > 0, "GreaterOrEqual": c >= 0}[op]]
    return run


def _arithmetic(op: str, node: ast.Node) -> Op:
    from fhirrules.cql.operators.registry import OPERATORS
    fn = OPERATORS[op]

    def run(left: list, right: list) -> list:
        a, b = to_system(singleton(left)), to_system(singleton(right))
        if a is None or b is None:
            return []
        if op == "Add" and isinstance(a, str) and isinstance(b, str):
            return [a + b]
        if isinstance(a, str) or isinstance(b, str) or isinstance(a, bool) or isinstance(b, bool):
            raise CqlRuntimeError(f"cannot apply {op} to these operands", *node.pos)
        return _wrap(fn(a, b))
    return run


def _concatenate(left: list, right: list) -> list:
    a, b = to_system(singleton(left)), to_system(singleton(right))
    return [(a or "") + (b or "")]


def _union(left: list, right: list) -> list:
    return distinct(left + right)


def _membership(reverse: bool) -> Op:
    def run(left: list, right: list) -> list:
        element, collection = (right, left) if reverse else (left, right)
        if not element:
            return []
        item = singleton(element)
        return [any(item_equal(item, other) is True for other in collection)]
    return run


def binary_operator(name: str, node: ast.Node) -> Op:
    if name in ("And", "Or", "Xor", "Implies"):
        return _logical(name)
    if name == "Equal":
        return lambda l, r: _wrap(collection_equal(l, r))
    if name == "NotEqual":
        def ne(l: list, r: list) -> list:
            v = collection_equal(l, r)
            return [] if v is None else [not v]
        return ne
    if name == "Equivalent":
        return lambda l, r: [collection_equivalent(l, r)]
    if name == "NotEquivalent":
        return lambda l, r: [not collection_equivalent(l, r)]
    if name in ("Less", "LessOrEqual", "Greater", "GreaterOrEqual"):
        return _ordering(name, node)
    if name in ("Add", "Subtract", "Multiply", "Divide", "TruncatedDivide", "Modulo"):
        return _arithmetic(name, node)
    if name == "Concatenate":
        return _concatenate
    if name == "Union":
        return _union
    if name == "In":
        return _membership(False)
    if name == "Contains":
        return _membership(True)
    raise CqlRuntimeError(f"unsupported operator {name}", *node.pos)

