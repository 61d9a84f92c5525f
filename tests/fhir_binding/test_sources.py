"""Bundles, folders, NDJSON, CDS Hooks prefetch, and grouping into patients."""
from __future__ import annotations

import json

import pytest

from fhirrules.fhir.errors import FhirDataError, FhirSourceError
from fhirrules.fhir.sources.bundle import read_bundle
from fhirrules.fhir.sources.load import load_patients
from fhirrules.fhir.sources.prefetch import record_from_prefetch


def pat(pid):
    return {"resourceType": "Patient", "id": pid}


def obs(oid, pid, code="2160-0"):
    return {"resourceType": "Observation", "id": oid, "status": "final", "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]}}


@pytest.mark.parametrize("btype", ["collection", "transaction", "searchset", "batch-response"])
def test_bundle_types(btype):
    entries = [{"resource": pat("p")}, {"resource": obs("o", "p")}]
    if btype == "batch-response":
        entries = [{"response": {"status": "200"}, "resource": {
            "resourceType": "Bundle", "type": "searchset", "entry": entries}}, {"response": {"status": "404"}}]
    if btype == "searchset":
        entries.append({"search": {"mode": "outcome"}, "resource": {"resourceType": "OperationOutcome"}})
    loaded = read_bundle({"resourceType": "Bundle", "type": btype, "entry": entries})
    assert [r["resourceType"] for r, _ in loaded.entries] == ["Patient", "Observation"]


def test_malformed_bundles_name_the_entry_and_field():
    with pytest.raises(FhirDataError, match=r"entry 1 \(Observation/o\): field 'resourceType' is missing|entry 1: field 'resourceType'"):
        read_bundle({"resourceType": "Bundle", "type": "collection",
                     "entry": [{"resource": pat("p")}, {"resource": {"id": "o"}}]})
    with pytest.raises(FhirDataError, match="entry 0: field 'resource' is missing"):
        read_bundle({"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "x"}]})
    with pytest.raises(FhirDataError, match="unknown FHIR R4 resource type 'Obsrvation'"):
        read_bundle({"resourceType": "Bundle", "type": "collection",
                     "entry": [{"resource": {"resourceType": "Obsrvation", "id": "z"}}]})
    with pytest.raises(FhirDataError, match="expected 'Bundle'"):
        read_bundle(pat("p"))
    with pytest.raises(FhirDataError, match="entry 0: field 'search' must be a JSON object"):
        read_bundle({"resourceType": "Bundle", "type": "searchset",
                     "entry": [{"resource": pat("p"), "search": "match"}]})


def test_unknown_elements_are_warnings(tmp_path):
    bad = dict(obs("o", "p"), shoeSize=42)
    f = tmp_path / "b.json"
    f.write_text(json.dumps({"resourceType": "Bundle", "type": "collection",
                             "entry": [{"resource": pat("p")}, {"resource": bad}]}))
    (rec,) = load_patients(f)
    assert any("shoeSize" in w and "Observation/o" in w for w in rec.warnings)


def test_folder_case_layout_and_wrong_slot(tmp_path):
    case = tmp_path / "case1"
    (case / "Patient").mkdir(parents=True)
    (case / "Observation").mkdir()
    (case / "Patient" / "p.json").write_text(json.dumps(pat("p")))
    (case / "Observation" / "o.json").write_text(json.dumps(obs("o", "p")))
    (rec,) = load_patients(tmp_path)
    assert rec.patient_id == "p" and len(rec.by_type["Observation"]) == 1
    (case / "Observation" / "x.json").write_text(json.dumps(pat("q")))
    with pytest.raises(FhirDataError, match="'Patient' but this slot holds Observation"):
        list(load_patients(tmp_path))


def test_ndjson_bulk_layout(tmp_path):
    (tmp_path / "Patient.ndjson").write_text("\n".join(json.dumps(pat(p)) for p in ("a", "b")) + "\n")
    (tmp_path / "Observation.000.ndjson").write_text(
        json.dumps(obs("o1", "a")) + "\n\n" + json.dumps(obs("o2", "b")) + "\n" + json.dumps(obs("o3", "b")))
    (tmp_path / "manifest.json").write_text(json.dumps({"transactionTime": "2020-01-01T00:00:00Z",
                                                         "request": "x", "output": []}))
    records = {r.patient_id: r for r in load_patients(tmp_path)}
    assert set(records) == {"a", "b"}
    assert len(records["b"].by_type["Observation"]) == 2
    (tmp_path / "Condition.ndjson").write_text(json.dumps(obs("o9", "a")))
    with pytest.raises(FhirDataError, match="Condition.ndjson line 1.*this slot holds Condition"):
        list(load_patients(tmp_path))


def test_ndjson_bad_line(tmp_path):
    (tmp_path / "Patient.ndjson").write_text(json.dumps(pat("a")) + "\n{oops\n")
    with pytest.raises(FhirDataError, match="line 2: not valid JSON"):
        list(load_patients(tmp_path / "Patient.ndjson"))


def test_many_patients_grouped_with_shared_resources(tmp_path):
    med = {"resourceType": "Medication", "id": "m", "code": {"coding": [{"system": "rx", "code": "1"}]}}
    entries = [{"fullUrl": "urn:uuid:pa", "resource": pat("a")}, {"resource": pat("b")},
               {"resource": dict(obs("o1", "a"), subject={"reference": "urn:uuid:pa"})},
               {"resource": dict(obs("o2", "b"), oddField=1)}, {"resource": med}]
    f = tmp_path / "all.json"
    f.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    records = {r.patient_id: r for r in load_patients(f)}
    assert [o["id"] for o in records["a"].by_type["Observation"]] == ["o1"]
    assert [o["id"] for o in records["b"].by_type["Observation"]] == ["o2"]
    assert any("oddField" in w for w in records["b"].warnings) and not records["a"].warnings
    assert records["a"].resolve("Medication/m") == med == records["b"].resolve("Medication/m")
    # Unfiltered context sees everyone's data once
    assert len(records["a"].retrieve("Observation", context="Unfiltered")) == 2
    assert len(records["a"].retrieve("Medication", context="Unfiltered")) == 1
    # related-context retrieve: another patient's observations
    assert [o["id"] for o in records["a"].retrieve("Observation", context_value=pat("b"))] == ["o2"]


def test_missing_input_is_a_source_error(tmp_path):
    with pytest.raises(FhirSourceError, match="no such file"):
        list(load_patients(tmp_path / "nope.json"))


def test_prefetch():
    prefetch = {"patient": pat("p"), "empty": None,
                "labs": {"resourceType": "Bundle", "type": "searchset",
                         "entry": [{"resource": obs("o1", "p")}, {"resource": obs("o2", "p")}]},
                "again": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": obs("o1", "p")}]}}
    rec = record_from_prefetch(prefetch)
    assert rec.patient_id == "p" and len(rec.by_type["Observation"]) == 2
    with pytest.raises(FhirDataError, match=r"prefetch\['bad'\]"):
        record_from_prefetch({"bad": {"id": "x"}})


def test_folder_skips_non_fhir_json_with_a_warning(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(pat("p")))
    (tmp_path / "expected").mkdir()
    (tmp_path / "expected" / "cards.json").write_text(json.dumps({"cards": []}))
    (rec,) = load_patients(tmp_path)
    assert rec.patient_id == "p" and any("cards.json: not a FHIR resource" in w for w in rec.warnings)
    with pytest.raises(FhirDataError, match="field 'resourceType' is missing"):
        list(load_patients(tmp_path / "expected" / "cards.json"))     # named directly: strict


def test_ndjson_population_with_urn_uuid_references(tmp_path):
    """Synthea-style data exported without fullUrls: patients referenced as urn:uuid:<id>,
    Conditions and Encounters tied by `subject` (their model relationship is the 'patient'
    search parameter), Medications shared and stored once."""
    def sub(pid):
        return {"reference": f"urn:uuid:{pid}"}
    lines = {
        "Patient": [pat("a"), pat("b")],
        "Condition": [{"resourceType": "Condition", "id": f"c{p}", "subject": sub(p),
                       "code": {"coding": [{"system": "sct", "code": "1"}]}} for p in "ab"],
        "Encounter": [{"resourceType": "Encounter", "id": f"e{p}", "status": "finished",
                       "class": {"code": "AMB"}, "subject": sub(p)} for p in "ab"],
        "Medication": [{"resourceType": "Medication", "id": "m", "code": {"coding": [{"system": "rx", "code": "9"}]}}],
        "MedicationRequest": [{"resourceType": "MedicationRequest", "id": "mr", "status": "active", "intent": "order",
                               "subject": sub("b"), "medicationReference": {"reference": "urn:uuid:m"}}],
    }
    for rt, items in lines.items():
        (tmp_path / f"{rt}.ndjson").write_text("\n".join(json.dumps(r) for r in items))
    records = {r.patient_id: r for r in load_patients(tmp_path)}
    assert [c["id"] for c in records["a"].retrieve("Condition")] == ["ca"]
    assert [e["id"] for e in records["b"].retrieve("Encounter")] == ["eb"]
    assert records["a"].shared is records["b"].shared and len(records["a"].shared) == 1
    from fhirrules.cql.types.clinical import Code
    assert [m["id"] for m in records["b"].retrieve("MedicationRequest", codes=[Code("9", "rx")])] == ["mr"]
    assert [m["id"] for m in records["a"].retrieve("Medication")] == ["m"]
    assert len(records["a"].retrieve("Condition", context="Unfiltered")) == 2
