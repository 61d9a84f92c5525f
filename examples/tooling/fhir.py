"""Small builders for the FHIR R4 resources of the worked examples.

Conventions (so that every comparison in the CQL is at the same precision): clinical
times are full date-times at 08:00Z ("2025-03-09" -> "2025-03-09T08:00:00Z"); each
scenario's evaluation time ("now") is 12:00Z on its date.  Codes and UCUM units are the
knowledge spec's (Appendix T)."""
from __future__ import annotations

import itertools

SCT = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
LNC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ASSESSMENT = "http://fhirrules.org/fhir/CodeSystem/assessment"

IV = {"coding": [{"system": SCT, "code": "47625008", "display": "Intravenous route"}]}
ORAL = {"coding": [{"system": SCT, "code": "26643006", "display": "Oral route"}]}

DRUGS = {
    "rituximab": ("121191", "rituximab"), "cyclophosphamide": ("3002", "cyclophosphamide"),
    "mmf": ("68149", "mycophenolate mofetil"), "tacrolimus": ("42316", "tacrolimus"),
    "azathioprine": ("1256", "azathioprine"), "prednisone": ("8640", "prednisone"),
    "prednisolone": ("8638", "prednisolone"), "methylprednisolone": ("6902", "methylprednisolone"),
    "tmp-smx": ("10831", "sulfamethoxazole / trimethoprim"), "mesna": ("44", "mesna"),
    "hcq": ("5521", "hydroxychloroquine"), "amoxicillin": ("723", "amoxicillin"),
}
LABS = {
    "weight": ("29463-7", "Body weight", "kg"), "creat-umol": ("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "umol/L"),
    "creat-mg": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL"),
    "wbc": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL"),
    "neut": ("751-8", "Neutrophils [#/volume] in Blood by Automated count", "10*3/uL"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "pao2": ("2703-7", "Oxygen [Partial pressure] in Arterial blood", "mm[Hg]"),
    "mpo": ("46266-3", "Myeloperoxidase Ab [Units/volume] in Serum by Immunoassay", "[arb'U]/mL"),
    "upcr": ("2890-2", "Protein/Creatinine [Mass Ratio] in Urine", "g/g"),
    "egfr": ("98979-8", "Glomerular filtration rate/1.73 sq M.predicted (CKD-EPI 2021)", "mL/min/{1.73_m2}"),
    "dsdna": ("5130-0", "DNA double strand Ab [Units/volume] in Serum", "[IU]/mL"),
    "c3": ("4485-9", "Complement C3 [Mass/volume] in Serum or Plasma", "mg/dL"),
    "urbc": ("13945-1", "Erythrocytes [#/area] in Urine sediment by Microscopy high power field", "/[HPF]"),
    "igg4": ("2469-5", "IgG subclass 4 [Mass/volume] in Serum", "mg/dL"),
}

# Resource ids are per patient ("S01-obs-3") so adding a scenario never renumbers another.
_ids: dict[str, itertools.count] = {}


def t(day: str) -> str:
    """A clinical time: 'YYYY-MM-DD' -> 08:00Z that day (full date-times pass through)."""
    return day if "T" in day else f"{day}T08:00:00Z"


def now(day: str) -> str:
    return f"{day}T12:00:00Z"


def _id(pid: str, prefix: str) -> str:
    counter = _ids.setdefault(pid, itertools.count(1))
    return f"{pid}-{prefix}-{next(counter)}"


def _pat(pid: str) -> dict:
    return {"reference": f"Patient/{pid}"}


def reset_ids() -> None:
    global _ids
    # Resource ids are per patient ("S01-obs-3") so adding a scenario never renumbers another.
_ids: dict[str, itertools.count] = {}


def patient(pid: str, gender: str, birth: str) -> dict:
    return {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": birth}


def condition(pid: str, codings: list[tuple[str, str, str]], onset: str, status: str = "active",
              abatement: str | None = None, text: str | None = None) -> dict:
    c = {"resourceType": "Condition", "id": _id(pid, "cond"),
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
         "code": {"coding": [{"system": s, "code": c, "display": d} for s, c, d in codings]},
         "subject": _pat(pid), "onsetDateTime": t(onset)}
    if text:
        c["code"]["text"] = text
    if abatement:
        c["abatementDateTime"] = t(abatement)
    return c


def lab(pid: str, kind: str, value: float, day: str, unit: str | None = None, code: str | None = None) -> dict:
    loinc, display, default_unit = LABS[kind]
    u = unit or default_unit
    return {"resourceType": "Observation", "id": _id(pid, "obs"), "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "vital-signs" if kind in ("weight", "spo2") else "laboratory"}]}],
            "code": {"coding": [{"system": LNC, "code": code or loinc, "display": display}]},
            "subject": _pat(pid), "effectiveDateTime": t(day),
            "valueQuantity": {"value": value, "unit": u, "system": UCUM, "code": u}}


def coded_result(pid: str, loinc: str, display: str, day: str, value: tuple[str, str, str],
                 interpretation: str | None = None) -> dict:
    o = {"resourceType": "Observation", "id": _id(pid, "obs"), "status": "final",
         "code": {"coding": [{"system": LNC, "code": loinc, "display": display}]},
         "subject": _pat(pid), "effectiveDateTime": t(day),
         "valueCodeableConcept": {"coding": [{"system": value[0], "code": value[1], "display": value[2]}]}}
    if interpretation:
        o["interpretation"] = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                            "code": interpretation}]}]
    return o


def fact(pid: str, code: str, value: bool | int | str, day: str, status: str = "final") -> dict:
    """A clinician-entered fact in the local assessment code system (spec 0.5)."""
    o = {"resourceType": "Observation", "id": _id(pid, "fact"), "status": status,
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
         "code": {"coding": [{"system": ASSESSMENT, "code": code}]},
         "subject": _pat(pid), "effectiveDateTime": t(day)}
    if isinstance(value, bool):
        o["valueBoolean"] = value
    elif isinstance(value, int):
        o["valueInteger"] = value
    else:
        o["valueCodeableConcept"] = {"coding": [{"system": ASSESSMENT, "code": value}]}
    return o


def _med(drug: str) -> dict:
    code, display = DRUGS[drug]
    return {"coding": [{"system": RXN, "code": code, "display": display}], "text": display}


def administration(pid: str, drug: str, mg: float, day: str, route: dict | None = IV,
                   status: str = "completed") -> dict:
    a = {"resourceType": "MedicationAdministration", "id": _id(pid, "madm"), "status": status,
         "medicationCodeableConcept": _med(drug), "subject": _pat(pid), "effectiveDateTime": t(day),
         "dosage": {"dose": {"value": mg, "unit": "mg", "system": UCUM, "code": "mg"}}}
    if route:
        a["dosage"]["route"] = route
    return a


def _dosage(mg: float, per_day: int = 1, route: dict | None = ORAL, start: str | None = None,
            end: str | None = None, count: int | None = None, period: float = 1, unit: str = "d") -> dict:
    repeat: dict = {"frequency": per_day, "period": period, "periodUnit": unit}
    if start:
        repeat["boundsPeriod"] = {"start": t(start), **({"end": t(end)} if end else {})}
    if count:
        repeat["count"] = count
    d = {"timing": {"repeat": repeat},
         "doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg", "system": UCUM, "code": "mg"}}]}
    if route:
        d["route"] = route
    return d


def request(pid: str, drug: str, mg: float, start: str, end: str | None = None, per_day: int = 1,
            status: str = "active", route: dict | None = ORAL, count: int | None = None,
            period: float = 1, unit: str = "d", rid: str | None = None) -> dict:
    return {"resourceType": "MedicationRequest", "id": rid or _id(pid, "mreq"), "status": status,
            "intent": "order", "medicationCodeableConcept": _med(drug), "subject": _pat(pid),
            "authoredOn": t(start),
            "dosageInstruction": [_dosage(mg, per_day, route, start, end, count, period, unit)]}


def statement(pid: str, drug: str, mg: float, start: str, end: str | None = None, per_day: int = 1,
              status: str = "completed") -> dict:
    period = {"start": t(start), **({"end": t(end)} if end else {})}
    d = _dosage(mg, per_day)
    return {"resourceType": "MedicationStatement", "id": _id(pid, "mst"), "status": status,
            "medicationCodeableConcept": _med(drug), "subject": _pat(pid), "effectivePeriod": period,
            "dosage": [d]}


def dispense(pid: str, drug: str, day: str, days_supply: int) -> dict:
    return {"resourceType": "MedicationDispense", "id": _id(pid, "mdsp"), "status": "completed",
            "medicationCodeableConcept": _med(drug), "subject": _pat(pid), "whenHandedOver": t(day),
            "daysSupply": {"value": days_supply, "unit": "d", "system": UCUM, "code": "d"}}


def procedure(pid: str, code: tuple[str, str, str], day: str) -> dict:
    return {"resourceType": "Procedure", "id": _id(pid, "proc"), "status": "completed",
            "code": {"coding": [{"system": code[0], "code": code[1], "display": code[2]}]},
            "subject": _pat(pid), "performedDateTime": t(day)}


def chest_ct(pid: str, day: str) -> dict:
    return {"resourceType": "DiagnosticReport", "id": _id(pid, "dr"), "status": "final",
            "code": {"coding": [{"system": LNC, "code": "24627-2", "display": "CT Chest"}], "text": "CT chest"},
            "subject": _pat(pid), "effectiveDateTime": t(day), "issued": t(day)}


def allergy(pid: str, code: tuple[str, str, str], criticality: str = "high") -> dict:
    return {"resourceType": "AllergyIntolerance", "id": _id(pid, "alg"),
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
            "criticality": criticality,
            "code": {"coding": [{"system": code[0], "code": code[1], "display": code[2]}], "text": code[2]},
            "patient": _pat(pid)}


def bundle(resources: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"http://fhirrules.org/examples/{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}


def draft_bundle(resources: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}
