"""``fhirrules cql`` end to end: engine + FHIR model + FHIRHelpers + data sources."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("fhirrules.cql.engine", reason="the CQL engine is not built yet")

from fhirrules.cli.main import app  # noqa: E402

LIB = """library Simple version '1.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1' called FH
include Shared version '2.0' called S
codesystem "LOINC": 'http://loinc.org'
code "Serum creatinine": '2160-0' from "LOINC"
valueset "Cyc": 'http://vs/cyc'
parameter "Measurement Period" Interval<DateTime>
parameter "Threshold" Quantity default 1.0 'mg/dL'
context Patient
define "Creatinine": [Observation: "Serum creatinine"]
define "Max creatinine": Max("Creatinine" O return (O.value as Quantity))
define "High": exists ("Creatinine" O where O.value > "Threshold")
define "Quantity typed": First("Creatinine").value is FHIR.Quantity
define "Birth date": Patient.birthDate
define "Born before 1970": Patient.birthDate < @1970-01-01
define "Male": Patient.gender = 'male'
define "Cyclophosphamide orders": [MedicationRequest: "Cyc"]
define "In period": "Creatinine" O where O.effective during "Measurement Period"
define "Concept": FH.ToConcept(First("Creatinine").code)
define "Shared answer": S."Answer"
define "Now": Now()
"""
SHARED = "library Shared version '2.0'\ndefine \"Answer\": 42\n"


def obs(oid, pid, value, when):
    return {"resourceType": "Observation", "id": oid, "status": "final", "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
            "valueQuantity": {"value": value, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"},
            "effectiveDateTime": when}


@pytest.fixture
def files(tmp_path: Path) -> dict:
    (tmp_path / "Simple.cql").write_text(LIB)
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / "Shared.json").write_text(json.dumps({"resourceType": "Library", "name": "Shared", "version": "2.0",
        "content": [{"contentType": "text/cql", "data": base64.b64encode(SHARED.encode()).decode()}]}))
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in [
        {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1960-05-02"},
        obs("o1", "p1", 1.3, "2019-04-01T00:00:00Z"), obs("o2", "p1", 0.9, "2020-04-01T00:00:00Z"),
        {"resourceType": "Medication", "id": "m", "code": {"coding": [{"system": "rx", "code": 3002}]}},
        {"resourceType": "MedicationRequest", "id": "mr", "status": "active", "intent": "order",
         "subject": {"reference": "Patient/p1"}, "medicationReference": {"reference": "Medication/m"}},
        {"resourceType": "Patient", "id": "p2", "gender": "female", "birthDate": "1990"}]]}
    (tmp_path / "data.json").write_text(json.dumps(bundle))
    (tmp_path / "vs.json").write_text(json.dumps({"resourceType": "ValueSet", "url": "http://vs/cyc",
                                                  "expansion": {"contains": [{"system": "rx", "code": "3002"}]}}))
    return {"lib": tmp_path / "Simple.cql", "data": tmp_path / "data.json", "vs": tmp_path / "vs.json",
            "libs": libs, "dir": tmp_path}


def run(*args):
    result = CliRunner().invoke(app, ["cql", *map(str, args)])
    return result


def base_args(files):
    return [files["lib"], "--data", files["data"], "--valuesets", files["vs"], "--library-path", files["libs"],
            "--param", "Measurement Period=Interval[@2019-01-01T00:00:00.000, @2019-12-31T23:59:59.999]",
            "--now", "2025-06-01T00:00:00Z"]


def test_json_lines_per_patient(files):
    result = run(*base_args(files), "--format", "json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["patient"] for line in lines] == ["Patient/p1", "Patient/p2"]
    p1 = lines[0]["results"]
    assert p1["Creatinine"] == [{"resourceType": "Observation", "id": "o1"}, {"resourceType": "Observation", "id": "o2"}]
    assert p1["Max creatinine"] == {"value": 1.3, "unit": "mg/dL"}
    assert p1["High"] is True and p1["Quantity typed"] is True
    assert p1["Birth date"] == "@1960-05-02" and p1["Born before 1970"] is True and p1["Male"] is True
    assert p1["Cyclophosphamide orders"] == [{"resourceType": "MedicationRequest", "id": "mr"}]
    assert p1["In period"] == [{"resourceType": "Observation", "id": "o1"}]
    assert p1["Concept"] == {"codes": [{"code": "2160-0", "system": "http://loinc.org"}]}
    assert p1["Shared answer"] == 42
    assert p1["Now"].startswith("@2025-06-01T00:00:00")
    p2 = lines[1]["results"]
    assert p2["Creatinine"] == [] and p2["Max creatinine"] is None and p2["Male"] is False


def test_param_override_and_expression(files):
    result = run(*base_args(files), "--param", "Threshold=2.0 'mg/dL'", "--format", "json")
    assert json.loads(result.stdout.splitlines()[0])["results"]["High"] is False
    result = run(*base_args(files), "--format", "json", "--expression", 'Count("Creatinine") + S."Answer"')
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["results"] for line in lines] == [{'Count("Creatinine") + S."Answer"': 44},
                                                    {'Count("Creatinine") + S."Answer"': 42}]


def test_table_output(files):
    result = run(*base_args(files))
    assert result.exit_code == 0
    assert "Patient/p1" in result.stdout and "Max creatinine" in result.stdout


def test_error_for_one_patient_does_not_stop_the_others(files):
    bad = json.loads(files["data"].read_text())
    bad["entry"].insert(1, {"resource": dict(obs("ox", "p1", 1, "2019-01-01"),
                                             valueQuantity={"value": 5, "comparator": "<", "code": "mg/dL"})})
    files["data"].write_text(json.dumps(bad))
    result = run(*base_args(files), "--format", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert "comparator" in lines[0]["error"] and "results" not in lines[0]
    assert lines[1]["results"]["Male"] is False


@pytest.mark.parametrize("change,message", [
    (lambda a, f: [f["dir"] / "missing.cql", *a[1:]], "library not found"),
    (lambda a, f: [a[0], "--data", f["dir"] / "nope", *a[3:]], "no such file"),
    (lambda a, f: [*a, "--param", "Nope=1"], "no parameter 'Nope'"),
    (lambda a, f: [*a, "--param", "Threshold"], "expected NAME=VALUE"),
    (lambda a, f: [*a, "--format", "xml"], "--format"),
])
def test_unusable_input_exits_2_with_one_line(files, change, message):
    result = run(*change(base_args(files), files))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_syntax_error_exits_2(files):
    files["lib"].write_text("library Broken\ndefine X: (1 +\n")
    result = run(*base_args(files))
    assert result.exit_code == 2 and "Simple.cql" in result.stderr


def test_user_fhirhelpers_takes_precedence(files):
    (files["libs"] / "FHIRHelpers.cql").write_text(
        "library FHIRHelpers version '4.0.1'\nusing FHIR version '4.0.1'\n"
        "define function ToConcept(c FHIR.CodeableConcept): 'user helpers'\n")
    result = run(*base_args(files), "--format", "json", "--expression", "FH.ToConcept(First(\"Creatinine\").code)")
    assert json.loads(result.stdout.splitlines()[0])["results"] == {'FH.ToConcept(First("Creatinine").code)': "user helpers"}


def test_json_parameter_converted_to_declared_type(files):
    args = base_args(files)
    i = args.index("--param")
    args[i + 1] = 'Measurement Period={"low": "2020-01-01T00:00:00.000", "high": "2020-12-31T23:59:59.999"}'
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    p1 = json.loads(result.stdout.splitlines()[0])["results"]
    assert p1["In period"] == [{"resourceType": "Observation", "id": "o2"}]


def test_data_warnings_go_to_stderr(files):
    data = json.loads(files["data"].read_text())
    data["entry"][0]["resource"]["shoeSize"] = 44
    files["data"].write_text(json.dumps(data))
    result = run(*base_args(files), "--format", "json")
    assert result.exit_code == 0
    assert "unknown element 'shoeSize' ignored" in result.stderr
    assert all(json.loads(line)["patient"] for line in result.stdout.splitlines())


def test_patient_filter(files):
    result = run(*base_args(files), "--format", "json", "--patient", "p2")
    assert [json.loads(line)["patient"] for line in result.stdout.splitlines()] == ["Patient/p2"]
    result = run(*base_args(files), "--format", "json", "--patient", "nobody")
    assert result.exit_code == 2 and "no patient data" in result.stderr


def test_fhir_server_data(files, httpx_mock):
    import httpx
    base = "https://fhir.example.org/r4"
    httpx_mock.add_response(url=f"{base}/Patient/p1", json={"resourceType": "Patient", "id": "p1", "gender": "male"})
    httpx_mock.add_response(
        url=httpx.URL(f"{base}/Observation", params={"patient": "p1", "code": "http://loinc.org|2160-0", "_count": 100}),
        json={"resourceType": "Bundle", "type": "searchset", "entry": [
            {"resource": obs("o1", "p1", 1.3, "2019-04-01T00:00:00Z")}, {"resource": obs("o2", "p1", 2.5, "2019-05-01T00:00:00Z")}]})
    result = run(files["lib"], "--data", base, "--patient", "p1", "--library-path", files["libs"], "--token", "abc",
                 "--format", "json", "--expression", "Max([Observation: \"Serum creatinine\"] O return O.value as Quantity)")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["patient"] == "Patient/p1"
    assert list(line["results"].values()) == [{"value": 2.5, "unit": "mg/dL"}]
    assert all(r.headers["Authorization"] == "Bearer abc" for r in httpx_mock.get_requests())


def test_library_given_as_fhir_library_json(files):
    lib_json = files["dir"] / "Simple.json"
    lib_json.write_text(json.dumps({"resourceType": "Library", "name": "Simple", "content": [
        {"contentType": "text/cql", "data": base64.b64encode(files["lib"].read_bytes()).decode()}]}))
    args = base_args(files)
    args[0] = lib_json
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["results"]["Shared answer"] == 42
    lib_json.write_text(json.dumps({"resourceType": "Library", "name": "Empty"}))
    result = run(*args)
    assert result.exit_code == 2 and "no text/cql content" in result.stderr
    lib_json.write_text(json.dumps({"resourceType": "Library", "name": "Broken", "content": [
        "not an attachment", {"contentType": "text/cql", "data": "a"}]}))
    result = run(*args)
    assert result.exit_code == 2 and "not base64-encoded UTF-8" in result.stderr


def test_bad_expression_exits_2(files):
    result = run(*base_args(files), "--expression", "Count([Observation] +")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
