"""ActivityDefinition ``$apply``: one ActivityDefinition + the session -> one request resource.

Each supported ``kind`` has a small builder that places the definition's elements where
the R4 request resource keeps them (``productCodeableConcept`` ->
``MedicationRequest.medicationCodeableConcept``, ``timing[x]`` ->
``ServiceRequest.occurrence[x]``, ...).  ``kind: Procedure`` is proposed as a
ServiceRequest (a Procedure records something done; the proposal to do it is a request).
Then the ActivityDefinition's ``dynamicValue``s override elements by path; a failing one
becomes an OperationOutcome issue linked from the resource through ``cqf-messages``."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from fhirrules.reasoning.errors import ExpressionError
from fhirrules.reasoning.expressions import evaluate_expression
from fhirrules.reasoning.jsoncopy import clone
from fhirrules.reasoning.lenient import lenient_timing
from fhirrules.reasoning.outcomes import link_messages
from fhirrules.reasoning.paths import set_path
from fhirrules.reasoning.session import ApplySession
from fhirrules.reasoning.values import to_fhir

TARGET_STATUS = "http://hl7.org/fhir/us/ecr/StructureDefinition/targetStatus"
# Extensions that describe the definition itself, not the request made from it (every
# other extension of the ActivityDefinition is carried, as the reference engine does).
_DEFINITION_ONLY = {"http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability",
                    "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeRepresentationLevel",
                    "http://hl7.org/fhir/StructureDefinition/cqf-knowledgeCapability",
                    "http://hl7.org/fhir/StructureDefinition/cqf-knowledgeRepresentationLevel"}


def canonical_of(resource: dict) -> str | None:
    url = resource.get("url")
    if url and resource.get("version"):
        return f"{url}|{resource['version']}"
    return url


def _timing_to(prefix: str, ad: dict, out: dict,
               allowed: tuple[str, ...] = ("Timing", "DateTime", "Period")) -> None:
    """``timing[x]`` of the definition -> ``<prefix>[x]`` of the request, for the types
    the request allows (the others have no place there and are left out)."""
    for suffix in allowed:
        value = ad.get(f"timing{suffix}")
        if value is not None:
            out[f"{prefix}{suffix}"] = lenient_timing(clone(value))
            return


def _common_request(session: ApplySession, ad: dict, out: dict, *, subject_key: str = "subject",
                    requester_key: str | None = "requester") -> None:
    out[subject_key] = {"reference": session.subject_ref}
    if session.encounter_ref:
        out["encounter"] = {"reference": session.encounter_ref}
    if requester_key and session.practitioner_ref:
        out[requester_key] = {"reference": session.practitioner_ref}


def _performers(session: ApplySession, ad: dict) -> list[dict]:
    refs = []
    for p in ad.get("participant") or ():
        if p.get("type") == "practitioner" and session.practitioner_ref:
            refs.append({"reference": session.practitioner_ref})
        elif p.get("type") == "patient":
            refs.append({"reference": session.subject_ref})
    return refs


def _medication_request(session: ApplySession, ad: dict, out: dict) -> None:
    out.update(status="draft", intent="proposal")
    if ad.get("doNotPerform") is not None:
        out["doNotPerform"] = ad["doNotPerform"]
    if "productCodeableConcept" in ad:
        out["medicationCodeableConcept"] = clone(ad["productCodeableConcept"])
    elif "productReference" in ad:
        out["medicationReference"] = clone(ad["productReference"])
    elif "code" in ad:
        out["medicationCodeableConcept"] = clone(ad["code"])
    _common_request(session, ad, out)
    if ad.get("dosage"):
        out["dosageInstruction"] = clone(ad["dosage"])
        for dosage in out["dosageInstruction"]:
            lenient_timing(dosage.get("timing"))
    if ad.get("quantity"):
        out["dispenseRequest"] = {"quantity": clone(ad["quantity"])}
    performers = _performers(session, ad)
    if performers:
        out["performer"] = performers[0]


def _service_request(session: ApplySession, ad: dict, out: dict) -> None:
    out.update(status="draft", intent="proposal")
    if ad.get("doNotPerform") is not None:
        out["doNotPerform"] = ad["doNotPerform"]
    out["code"] = clone(ad.get("code") or {"text": ad.get("title") or ad.get("name") or ad.get("id")})
    if ad.get("quantity"):
        out["quantityQuantity"] = clone(ad["quantity"])
    _common_request(session, ad, out)
    _timing_to("occurrence", ad, out)
    if ad.get("bodySite"):
        out["bodySite"] = clone(ad["bodySite"])
    performers = _performers(session, ad)
    if performers:
        out["performer"] = performers


def _communication_request(session: ApplySession, ad: dict, out: dict) -> None:
    out["status"] = "draft"
    if ad.get("doNotPerform") is not None:
        out["doNotPerform"] = ad["doNotPerform"]
    if ad.get("code"):
        out["category"] = [clone(ad["code"])]
    text = ad.get("description") or (ad.get("code") or {}).get("text") or ad.get("title")
    if text:
        out["payload"] = [{"contentString": text}]
    _common_request(session, ad, out)
    _timing_to("occurrence", ad, out, ("DateTime", "Period"))
    # CommunicationRequest names its requester like the others; recipients come from participants
    recipients = _performers(session, ad)
    if recipients:
        out["recipient"] = recipients


def _task(session: ApplySession, ad: dict, out: dict) -> None:
    status = next((e.get("valueString") or e.get("valueCode") for e in ad.get("extension") or ()
                   if e.get("url") == TARGET_STATUS), None)
    out.update(status=status or "draft", intent="proposal")
    if ad.get("code"):
        out["code"] = clone(ad["code"])
    if ad.get("description"):
        out["description"] = ad["description"]
    out["for"] = {"reference": session.subject_ref}
    if session.encounter_ref:
        out["encounter"] = {"reference": session.encounter_ref}
    if session.practitioner_ref:
        out["requester"] = {"reference": session.practitioner_ref}


def _nutrition_order(session: ApplySession, ad: dict, out: dict) -> None:
    out.update(status="draft", intent="proposal", patient={"reference": session.subject_ref},
               dateTime=_now_string(session))
    if session.encounter_ref:
        out["encounter"] = {"reference": session.encounter_ref}
    if session.practitioner_ref:
        out["orderer"] = {"reference": session.practitioner_ref}
    if ad.get("code"):
        out["oralDiet"] = {"type": [clone(ad["code"])]}


def _device_request(session: ApplySession, ad: dict, out: dict) -> None:
    out.update(status="draft", intent="proposal")
    if "productCodeableConcept" in ad:
        out["codeCodeableConcept"] = clone(ad["productCodeableConcept"])
    elif "productReference" in ad:
        out["codeReference"] = clone(ad["productReference"])
    else:
        out["codeCodeableConcept"] = clone(ad.get("code") or {"text": ad.get("title") or ad.get("id")})
    _common_request(session, ad, out)
    _timing_to("occurrence", ad, out)


def _immunization_recommendation(session: ApplySession, ad: dict, out: dict) -> None:
    vaccine = ad.get("productCodeableConcept") or ad.get("code") or {"text": ad.get("title") or ad.get("id")}
    out.update(patient={"reference": session.subject_ref}, date=_now_string(session),
               recommendation=[{"vaccineCode": [clone(vaccine)],
                                "forecastStatus": {"coding": [{
                                    "system": "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status",
                                    "code": "due"}]}}])


def _now_string(session: ApplySession) -> str:
    from fhirrules.reasoning.values import temporal_string
    now = session.now
    if isinstance(now, str):
        return now
    text = temporal_string(now) if now is not None else None
    if text:
        return text
    import datetime as _dt
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


# kind -> (resourceType produced, builder, takes instantiatesCanonical as a list?)
BUILDERS: dict[str, tuple[str, Callable[[ApplySession, dict, dict], None], str | None]] = {
    "MedicationRequest": ("MedicationRequest", _medication_request, "list"),
    "ServiceRequest": ("ServiceRequest", _service_request, "list"),
    "Procedure": ("ServiceRequest", _service_request, "list"),
    "CommunicationRequest": ("CommunicationRequest", _communication_request, None),
    "Task": ("Task", _task, "single"),
    "NutritionOrder": ("NutritionOrder", _nutrition_order, "list"),
    "DeviceRequest": ("DeviceRequest", _device_request, "list"),
    "ImmunizationRecommendation": ("ImmunizationRecommendation", _immunization_recommendation, None),
}


_TIMING_TO_OCCURRENCE = {"timingTiming": "occurrenceTiming", "timingDateTime": "occurrenceDateTime",
                         "timingPeriod": "occurrencePeriod"}
# ActivityDefinition element names -> where the generated request keeps them, so that
# knowledge can write dynamicValue paths against the definition ('dosage[0].text').
DEFINITION_PATHS: dict[str, dict[str, str]] = {
    "MedicationRequest": {"dosage": "dosageInstruction", "productCodeableConcept": "medicationCodeableConcept",
                          "productReference": "medicationReference", "quantity": "dispenseRequest.quantity"},
    "ServiceRequest": {**_TIMING_TO_OCCURRENCE, "quantity": "quantityQuantity"},
    "CommunicationRequest": {"timingDateTime": "occurrenceDateTime", "timingPeriod": "occurrencePeriod"},
    "DeviceRequest": {**_TIMING_TO_OCCURRENCE, "productCodeableConcept": "codeCodeableConcept",
                      "productReference": "codeReference"},
}


def target_path(resource_type: str, path: str) -> str:
    """A dynamicValue path written against the ActivityDefinition, on the request."""
    head, dot, rest = path.partition(".")
    name, bracket, index = head.partition("[")
    mapped = DEFINITION_PATHS.get(resource_type, {}).get(name)
    if mapped is None:
        return path
    return mapped + (bracket + index) + (dot + rest)


def build_activity(session: ApplySession, ad: dict, *, libraries: Sequence[str] = (),
                   based_on: str | None = None, location: str = "",
                   outcome_id: str | None = None, action_id: str | None = None) -> dict | None:
    """The request resource ``ad`` proposes for the session's subject, or ``None`` (with
    an issue recorded) when its kind is not one we can build."""
    kind = ad.get("kind")
    where = location or f"ActivityDefinition/{ad.get('id')}"
    if kind not in BUILDERS:
        session.report(outcome_id or f"apply-outcome-{ad.get('id')}", "error", "not-supported",
                       f"ActivityDefinition kind {kind!r} is not supported", where)
        return None
    rtype, builder, instantiates = BUILDERS[kind]
    # a Task made for a PlanDefinition action is named after the action (the reference
    # engine's scheme); other requests keep the ActivityDefinition's id
    wanted = action_id if rtype == "Task" and action_id else (ad.get("id") or kind.lower()).lstrip("#")
    out: dict[str, Any] = {"resourceType": rtype, "id": session.claim_id(rtype, wanted)}
    if ad.get("profile"):
        out["meta"] = {"profile": [ad["profile"]]}
    exts = [clone(e) for e in ad.get("extension") or () if e.get("url") not in _DEFINITION_ONLY]
    if exts:
        out["extension"] = exts
    canonical = ad.get("url")   # the reference engine names the definition by url only
    if canonical and instantiates == "list":
        out["instantiatesCanonical"] = [canonical]
    elif canonical and instantiates == "single":
        out["instantiatesCanonical"] = canonical
    if based_on and rtype == "Task":   # Task.basedOn may point at any resource; R4 requests mostly may not
        out["basedOn"] = [{"reference": based_on}]
    builder(session, ad, out)
    if "intent" in out and ad.get("intent"):   # the definition's intent; 'proposal' otherwise
        out["intent"] = ad["intent"]
    apply_dynamic_values(session, ad, out, list(ad.get("library") or ()) or list(libraries),
                         target=out, location=where)
    return out


def apply_dynamic_values(session: ApplySession, definition: dict, resource: dict,
                         libraries: Sequence[str], *, target: dict, location: str,
                         path_prefix: str | None = None, outcome_id: str | None = None) -> None:
    """Evaluate ``definition.dynamicValue`` and write each into ``target``.

    With ``path_prefix`` ('action') only paths under that prefix are taken, every
    ``action.`` removed ('action.action.title' in a child action is its title); without
    it those paths are skipped.  A ``%`` in a path is dropped (``%resource.x``).  A null
    result leaves the authored element alone (reported as information); a failure is an
    error issue linked from ``target`` through ``cqf-messages``."""
    for n, dv in enumerate(definition.get("dynamicValue") or ()):
        path = (dv.get("path") or "").replace("%", "")
        if path.startswith("resource."):
            path = path[len("resource."):]
        if path_prefix is not None:
            if not path.startswith(path_prefix + "."):
                continue
            while path.startswith(path_prefix + "."):
                path = path[len(path_prefix) + 1:]
        elif path.startswith("action."):
            continue
        expr = dv.get("expression") or {}
        where = f"{location} dynamicValue[{n}] {dv.get('path')}"
        oid = outcome_id or f"apply-outcome-{resource.get('id') or 'apply'}"
        try:
            value = to_fhir(evaluate_expression(session, expr, libraries, resource))
            if value is None or value == []:
                session.report(oid, "information", "informational",
                               "evaluated to null; the authored value is kept", where, expr.get("expression"))
                continue
            if path_prefix is None:
                path = target_path(target.get("resourceType", ""), path)
            set_path(target, path, value)
        except ExpressionError as exc:
            session.report(oid, "error", "exception", str(exc), where, expr.get("expression"))
            link_messages(target, oid, contained=False)   # errors always make an outcome
