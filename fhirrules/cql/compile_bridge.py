"""The compiler's single door to the modules other parts of fhirrules own: the operator
registry, the comparison helpers and the temporal literal parser.

They are looked up lazily (and cached once found) so the compiler imports cleanly even
while those modules are being written, and so one import failure shows up as a clear
CqlSemanticError naming the missing operator rather than as an ImportError.  The tiny
fallbacks below cover plain Python values only; the real modules always win."""
from __future__ import annotations

import operator as _op
from decimal import Decimal
from typing import Any, Callable, Optional

_cache: dict[str, Any] = {}


def _registry() -> tuple[dict[str, Callable], dict[str, Callable]]:
    reg = _cache.get("registry")
    if reg is None:
        try:
            from fhirrules.cql.operators import registry  # type: ignore[attr-defined]
            reg = (dict(registry.OPERATORS), dict(registry.FUNCTIONS))
            _cache["registry"] = reg
        except Exception:  # noqa: BLE001 - a broken operator module: compile reports the missing operator
            return {}, {}
    return reg


def operator(name: str) -> Optional[Callable]:
    """The System operator for an ELM name, or None."""
    fn = _registry()[0].get(name)
    return fn if fn is not None else _FALLBACK_OPERATORS.get(name)


def function(name: str) -> Optional[Callable]:
    """The System function callable from CQL by ``name`` (e.g. 'ToString'), or None."""
    ops, funcs = _registry()
    fn = funcs.get(name)
    if fn is None:
        fn = ops.get(name)
    return fn if fn is not None else _FALLBACK_FUNCTIONS.get(name)


def function_names() -> list[str]:
    ops, funcs = _registry()
    return sorted(set(funcs) | set(_FALLBACK_FUNCTIONS))


def _comparison() -> Any:
    mod = _cache.get("comparison")
    if mod is None:
        try:
            from fhirrules.cql.operators import comparison as mod  # type: ignore[attr-defined, no-redef]
            _cache["comparison"] = mod
        except ImportError:
            return None
    return mod


def equal(a: Any, b: Any) -> Optional[bool]:
    mod = _comparison()
    if mod is not None:
        return mod.equal(a, b)
    if a is None or b is None:
        return None
    return a == b


def equivalent(a: Any, b: Any) -> bool:
    mod = _comparison()
    if mod is not None:
        return mod.equivalent(a, b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def compare(a: Any, b: Any, precision: Optional[str] = None) -> Optional[int]:
    mod = _comparison()
    if mod is not None:
        return mod.compare(a, b, precision) if precision else mod.compare(a, b)
    if a is None or b is None:
        return None
    return (a > b) - (a < b)


def parse_temporal(text: str) -> Any:
    """Build a Date/DateTime/Time from literal text without the '@'."""
    fn = _cache.get("parse_temporal")
    if fn is None:
        fn = None
        for modname in ("fhirrules.cql.types.temporal", "fhirrules.cql.operators.temporal"):
            try:
                mod = __import__(modname, fromlist=["parse_temporal_literal"])
                fn = getattr(mod, "parse_temporal_literal", None)
            except ImportError:
                continue
            if fn is not None:
                break
        if fn is None:
            raise NotImplementedError("temporal literals need fhirrules.cql.types.temporal")
        _cache["parse_temporal"] = fn
    return fn(text)


def reset() -> None:
    """Forget cached lookups (tests; or after the operator modules changed)."""
    _cache.clear()


# ---------------------------------------------------------------- fallbacks
def _null_safe(fn: Callable) -> Callable:
    def wrapped(*args: Any, **kw: Any) -> Any:
        if any(a is None for a in args):
            return None
        return fn(*args)
    return wrapped


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        return None
    return Decimal(a) / Decimal(b)


_FALLBACK_OPERATORS: dict[str, Callable] = {
    "Add": _null_safe(_op.add), "Subtract": _null_safe(_op.sub), "Multiply": _null_safe(_op.mul),
    "Divide": _null_safe(_divide), "Negate": _null_safe(_op.neg),
    "Equal": equal, "Equivalent": equivalent,
    "Less": _null_safe(_op.lt), "LessOrEqual": _null_safe(_op.le),
    "Greater": _null_safe(_op.gt), "GreaterOrEqual": _null_safe(_op.ge),
    "Concatenate": _null_safe(_op.add),
    "Exists": lambda xs: bool([x for x in (xs or []) if x is not None]),
    "IsNull": lambda x: x is None,
}
_FALLBACK_FUNCTIONS: dict[str, Callable] = {
    "Count": lambda xs: 0 if xs is None else sum(1 for x in xs if x is not None),
    "Sum": lambda xs: None if not xs or all(x is None for x in xs) else sum(x for x in xs if x is not None),
}
