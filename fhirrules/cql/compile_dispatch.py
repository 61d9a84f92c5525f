"""Which compile function handles which AST node (looked up once per node at compile
time, never at evaluation time)."""
from __future__ import annotations

from typing import Any, Callable

from fhirrules.cql import ast

_TABLE: dict[type, Callable] = {}


def table() -> dict[type, Callable]:
    if not _TABLE:
        from fhirrules.cql import (compile_calls, compile_conditionals, compile_literals, compile_names, compile_ops,
                                   compile_query, compile_retrieve, compile_timing, compile_types)
        _TABLE.update({
            ast.Literal: compile_literals.compile_literal,
            ast.ListSelector: compile_literals.compile_list,
            ast.TupleSelector: compile_literals.compile_tuple,
            ast.IntervalSelector: compile_literals.compile_interval,
            ast.InstanceSelector: compile_literals.compile_instance,
            ast.CodeSelector: compile_literals.compile_code_selector,
            ast.ConceptSelector: compile_literals.compile_concept_selector,
            ast.Identifier: compile_names.compile_identifier,
            ast.Member: compile_names.compile_member,
            ast.Indexer: compile_names.compile_indexer,
            ast.FunctionCall: compile_calls.compile_call,
            ast.UnaryOp: compile_ops.compile_unary,
            ast.BinaryOp: compile_ops.compile_binary,
            ast.Between: compile_conditionals.compile_between,
            ast.If: compile_conditionals.compile_if,
            ast.Case: compile_conditionals.compile_case,
            ast.TimingExpr: compile_timing.compile_timing,
            ast.IsType: compile_types.compile_is,
            ast.AsType: compile_types.compile_as,
            ast.Convert: compile_types.compile_convert,
            ast.TypeExtent: compile_types.compile_extent,
            ast.Query: compile_query.compile_query,
            ast.Retrieve: compile_retrieve.compile_retrieve,
        })
    return _TABLE


def register(node_type: type, fn: Callable[..., Any]) -> None:
    """Let a later module handle a new node type (e.g. a parser extension)."""
    table()[node_type] = fn
