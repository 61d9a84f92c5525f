"""Retrieves: ``[Type]``, ``[Type: "Value Set"]``, ``[Type: path in Codes]`` and the
related-context form ``[Ctx -> Type]``, all delegated to ``ctx.data.retrieve``.

The data type is passed unqualified (``'Observation'``); the code path defaults to the
model's primary code path; the codes are a ValueSetRef or a list of Codes."""
from __future__ import annotations

from typing import Any

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef


def compile_retrieve(comp: Any, node: ast.Retrieve, scope: Any) -> tuple:
    t = comp.type_of_spec(node.data_type)
    if isinstance(t, T.ChoiceType):
        t = next((c for c in t.choices if isinstance(c, T.NamedType) and c.namespace != "System"), t.choices[0])
    if not isinstance(t, T.NamedType) or t.namespace == "System":
        raise comp.error(node, f"cannot retrieve {t}: retrieves need a model type (add a 'using' declaration)")
    model = comp.state.models[t.namespace]
    type_name = t.name
    code_path = node.code_path
    terms = None
    if node.terminology is not None:
        terms, _ = comp.expr(node.terminology, scope)
        if code_path is None:
            code_path = model.primary_code_path(f"{t.namespace}.{type_name}")
            if code_path is None:
                raise comp.error(node, f"type {t} has no primary code path; name one: [{type_name}: path in ...]")
    context_name = scope.context
    ctx_expr = comp.expr(node.context_expr, scope)[0] if node.context_expr is not None else None

    def retrieve(ctx: Any) -> Any:
        data = ctx.data
        if data is None:
            raise CqlRuntimeError(f"no data provider is configured for the retrieve of {type_name}")
        codes = None
        if terms is not None:
            codes = _codes(terms(ctx))
            if codes is None or codes == []:
                return []
        if ctx_expr is not None:
            cname, cvalue = "Patient", ctx_expr(ctx)
        else:
            cname = context_name
            cvalue = ctx.context_values.get(context_name) if context_name else None
        result = data.retrieve(type_name, context=cname, context_value=cvalue,
                               code_path=code_path if terms is not None else None, codes=codes)
        return list(result) if result is not None else []
    return comp.located(node, retrieve), T.ListType(t)


def _codes(value: Any) -> Any:
    """The retrieve filter: a ValueSetRef as is, otherwise a flat list of Codes."""
    if value is None or isinstance(value, ValueSetRef):
        return value
    if isinstance(value, CodeSystemRef):
        raise CqlRuntimeError("a retrieve cannot filter by a whole code system")
    if isinstance(value, Code):
        return [value]
    if isinstance(value, Concept):
        return list(value.codes)
    if isinstance(value, list):
        out: list = []
        for v in value:
            if isinstance(v, Code):
                out.append(v)
            elif isinstance(v, Concept):
                out.extend(v.codes)
        return out
    raise CqlRuntimeError(f"a retrieve filter must be a value set, code, concept or list of codes, not {value!r}")
