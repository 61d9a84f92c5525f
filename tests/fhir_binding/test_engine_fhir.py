"""FHIR model semantics through the CQL engine: choice types, primitives, FHIRHelpers
conversions, retrieves by code / value set / reference, contexts."""
from __future__ import annotations

import pytest

pytest.importorskip("fhirrules.cql.engine", reason="the CQL engine is not built yet")

from fhirrules.fhir.json_values import to_json_value  # noqa: E402
from fhirrules.fhir.record import PatientRecord, Population  # noqa: E402
from fhirrules.fhir.runner import CqlRunner  # noqa: E402
from fhirrules.fhir.terminology import Terminology  # noqa: E402

HEADER = """library Probe version '1'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
codesystem "SCT": 'http://snomed.info/sct'
codesystem "RX": 'rx'
code "Checkup": '185349003' from "SCT"
code "CYC": '3002' from "RX"
valueset "Cyc": 'http://vs/cyc'
context Unfiltered
define "All patients": [Patient] P return P.id
define "Q": First([Patient] P where P.id = 'q')
context Patient
"""
MINE = [
    {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1980-05-02",
     "_birthDate": {"extension": [{"url": "http://x/time", "valueDateTime": "1980-05-02T10:00:00Z"}]},
     "name": [{"given": ["Ann", "B"], "family": "Z"}], "deceasedBoolean": False},
    {"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p"},
     "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
     "valueQuantity": {"value": 1.3, "code": "mg/dL", "system": "http://unitsofmeasure.org"},
     "effectiveDateTime": "2019-04-01T00:00:00Z"},
    {"resourceType": "Observation", "id": "o2", "status": "final", "subject": {"reference": "Patient/p"},
     "code": {"coding": [{"system": "http://loinc.org", "code": "x"}]}, "valueString": "positive",
     "effectivePeriod": {"start": "2019-04-01T00:00:00Z"}},
    {"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {"code": "AMB"},
     "subject": {"reference": "Patient/p"}, "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003"}]}]},
    {"resourceType": "Medication", "id": "m", "code": {"coding": [{"system": "rx", "code": "3002"}]}},
    {"resourceType": "MedicationRequest", "id": "mr", "status": "active", "intent": "order",
     "subject": {"reference": "Patient/p"}, "medicationReference": {"reference": "Medication/m"}},
]
THEIRS = [{"resourceType": "Patient", "id": "q", "gender": "female"},
          {"resourceType": "Observation", "id": "oq", "status": "final", "subject": {"reference": "Patient/q"},
           "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]}}]

CASES = [
    ("Patient.birthDate.value", "@1980-05-02"),
    ("Patient.birthDate is FHIR.date", True),
    ("Patient.birthDate.value is Date", True),
    ("Patient.birthDate same day as @1980-05-02", True),
    ("Patient.birthDate.extension.value", ["@1980-05-02T10:00:00Z"]),
    ("Patient.deceased is FHIR.boolean", True),
    ("Patient.deceased = false", True),
    ("'Ann' in Patient.name.given", True),
    ("Patient.gender = 'male'", True),
    ("FHIRHelpers.ToString(Patient.gender)", "male"),
    ("[Observation] O where O.value is FHIR.string return O.id", ["o2"]),
    ("[Observation] O where (O.value as FHIR.string) = 'positive' return O.id", ["o2"]),
    ("[Observation] O where O.value is FHIR.Quantity return O.id", ["o1"]),
    ("(First([Observation]).value as Quantity) + 1 'mg/dL'", {"value": 2.3, "unit": "mg/dL"}),
    ("First([Observation]).value ~ 1.3 'mg/dL'", True),
    ("First([Observation]).value.value", 1.3),
    ("[Observation] O return O.effective",
     ["@2019-04-01T00:00:00Z", {"low": "@2019-04-01T00:00:00Z", "high": None, "lowClosed": True, "highClosed": True}]),
    ("[Encounter: type ~ \"Checkup\"] E return E.id", ["e1"]),
    ("[MedicationRequest: \"Cyc\"] M return M.id", ["mr"]),
    ("[MedicationRequest: medication in \"Cyc\"] M return M.id", ["mr"]),
    ("[MedicationRequest: code in \"Cyc\"] M return M.id", ["mr"]),
    ("[MedicationRequest: \"CYC\"] M return M.id", ["mr"]),
    ("[Observation] O return O.id", ["o1", "o2"]),
    ("\"All patients\"", ["p", "q"]),
    ("[\"Q\" -> Observation] O return O.id", ["oq"]),
]


@pytest.fixture(scope="module")
def setup():
    term = Terminology()
    term.add({"resourceType": "ValueSet", "url": "http://vs/cyc", "expansion": {"contains": [{"system": "rx", "code": "3002"}]}})
    mine, theirs = PatientRecord(MINE, terminology=term), PatientRecord(THEIRS, terminology=term)
    Population([mine, theirs])
    defs = "\n".join(f'define "E{i}": {expr}' for i, (expr, _) in enumerate(CASES))
    return CqlRunner(HEADER + defs, terminology=term, now="2025-06-01T00:00:00Z"), mine


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0] for c in CASES])
def test_expression(setup, index):
    runner, record = setup
    name = f"E{index}"
    assert to_json_value(runner.evaluate(record, names=[name])[name]) == CASES[index][1]


def test_quantity_with_comparator_is_an_error_in_arithmetic():
    rec = PatientRecord([{"resourceType": "Patient", "id": "p"},
                         {"resourceType": "Observation", "id": "o", "status": "final", "code": {"text": "x"},
                          "valueQuantity": {"value": 5, "comparator": "<", "code": "mg"}}])
    runner = CqlRunner(HEADER + "define X: (First([Observation]).value as Quantity) + 1 'mg'\n"
                       "define Y: FHIRHelpers.ToInterval(First([Observation]).value as Quantity)\n")
    from fhirrules.cql.errors import CqlRuntimeError
    with pytest.raises(CqlRuntimeError, match="comparator"):
        runner.evaluate(rec, names=["X"])
    assert to_json_value(runner.evaluate(rec, names=["Y"])["Y"]) == {
        "low": None, "high": {"value": 5, "unit": "mg"}, "lowClosed": True, "highClosed": False}
