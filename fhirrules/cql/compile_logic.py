"""Three-valued logic compiled inline (and/or/xor/implies/not, is null/true/false) so
that ``and``/``or`` short-circuit: ``false and X`` never evaluates X."""
from __future__ import annotations

from typing import Any, Callable

# ---------------------------------------------------------------- logic
def _and(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        if x is False:
            return False
        y = b(ctx)
        if y is False:
            return False
        if x is None or y is None:
            return None
        return True
    return fn


def _or(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        if x is True:
            return True
        y = b(ctx)
        if y is True:
            return True
        if x is None or y is None:
            return None
        return False
    return fn


def _xor(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x, y = a(ctx), b(ctx)
        if x is None or y is None:
            return None
        return x != y
    return fn


def _implies(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        if x is False:
            return True
        y = b(ctx)
        if x is True:
            return y
        return True if y is True else None
    return fn


def _not(a: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        return None if x is None else not x
    return fn


LOGIC = {"And": _and, "Or": _or, "Xor": _xor, "Implies": _implies}
UNARY_INLINE = {
    "Not": _not,
    "IsNull": lambda a: (lambda ctx: a(ctx) is None),
    "IsTrue": lambda a: (lambda ctx: a(ctx) is True),
    "IsFalse": lambda a: (lambda ctx: a(ctx) is False),
}
