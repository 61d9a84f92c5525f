"""Evaluating the expressions of knowledge artifacts (conditions and dynamicValues).

Languages (``Expression.language``):

* ``text/cql-identifier`` (also spelled ``text/cql.identifier``): the name of a define in
  the library named by ``Expression.reference``, else the first library of the artifact
  (``PlanDefinition.library`` / ``ActivityDefinition.library``) that defines it;
* ``text/cql`` and ``text/cql-expression``: a CQL expression compiled in the context of
  that library (compiled once and cached on the knowledge base);
* ``text/fhirpath``: FHIRPath with ``%context``, ``%resource``, ``%subject``,
  ``%practitioner``, ``%encounter`` and the CQL parameters as variables.

When the primary expression fails or its language is unknown, the
``cqf-alternativeExpression`` extension is tried.  Failures raise ``ExpressionError``;
the caller turns them into OperationOutcome issues."""
from __future__ import annotations

import time
from typing import Any, Sequence

from fhirrules.reasoning.errors import ExpressionError, KnowledgeError
from fhirrules.reasoning.session import ApplySession

CQL_IDENTIFIER = frozenset({"text/cql-identifier", "text/cql.identifier", "text/cql-name"})
CQL_EXPRESSION = frozenset({"text/cql", "text/cql-expression", "text/cql.expression"})
FHIRPATH = frozenset({"text/fhirpath"})
ALTERNATIVE = "http://hl7.org/fhir/StructureDefinition/cqf-alternativeExpression"


def evaluate_expression(session: ApplySession, expression: dict, libraries: Sequence[str],
                        resource: Any = None) -> Any:
    """Evaluate one FHIR ``Expression`` for the session's subject.

    ``libraries`` are the canonical references the owning artifact declares;
    ``resource`` is the resource being built (``%resource`` in FHIRPath).  The time spent
    here is added to ``session.expression_seconds`` (evaluation vs. building, for tuning)."""
    started = time.perf_counter()
    try:
        return _evaluate_with_fallback(session, expression, libraries, resource)
    finally:
        session.expression_seconds += time.perf_counter() - started


def _evaluate_with_fallback(session: ApplySession, expression: dict, libraries: Sequence[str],
                            resource: Any) -> Any:
    try:
        return _evaluate_one(session, expression, libraries, resource)
    except ExpressionError as first:
        for ext in expression.get("extension") or ():
            if ext.get("url") == ALTERNATIVE and isinstance(ext.get("valueExpression"), dict):
                try:
                    return _evaluate_one(session, ext["valueExpression"], libraries, resource)
                except ExpressionError:
                    continue
        raise first


def _evaluate_one(session: ApplySession, expression: dict, libraries: Sequence[str],
                  resource: Any) -> Any:
    language = (expression.get("language") or "").split(";")[0].strip()
    text = expression.get("expression")
    if not text:
        raise ExpressionError("the expression has no text", None, language)
    if language in CQL_IDENTIFIER:
        return _cql_define(session, text, _library_refs(expression, libraries))
    if language in CQL_EXPRESSION:
        return _cql_expression(session, text, _library_refs(expression, libraries))
    if language in FHIRPATH:
        return _fhirpath(session, text, resource)
    raise ExpressionError(f"unsupported expression language {language!r}", text, language)


def _library_refs(expression: dict, libraries: Sequence[str]) -> list[str]:
    ref = expression.get("reference")
    return [ref] if ref else list(libraries)


def _cql_define(session: ApplySession, name: str, refs: Sequence[str]) -> Any:
    qualifier, dot, tail = name.partition(".")
    candidates = []
    for ref in refs:
        lib, compiled = _compiled(session, ref, name)
        candidates.append((lib, compiled))
    if not candidates:
        raise ExpressionError(f"no library to evaluate CQL define {name!r} in", name, "text/cql-identifier")
    bridge = session.kb.bridge
    chosen = None
    for lib, compiled in candidates:
        if name in bridge.define_names(compiled):
            chosen = (lib, compiled, name)
            break
        # 'Library.Define' naming a listed library explicitly
        if dot and qualifier.strip('"') in (lib.get("name"), lib.get("id")) \
                and tail.strip('"') in bridge.define_names(compiled):
            chosen = (lib, compiled, tail.strip('"'))
            break
    if chosen is None:
        names = ", ".join(str(lib.get("url") or lib.get("id")) for lib, _ in candidates)
        raise ExpressionError(f"define {name!r} not found in {names}", name, "text/cql-identifier")
    lib, compiled, define = chosen
    try:
        return bridge.evaluate_define(compiled, define, session.cql_context(lib, compiled))
    except Exception as exc:  # CqlError (with line/col) or a provider failure: report it
        raise ExpressionError(f"evaluating define {define!r} failed: {_first_line(exc)}",
                              name, "text/cql-identifier") from exc


def _cql_expression(session: ApplySession, text: str, refs: Sequence[str]) -> Any:
    lib = compiled = None
    if refs:
        lib, compiled = _compiled(session, refs[0], text)
    fn = session.kb_expression(text, compiled)
    try:
        return fn(session.cql_context(lib, compiled))
    except Exception as exc:
        raise ExpressionError(f"evaluating CQL failed: {_first_line(exc)}", text, "text/cql") from exc


def _compiled(session: ApplySession, ref: str, text: str) -> tuple[dict, Any]:
    lib = session.kb.library_resource(ref)
    if lib is None:
        raise ExpressionError(f"library {ref} not found in the knowledge base", text)
    try:
        return lib, session.kb.compiled_library(lib)
    except KnowledgeError as exc:
        raise ExpressionError(str(exc), text) from exc


def _fhirpath(session: ApplySession, text: str, resource: Any) -> Any:
    try:
        from fhirrules.fhir.fhirpath import evaluate_fhirpath
    except ImportError as exc:
        raise ExpressionError("FHIRPath is not available in this build", text, "text/fhirpath") from exc
    variables = session.fhirpath_variables(resource)
    try:
        result = evaluate_fhirpath(text, variables.get("context"), variables)
    except Exception as exc:
        raise ExpressionError(f"evaluating FHIRPath failed: {_first_line(exc)}", text, "text/fhirpath") from exc
    if isinstance(result, list) and len(result) == 1:
        return result[0]
    return result if result != [] else None


def _first_line(exc: Exception) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
