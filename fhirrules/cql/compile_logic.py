"""Three-valued logic compiled inline (and/or/xor/implies/not, is null/true/false) so
that ``and``/``or`` short-circuit: ``false and X`` never evaluates X."""
from __future__ import annotations

from typing import Any, Callable

from fhirrules.cql.operators.logical import Implies, Xor, and3, not3, or3

# The truth tables live in operators/logical.py; this module only decides which operand
# is evaluated at all (the right one is skipped once the left decides the result).
def _and(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        return False if x is False else and3(x, b(ctx))
    return fn


def _or(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        return True if x is True else or3(x, b(ctx))
    return fn


def _xor(a: Callable, b: Callable) -> Callable:
    return lambda ctx: Xor(a(ctx), b(ctx))


def _implies(a: Callable, b: Callable) -> Callable:
    def fn(ctx: Any) -> Any:
        x = a(ctx)
        return True if x is False else Implies(x, b(ctx))
    return fn


def _not(a: Callable) -> Callable:
    return lambda ctx: not3(a(ctx))


LOGIC = {"And": _and, "Or": _or, "Xor": _xor, "Implies": _implies}
UNARY_INLINE = {
    "Not": _not,
    "IsNull": lambda a: (lambda ctx: a(ctx) is None),
    "IsTrue": lambda a: (lambda ctx: a(ctx) is True),
    "IsFalse": lambda a: (lambda ctx: a(ctx) is False),
}
