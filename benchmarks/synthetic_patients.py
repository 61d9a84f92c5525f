"""Synthea-like synthetic FHIR R4 patient bundles for benchmarks and tests.

``make_patient_bundle(n_resources, seed)`` returns one patient's ``collection`` Bundle of
exactly ``n_resources`` resources: the Patient, then a realistic mix of Encounters,
Conditions, Observations (labs with LOINC codes and UCUM quantities, some with
comparators), MedicationRequests (RxNorm, by CodeableConcept and by reference to a
Medication in the bundle) and Procedures, all referencing the patient by ``urn:uuid:``
as Synthea does.  Deterministic for a given seed."""
from __future__ import annotations

import random
import uuid
from typing import Any

LOINC, SNOMED, RXNORM, UCUM = ("http://loinc.org", "http://snomed.info/sct",
                               "http://www.nlm.nih.gov/research/umls/rxnorm", "http://unitsofmeasure.org")
LABS = [("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.5, 3.0),
        ("33914-3", "eGFR", "mL/min/{1.73_m2}", 15, 120),
        ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", 2.0, 5.0),
        ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 7.0, 17.0),
        ("6690-2", "Leukocytes [#/volume] in Blood", "10*3/uL", 1.0, 15.0),
        ("777-3", "Platelets [#/volume] in Blood", "10*3/uL", 50, 450),
        ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "mg/L", 0.1, 80)]
CONDITIONS = [("31996006", "Vasculitis"), ("55464009", "Systemic lupus erythematosus"),
              ("69896004", "Rheumatoid arthritis"), ("38341003", "Hypertension"),
              ("44054006", "Diabetes mellitus type 2"), ("236425005", "Chronic kidney disease")]
MEDS = [("3002", "cyclophosphamide"), ("121191", "rituximab"), ("8640", "prednisone"),
        ("68149", "mycophenolate mofetil"), ("1256", "azathioprine"), ("6851", "methotrexate")]
ENCOUNTER_TYPES = [("185349003", "Encounter for check up"), ("183452005", "Emergency hospital admission"),
                   ("390906007", "Follow-up encounter")]
PROCEDURES = [("36969009", "Placement of stent in coronary artery"), ("233573008", "Extracorporeal plasmapheresis")]


def _date(rng: random.Random, start_year: int = 2015) -> str:
    y = rng.randint(start_year, 2025)
    return f"{y:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _cc(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def make_patient_bundle(n_resources: int, seed: int) -> dict:
    """One patient's Bundle with exactly ``n_resources`` resources (n >= 1)."""
    rng = random.Random(seed)
    pid = _uuid(rng)
    patient = {"resourceType": "Patient", "id": pid, "gender": rng.choice(["female", "male"]),
               "birthDate": f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "name": [{"family": f"Synth{seed}", "given": ["Pat"]}]}
    entries: list[dict[str, Any]] = [{"fullUrl": f"urn:uuid:{pid}", "resource": patient}]
    subject = {"reference": f"urn:uuid:{pid}"}
    med_ids: list[str] = []
    encounters: list[str] = []
    while len(entries) < n_resources:
        rid = _uuid(rng)
        kind = rng.random()
        if kind < 0.10 or not encounters:
            start = _date(rng)
            code, display = rng.choice(ENCOUNTER_TYPES)
            res = {"resourceType": "Encounter", "id": rid, "status": "finished",
                   "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                   "type": [_cc(SNOMED, code, display)], "subject": subject,
                   "period": {"start": start, "end": start}}
            encounters.append(rid)
        elif kind < 0.20:
            code, display = rng.choice(CONDITIONS)
            res = {"resourceType": "Condition", "id": rid,
                   "clinicalStatus": _cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
                   "verificationStatus": _cc("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"),
                   "code": _cc(SNOMED, code, display), "subject": subject, "onsetDateTime": _date(rng),
                   "recordedDate": _date(rng)}
        elif kind < 0.75:
            code, display, unit, lo, hi = rng.choice(LABS)
            quantity: dict[str, Any] = {"value": round(rng.uniform(lo, hi), 2), "unit": unit,
                                        "system": UCUM, "code": unit}
            if rng.random() < 0.02:
                quantity["comparator"] = "<"
            res = {"resourceType": "Observation", "id": rid, "status": "final",
                   "category": [_cc("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")],
                   "code": _cc(LOINC, code, display), "subject": subject,
                   "encounter": {"reference": f"urn:uuid:{rng.choice(encounters)}"},
                   "effectiveDateTime": _date(rng), "valueQuantity": quantity}
        elif kind < 0.93:
            code, display = rng.choice(MEDS)
            res = {"resourceType": "MedicationRequest", "id": rid, "status": rng.choice(["active", "completed", "stopped"]),
                   "intent": "order", "subject": subject, "authoredOn": _date(rng)}
            if rng.random() < 0.3 and len(entries) + 1 < n_resources:
                mid = _uuid(rng)
                entries.append({"fullUrl": f"urn:uuid:{mid}", "resource": {
                    "resourceType": "Medication", "id": mid, "code": _cc(RXNORM, code, display)}})
                med_ids.append(mid)
                res["medicationReference"] = {"reference": f"urn:uuid:{mid}"}
            else:
                res["medicationCodeableConcept"] = _cc(RXNORM, code, display)
        else:
            code, display = rng.choice(PROCEDURES)
            res = {"resourceType": "Procedure", "id": rid, "status": "completed",
                   "code": _cc(SNOMED, code, display), "subject": subject, "performedDateTime": _date(rng)}
        entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": res})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries[:n_resources]}
