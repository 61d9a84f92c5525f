"""Evaluate a CQL library over FHIR patient records: the glue between the engine, the
FHIR model, FHIRHelpers, terminology and the data sources.  ``fhirrules cql`` and any
other caller that has a library and patients use ``CqlRunner``.

Parameters come as text (see ``parameters.py``: CQL first, then JSON converted to
the declared type), evaluated once.  ``now`` fixes Now()/Today() for every patient."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import orjson

from fhirrules.cql.errors import CqlSemanticError
from fhirrules.cql.library import cql_from_fhir_library
from fhirrules.fhir.helpers import register_fhirhelpers
from fhirrules.fhir.model import MODEL
from fhirrules.fhir.parameters import from_json, parameter_value
from fhirrules.fhir.temporal_adapter import parse_datetime


def library_text(path: Path) -> str:
    """CQL text of a ``.cql`` file or of a FHIR Library JSON (``text/cql`` content)."""
    data = path.read_bytes()
    if path.suffix != ".json":
        return data.decode("utf-8")
    try:
        res = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise CqlSemanticError(f"{path}: not valid JSON ({e})") from None
    text = cql_from_fhir_library(res, str(path))
    if text is None:
        raise CqlSemanticError(f"{path}: no text/cql content in this Library resource")
    return text


def new_engine(library_paths: Sequence[Path] = ()) -> Any:
    from fhirrules.cql.engine import CqlEngine
    engine = CqlEngine(library_paths=list(library_paths), models={"FHIR": MODEL})
    register_fhirhelpers(engine)
    return engine


def json_to_cql(value: Any) -> Any:
    """A JSON value -> CQL value by its shape (kept for callers of the first API; typed
    conversion is ``parameters.from_json``)."""
    return from_json(value, None)


class CqlRunner:
    """A compiled library and everything needed to evaluate it per patient."""

    def __init__(self, library: Path | str, *, library_paths: Sequence[Path] = (),
                 terminology: Any = None, params: Optional[dict[str, str]] = None,
                 now: Optional[str] = None, engine: Any = None) -> None:
        self.engine = engine or new_engine(library_paths)
        if isinstance(library, Path):
            self.library = self.engine.compile(library_text(library), source_name=str(library))
        else:
            self.library = self.engine.compile(library, source_name="<cql>")
        self.terminology = terminology
        self.now = parse_datetime(now) if now else None
        self._expressions: dict[str, Any] = {}
        self.parameters: dict[str, Any] = {}
        for name, text in (params or {}).items():
            # in order, so a later parameter's expression may use an earlier one
            self.parameters[name] = self._parameter(name, text)

    def _context(self, record: Any = None) -> Any:
        from fhirrules.cql.context import EvaluationContext
        ctx_values = {}
        patient = getattr(record, "patient", None) if record is not None else None
        if patient is not None:
            ctx_values["Patient"] = patient
        return EvaluationContext(data=record, terminology=self.terminology,
                                 parameters=self.parameters, now=self.now,
                                 context_values=ctx_values, models={"FHIR": MODEL})

    def _parameter(self, name: str, text: str) -> Any:
        ctx = self._context(None)
        with ctx.offset_scope():
            return parameter_value(self.engine, self.library, name, text, ctx)

    def compile_expression(self, expression: str) -> Any:
        """An expression in the library's scope, compiled once (CqlSyntaxError /
        CqlSemanticError if it is not valid there)."""
        fn = self._expressions.get(expression)
        if fn is None:
            fn = self._expressions[expression] = self.engine.compile_expression(
                expression, library=self.library)
        return fn

    @property
    def define_names(self) -> list[str]:
        return list(self.library.define_names)

    def evaluate(self, record: Any, expression: Optional[str] = None,
                 names: Optional[Iterable[str]] = None) -> dict[str, Any]:
        """Public defines (or the one ``expression``) for one record."""
        ctx = self._context(record)
        # (the engine evaluates under the offset of Now(): see EvaluationContext.offset_scope)
        if expression is not None:
            return {expression: self.compile_expression(expression)(ctx)}
        return self.library.evaluate(ctx, names=list(names) if names else None)
