"""What compiling produces: ``CompiledLibrary`` (a CQL library ready to evaluate) and
``NativeLibrary`` (a library implemented in Python, e.g. the built-in FHIRHelpers).
Both answer the same questions when another library includes them."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlSemanticError


class CompiledLibrary:
    """A compiled CQL library.  ``evaluate``/``evaluate_define`` run against an
    ``EvaluationContext``; results are memoised per context."""

    def __init__(self, compiler: Any) -> None:
        state = compiler.state
        self._compiler = compiler
        self._state = state
        self.name: Optional[str] = state.name
        self.version: Optional[str] = state.version
        self.source_name: str = state.source_name
        self.ast: ast.Library = state.ast
        self.define_names: list[str] = [n for n, d in state.defines.items() if d.node.access != "private"]
        self.parameter_names: list[str] = list(state.parameters)
        self.includes: dict[str, Any] = dict(state.includes)

    def __repr__(self) -> str:
        return f"CompiledLibrary({self.name!r}, {self.version!r})"

    # ------------------------------------------------------------ evaluation
    def evaluate(self, ctx: Any, names: Optional[Iterable[str]] = None) -> dict[str, Any]:
        """Evaluate the public defines (or ``names``) in order; returns name -> value."""
        wanted = list(names) if names is not None else self.define_names
        return {n: self.evaluate_define(n, ctx) for n in wanted}

    def evaluate_define(self, name: str, ctx: Any) -> Any:
        info = self._state.defines.get(name)
        if info is None:
            raise CqlSemanticError(f"library {self.name or self.source_name} has no define '{name}'"
                                   + self._compiler.did_you_mean(name, list(self._state.defines)),
                                   source_name=self.source_name)
        if not ctx.models and self._state.models:
            ctx.models.update(self._compiler.all_models)
        with ctx.offset_scope():
            return info.fn(ctx)

    def parameter_value(self, name: str, ctx: Any) -> Any:
        return self._state.parameters[name].reader(ctx)

    def define_type(self, name: str) -> Any:
        info = self._state.defines.get(name)
        return info.type if info is not None else None

    def define_context(self, name: str) -> Optional[str]:
        info = self._state.defines.get(name)
        return info.node.context if info is not None else None

    # ------------------------------------------------------------ as an included library
    def member(self, name: str) -> Optional[tuple]:
        """(closure, type) of a public define, parameter or terminology definition."""
        state = self._state
        info = state.defines.get(name)
        if info is not None:
            if info.node.access == "private":
                return None
            return info.fn, info.type
        if name in state.private:
            return None
        p = state.parameters.get(name)
        if p is not None:
            return p.reader, p.type
        term = state.terminology.get(name)
        if term is not None:
            from fhirrules.cql.compile_literals import const
            return const(term[1]), term[2]
        return None

    def member_names(self) -> list[str]:
        s = self._state
        names = [n for n, d in s.defines.items() if d.node.access != "private"]
        names += [n for n in list(s.parameters) + list(s.terminology) if n not in s.private]
        return names

    def public_functions(self, name: str, arity: int) -> list:
        return [f for f in self._state.functions.get(name, ())
                if len(f.operand_types) == arity and f.node.access != "private"]

    def fluent_functions(self, name: str, arity: int) -> list:
        return [f for f in self.public_functions(name, arity) if f.node.fluent]

    def function_names(self) -> list[str]:
        return list(self._state.functions)

    # ------------------------------------------------------------ expressions
    def compile_expression_ast(self, node: ast.Expr, context: Optional[str] = None,
                               text: Optional[str] = None,
                               source_name: str = "<expression>") -> Callable[[Any], Any]:
        """Compile an expression (parsed from ``text``) in this library's scope."""
        from fhirrules.cql.compile_scope import Scope
        comp = self._compiler
        ctxname = context or (self.ast.contexts[-1].name if self.ast.contexts else None)
        with comp.source(text, source_name):
            fn, _ = comp.expr(node, Scope(context=ctxname))
            return comp.located(node, fn)


class NativeLibrary:
    """A library implemented in Python: ``functions`` maps CQL function names to Python
    callables (each resolves its own overloads at run time); ``defines`` maps names to
    values or to callables taking the EvaluationContext."""

    def __init__(self, name: str, version: Optional[str], functions: Optional[dict[str, Callable]] = None,
                 defines: Optional[dict[str, Any]] = None) -> None:
        self.name = name
        self.version = version
        self.functions = dict(functions or {})
        self.defines = dict(defines or {})
        self.define_names = list(self.defines)
        self.parameter_names: list[str] = []

    def __repr__(self) -> str:
        return f"NativeLibrary({self.name!r}, {self.version!r})"

    def member(self, name: str) -> Optional[tuple]:
        if name not in self.defines:
            return None
        value = self.defines[name]
        if callable(value):
            return value, None
        return (lambda ctx: value), None

    def member_names(self) -> list[str]:
        return list(self.defines)

    def public_functions(self, name: str, arity: int) -> list:
        fn = self.functions.get(name)
        if fn is None:
            return []
        from fhirrules.cql.compiler import FunctionInfo
        return [FunctionInfo(None, [None] * arity, native=fn)]

    def fluent_functions(self, name: str, arity: int) -> list:
        return self.public_functions(name, arity)

    def function_names(self) -> list[str]:
        return list(self.functions)

    def evaluate_define(self, name: str, ctx: Any) -> Any:
        found = self.member(name)
        if found is None:
            raise CqlSemanticError(f"library {self.name} has no define '{name}'")
        return found[0](ctx)

    def evaluate(self, ctx: Any, names: Optional[Iterable[str]] = None) -> dict[str, Any]:
        return {n: self.evaluate_define(n, ctx) for n in (names or self.define_names)}
