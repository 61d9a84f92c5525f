"""One table of every System operator (by ELM name) and System function (by the name
CQL code calls it).  Built by merging each operator module's ``OPERATORS`` and
``FUNCTIONS``; names several modules define for different argument types (``Contains``
on a list or an interval, ``Length`` of a string or a list) dispatch on the runtime
value here."""
from __future__ import annotations

import importlib
import logging
from typing import Any, Callable, Optional

from fhirrules.cql.operators import aggregate, arithmetic, clinical, comparison, errors
from fhirrules.cql.operators import interval as interval_ops
from fhirrules.cql.operators import interval_collapse
from fhirrules.cql.operators import list as list_ops
from fhirrules.cql.operators import logical, nullological, numeric_functions
from fhirrules.cql.operators import string as string_ops
from fhirrules.cql.operators import type_conversions
from fhirrules.cql.types.interval import Interval

log = logging.getLogger(__name__)

_MODULES = [logical, nullological, comparison, arithmetic, numeric_functions, string_ops, list_ops, interval_ops,
            interval_collapse, aggregate, type_conversions, clinical, errors]


def _optional_module(name: str) -> Optional[Any]:
    """Modules written in parallel (``temporal``) join the registry once they import."""
    try:
        return importlib.import_module(f"fhirrules.cql.operators.{name}")
    except Exception as exc:  # any import-time failure must not break the registry
        log.warning("operator module %s not loaded: %s", name, exc)
        return None


# ------------------------------------------------------------------ dispatch
def _container_dispatch(name: str, container_pos: int) -> Callable[..., Any]:
    """List or interval version, chosen by the container argument (or, for binary
    set operators, by whichever argument is not null)."""
    list_fn = list_ops.OPERATORS[name]
    iv_fn = interval_ops.OPERATORS[name]

    def op(*args: Any, precision: Optional[str] = None) -> Any:
        probe = [args[container_pos]] if container_pos >= 0 else list(args)
        for value in probe:
            if isinstance(value, Interval):
                return iv_fn(*args, precision=precision) if precision else iv_fn(*args)
            if isinstance(value, list):
                return list_fn(*args)
        if container_pos < 0 and any(isinstance(v, Interval) for v in args):
            return iv_fn(*args, precision=precision) if precision else iv_fn(*args)
        if name in ("Union", "Intersect", "Except"):
            return None
        # no list or interval in sight (a null container, a point): list semantics
        # (a null list contains nothing) — the interval versions agree on these
        return list_fn(*args)
    op.__name__ = name
    op.__doc__ = f"{name} on lists ({list_fn.__module__}) or intervals ({iv_fn.__module__})."
    return op


def _string_or_list(name: str) -> Callable[..., Any]:
    s_fn, l_fn = string_ops.OPERATORS[name], list_ops.OPERATORS[name]

    def op(x: Any, *rest: Any) -> Any:
        if isinstance(x, str):
            return s_fn(x, *rest)
        if isinstance(x, list):
            return l_fn(x, *rest)
        # a null of unknown type: Length(null as List) is 0 but the compiler, which
        # knows the static type, must call list.Length for that; here it is null
        return None if name == "Length" else l_fn(x, *rest)
    op.__name__ = name
    return op


_BY_CONTAINER = {"Contains": 0, "ProperContains": 0, "In": 1, "ProperIn": 1,
                 "Includes": -1, "IncludedIn": -1, "ProperIncludes": -1,
                 "ProperIncludedIn": -1, "Union": -1, "Intersect": -1, "Except": -1}


def _build() -> tuple[dict[str, Callable[..., Any]], dict[str, Callable[..., Any]]]:
    ops: dict[str, Callable[..., Any]] = {}
    funcs: dict[str, Callable[..., Any]] = {}
    for mod in _MODULES:
        ops.update(mod.OPERATORS)
        funcs.update(mod.FUNCTIONS)
    temporal = _optional_module("temporal")
    if temporal is not None:
        # temporal owns Date/DateTime/Time construction, extraction, durations and the
        # point forms of Before/After/SameAs/...; those hand intervals back to
        # interval_ops themselves
        ops.update(getattr(temporal, "OPERATORS", {}))
        funcs.update(getattr(temporal, "FUNCTIONS", {}))
    for name, pos in _BY_CONTAINER.items():
        ops[name] = _container_dispatch(name, pos)
    for name in ("Length", "Indexer"):
        ops[name] = funcs[name] = _string_or_list(name)
    # `&` (ELM Concatenate) treats null as ''; Concatenate() as a function does not
    ops["Concatenate"] = string_ops.ConcatenateAmpersand
    funcs["Concatenate"] = string_ops.Concatenate
    return ops, funcs


OPERATORS, FUNCTIONS = _build()

# helpers the compiler uses directly
sort_list = list_ops.sort_list
sort_compare = list_ops.sort_compare
ListLength = list_ops.Length
