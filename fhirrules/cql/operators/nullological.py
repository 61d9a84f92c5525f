"""Nullological operators (spec 09-b "Nullological Operators")."""
from __future__ import annotations

from typing import Any, Callable


def IsNull(a: Any) -> bool:
    return a is None


def IsTrue(a: Any) -> bool:
    return a is True


def IsFalse(a: Any) -> bool:
    return a is False


def Coalesce(*args: Any) -> Any:
    """The first non-null argument.  With a single list argument, the first non-null
    element of the list (``Coalesce({null, 'a'})`` is ``'a'``)."""
    if len(args) == 1 and isinstance(args[0], list):
        args = tuple(args[0])
    for a in args:
        if a is not None:
            return a
    return None


OPERATORS: dict[str, Callable[..., Any]] = {
    "IsNull": IsNull, "IsTrue": IsTrue, "IsFalse": IsFalse, "Coalesce": Coalesce,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "IsNull": IsNull, "IsTrue": IsTrue, "IsFalse": IsFalse, "Coalesce": Coalesce,
}
