"""Real public FHIR R4 CQL content: the CDC opioid prescribing guideline CDS
(github.com/cqframework/opioid-cds-r4).  Nothing of it is in this repository: the tests
run only when ``FHIRRULES_OPIOID_CDS`` names a checkout of that repository, and skip
otherwise.

What they check: every library compiles, the value sets all expand locally, the
content's own FHIRHelpers.cql takes precedence over the built-in one, and the two test
scenarios the content documents for recommendations 4 and 5 (its
``recommendation04-05-test-data`` page) come out as it says: an order for 72 HR fentanyl
0.075 MG/HR patches (RxNorm 197696), one a day for 30 days, makes the recommendation
apply with "taper now" (the CDC factor 2.4 per mcg/h gives 180 MME); morphine sulfate
10 MG (RxNorm 892495), one a day, is excluded.  The orders are written here, from the
page's description."""
from __future__ import annotations

import json
from decimal import Decimal
import os
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("FHIRRULES_OPIOID_CDS", "/nonexistent"))
pytestmark = pytest.mark.skipif(not (ROOT / "input" / "cql").is_dir(),
                                reason="set FHIRRULES_OPIOID_CDS to a checkout of cqframework/opioid-cds-r4")
pytest.importorskip("fhirrules.cql.engine", reason="the CQL engine is not built yet")

from fhirrules.cql.types.clinical import ValueSetRef  # noqa: E402
from fhirrules.fhir.runner import CqlRunner, new_engine  # noqa: E402
from fhirrules.fhir.sources.load import load_patients  # noqa: E402
from fhirrules.fhir.terminology import Terminology  # noqa: E402

CQL = ROOT / "input" / "cql"
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.fixture(scope="module")
def engine():
    return new_engine([CQL])


@pytest.mark.parametrize("name", sorted(p.stem for p in CQL.glob("*.cql")) if CQL.is_dir() else [])
def test_library_compiles(engine, name):
    lib = engine.compile((CQL / f"{name}.cql").read_text(), f"{name}.cql")
    assert lib.name == name


def test_every_value_set_expands_locally():
    folder = ROOT / "input" / "vocabulary" / "valueset"
    term = Terminology.load(folder)
    urls = {json.loads(p.read_text()).get("url") for p in folder.glob("*.json")}
    sizes = {u: len(term.expand(ValueSetRef(u))) for u in urls}
    assert len(sizes) > 40 and all(n > 0 for n in sizes.values())


def test_user_fhirhelpers_is_used_for_hello_world():
    patient = ROOT / "input" / "examples" / "patient-example-opioidcds.json"
    runner = CqlRunner(CQL / "HelloWorld.cql", library_paths=[CQL], now="2025-06-01T00:00:00Z")
    (record,) = load_patients(patient)
    results = runner.evaluate(record)
    assert results["Get Title"] == "Hello World!" and results["Main Action Condition Expression Is True"] is True


MME_PROBE = """library MMEProbe version '0.1'
using FHIR version '4.0.1'
include OMTKLogicMK2020 version '2022.1.0' called Logic
codesystem RxNorm: 'http://www.nlm.nih.gov/research/umls/rxnorm'
context Patient
define "Fentanyl": Logic.CalculateMMEs({ Tuple { rxNormCode: Code '197696' from RxNorm,
  doseQuantity: Quantity { value: 1.0, unit: '1' }, dosesPerDay: 1.0 } })
define "Fentanyl MME": Sum("Fentanyl" M return M.mme.value)
"""


def test_mme_for_the_rec_04_05_high_risk_scenario():
    runner = CqlRunner(MME_PROBE, library_paths=[CQL], now="2025-06-01T00:00:00Z")
    (record,) = load_patients(ROOT / "input" / "examples" / "patient-example-opioidcds.json")
    results = runner.evaluate(record)
    (row,) = results["Fentanyl"]
    assert row["ingredientName"] == "Fentanyl" and row["strength"].unit == "mcg/h"
    assert row["conversionFactor"] == Decimal("2.4")
    assert results["Fentanyl MME"] == 180 and results["Fentanyl MME"] > 50


def _order(rid: str, code: str, display: str, unit: str) -> dict:
    return {"resourceType": "MedicationRequest", "id": rid, "status": "draft", "intent": "order",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                                      "code": "community"}]}],
            "medicationCodeableConcept": {"coding": [{"system": RX, "code": code, "display": display}]},
            "subject": {"reference": "Patient/rec45"}, "authoredOn": "2025-05-30",
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1.0, "periodUnit": "d"}},
                                   "asNeededBoolean": False,
                                   "doseAndRate": [{"doseQuantity": {"value": 1.0, "unit": unit}}]}],
            "dispenseRequest": {"validityPeriod": {"start": "2025-05-30", "end": "2025-06-29"},
                                "numberOfRepeatsAllowed": 1,
                                "expectedSupplyDuration": {"value": 30, "unit": "days",
                                                           "system": "http://unitsofmeasure.org", "code": "d"}}}


@pytest.mark.parametrize("order,applies,mme", [
    (_order("mr1", "197696", "72 HR Fentanyl 0.075 MG/HR Transdermal System", "patch"), True, 180),
    (_order("mr2", "892495", "Morphine Sulfate 10 MG Oral Tablet", "tablet"), False, None),
], ids=["fentanyl-patch-high-risk", "morphine-10mg-excluded"])
def test_rec_04_05_scenarios(order, applies, mme):
    from fhirrules.fhir.record import PatientRecord
    term = Terminology.load(ROOT / "input" / "vocabulary" / "valueset")
    runner = CqlRunner(CQL / "OpioidCDSREC04And05.cql", library_paths=[CQL], terminology=term,
                       params={"ContextPrescriptions": json.dumps([order])}, now="2025-06-01T00:00:00Z")
    record = PatientRecord([{"resourceType": "Patient", "id": "rec45", "gender": "female", "birthDate": "1970-01-01"}],
                           terminology=term)
    results = runner.evaluate(record, names=["Is Recommendation Applicable?", "Total MME", "Taper Now"])
    assert (results["Is Recommendation Applicable?"] is True) == applies
    if mme is None:
        assert results["Total MME"] is None
    else:
        assert results["Total MME"].value == mme and results["Taper Now"] is True
