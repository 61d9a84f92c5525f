"""The (system, code) index answers exactly what a scan through the model would."""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirrules.cql.types.clinical import Code
from fhirrules.fhir.model import MODEL
from fhirrules.fhir.sources.bundle import read_bundle
from fhirrules.fhir.sources.group import group_patients
from fhirrules.fhir.terminology import codes_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic_patients import CONDITIONS, LABS, LOINC, MEDS, RXNORM, SNOMED, make_patient_bundle  # noqa: E402

WANTED = ([("Observation", Code(c[0], LOINC)) for c in LABS]
          + [("MedicationRequest", Code(c[0], RXNORM)) for c in MEDS]
          + [("Condition", Code(c[0], SNOMED)) for c in CONDITIONS])


def scan(record, rt, code):
    """Brute force through the model: primary code path, references resolved by hand."""
    out = []
    for res in record.by_type.get(rt, ()):
        value = MODEL.get_property(res, MODEL.primary_code_path(rt))
        if value is not None and MODEL.is_type(value, "FHIR.Reference"):
            target = record.resolve(MODEL.get_property(value, "reference").value)
            value = MODEL.get_property(target, "code") if target else None
        if any(c.system == code.system and c.code == code.code for c in codes_of(MODEL.to_system(value))):
            out.append(res["id"])
    return sorted(out)


@settings(max_examples=25, deadline=None)
@given(size=st.integers(min_value=1, max_value=300), seed=st.integers(min_value=0, max_value=10_000))
def test_index_matches_scan(size, seed):
    (record,) = group_patients(read_bundle(make_patient_bundle(size, seed)))
    for rt, code in WANTED:
        assert sorted(r["id"] for r in record.retrieve(rt, codes=[code])) == scan(record, rt, code)
