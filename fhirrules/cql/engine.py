"""The public API of the CQL engine (see docs/internals.md, "Engine API").

    engine = CqlEngine(library_paths=[Path("libraries")], models={"FHIR": fhir_model})
    lib = engine.compile(text, source_name="x.cql")
    ctx = EvaluationContext(data=..., terminology=..., parameters={...}, now=..., context_values={...})
    lib.evaluate(ctx)            # {define name: value} for the public defines
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from fhirrules.cql.compile_result import CompiledLibrary, NativeLibrary
from fhirrules.cql.context import EvaluationContext
from fhirrules.cql.errors import CqlError
from fhirrules.cql.library import LibraryManager, LibraryResolver

__all__ = ["CqlEngine", "CompiledLibrary", "NativeLibrary", "EvaluationContext", "CqlError"]


class CqlEngine:
    def __init__(self, library_paths: Iterable[Path | str] = (), models: Optional[dict[str, Any]] = None,
                 resolvers: Iterable[LibraryResolver] = ()) -> None:
        self.models: dict[str, Any] = dict(models or {})
        self.manager = LibraryManager(library_paths, self.models, resolvers)

    def compile(self, text: str, source_name: str = "<cql>") -> CompiledLibrary:
        """Parse and compile a library (cached by content hash).  Raises CqlSyntaxError /
        CqlSemanticError with the position of the problem."""
        return self.manager.compile(text, source_name)

    def compile_file(self, path: Path | str) -> CompiledLibrary:
        p = Path(path)
        return self.compile(p.read_text(encoding="utf-8"), str(p))

    def register_library(self, name: str, version: Optional[str], text: str) -> None:
        """Make a CQL library held in memory available to ``include``."""
        self.manager.register_library(name, version, text)

    def register_native_library(self, name: str, version: Optional[str],
                                functions: Optional[dict[str, Callable]] = None,
                                defines: Optional[dict[str, Any]] = None) -> NativeLibrary:
        """Make a Python-implemented library available to ``include``."""
        return self.manager.register_native_library(name, version, functions, defines)

    def library(self, name: str, version: Optional[str] = None) -> Any:
        """A library by name (compiled on first use), or None."""
        return self.manager.get(name, version)

    def compile_expression(self, text: str, library: Optional[CompiledLibrary] = None,
                           context: Optional[str] = None) -> Callable[[EvaluationContext], Any]:
        """Compile a ``text/cql-expression`` in the scope of ``library`` (its defines,
        parameters, terminology and includes are visible)."""
        from fhirrules.cql.grammar import parse_expression  # type: ignore[attr-defined]
        if library is None:
            library = self.compile("library AnonymousExpression\n", "<expression>")
        node = parse_expression(text)
        fn = library.compile_expression_ast(node, context, text=text)
        models = self.models

        def evaluate(ctx: EvaluationContext) -> Any:
            if not ctx.models and models:
                ctx.models.update(models)
            with ctx.offset_scope():
                return fn(ctx)
        return evaluate

    def context(self, **kwargs: Any) -> EvaluationContext:
        """An EvaluationContext carrying this engine's model providers."""
        kwargs.setdefault("models", self.models)
        return EvaluationContext(**kwargs)
