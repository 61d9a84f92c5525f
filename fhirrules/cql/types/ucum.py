"""UCUM unit registry: parse, convert and combine units for System.Quantity.

Conversions go through ucumvert (pint).  Building its registry costs ~0.5 s, so it is
built lazily on the first conversion between two *different* units and cached; the
conversion factor of every unit pair is cached too.  Calendar duration words (the CQL
keywords ``year`` ... ``millisecond``) are handled here, not by pint, because CQL gives
them their own rules (spec 09-b, Equal / Equivalent on Quantity):

* for equality and ordering, ``week`` and below equal their UCUM counterparts (``day`` =
  ``'d'``), ``year`` and ``month`` only convert between themselves (1 year = 12 months),
  so ``1 year = 1 'a'`` is null;
* for equivalence, ``year``/``'a'`` and ``month``/``'mo'`` are interchangeable and the
  calendar approximations 1 year = 365 days, 1 month = 30 days apply.
"""
from __future__ import annotations

import re
import threading
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Optional

# calendar word -> definite-duration UCUM unit (week and below only)
CALENDAR_TO_UCUM = {"week": "wk", "day": "d", "hour": "h", "minute": "min",
                    "second": "s", "millisecond": "ms"}
# calendar approximations used only for equivalence (spec 04, Equivalent)
_EQUIV_DAYS = {"year": Decimal(365), "month": Decimal(30), "a": Decimal(365), "mo": Decimal(30)}

_CALENDAR = frozenset(CALENDAR_TO_UCUM) | {"year", "month"}

_lock = threading.Lock()
_registry: Any = None


def registry() -> Any:
    """The shared pint registry with UCUM definitions (built once)."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                from ucumvert import PintUcumRegistry
                _registry = PintUcumRegistry()
    return _registry


@lru_cache(maxsize=4096)
def _pint_quantity(unit: str) -> Any:
    """The pint quantity for one UCUM unit string, or None when it is not valid UCUM."""
    ureg = registry()
    try:
        q = ureg.from_ucum(unit)
    except Exception:  # ucumvert raises lark/pint errors of many kinds
        return None
    if not hasattr(q, "dimensionality"):      # annotation only, e.g. '{tablets}'
        return ureg.Quantity(1, "dimensionless")
    return q


def is_valid_unit(unit: str) -> bool:
    """True when ``unit`` is a calendar word or parses as UCUM."""
    if unit in ("1", "") or unit in CALENDAR_TO_UCUM or unit in ("year", "month"):
        return True
    return _pint_quantity(unit) is not None


@lru_cache(maxsize=4096)
def _ucum_factor(from_unit: str, to_unit: str) -> Optional[Decimal]:
    """Multiplier taking a value in ``from_unit`` to ``to_unit``; None when the units
    measure different things (mg/dL vs umol/L needs a molar mass: refused)."""
    if from_unit == to_unit:
        return Decimal(1)
    a, b = _pint_quantity(from_unit), _pint_quantity(to_unit)
    if a is None or b is None:
        return None
    if _affine(from_unit, to_unit) is not None:
        return None     # an offset scale (Cel, [degF]): no single factor
    try:
        mag = a.to(b.units).magnitude / b.magnitude
    except Exception:  # DimensionalityError, OffsetUnitCalculusError
        return None
    # pint works in floats: keep 15 significant digits so 0.01 stays 0.01
    d = Decimal(format(float(mag), ".15g"))
    return Decimal(int(d)) if d == d.to_integral_value() else d


@lru_cache(maxsize=1024)
def _affine(from_unit: str, to_unit: str) -> Optional[tuple[Decimal, Decimal]]:
    """(scale, offset) for temperature-like units whose zero points differ; None for
    ordinary multiplicative units (and for incompatible ones)."""
    a, b = _pint_quantity(from_unit), _pint_quantity(to_unit)
    if a is None or b is None:
        return None
    ureg = registry()
    try:
        zero = ureg.Quantity(0.0, a.units).to(b.units).magnitude / b.magnitude
        one = ureg.Quantity(1.0, a.units).to(b.units).magnitude / b.magnitude
    except Exception:
        return None
    if abs(zero) < 1e-12:
        return None
    # 12 significant digits: enough for any clinical scale, and drops float noise
    scale, offset = (Decimal(format(float(one - zero), ".12g")), Decimal(format(float(zero), ".12g")))
    return scale, offset


def _strip_one(unit: str) -> str:
    return "1" if unit in ("", None) else unit


def conversion_factor(from_unit: str, to_unit: str, mode: str = "equal") -> Optional[Decimal]:
    """Factor f with ``value_in_to = value_in_from * f``, or None when not comparable.

    ``mode`` is ``'equal'`` (equality and ordering rules) or ``'equivalent'``."""
    from_unit, to_unit = _strip_one(from_unit), _strip_one(to_unit)
    if from_unit == to_unit:
        return Decimal(1)
    if mode == "equivalent":
        fd, td = _equiv_days(from_unit), _equiv_days(to_unit)
        if fd is not None and td is not None:
            return fd / td
        if fd is not None or td is not None:
            # one side is year/month-like: only other day-convertible units compare
            other, days = (to_unit, fd) if fd is not None else (from_unit, td)
            f = _ucum_factor(CALENDAR_TO_UCUM.get(other, other), "d")
            if f is None:
                return None
            return days / f if fd is not None else f / days
    cal = ("year", "month")
    if from_unit in cal or to_unit in cal:
        if from_unit in cal and to_unit in cal:
            return Decimal(12) if from_unit == "year" else Decimal(1) / Decimal(12)
        return None  # calendar year/month are not comparable to definite durations
    return _ucum_factor(CALENDAR_TO_UCUM.get(from_unit, from_unit),
                        CALENDAR_TO_UCUM.get(to_unit, to_unit))


def _equiv_days(unit: str) -> Optional[Decimal]:
    return _EQUIV_DAYS.get(unit)


def affine_scale(from_unit: str, to_unit: str) -> Optional[Decimal]:
    """The scale part of an offset conversion (Cel -> [degF]: 1.8), None otherwise."""
    a = _affine(_strip_one(from_unit), _strip_one(to_unit))
    return None if a is None else a[0]


def convert(value: Decimal, from_unit: str, to_unit: str, mode: str = "equal") -> Optional[Decimal]:
    """``value`` expressed in ``to_unit``; None when the units are not comparable."""
    f = conversion_factor(from_unit, to_unit, mode)
    if f is None:
        affine = _affine(_strip_one(from_unit), _strip_one(to_unit)) \
            if _strip_one(from_unit) not in _CALENDAR and _strip_one(to_unit) not in _CALENDAR else None
        if affine is None:
            return None
        scale, offset = affine
        return value * scale + offset
    if f == 1:
        return value
    try:
        return value * f
    except InvalidOperation:
        return None


# ----------------------------------------------------------------- unit algebra
# A unit string is read as a product of terms 'atom[exponent]' joined by '.' and '/'.
# This covers what CQL arithmetic produces ('g.g' -> 'g2', 'g/cm3' / 'g/cm3' -> '1');
# units with parentheses are kept opaque and combined textually.
_TERM = re.compile(r"^(.*?[^0-9+\-]|)([+-]?\d+)?$")


def _terms(unit: str) -> Optional[dict[str, int]]:
    unit = _strip_one(unit)
    if unit == "1":
        return {}
    if "(" in unit or unit.startswith("/"):
        return None
    out: dict[str, int] = {}
    sign = 1
    for part in _split_terms(unit):
        if part == ".":
            sign = 1
            continue
        if part == "/":
            sign = -1
            continue
        if not part:
            return None
        if part[0].isdigit() and not re.fullmatch(r"\d+", part):
            atom, exp = part, 1          # '10*3' and friends: a number, keep whole
        elif part.startswith("{") or part.startswith("["):
            m = re.fullmatch(r"(.*[}\]])([+-]?\d+)?", part)
            atom, exp = (m.group(1), int(m.group(2) or 1)) if m else (part, 1)
        else:
            m = _TERM.match(part)
            atom = m.group(1) if m else part
            exp = int(m.group(2)) if m and m.group(2) and atom else 1
            if not atom:          # a bare number such as '1'
                atom, exp = part, 1
        if atom == "1":
            continue
        out[atom] = out.get(atom, 0) + sign * exp
    return out


def _split_terms(unit: str) -> list[str]:
    """Split on '.' and '/' outside {annotations} and [bracketed atoms]."""
    parts, buf, depth = [], "", 0
    for ch in unit:
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        if depth == 0 and ch in "./":
            parts.extend([buf, ch])
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    return parts


def _format(terms: dict[str, int]) -> str:
    num = [a + (str(e) if e != 1 else "") for a, e in terms.items() if e > 0]
    den = [a + (str(-e) if e != -1 else "") for a, e in terms.items() if e < 0]
    text = ".".join(num) if num else ("1" if not den else "")
    for d in den:
        text += "/" + d
    return text or "1"


def multiply_units(a: str, b: str) -> str:
    """UCUM unit of a product: 'g' * 'g' -> 'g2', 'cm' * '1' -> 'cm'."""
    a, b = _strip_one(a), _strip_one(b)
    if a == "1":
        return b
    if b == "1":
        return a
    ta, tb = _terms(a), _terms(b)
    if ta is None or tb is None:
        return f"({a}).({b})"
    for atom, e in tb.items():
        ta[atom] = ta.get(atom, 0) + e
    return _format({k: v for k, v in ta.items() if v != 0})


def divide_units(a: str, b: str) -> str:
    """UCUM unit of a quotient: 'g/cm3' / 'g/cm3' -> '1', 'g' / '1' -> 'g'."""
    a, b = _strip_one(a), _strip_one(b)
    if b == "1":
        return a
    if a == b:
        return "1"
    ta, tb = _terms(a), _terms(b)
    if ta is None or tb is None:
        return f"({a})/({b})"
    for atom, e in tb.items():
        ta[atom] = ta.get(atom, 0) - e
    return _format({k: v for k, v in ta.items() if v != 0})
