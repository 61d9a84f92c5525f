"""The state of one ``$apply``: the request, the patient, one CQL evaluation context per
library (so each define runs at most once per apply), the issues found, and the ids
handed out.  Created per request; everything compiled lives on the KnowledgeBase."""
from __future__ import annotations

from typing import Any

from fhirrules.reasoning.data import (ResourceData, find_resource, merge_prefetch, only_patient_id,
                                      prefetch_resources, split_reference)
from fhirrules.reasoning.errors import ApplyInputError
from fhirrules.reasoning.knowledge import KnowledgeBase
from fhirrules.reasoning.outcomes import Issue, Outcomes
from fhirrules.reasoning.request import ApplyRequest


def normalise_reference(ref: str | None, rtype: str) -> str | None:
    """``'x'`` -> ``'Patient/x'``; ``'Patient/x'`` stays; ``None`` stays ``None``."""
    if not ref:
        return None
    t, i = split_reference(ref, rtype)
    if i.startswith(f"{t}/"):     # ids that already carry their type (seen in fixtures)
        return i
    return f"{t}/{i}"


class ApplySession:
    def __init__(self, kb: KnowledgeBase, request: ApplyRequest) -> None:
        self.kb = kb
        self.request = request
        data = request.data
        self.terminology = request.terminology if request.terminology is not None else kb.terminology()
        extra = prefetch_resources(request.prefetch)
        if extra:
            data = merge_prefetch(data, extra, self.terminology)
        if data is None:
            data = ResourceData(terminology=self.terminology)
        self.data = data
        subject = request.subject or only_patient_id(data)
        if not subject:
            raise ApplyInputError("no subject given and the data does not hold exactly one Patient")
        self.subject_ref = normalise_reference(subject, "Patient")
        self.encounter_ref = normalise_reference(request.encounter, "Encounter")
        self.practitioner_ref = normalise_reference(request.practitioner, "Practitioner")
        self.organization_ref = normalise_reference(request.organization, "Organization")
        stype, sid = self.subject_ref.split("/", 1)
        self.patient = find_resource(data, stype, sid) or {"resourceType": stype, "id": sid}
        self.encounter = self._lookup(self.encounter_ref)
        self.practitioner = self._lookup(self.practitioner_ref)
        if getattr(data, "terminology", False) is None:
            # a PatientRecord loaded without value sets: retrieves by value set need ours
            data.terminology = self.terminology
        self.outcomes = Outcomes()
        self._contexts: dict[int, Any] = {}
        self._used_ids: set[tuple[str, str]] = set()
        self.now = _as_datetime(request.now)
        self.expression_seconds = 0.0      # time inside condition/dynamicValue evaluation
        self.variable_scopes: list[dict[str, Any]] = []   # action inputs, outermost first

    def _lookup(self, ref: str | None) -> dict | None:
        if not ref:
            return None
        t, i = ref.split("/", 1)
        return find_resource(self.data, t, i)

    # -------------------------------------------------------------- CQL
    def cql_context(self, library: dict | None, compiled: Any) -> Any:
        key = id(library)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self.kb.bridge.new_context(data=self.data, terminology=self.terminology,
                                             parameters=dict(self.request.parameters or {}),
                                             now=self.now, patient=self.patient)
            self._contexts[key] = ctx
        return ctx

    def kb_expression(self, text: str, compiled: Any) -> Any:
        from fhirrules.reasoning.errors import ExpressionError
        try:
            return self.kb.compiled_expression(text, compiled)
        except Exception as exc:  # a CqlSyntaxError names line and column
            raise ExpressionError(f"CQL does not compile: {str(exc).splitlines()[0]}", text, "text/cql") from exc

    # -------------------------------------------------------------- FHIRPath
    def fhirpath_variables(self, resource: Any) -> dict[str, Any]:
        variables: dict[str, Any] = dict(self.request.parameters or {})
        for scope in self.variable_scopes:
            variables.update(scope)
        variables.update({"context": self.patient, "subject": self.patient,
                          "patient": self.patient, "resource": resource if resource is not None else self.patient,
                          "practitioner": self.practitioner, "encounter": self.encounter})
        # the $apply user context, for knowledge that tailors actions to who asks
        r = self.request
        for name, value in (("setting", r.setting), ("settingContext", r.setting_context),
                            ("userType", r.user_type), ("userLanguage", r.user_language),
                            ("userTaskContext", r.user_task_context)):
            if value is not None:
                variables[name] = value
        return variables

    # -------------------------------------------------------------- ids and issues
    def claim_id(self, rtype: str, wanted: str) -> str:
        """A unique id per type within this apply (the same ActivityDefinition used by
        two actions gives ``x`` and ``x2``, as the reference engine numbers them)."""
        rid, n = wanted, 1
        while (rtype, rid) in self._used_ids:
            n += 1
            rid = f"{wanted}{n}"
        self._used_ids.add((rtype, rid))
        return rid

    def report(self, outcome_id: str, severity: str, code: str, message: str, location: str,
               expression: str | None = None) -> str:
        return self.outcomes.add(outcome_id, Issue(severity, code, message, location, expression))


def _as_datetime(now: Any) -> Any:
    """``now`` as the engine's DateTime (ISO text is accepted for convenience)."""
    if not isinstance(now, str):
        return now
    try:
        from fhirrules.fhir.temporal_adapter import parse_datetime
    except ImportError:   # no engine types yet: keep the text (only the fake engine runs)
        return now
    try:
        value = parse_datetime(now)
    except Exception as exc:  # CqlRuntimeError for text that is not a FHIR dateTime
        raise ApplyInputError(f"--now/now is not a date/time: {now!r}") from exc
    if value is None:
        raise ApplyInputError(f"--now/now is not a date/time: {now!r}")
    return value
