"""The CQL compiler: turns an ``ast.Library`` into Python closures ``fn(ctx) -> value``.

"Compile, don't walk": every AST node is visited once here, and the result is a tree of
closures that evaluation simply calls.  This module holds the driver (library-level
definitions, defines, parameters, functions, error positions); each family of
expressions is compiled by its own ``compile_*.py`` module through ``Compiler.expr``.

Every ``compile_*`` function has the signature ``(comp, node, scope) -> (fn, type)``
where ``type`` is the static CQL type when it can be known (else None).

Map of the compiler:
  compile_dispatch      AST node class -> compile function (looked up at compile time only)
  compile_library_defs  usings, includes, terminology, parameters, statements; eager compile
  compile_scope         local names (aliases, lets, operands) and their run-time slots
  compile_literals      literals (range/precision checks) and selectors
  compile_names         identifiers, ``Lib.Name``, property access (System and model), indexers
  compile_calls         function resolution: user overloads, library and fluent calls
  compile_system_calls  registry functions, Now/Today/TimeOfDay/Message/AgeIn..., shims
  compile_ops           unary/binary operators by ELM name, list/element overloads, ``in`` ValueSet
  compile_logic         three-valued and/or/xor/implies/not, short-circuiting
  compile_conditionals  between, if, case
  compile_convert       model values -> System values at System operators (to_system)
  compile_types         type specifiers, is/as/cast/convert, minimum/maximum, parameter coercion
  compile_query         queries; compile_timing: timing phrases; compile_retrieve: retrieves
  compile_bridge        the lazy door to the operator registry, comparison and temporal parsing
  compile_result        CompiledLibrary / NativeLibrary (what the engine hands out)"""
from __future__ import annotations

import difflib
from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_scope import Binding, Scope, new_slot
from fhirrules.cql.errors import CqlError, CqlRuntimeError, CqlSemanticError
from fhirrules.cql.types.typesys import CqlType

Fn = Callable[[Any], Any]
Compiled = tuple[Fn, Optional[CqlType]]


class DefineInfo:
    __slots__ = ("node", "fn", "type", "state", "cell")

    def __init__(self, node: ast.ExpressionDef) -> None:
        self.node = node
        self.fn: Optional[Fn] = None      # the memoised reference closure
        self.type: Optional[CqlType] = None
        self.state = "new"                 # new | compiling | done
        self.cell: list[Optional[Fn]] = [None]   # the body, filled once compiled


class FunctionInfo:
    __slots__ = ("node", "operand_types", "slots", "return_type", "cell", "state", "native")

    def __init__(self, node: Optional[ast.FunctionDef], operand_types: list[Optional[CqlType]],
                 native: Optional[Callable] = None) -> None:
        self.node = node
        self.operand_types = operand_types
        self.slots = [new_slot() for _ in operand_types]
        self.return_type: Optional[CqlType] = None
        self.cell: list[Optional[Fn]] = [None]
        self.state = "new"
        self.native = native


class LibState:
    """What the compiler knows about the library being compiled."""

    def __init__(self, lib: ast.Library, text: Optional[str]) -> None:
        self.ast = lib
        self.name = lib.name
        self.version = lib.version
        self.source_name = lib.source_name
        self.lines = text.splitlines() if text else []
        self.key = (lib.name or lib.source_name, lib.version, id(self))
        self.models: dict[str, Any] = {}          # model name -> provider (non-System)
        self.includes: dict[str, Any] = {}        # alias -> CompiledLibrary | NativeLibrary
        self.defines: dict[str, DefineInfo] = {}
        self.functions: dict[str, list[FunctionInfo]] = {}
        self.parameters: dict[str, Any] = {}      # name -> ParamInfo
        self.terminology: dict[str, tuple[str, Any, Optional[CqlType]]] = {}  # name -> (kind, value, type)
        self.contexts: set[str] = {c.name for c in lib.contexts}
        self.private: set[str] = set()            # names not visible to including libraries


def _make_error(node: Any, message: str, cls: type, lines: list[str], source_name: str) -> CqlError:
    line, col = getattr(node, "pos", (None, None)) or (None, None)
    if not line:
        line, col = None, None
    src = lines[line - 1] if line and line <= len(lines) else None
    return cls(message, line, col, source_name, src)


class _SourceSwap:
    def __init__(self, state: "LibState", text: Optional[str], source_name: str) -> None:
        self.state, self.new = state, (text.splitlines() if text else [], source_name)

    def __enter__(self) -> None:
        self.old = (self.state.lines, self.state.source_name)
        self.state.lines, self.state.source_name = self.new

    def __exit__(self, *exc: Any) -> None:
        self.state.lines, self.state.source_name = self.old


class Compiler:
    """Compiles one library.  ``resolve_include(IncludeDef) -> library`` is supplied by
    the library manager; ``models`` maps model names to ModelProviders."""

    def __init__(self, lib: ast.Library, text: Optional[str], models: dict[str, Any],
                 resolve_include: Optional[Callable[[ast.IncludeDef], Any]] = None) -> None:
        self.state = LibState(lib, text)
        self.all_models = models
        self.resolve_include = resolve_include
        self.root = Scope()
        from fhirrules.cql import compile_dispatch
        self._dispatch = compile_dispatch.table()

    # ------------------------------------------------------------ errors
    def error(self, node: Any, message: str, cls: type = CqlSemanticError) -> CqlError:
        return _make_error(node, message, cls, self.state.lines, self.state.source_name)

    def source(self, text: Optional[str], source_name: str) -> "_SourceSwap":
        """Compile an expression that comes from other text (``text/cql-expression``)
        in this library's scope: positions then refer to that text."""
        return _SourceSwap(self.state, text, source_name)

    def did_you_mean(self, name: str, candidates: list[str]) -> str:
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if not close:
            lowered = {c.lower(): c for c in candidates}
            if name.lower() in lowered:
                close = [lowered[name.lower()]]
        return f"; did you mean '{close[0]}'?" if close else ""

    def located(self, node: Any, fn: Fn) -> Fn:
        """Wrap ``fn`` so that a failure inside it becomes a CqlRuntimeError carrying
        ``node``'s position (Python 3.11 try blocks cost nothing when nothing fails)."""
        lines, source_name = self.state.lines, self.state.source_name

        def err(node: Any, message: str, cls: type) -> CqlError:
            return _make_error(node, message, cls, lines, source_name)

        def run(ctx: Any) -> Any:
            try:
                return fn(ctx)
            except CqlError as e:
                # Give a position to an error raised without one.  An error that already
                # names its own source (a data file, a FHIR server) keeps it.
                if e.line is None and e.source_name is None:
                    src = err(node, e.message, CqlError)
                    e.line, e.col, e.source_name, e.source_line = src.line, src.col, src.source_name, src.source_line
                raise
            except RecursionError:
                raise err(node, "expression recursion too deep", CqlRuntimeError) from None
            except Exception as e:  # noqa: BLE001 - nothing but CqlError may leave the engine
                raise err(node, f"{type(e).__name__}: {e}", CqlRuntimeError) from e
        return run

    # ------------------------------------------------------------ expressions
    def expr(self, node: ast.Expr, scope: Scope) -> Compiled:
        handler = self._dispatch.get(type(node))
        if handler is None:
            raise self.error(node, f"unsupported expression {type(node).__name__}")
        return handler(self, node, scope)

    def type_of_spec(self, spec: Any) -> CqlType:
        from fhirrules.cql.compile_types import resolve_type
        return resolve_type(self, spec)

    # ------------------------------------------------------------ library level
    def compile(self) -> Any:
        from fhirrules.cql.compile_library_defs import compile_library_level
        return compile_library_level(self)

    # ------------------------------------------------------------ defines
    def define_ref(self, info: DefineInfo, node: Any) -> Compiled:
        """The closure reading a define of this library (memoised per context)."""
        self.ensure_define(info)
        assert info.fn is not None
        return info.fn, info.type

    def ensure_define(self, info: DefineInfo) -> None:
        if info.state == "done":
            return
        if info.fn is None:
            key = (self.state.key, info.node.name)
            cell = info.cell

            def ref(ctx: Any) -> Any:
                memo = ctx.memo
                if key in memo:
                    return memo[key]
                value = cell[0](ctx)  # type: ignore[misc]
                memo[key] = value
                return value
            info.fn = ref
        if info.state == "compiling":
            # a define reaching itself (directly or through functions/other defines)
            # would recurse forever: CQL rejects circular expression references
            raise self.error(info.node, f"circular reference: define '{info.node.name}' depends on itself")
        info.state = "compiling"
        scope = Scope(context=info.node.context)
        body, t = self.expr(info.node.expr, scope)
        info.cell[0] = self.located(info.node, body)
        info.type = t
        info.state = "done"

    # ------------------------------------------------------------ functions
    def ensure_function(self, info: FunctionInfo) -> None:
        if info.state != "new" or info.native is not None:
            return
        node = info.node
        assert node is not None
        info.state = "compiling"
        if node.return_type is not None:
            info.return_type = self.type_of_spec(node.return_type)
        if node.external or node.body is None:
            name = node.name

            def external(ctx: Any) -> Any:
                raise CqlRuntimeError(f"external function '{name}' has no implementation")
            info.cell[0] = external
        else:
            names = {op.name: Binding(slot, t, "operand")
                     for op, slot, t in zip(node.operands, info.slots, info.operand_types)}
            scope = Scope(names=names, context=node.context)
            body, t = self.expr(node.body, scope)
            info.cell[0] = self.located(node, body)
            if info.return_type is None:
                info.return_type = t
        info.state = "done"
