"""Clinical reasoning: PlanDefinition / ActivityDefinition ``$apply`` over the CQL engine.

Public API (see ``apply.py`` for the full contract)::

    from fhirrules.reasoning import KnowledgeBase, ApplyRequest, apply_plan_definition
    kb = KnowledgeBase.load(default_knowledge_dirs())     # once: parse + compile
    result = apply_plan_definition(kb, "aav-rituximab-refractory", ApplyRequest(subject="Patient/1", data=record))
    result.as_careplan(); result.as_bundle(); result.issues

Files: ``knowledge.py`` (artifacts by canonical, compiled once), ``apply.py`` (entry
points), ``actions.py`` (one action), ``activity.py`` (ActivityDefinition -> request),
``goals.py``, ``expressions.py`` (CQL / FHIRPath expressions), ``inputs.py`` (action
inputs as variables), ``values.py`` (CQL -> FHIR JSON), ``paths.py`` (dynamicValue
paths), ``output.py`` (CarePlan / Bundle forms), ``outcomes.py`` (OperationOutcomes),
``session.py`` / ``request.py`` / ``data.py`` (per-request state, inputs, data),
``cql_bridge.py`` (the engine seam), ``runner.py`` (from files, for the CLI)."""
from __future__ import annotations

from fhirrules.reasoning.apply import apply_activity_definition, apply_plan_definition
from fhirrules.reasoning.errors import ApplyInputError, KnowledgeError, ReasoningError
from fhirrules.reasoning.knowledge import KnowledgeBase, default_knowledge_dirs
from fhirrules.reasoning.output import ApplyResult
from fhirrules.reasoning.request import ApplyRequest

__all__ = ["ApplyInputError", "ApplyRequest", "ApplyResult", "KnowledgeBase", "KnowledgeError",
           "ReasoningError", "apply_activity_definition", "apply_plan_definition", "default_knowledge_dirs"]
