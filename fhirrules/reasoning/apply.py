"""PlanDefinition and ActivityDefinition ``$apply`` (FHIR R4 Clinical Reasoning, CPG IG).

The API the CDS Hooks service and the CLI call::

    kb = KnowledgeBase.load(dirs)          # once, at start-up: parses and compiles everything
    result = apply_plan_definition(kb, "http://.../PlanDefinition/x|1.0.0",
                                   ApplyRequest(subject="Patient/1", data=record, now=now,
                                                parameters={"Enable EX Rules": False},
                                                prefetch=hook_prefetch))
    result.as_careplan()    # R4 $apply: CarePlan with everything contained
    result.as_bundle()      # R5-style $apply: Bundle, RequestGroup first
    result.request_group, result.resources, result.goals, result.outcomes, result.issues

    resource, issues = apply_activity_definition(kb, "ActivityDefinition/x", ApplyRequest(...))

``plan`` is a PlanDefinition resource (dict) or a reference resolved in the knowledge
base (canonical ``url|version``, ``url``, ``PlanDefinition/id`` or ``id``).  Per request
only evaluation happens: libraries and expressions are compiled once on the
KnowledgeBase, and each define runs at most once per apply.

What is carried from each action onto the RequestGroup action: id, extensions (e.g.
``cqf-qualityOfEvidence``), title, description, textEquivalent, priority, code,
documentation, type, relatedAction (with offsets), timing[x], every condition (``start``
and ``stop`` with their evaluated result), the grouping/selection/required/precheck/
cardinality behaviours, participants (as References where the request names them),
``action.*`` dynamicValues, and child actions.  ``definitionCanonical`` to an
ActivityDefinition is applied (contained ``#id`` too), to a PlanDefinition applied
recursively into a nested RequestGroup, to a Questionnaire referenced.  Problems become
OperationOutcome issues; ``ApplyInputError``/``KnowledgeError`` are raised only for an
unusable request or a missing PlanDefinition."""
from __future__ import annotations

from typing import Any

from fhirrules.reasoning.actions import ActionApplier, applicability_behavior
from fhirrules.reasoning.activity import build_activity, canonical_of
from fhirrules.reasoning.errors import ApplyInputError, KnowledgeError
from fhirrules.reasoning.goals import build_goal
from fhirrules.reasoning.jsoncopy import clone
from fhirrules.reasoning.knowledge import KnowledgeBase
from fhirrules.reasoning.outcomes import CQF_MESSAGES, Issue, link_messages
from fhirrules.reasoning.output import ApplyResult
from fhirrules.reasoning.request import ApplyRequest
from fhirrules.reasoning.session import ApplySession

MAX_NESTING = 8   # PlanDefinitions that include each other stop here (and are reported)
# Extensions about the PlanDefinition as an artifact; every other one is carried onto the
# RequestGroup (as the reference engine does: the card mapper reads them there).
PLAN_ONLY_EXTENSIONS = frozenset({
    "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability",
    "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeRepresentationLevel",
    "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-questionnaire-generate",
    "http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-softwaresystem",
    "http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-logicDefinition",
    "http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-effectiveDataRequirements",
    "http://hl7.org/fhir/StructureDefinition/cqf-directReferenceCode",
    "http://hl7.org/fhir/StructureDefinition/cqf-logicDefinition",
    "http://hl7.org/fhir/StructureDefinition/crmi-effectiveDataRequirements",
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-adaptive",
    "http://hl7.org/fhir/StructureDefinition/cqf-knowledgeCapability",
    "http://hl7.org/fhir/StructureDefinition/cqf-knowledgeRepresentationLevel",
})


def _language(user_language: Any) -> str | None:
    """``userLanguage`` (a code, a Coding or a CodeableConcept) as a language code."""
    if isinstance(user_language, str):
        return user_language
    if isinstance(user_language, dict):
        if user_language.get("code"):
            return user_language["code"]
        for coding in user_language.get("coding") or ():
            if coding.get("code"):
                return coding["code"]
    return None


def apply_plan_definition(kb: KnowledgeBase, plan: dict | str, request: ApplyRequest) -> ApplyResult:
    """``$apply`` a PlanDefinition for ``request.subject``; see the module docstring."""
    plan_resource = plan if isinstance(plan, dict) else kb.plan_definition(plan)
    session = ApplySession(kb, request)
    builder = _PlanBuilder(session)
    rg = builder.build(plan_resource, stack=[])
    result = ApplyResult(plan=plan_resource, request_group=rg, resources=builder.resources,
                         goals=builder.goals, subject=session.subject_ref,
                         encounter=session.encounter_ref, practitioner=session.practitioner_ref,
                         organization=session.organization_ref,
                         goals_by_group=builder.goals_by_group,
                         expression_seconds=session.expression_seconds)
    result.outcomes = session.outcomes.resources()
    result.issues = session.outcomes.all_issues()
    return result


def apply_activity_definition(kb: KnowledgeBase, activity: dict | str,
                              request: ApplyRequest) -> tuple[dict | None, list[Issue]]:
    """``ActivityDefinition/$apply``: the request resource it proposes and the issues found.
    Issues also travel with the resource: OperationOutcomes in ``contained``, linked by
    ``cqf-messages`` as ``#id``."""
    ad = activity if isinstance(activity, dict) else kb.resolve(activity, ("ActivityDefinition",))
    if ad is None:
        raise KnowledgeError(f"ActivityDefinition not found in the knowledge base: {activity}")
    session = ApplySession(kb, request)
    resource = build_activity(session, ad, libraries=ad.get("library") or ())
    if resource is not None:
        outcomes = session.outcomes.resources()
        if outcomes:
            resource.setdefault("contained", []).extend(outcomes)
            for ext in resource.get("extension") or ():
                ref = (ext.get("valueReference") or {}).get("reference", "")
                if ext.get("url") == CQF_MESSAGES and ref.startswith("OperationOutcome/"):
                    ext["valueReference"]["reference"] = "#" + ref.split("/", 1)[1]
    return resource, session.outcomes.all_issues()


class _PlanBuilder:
    def __init__(self, session: ApplySession) -> None:
        self.session = session
        self.resources: list[dict] = []
        self.goals: list[dict] = []
        self.goals_by_group: dict[str, list[str]] = {}

    def build(self, plan: dict, stack: list[str]) -> dict:
        s = self.session
        rg_id = s.claim_id("RequestGroup", plan.get("id") or "request-group")
        rg: dict[str, Any] = {"resourceType": "RequestGroup", "id": rg_id}
        extensions = [clone(e) for e in plan.get("extension") or ()
                      if e.get("url") not in PLAN_ONLY_EXTENSIONS]
        if extensions:
            rg["extension"] = extensions
        language = _language(s.request.user_language)
        if language:
            rg["language"] = language
        canonical = canonical_of(plan)
        if canonical:
            rg["instantiatesCanonical"] = [canonical]
        if s.request.status not in ("active", "draft"):
            raise ApplyInputError(f"status must be active or draft, not {s.request.status!r}")
        rg.update(status=s.request.status, intent="proposal", subject={"reference": s.subject_ref})
        if s.encounter_ref:
            rg["encounter"] = {"reference": s.encounter_ref}
        if s.practitioner_ref:
            rg["author"] = {"reference": s.practitioner_ref}

        goal_ids = []
        for goal in plan.get("goal") or ():
            gid = str(len(self.goals) + 1)
            self.goals.append(build_goal(s, plan, goal, gid))
            goal_ids.append(gid)
        if goal_ids:
            self.goals_by_group[rg_id] = goal_ids

        applier = ActionApplier(s, plan, plan.get("library") or (), rg_id,
                                lambda target: self._nested(target, stack + [plan.get("url") or plan.get("id")]))
        actions = applier.apply_actions(plan.get("action") or (), applicability_behavior(plan))
        if actions:
            rg["action"] = actions
        self.resources.extend(applier.resources)
        if s.outcomes.reported(applier.outcome_id):
            link_messages(rg, applier.outcome_id, contained=False)
        return rg

    def _nested(self, plan: dict, stack: list[str]) -> dict | None:
        """The RequestGroup of a PlanDefinition named by an action (``None`` on a cycle)."""
        key = plan.get("url") or plan.get("id")
        if key in stack or len(stack) >= MAX_NESTING:
            return None
        slot = len(self.resources)
        nested = self.build(plan, stack)
        self.resources.insert(slot, nested)   # the group before the requests it holds
        return nested
