"""One PlanDefinition action -> one RequestGroup action (or nothing when not applicable).

Conditions: every ``applicability`` condition must be Boolean ``true`` (they combine with
AND, per the R4 PlanDefinition definition); ``null`` or a non-Boolean result counts as
false and is reported.  ``start`` and ``stop`` conditions are evaluated too, and their
result is written on the copied condition as the ``condition-result`` extension.  The
``cqf-applicabilityBehavior`` extension on an action (or the PlanDefinition) governs its
children: ``all`` applies every applicable child, ``any`` only the first one."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from fhirrules.reasoning.activity import apply_dynamic_values, build_activity
from fhirrules.reasoning.errors import ExpressionError
from fhirrules.reasoning.expressions import evaluate_expression
from fhirrules.reasoning.inputs import input_variables
from fhirrules.reasoning.jsoncopy import clone
from fhirrules.reasoning.lenient import lenient_timing
from fhirrules.reasoning.session import ApplySession
from fhirrules.reasoning.values import truthy_condition

APPLICABILITY_BEHAVIOR = "http://hl7.org/fhir/StructureDefinition/cqf-applicabilityBehavior"
CONDITION_RESULT = "http://fhirrules.org/fhir/StructureDefinition/condition-result"
PARTICIPANT_DEFINITION = "http://fhirrules.org/fhir/StructureDefinition/action-participant-definition"

# Copied unchanged from the PlanDefinition action onto the RequestGroup action.
COPIED = ("id", "extension", "title", "description", "textEquivalent", "priority", "code",
          "documentation", "type", "relatedAction", "groupingBehavior", "selectionBehavior",
          "requiredBehavior", "precheckBehavior", "cardinalityBehavior")
TIMINGS = ("timingDateTime", "timingAge", "timingPeriod", "timingDuration", "timingRange", "timingTiming")
# Builds the nested RequestGroup of a PlanDefinition named by definitionCanonical.
NestedPlan = Callable[[dict], "dict | None"]


def applicability_behavior(element: dict) -> str:
    """``all`` (default) or ``any``, from the element's cqf-applicabilityBehavior extension."""
    for ext in element.get("extension") or ():
        if ext.get("url") == APPLICABILITY_BEHAVIOR:
            return ext.get("valueCode") or "all"
    return "all"


class ActionApplier:
    """Applies the actions of one PlanDefinition into RequestGroup actions; collects the
    resources their definitions produce in ``resources``."""

    def __init__(self, session: ApplySession, plan: dict, libraries: Sequence[str],
                 request_group_id: str, nested_plan: NestedPlan) -> None:
        self.session = session
        self.plan = plan
        self.libraries = list(libraries)
        self.rg_id = request_group_id
        self.nested_plan = nested_plan
        self.outcome_id = f"apply-outcome-{request_group_id}"   # the reference engine's naming
        self.resources: list[dict] = []

    def where(self, action: dict, path: str) -> str:
        return f"PlanDefinition/{self.plan.get('id')} action {action.get('id') or path}"

    # ------------------------------------------------------------------ actions
    def apply_actions(self, actions: Sequence[dict], behavior: str, path: str = "action") -> list[dict]:
        out = []
        for n, action in enumerate(actions or ()):
            result = self.apply_action(action, f"{path}[{n}]")
            if result is not None:
                out.append(result)
                if behavior == "any":
                    break
        return out

    def apply_action(self, action: dict, path: str) -> dict | None:
        where = self.where(action, path)
        scopes = self.session.variable_scopes
        scopes.append(input_variables(self.session, action, self.outcome_id, where)
                      if action.get("input") else {})
        try:
            return self._apply_action(action, path, where)
        finally:
            scopes.pop()

    def _apply_action(self, action: dict, path: str, where: str) -> dict | None:
        conditions = [clone(c) for c in action.get("condition") or ()]
        for cond in conditions:
            if cond.get("kind") == "applicability" and not self._applicable(cond, where):
                return None
        for cond in conditions:
            if cond.get("kind") in ("start", "stop"):
                self._record_condition(cond, where)

        out: dict[str, Any] = {k: clone(action[k]) for k in COPIED if k in action}
        if conditions:
            out["condition"] = conditions
        for key in TIMINGS:
            if key in action:
                out[key] = lenient_timing(clone(action[key]))
        self._participants(action, out)
        resource = self._definition(action, out, where)
        apply_dynamic_values(self.session, action, out, self.libraries, target=out,
                             location=where, path_prefix="action", outcome_id=self.outcome_id)
        self._resource_dynamic_values(action, resource, out, where)
        children = self.apply_actions(action.get("action") or (), applicability_behavior(action),
                                      f"{path}.action")
        if children:
            out["action"] = children
        return out

    # --------------------------------------------------------------- conditions
    def _evaluate(self, cond: dict, where: str) -> tuple[bool, Any]:
        expr = cond.get("expression") or {}
        try:
            return True, evaluate_expression(self.session, expr, self.libraries)
        except ExpressionError as exc:
            self.session.report(self.outcome_id, "error", "exception", str(exc),
                                f"{where} {cond.get('kind')} condition", expr.get("expression"))
            return False, None

    def _applicable(self, cond: dict, where: str) -> bool:
        ok, value = self._evaluate(cond, where)
        if not ok:
            return False
        result = truthy_condition(value)
        if result is None:
            expr = (cond.get("expression") or {}).get("expression")
            if value is None or value == []:
                self.session.report(self.outcome_id, "information", "informational",
                                    "applicability condition is null; the action is not applicable",
                                    where, expr)
            else:
                self.session.report(self.outcome_id, "warning", "processing",
                                    f"applicability condition is not a Boolean ({type(value).__name__}); "
                                    "the action is not applicable", where, expr)
            return False
        return result

    def _record_condition(self, cond: dict, where: str) -> None:
        ok, value = self._evaluate(cond, where)
        result = truthy_condition(value) if ok else None
        ext: dict[str, Any] = {"url": CONDITION_RESULT}
        if result is None:   # null, not a Boolean, or failed (the issue is reported)
            ext["valueCode"] = "error" if not ok else "unknown"
        else:
            ext["valueBoolean"] = result
        cond.setdefault("extension", []).append(ext)

    # ------------------------------------------------------------- participants
    def _participants(self, action: dict, out: dict) -> None:
        """R4 RequestGroup participants are References: resolve the definition's
        participant types we can name for this request; keep the rest as an extension
        so the information is not lost."""
        refs, unresolved = [], []
        for p in action.get("participant") or ():
            ptype = p.get("type")
            if ptype == "patient":
                refs.append({"reference": self.session.subject_ref})
            elif ptype == "practitioner" and self.session.practitioner_ref:
                refs.append({"reference": self.session.practitioner_ref})
            else:
                unresolved.append(p)
        if refs:
            out["participant"] = refs
        for p in unresolved:
            inner = [{"url": "type", "valueCode": p["type"]}] if p.get("type") else []
            if p.get("role"):
                inner.append({"url": "role", "valueCodeableConcept": clone(p["role"])})
            if inner:
                out.setdefault("extension", []).append({"url": PARTICIPANT_DEFINITION, "extension": inner})

    # --------------------------------------------------------------- definition
    def _resource_dynamic_values(self, action: dict, resource: dict | None, out: dict, where: str) -> None:
        """dynamicValues of the action whose path is not ``action.*`` customise the
        resource the action's definition produced; without one, the action itself."""
        if not any(not (dv.get("path") or "").startswith("action.") for dv in action.get("dynamicValue") or ()):
            return
        target = resource if resource is not None else out
        apply_dynamic_values(self.session, action, target, self.libraries, target=target,
                             location=where, outcome_id=self.outcome_id if resource is None else None)

    def _definition(self, action: dict, out: dict, where: str) -> dict | None:
        """Apply the action's definition; the resource it produced (if any)."""
        if action.get("definitionUri"):
            out["resource"] = {"reference": action["definitionUri"]}
            return None
        ref = action.get("definitionCanonical")
        if not ref:
            return None
        target = self.session.kb.resolve(ref, ("ActivityDefinition", "PlanDefinition", "Questionnaire"),
                                         container=self.plan)
        if target is None:
            self.session.report(self.outcome_id, "warning", "not-found",
                                f"definition {ref} not found; referenced as given", where)
            out["resource"] = {"reference": ref}
            return None
        kind = target.get("resourceType")
        if kind == "ActivityDefinition":
            resource = build_activity(self.session, target, libraries=self.libraries,
                                      based_on=f"RequestGroup/{self.rg_id}", location=where,
                                      outcome_id=self.outcome_id, action_id=action.get("id"))
            if resource is not None:
                self.resources.append(resource)
                out["resource"] = {"reference": f"{resource['resourceType']}/{resource['id']}"}
            return resource
        elif kind == "PlanDefinition":
            nested = self.nested_plan(target)
            if nested is None:
                self.session.report(self.outcome_id, "error", "processing",
                                    f"PlanDefinition {ref} includes itself or nests too deep; not applied", where)
            else:
                out["resource"] = {"reference": f"RequestGroup/{nested['id']}"}
            return nested
        # Questionnaire: the action asks for it to be filled in; reference it
        out["resource"] = {"reference": ref}
        return None
