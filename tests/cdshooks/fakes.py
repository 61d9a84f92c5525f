"""A small stand-in for the reasoning layer: PlanDefinitions in plain JSON and an
``apply`` that decides each rule with a Python predicate over the patient's resources,
then emits the RequestGroup ``$apply`` would (contained resources for child actions)."""
from __future__ import annotations

import copy
from typing import Any, Callable

from fhirrules.cdshooks.cards import (EVIDENCE_EXT, OVERRIDE_REASON_EXT, RECOMMENDED_EXT,
                                      SYSTEM_ACTION_EXT)
from fhirrules.cdshooks.data_requirements import DataRequirement
from fhirrules.cdshooks.reasoner import AppliedPlan, SimpleRecord

GPA = ("http://snomed.info/sct", "195353004")
MMF = ("http://www.nlm.nih.gov/research/umls/rxnorm", "68149")
TMP_SMX = ("http://www.nlm.nih.gov/research/umls/rxnorm", "10831")


def _has_code(resources: list[dict], rtype: str, code: tuple[str, str]) -> bool:
    for res in resources:
        if res.get("resourceType") != rtype:
            continue
        concept = res.get("code") or res.get("medicationCodeableConcept") or {}
        if any((c.get("system"), c.get("code")) == code for c in concept.get("coding") or []):
            return True
    return False


def _trigger(*hooks: str) -> list[dict]:
    return [{"type": "named-event", "name": h} for h in hooks]


def _evidence(code: str) -> dict:
    return {"url": EVIDENCE_EXT, "valueCodeableConcept": {"coding": [
        {"system": "http://fhirrules.org/fhir/CodeSystem/evidence-level", "code": code}]}}


DOCS = [
    {"type": "documentation", "display": "Refractory AAV summary (001)", "url": "https://example.org/001"},
    {"type": "citation", "display": "KDIGO 2024 AAV", "url": "https://example.org/kdigo",
     "citation": "Patients with AAV should be treated at experienced centres."},
    {"type": "citation", "display": "a citation without url is not a link"},
]

PLAN: dict = {
    "resourceType": "PlanDefinition", "id": "fake-aav", "url": "http://fhirrules.org/fhir/PlanDefinition/fake-aav",
    "status": "active", "title": "Fake AAV salvage", "description": "Test plan for the card pipeline",
    "library": ["http://fhirrules.org/fhir/Library/FakeAAV"],
    "action": [
        {"id": "A.5", "title": "Start PJP prophylaxis (trimethoprim-sulfamethoxazole)", "priority": "stat",
         "trigger": _trigger("patient-view"), "documentation": DOCS, "extension": [_evidence("E3")],
         "selectionBehavior": "at-most-one",
         "action": [
             {"id": "A.5-tmp", "title": "Order TMP-SMX 480 mg daily",
              "extension": [{"url": RECOMMENDED_EXT, "valueBoolean": True}]},
             {"id": "A.5-ato", "title": "Order atovaquone 1500 mg daily",
              "extension": [{"url": RECOMMENDED_EXT, "valueBoolean": True}]},
         ]},
        {"id": "A.8-c", "title": "Manage refractory AAV with a vasculitis expert centre", "priority": "routine",
         "trigger": _trigger("patient-view"), "documentation": DOCS[:2], "extension": [
             _evidence("E2"),
             {"url": OVERRIDE_REASON_EXT, "valueCoding": {"system": "http://example.org/override",
                                                           "code": "already-referred", "display": "Already referred"}}]},
        {"id": "A.10", "title": "A rule whose title is far too long " + "x" * 200, "priority": "urgent",
         "trigger": _trigger("patient-view"), "documentation": DOCS[:1], "extension": [_evidence("E3")]},
        {"id": "A.11-a", "title": "Do not use MMF as salvage for severe pulmonary AAV", "priority": "urgent",
         "trigger": _trigger("order-select", "order-sign"), "documentation": DOCS[:1], "extension": [_evidence("E3")]},
        {"id": "X.1", "title": "Unverified option one (EX)", "priority": "routine",
         "trigger": _trigger("patient-view"), "documentation": DOCS[:1], "extension": [_evidence("EX")]},
        {"id": "X.2", "title": "Unverified option two (EX)", "priority": "routine",
         "trigger": _trigger("patient-view"), "documentation": DOCS[:1], "extension": [_evidence("EX")]},
        {"id": "SYS.1", "title": "Record that the rules ran", "priority": "routine",
         "trigger": _trigger("patient-view"), "extension": [{"url": SYSTEM_ACTION_EXT, "valueBoolean": True}]},
    ],
}

RULES: dict[str, Callable[[list[dict]], bool]] = {
    "A.5": lambda rs: _has_code(rs, "Condition", GPA) and not _has_code(rs, "MedicationRequest", TMP_SMX),
    "A.8-c": lambda rs: _has_code(rs, "Condition", GPA),
    "A.10": lambda rs: _has_code(rs, "Condition", GPA),
    "A.11-a": lambda rs: _has_code(rs, "Condition", GPA) and _has_code(rs, "MedicationRequest", MMF),
    "SYS.1": lambda rs: True,
    "X.1": lambda rs: _has_code(rs, "Condition", GPA),
    "X.2": lambda rs: _has_code(rs, "Condition", GPA),
}
EX_GATED = {"X.1", "X.2"}   # like the real knowledge: applicable only with "Enable EX Rules"


class FakeReasoner:
    def __init__(self, plans: list[dict] | None = None) -> None:
        self.plans = plans if plans is not None else [copy.deepcopy(PLAN)]
        self.applied: list[tuple[str, Any]] = []

    def plan_definitions(self) -> list[dict]:
        return self.plans

    def data_requirements(self, plan: dict) -> list[DataRequirement]:
        return [DataRequirement("Condition", codes=frozenset({GPA})),
                DataRequirement("MedicationRequest", unfiltered=True)]

    def record_from_resources(self, resources: list[dict], patient_id: str | None = None) -> SimpleRecord:
        return SimpleRecord(list(resources), patient_id)

    def add_resources(self, record: SimpleRecord, resources: list[dict]) -> SimpleRecord:
        return SimpleRecord(record.resources + list(resources), record.patient_id)

    def apply(self, plan: dict, record: SimpleRecord, *, now: Any, parameters: dict) -> AppliedPlan:
        self.applied.append((plan["id"], now))
        contained, actions = [], []
        for action in plan["action"]:
            if not RULES[action["id"]](record.resources):
                continue
            if action["id"] in EX_GATED and not parameters.get("Enable EX Rules"):
                continue
            out = {k: v for k, v in action.items() if k in ("id", "title", "priority", "selectionBehavior")}
            out["description"] = f"Detail for {action['id']} on patient {record.patient_id}."
            children = []
            for child in action.get("action") or []:
                res = {"resourceType": "MedicationRequest", "id": f"{child['id']}-req", "status": "draft",
                       "intent": "proposal", "subject": {"reference": f"Patient/{record.patient_id}"}}
                contained.append(res)
                children.append({"id": child["id"], "title": child["title"], "resource": {"reference": f"#{res['id']}"}})
            if action["id"] == "SYS.1":
                res = {"resourceType": "Basic", "id": "ran", "code": {"text": "rules ran"}}
                contained.append(res)
                out["resource"] = {"reference": "#ran"}
            if children:
                out["action"] = children
            actions.append(out)
        group = {"resourceType": "RequestGroup", "status": "active", "intent": "proposal",
                 "instantiatesCanonical": [plan["url"]], "contained": contained, "action": actions}
        return AppliedPlan(group, {})


def patient_resources(patient_id: str = "p1", *, gpa: bool = True, tmp_smx: bool = False) -> list[dict]:
    out: list[dict] = [{"resourceType": "Patient", "id": patient_id, "gender": "female", "birthDate": "1973-01-01"}]
    if gpa:
        out.append({"resourceType": "Condition", "id": f"{patient_id}-gpa", "subject": {"reference": f"Patient/{patient_id}"},
                    "code": {"coding": [{"system": GPA[0], "code": GPA[1]}]}})
    if tmp_smx:
        out.append({"resourceType": "MedicationRequest", "id": f"{patient_id}-tmp", "status": "active", "intent": "order",
                    "subject": {"reference": f"Patient/{patient_id}"},
                    "medicationCodeableConcept": {"coding": [{"system": TMP_SMX[0], "code": TMP_SMX[1]}]}})
    return out


def mmf_draft_orders(patient_id: str = "p1") -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "MedicationRequest", "id": "draft-mmf", "status": "draft", "intent": "order",
        "subject": {"reference": f"Patient/{patient_id}"},
        "medicationCodeableConcept": {"coding": [{"system": MMF[0], "code": MMF[1]}]}}}]}


def _load_patients_as_simple(path) -> list[SimpleRecord]:
    from fhirrules.fhir.sources.load import load_patients
    return [SimpleRecord(list(r.resources()), r.patient_id) for r in load_patients(path)]


FakeReasoner.load_patients = staticmethod(_load_patients_as_simple)   # type: ignore[attr-defined]


def _fake_explain(self, plan, record, *, now, parameters, fired_ids):
    from fhirrules.cdshooks.explain import ConditionValue, RuleExplanation
    from fhirrules.cdshooks.triggers import action_hooks
    rs = record.resources
    out = []
    for action in plan["action"]:
        rid = action["id"]
        has_gpa = _has_code(rs, "Condition", GPA)
        conditions = [ConditionValue("Has GPA", "text/cql-identifier", has_gpa)]
        if rid == "A.5":
            conditions.append(ConditionValue("No PJP prophylaxis", "text/cql-identifier",
                                             not _has_code(rs, "MedicationRequest", TMP_SMX)))
        out.append(RuleExplanation(rid, action["title"], plan["url"], sorted(action_hooks(action)),
                                   rid in fired_ids, conditions,
                                   {"GPA conditions": [r for r in rs if r.get("resourceType") == "Condition"]}))
    return out


FakeReasoner.explain = _fake_explain   # type: ignore[attr-defined]
