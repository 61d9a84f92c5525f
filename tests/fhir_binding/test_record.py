"""Retrieves against the per-patient index."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.fhir import record as record_mod
from fhirrules.fhir.record import PatientRecord
from fhirrules.fhir.temporal_adapter import parse_datetime
from fhirrules.fhir.terminology import Terminology

RX, LOINC, SCT = "http://www.nlm.nih.gov/research/umls/rxnorm", "http://loinc.org", "http://snomed.info/sct"


def make_record(terminology=None):
    resources = [
        {"resourceType": "Patient", "id": "p"},
        {"resourceType": "Medication", "id": "m1", "code": {"coding": [{"system": RX, "code": 3002}]}},
        {"resourceType": "MedicationRequest", "id": "mr-ref", "status": "active", "intent": "order",
         "medicationReference": {"reference": "Medication/m1"}, "subject": {"reference": "Patient/p"}},
        {"resourceType": "MedicationRequest", "id": "mr-cc", "status": "active", "intent": "order",
         "medicationCodeableConcept": {"coding": [{"system": RX, "code": "121191"}]},
         "subject": {"reference": "Patient/p"}},
        {"resourceType": "Observation", "id": "cr1", "status": "final", "subject": {"reference": "Patient/p"},
         "code": {"coding": [{"system": LOINC, "code": "2160-0"}]}, "effectiveDateTime": "2019-03-01T10:00:00Z",
         "category": [{"coding": [{"system": "cat", "code": "laboratory"}]}]},
        {"resourceType": "Observation", "id": "cr2", "status": "final", "subject": {"reference": "Patient/p"},
         "code": {"coding": [{"system": LOINC, "code": "2160-0"}, {"system": "local", "code": "CR"}]},
         "effectivePeriod": {"start": "2020-06-01T00:00:00Z", "end": "2020-06-02T00:00:00Z"}},
        {"resourceType": "Observation", "id": "hb", "status": "final", "subject": {"reference": "Patient/p"},
         "code": {"coding": [{"system": LOINC, "code": "718-7"}]}},
        {"resourceType": "Encounter", "id": "e", "status": "finished", "subject": {"reference": "Patient/p"},
         "class": {"code": "AMB"}, "type": [{"coding": [{"system": SCT, "code": "185349003"}]}]},
    ]
    return PatientRecord(resources, terminology=terminology)


def ids(resources):
    return sorted(r["id"] for r in resources)


def test_unfiltered_and_coded_retrieves():
    rec = make_record()
    assert ids(rec.retrieve("FHIR.Observation")) == ["cr1", "cr2", "hb"]
    assert ids(rec.retrieve("Observation", codes=[Code("2160-0", LOINC)])) == ["cr1", "cr2"]
    assert ids(rec.retrieve("Observation", codes=Concept([Code("CR", "local"), Code("718-7", LOINC)]))) == ["cr2", "hb"]
    assert rec.retrieve("Observation", codes=[Code("2160-0", "http://other")]) == []
    assert ids(rec.retrieve("Encounter", codes=Code("185349003", SCT))) == ["e"]     # primary path 'type'
    assert rec.retrieve("Condition") == []


def test_explicit_code_path():
    rec = make_record()
    assert ids(rec.retrieve("Observation", code_path="category", codes=[Code("laboratory", "cat")])) == ["cr1"]


def test_medication_reference_matches_medication_code():
    rec = make_record()
    assert ids(rec.retrieve("MedicationRequest", codes=[Code("3002", RX)])) == ["mr-ref"]
    assert ids(rec.retrieve("MedicationRequest", codes=[Code("121191", RX)])) == ["mr-cc"]
    assert any("3002 is a JSON number" in w for w in rec.warnings)


def test_valueset_retrieve():
    term = Terminology()
    term.add({"resourceType": "ValueSet", "url": "http://vs/cyc",
              "expansion": {"contains": [{"system": RX, "code": "3002"}, {"system": RX, "code": "1"}]}})
    rec = make_record(term)
    assert ids(rec.retrieve("MedicationRequest", codes=ValueSetRef("http://vs/cyc"))) == ["mr-ref"]
    with pytest.raises(CqlRuntimeError, match="needs value sets"):
        make_record().retrieve("MedicationRequest", codes=ValueSetRef("http://vs/cyc"))


def test_date_range():
    rec = make_record()
    rng = Interval(parse_datetime("2020-01-01T00:00:00Z"), parse_datetime("2020-12-31T23:59:59Z"))
    found = rec.retrieve("Observation", codes=[Code("2160-0", LOINC)], date_path="effective", date_range=rng)
    assert ids(found) == ["cr2"]


def test_coded_retrieve_uses_the_index(monkeypatch):
    rec = make_record()
    rec.retrieve("Observation", codes=[Code("2160-0", LOINC)])     # builds the index once
    calls = []
    original = record_mod.codes_at
    monkeypatch.setattr(record_mod, "codes_at", lambda *a, **k: calls.append(a) or original(*a, **k))
    for _ in range(3):
        assert ids(rec.retrieve("Observation", codes=[Code("718-7", LOINC)])) == ["hb"]
    assert calls == []


def test_late_additions_invalidate_index():
    rec = make_record()
    assert ids(rec.retrieve("Observation", codes=[Code("718-7", LOINC)])) == ["hb"]
    rec.add({"resourceType": "Observation", "id": "hb2", "code": {"coding": [{"system": LOINC, "code": "718-7"}]}})
    assert ids(rec.retrieve("Observation", codes=[Code("718-7", LOINC)])) == ["hb", "hb2"]


def test_code_path_the_type_lacks_falls_back_to_primary_with_a_warning():
    rec = make_record()
    assert ids(rec.retrieve("MedicationRequest", code_path="code", codes=[Code("3002", RX)])) == ["mr-ref"]
    assert any("no element 'code'" in w and "'medication'" in w for w in rec.warnings)


def test_missing_value_set_is_reported_even_without_data():
    rec = PatientRecord([{"resourceType": "Patient", "id": "p"}], terminology=Terminology())
    with pytest.raises(CqlRuntimeError, match="cannot be expanded locally"):
        rec.retrieve("MedicationRequest", codes=ValueSetRef("http://vs/missing"))


def test_valueset_retrieve_through_validate_code(httpx_mock):
    import httpx
    from fhirrules.fhir.terminology import RemoteTerminology
    base = "https://tx.example.org"
    httpx_mock.add_response(url=httpx.URL(f"{base}/ValueSet/$expand", params={"url": "http://vs/big", "count": 1000, "offset": 0}),
                            status_code=422)
    for code, ok in (("3002", True), ("121191", False)):
        httpx_mock.add_response(url=httpx.URL(f"{base}/ValueSet/$validate-code", params={
            "url": "http://vs/big", "code": code, "system": RX}),
            json={"resourceType": "Parameters", "parameter": [{"name": "result", "valueBoolean": ok}]})
    rec = make_record(Terminology(remote=RemoteTerminology(base)))
    assert ids(rec.retrieve("MedicationRequest", codes=ValueSetRef("http://vs/big"))) == ["mr-ref"]
