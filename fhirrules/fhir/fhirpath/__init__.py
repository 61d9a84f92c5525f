"""FHIRPath over FHIR R4 JSON, on the CQL engine's System types and operators.

    evaluate_fhirpath("Patient.name.given", patient_dict) -> ['Peter', 'James', ...]

Results are FHIRPath collections (lists) of System values and typed FHIR ``Node``s; use
``to_system``/``to_json`` helpers to turn them into plain values.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlSyntaxError
from fhirrules.fhir.fhirpath.evaluator import Compiler, Env
from fhirrules.fhir.fhirpath.nodes import Node, resource_node
from fhirrules.fhir.fhirpath.parser import parse_fhirpath
from fhirrules.fhir.fhirpath.values import to_system


@lru_cache(maxsize=2048)
def compile_fhirpath(expression: str) -> Callable[[Env, list], list]:
    """Parse and compile once; the result is reused for every evaluation."""
    from fhirrules.fhir.fhirpath.functions import FUNCTIONS
    try:
        return Compiler(FUNCTIONS).compile(parse_fhirpath(expression))
    except RecursionError:
        # the parser and compiler recurse per nesting level, as the CQL ones do
        raise CqlSyntaxError("expression is nested too deeply", 1, 1, "<fhirpath>",
                             expression.split("\n", 1)[0]) from None


def compile_node(node: Any) -> Callable[[Env, list], list]:
    """Compile an already parsed node (used for sort keys written as ``-expr``)."""
    from fhirrules.fhir.fhirpath.functions import FUNCTIONS
    return Compiler(FUNCTIONS).compile(node)


def as_item(value: Any) -> Any:
    if isinstance(value, dict) and "resourceType" in value:
        return resource_node(value)
    return value


def evaluate_fhirpath(expression: str, resource: Any = None, variables: Optional[dict[str, Any]] = None,
                      *, strict: bool = False, now: Any = None) -> list:
    """Evaluate ``expression`` with ``resource`` as the focus (and ``%context``/``%resource``).
    ``variables`` maps names (without ``%``) to values or lists of values."""
    fn = compile_fhirpath(expression)
    focus = [] if resource is None else [as_item(resource)]
    env_vars: dict[str, list] = {"context": focus, "resource": focus, "rootResource": focus,
                                 "ucum": ["http://unitsofmeasure.org"], "sct": ["http://snomed.info/sct"],
                                 "loinc": ["http://loinc.org"]}
    for name, value in (variables or {}).items():
        values = value if isinstance(value, list) else [value]
        env_vars[name] = [as_item(v) for v in values if v is not None]
    env = Env(env_vars, strict=strict, now=now)
    env.this = focus[0] if focus else None
    return fn(env, focus)


def to_plain(items: list) -> list:
    """Collection items as System values, or the JSON of complex FHIR nodes."""
    out = []
    for item in items:
        v = to_system(item)
        out.append(v.value if isinstance(v, Node) else v)
    return out


__all__ = ["evaluate_fhirpath", "compile_fhirpath", "to_plain", "Node"]
