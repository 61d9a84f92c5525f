"""Implicit conversion of model values to System values where a System operator or
function receives them (the FHIRHelpers conversions, through ``ModelProvider.to_system``).
Free for operands whose static type is already a System type."""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql.types import typesys as T

# ---------------------------------------------------------------- model -> System
def system_arg(comp: Any, fn: Callable, t: Optional[T.CqlType]) -> Callable:
    """Wrap an operand so that model values reaching a System operator are converted
    (FHIRHelpers semantics via ``ModelProvider.to_system``).  Free when the library uses
    no model or the operand's static type is already a System type."""
    if not comp.state.models or _is_system_type(t):
        return fn

    def converted(ctx: Any) -> Any:
        return to_system(fn(ctx), ctx)
    return converted


def _is_system_type(t: Optional[T.CqlType]) -> bool:
    if isinstance(t, T.NamedType):
        return t.namespace == "System"
    if isinstance(t, T.ListType):
        return _is_system_type(t.element)
    if isinstance(t, T.IntervalType):
        return _is_system_type(t.point)
    return isinstance(t, T.TupleType)


def to_system(v: Any, ctx: Any) -> Any:
    if v is None or type(v) in _PLAIN:
        return v
    if type(v) is list:
        return [to_system(x, ctx) for x in v] if v and any(_needs(x) for x in v) else v
    for model in ctx.models.values():
        if model.type_name(v) is not None:
            return model.to_system(v)
    return v


def _needs(x: Any) -> bool:
    return x is not None and type(x) not in _PLAIN and T.type_of(x) is None


_PLAIN = {bool, int, str, float}
