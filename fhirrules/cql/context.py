"""The evaluation context: everything one evaluation needs that is not compiled code.

Compiled closures take a single ``ctx`` argument.  The context carries the providers,
the clock, the parameter values supplied by the caller, the per-context memo of define
results (a define is evaluated at most once per context) and the slots that hold query
aliases, lets and function operands while they are in scope."""
from __future__ import annotations

from typing import Any, Mapping, Optional


class EvaluationContext:
    """One evaluation (typically one patient).  Create a fresh context per patient so the
    define memo does not leak between patients."""

    def __init__(self, data: Any = None, terminology: Any = None,
                 parameters: Optional[Mapping[str, Any]] = None, now: Any = None,
                 context_values: Optional[Mapping[str, Any]] = None,
                 models: Optional[Mapping[str, Any]] = None) -> None:
        self.data = data
        self.terminology = terminology
        self.parameters: dict[str, Any] = dict(parameters or {})
        self._now = _as_cql_datetime(now)
        self.context_values: dict[str, Any] = dict(context_values or {})
        self.models: dict[str, Any] = dict(models or {})
        # (library key, define name) -> value; shared by every library evaluated here.
        self.memo: dict[tuple, Any] = {}
        # Parameter values after default evaluation / typed conversion, per library.
        self.param_cache: dict[tuple, Any] = {}
        # Local variable slots (aliases, lets, operands) keyed by compile-time ids.
        self.slots: dict[int, Any] = {}
        # Messages logged by Message() with a non-error severity.
        self.messages: list[tuple[str, str, str]] = []

    @property
    def now(self) -> Any:
        """The evaluation timestamp: fixed for the whole evaluation (``Now() = Now()``)."""
        if self._now is None:
            self._now = _current_datetime()
        return self._now

    @now.setter
    def now(self, value: Any) -> None:
        self._now = _as_cql_datetime(value)

    def offset_scope(self) -> Any:
        """A ``with`` block in which DateTimes written without an offset take the offset
        of the evaluation request's timestamp (``Now()``), as the CQL spec says."""
        from fhirrules.cql.types.temporal import default_offset
        return default_offset(getattr(self.now, "offset", None))

    def child(self) -> "EvaluationContext":
        """A context sharing providers, clock and parameters but with a fresh memo."""
        c = EvaluationContext(self.data, self.terminology, self.parameters, self.now,
                              self.context_values, self.models)
        return c


def _current_datetime() -> Any:
    """The current instant as a CQL DateTime (millisecond precision, local offset)."""
    import datetime as _dt
    return _as_cql_datetime(_dt.datetime.now(_dt.timezone.utc).astimezone())


def _as_cql_datetime(value: Any) -> Any:
    """Accept the clock as a CQL DateTime, ISO text ('2025-06-01T00:00:00Z', '@...') or a
    Python datetime (naive means UTC)."""
    import datetime as _dt
    if value is None or not isinstance(value, (str, _dt.datetime, _dt.date)):
        return value
    from fhirrules.cql.compile_bridge import parse_temporal
    if isinstance(value, str):
        return parse_temporal(value.strip().lstrip("@"))
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    off = value.utcoffset()
    mins = int(off.total_seconds() // 60) if off is not None else 0
    sign = "+" if mins >= 0 else "-"
    text = value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}" \
        + f"{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"
    return parse_temporal(text)
