"""Logical operators (spec 09-b "Logical Operators"): three-valued logic, None = null."""
from __future__ import annotations

from typing import Any, Callable, Optional

Tri = Optional[bool]


def and3(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or3(a: Tri, b: Tri) -> Tri:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def not3(a: Tri) -> Tri:
    return None if a is None else not a


def And(a: Tri, b: Tri) -> Tri:
    return and3(a, b)


def Or(a: Tri, b: Tri) -> Tri:
    return or3(a, b)


def Xor(a: Tri, b: Tri) -> Tri:
    if a is None or b is None:
        return None
    return a != b


def Implies(a: Tri, b: Tri) -> Tri:
    """``a implies b`` is ``not a or b``."""
    return or3(not3(a), b)


def Not(a: Tri) -> Tri:
    return not3(a)


OPERATORS: dict[str, Callable[..., Any]] = {
    "And": And, "Or": Or, "Xor": Xor, "Implies": Implies, "Not": Not,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
