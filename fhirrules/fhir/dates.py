"""Date-range filtering for retrieves (``dateRange`` on ``date_path``): a resource is kept
when the value at its date path (a dateTime, a Period, ...) overlaps the range.  Uses the
engine's comparison helper so uncertainty (differing precision) keeps the resource, as
the reference engines do for data they cannot rule out."""
from __future__ import annotations

from typing import Any

from fhirrules.cql.types.interval import Interval
from fhirrules.fhir.helpers import to_system


def _cmp(a: Any, b: Any) -> Any:
    from fhirrules.cql.compile_bridge import compare
    return compare(a, b)


def in_date_range(value: Any, rng: Interval) -> bool:
    value = to_system(value)
    if isinstance(value, list):
        return any(in_date_range(v, rng) for v in value)
    if value is None:
        return False
    low, high = (value.low, value.high) if isinstance(value, Interval) else (value, value)
    # value ends before the range starts?
    if rng.low is not None and high is not None:
        c = _cmp(high, rng.low)
        if c is not None and (c < 0 or (c == 0 and not rng.low_closed)):
            return False
    if rng.high is not None and low is not None:
        c = _cmp(low, rng.high)
        if c is not None and (c > 0 or (c == 0 and not rng.high_closed)):
            return False
    return True
