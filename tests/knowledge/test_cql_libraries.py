"""Every CQL library parses and compiles with our engine, follows the library conventions,
and computes the doses and conversions of the spec (checked through Dosing/LabResults
functions evaluated by the engine, not re-implemented in Python)."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fhirrules.cql.grammar import parse_library
from fhirrules.fhir.runner import new_engine
from kb_paths import LIBRARIES, cql_files

CQL = cql_files()


@pytest.mark.parametrize("path", CQL, ids=lambda p: p.name)
def test_library_parses(path):
    lib = parse_library(path.read_text(encoding="utf-8"), source_name=path.name)
    assert lib is not None


@pytest.mark.parametrize("path", CQL, ids=lambda p: p.name)
def test_library_conventions(path):
    text = path.read_text(encoding="utf-8")
    assert f"library {path.stem} version '0.1.0'" in text
    assert "using FHIR version '4.0.1'" in text
    assert "include FHIRHelpers version '4.0.1' called FHIRHelpers" in text
    assert len(text.encode("utf-8")) < 15_000


@pytest.fixture(scope="module")
def engine():
    return new_engine([LIBRARIES])


@pytest.mark.parametrize("path", CQL, ids=lambda p: p.name)
def test_library_compiles(engine, path):
    assert engine.compile(path.read_text(encoding="utf-8"), source_name=path.name) is not None


def _eval(engine, expression: str):
    lib = engine.compile("library T using FHIR version '4.0.1' include Dosing version '0.1.0' called Dose "
                         "include LabResults version '0.1.0' called Lab context Patient", "<test>")
    ctx = engine.context(parameters={}, context_values={})
    return engine.compile_expression(expression, library=lib)(ctx)


@pytest.mark.parametrize("weight, iv, oral, pred", [
    ("68.0", 1000, 125, 60), ("49.9", 750, 100, 50), ("50.0", 750, 100, 60), ("75.0", 1100, 150, 60),
    ("75.1", 1150, 150, 75), ("112.0", 1700, 200, 75), ("62.0", 950, 125, 60)])
def test_dose_rounding_and_bands(engine, weight, iv, oral, pred):
    assert _eval(engine, f'Dose."IV CYC Rounded mg"({weight})') == iv
    assert _eval(engine, f'Dose."Oral CYC Rounded mg"({weight})') == oral
    assert _eval(engine, f'Dose."Prednisolone Start mg"({weight})') == pred


def test_exact_tie_rounds_down(engine):
    assert _eval(engine, 'Dose."Round To Step Down Ties"(1125.0, 50)') == 1100
    assert _eval(engine, 'Dose."Round To Step Down Ties"(1125.01, 50)') == 1150


@pytest.mark.parametrize("value, unit, fires", [
    ("300", "umol/L", False), ("301", "umol/L", True), ("3.40", "mg/dL", False), ("3.41", "mg/dL", True)])
def test_creatinine_native_unit_rule(engine, value, unit, fires):
    assert _eval(engine, f"Lab.\"Creatinine Exceeds\"({value}, '{unit}', 300.0, 3.4)") is fires


@pytest.mark.parametrize("value, fires", [("2.26", False), ("2.27", True)])
def test_umol_only_threshold_converts_mg_dl(engine, value, fires):
    assert _eval(engine, f"Lab.\"Creatinine Exceeds\"({value}, 'mg/dL', 200.0, null)") is fires


def test_creatinine_text_shows_both_units(engine):
    assert _eval(engine, "Lab.\"Creatinine Text\"(3.41, 'mg/dL')") == "3.41 mg/dL (301.4 umol/L)"
    assert _eval(engine, "Lab.\"Creatinine umol/L\"(3.4, 'mg/dL')") == Decimal("300.56")


def test_censored_lab_values_are_left_out_not_read_as_exact(tmp_path):
    """A creatinine reported as '< 52.74' has no exact value: LabResults drops it (no
    crash in FHIRHelpers.ToQuantity) and keeps the exact result beside it."""
    from fhirrules.fhir.runner import CqlRunner
    from fhirrules.fhir.sources.load import load_patients
    from fhirrules.fhir.terminology import Terminology
    loinc, ucum = "http://loinc.org", "http://unitsofmeasure.org"

    def obs(oid: str, day: str, value: float, comparator: str | None = None) -> dict:
        q = {"value": value, "unit": "umol/L", "system": ucum, "code": "umol/L"}
        if comparator:
            q["comparator"] = comparator
        return {"resourceType": "Observation", "id": oid, "status": "final", "subject": {"reference": "Patient/p1"},
                "code": {"coding": [{"system": loinc, "code": "2160-0"}]}, "effectiveDateTime": day, "valueQuantity": q}

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1"}},
        {"resource": obs("exact", "2025-04-01", 310)},
        {"resource": obs("censored", "2025-05-01", 52.74, "<")}]}
    terminology = Terminology.load(LIBRARIES / "terminology")
    runner = CqlRunner(LIBRARIES / "LabResults.cql", library_paths=[LIBRARIES],
                       terminology=terminology, now="2025-06-01T00:00:00Z")
    (tmp_path / "p1.json").write_text(json.dumps(bundle))
    record = next(load_patients(tmp_path / "p1.json", terminology=terminology))
    results = runner.evaluate(record, names=["Creatinine Results", "Latest Creatinine"])
    assert len(results["Creatinine Results"]) == 1
    assert results["Latest Creatinine"]["umol"] == 310


# EX CYCLOPS-style reductions (spec A.3): IV age 60-70 -2.5 mg/kg, >70 -5, creatinine
# 300-500 umol/L -2.5 (added); oral age >60 -25 %, >75 -50 %.  Boundaries on both sides.
@pytest.mark.parametrize("age, creat, mg_per_kg", [
    (59, "299.9", 15), (60, "299.9", "12.5"), (70, "299.9", "12.5"), (71, "299.9", 10), (59, "300.0", "12.5"),
    (59, "500.0", "12.5"), (59, "500.1", 15), (72, "350.0", "7.5"), ("null", "null", 15)])
def test_ex_iv_cyc_reduction(engine, age, creat, mg_per_kg):
    assert _eval(engine, f'Dose."IV CYC mg per kg"(true, {age}, {creat})') == Decimal(str(mg_per_kg))
    # off unless the EX rules are enabled
    assert _eval(engine, f'Dose."IV CYC mg per kg"(false, {age}, {creat})') == 15


@pytest.mark.parametrize("age, factor", [(60, "1.0"), (61, "0.75"), (75, "0.75"), (76, "0.5"), ("null", "1.0")])
def test_ex_oral_cyc_reduction(engine, age, factor):
    assert _eval(engine, f'Dose."Oral CYC Factor"(true, {age})') == Decimal(factor)
    assert _eval(engine, f'Dose."Oral CYC Factor"(false, {age})') == 1


def test_ex_reduced_doses_are_rounded_like_the_full_ones(engine):
    # 80 kg, age 64, creatinine 300: IV 10 mg/kg = 800 mg; oral min(160, 200) x 0.75 = 120 -> 125 mg
    assert _eval(engine, 'Dose."IV CYC Rounded At mg"(80.0, 10.0)') == 800
    assert _eval(engine, 'Dose."Oral CYC Rounded At mg"(80.0, 0.75)') == 125
    # the reduction applies to the capped dose: 112 kg -> 200 mg/d x 0.5 = 100 mg
    assert _eval(engine, 'Dose."Oral CYC Rounded At mg"(112.0, 0.5)') == 100
    assert _eval(engine, 'Dose."CYCLOPS Note"(false, 64, 300.0)') is None


# Section 0.3 unit conversions, each evaluated in LabResults; a unit the library does not
# know gives null (dropped, never guessed).
@pytest.mark.parametrize("call, expected", [
    ('Lab."Kilograms"(68.0, \'kg\')', "68.0"),
    ('Lab."Kilograms"(68000.0, \'g\')', "68"),
    ('Lab."Kilograms"(150.0, \'[lb_av]\')', "68.0388555"),
    ('Lab."Kilograms"(68.0, \'st\')', None),
    ('Lab."Creatinine umol/L"(0.301, \'mmol/L\')', "301"),
    ('Lab."Creatinine umol/L"(34.1, \'mg/L\')', "301.444"),
    ('Lab."Creatinine umol/L"(3.41, \'mmol\')', None),
    ('Lab."Per Nanolitre"(3.2, \'10*3/uL\')', "3.2"),
    ('Lab."Per Nanolitre"(3200.0, \'/uL\')', "3.2"),
    ('Lab."Per Nanolitre"(3.2, \'g/L\')', None),
    ('Lab."mmHg"(8.0, \'kPa\')', "60.0"),
    ('Lab."mmHg"(59.0, \'mm[Hg]\')', "59"),
    ('Lab."mmHg"(59.0, \'%\')', None),
    ('Lab."Grams Per Gram"(2.9, \'mg/mg\')', "2.9"),
    ('Lab."Grams Per Gram"(2900.0, \'mg/g\')', "2.9"),
    ('Lab."Grams Per Gram"(113.1, \'mg/mmol\')', "1"),
    ('Lab."Grams Per Gram"(2.9, \'mg/dL\')', None),
    ('Lab."Grams Per Day"(1440.0, \'mg/(24.h)\')', "1.44"),
    ('Lab."Grams Per Day"(1.44, \'g/(24.h)\')', "1.44"),
    ('Lab."Grams Per Day"(1.44, \'g/L\')', None),
])
def test_unit_conversions(engine, call, expected):
    got = _eval(engine, call)
    if expected is None:
        assert got is None
    else:
        assert got == Decimal(expected), got
