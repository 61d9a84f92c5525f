"""The narrow view of the CQL engine that ``$apply`` needs.

The reasoning layer talks to the engine only through ``CqlBridge``; ``EngineBridge``
implements it over ``fhirrules.cql.engine.CqlEngine`` (docs/internals.md section 1).
Keeping the seam this small lets tests drive ``$apply`` with a fake engine, and keeps
the engine import lazy so that loading knowledge without CQL (FHIRPath-only content)
never needs the engine at all."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from fhirrules.reasoning.errors import KnowledgeError


class CqlBridge(Protocol):
    def register_library(self, name: str, version: str | None, text: str) -> None: ...
    def compile_library(self, text: str, source_name: str) -> Any: ...
    def define_names(self, library: Any) -> Sequence[str]: ...
    def new_context(self, *, data: Any, terminology: Any, parameters: dict[str, Any],
                    now: Any, patient: Any) -> Any: ...
    def evaluate_define(self, library: Any, name: str, ctx: Any) -> Any: ...
    def compile_expression(self, text: str, library: Any) -> Callable[[Any], Any]: ...


class EngineBridge:
    """``CqlBridge`` over the project's own engine, created on first use."""

    def __init__(self, library_paths: Sequence[Path] = ()) -> None:
        self._library_paths = list(library_paths)
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            try:
                # the binding's factory: the engine with the FHIR model and FHIRHelpers
                from fhirrules.fhir.runner import new_engine
            except ImportError as exc:  # the engine is built in parallel; say so plainly
                raise KnowledgeError(f"the CQL engine is not available ({exc})") from exc
            self._engine = new_engine(self._library_paths)
        return self._engine

    def register_library(self, name: str, version: str | None, text: str) -> None:
        self.engine.register_library(name, version, text)

    def compile_library(self, text: str, source_name: str) -> Any:
        return self.engine.compile(text, source_name=source_name)

    def define_names(self, library: Any) -> Sequence[str]:
        return list(getattr(library, "define_names", ()))

    def new_context(self, *, data: Any, terminology: Any, parameters: dict[str, Any],
                    now: Any, patient: Any) -> Any:
        kwargs = dict(data=data, terminology=terminology, parameters=parameters, now=now,
                      context_values={"Patient": patient} if patient is not None else {})
        make = getattr(self.engine, "context", None)   # carries the engine's model providers
        if callable(make):
            return make(**kwargs)
        from fhirrules.cql.context import EvaluationContext
        return EvaluationContext(**kwargs)

    def evaluate_define(self, library: Any, name: str, ctx: Any) -> Any:
        return library.evaluate_define(name, ctx)

    def compile_expression(self, text: str, library: Any) -> Callable[[Any], Any]:
        return self.engine.compile_expression(text, library=library)
