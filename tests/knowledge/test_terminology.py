"""The local assessment CodeSystem (spec 0.5) and the ValueSets (spec Appendix T)."""
from __future__ import annotations

import re

import pytest

from kb_paths import TERMINOLOGY, load, resources

VERIFICATION_EXT = "http://fhirrules.org/fhir/StructureDefinition/code-verification"


def _spec_assessment_codes(spec: str) -> set[str]:
    section = spec.split("### 0.5", 1)[1].split("\n---", 1)[0]
    codes = set()
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`") or cells[0] == "`Observation.code`":
            continue
        codes.add(cells[0].strip("`"))
        if "valueCodeableConcept" in cells[1]:
            codes.update(re.findall(r"`([a-z0-9-]+)`", cells[1]))
    return codes


@pytest.mark.shared
def test_assessment_code_system_has_exactly_the_spec_codes(shared_dir):
    spec = (shared_dir / "clinical" / "knowledge-spec.md").read_text(encoding="utf-8")
    cs = load(TERMINOLOGY / "CodeSystem-assessment.json")
    assert cs["url"] == "http://fhirrules.org/fhir/CodeSystem/assessment"
    wanted = _spec_assessment_codes(spec)
    assert len(wanted) >= 38
    assert {c["code"] for c in cs["concept"]} == wanted
    assert cs["count"] == len(cs["concept"]) and cs["content"] == "complete"


def test_every_value_set_has_an_expansion_matching_its_compose():
    for vs in resources(TERMINOLOGY, "ValueSet"):
        contains = vs["expansion"].get("contains", [])
        assert vs["expansion"]["total"] == len(contains)
        composed = {(inc["system"], c["code"]) for inc in vs.get("compose", {}).get("include", []) for c in inc["concept"]}
        assert {(c["system"], c["code"]) for c in contains} == composed, vs["id"]


@pytest.mark.parametrize("vs_id, code", [("mesna", "44"), ("alveolar-haemorrhage", "78144005"),
                                         ("pjp-prophylaxis", "60212"), ("igg4rd", "D89.84")])
def test_unverified_codes_are_flagged(vs_id, code):
    vs = load(TERMINOLOGY / f"ValueSet-{vs_id}.json")
    entry = next(c for c in vs["expansion"]["contains"] if c["code"] == code)
    assert entry["extension"][0]["url"] == VERIFICATION_EXT


@pytest.mark.parametrize("vs_id, code", [("aav", "195353004"), ("cyclophosphamide", "3002"),
                                         ("creatinine", "14682-9"), ("dialysis-procedure", "302497006")])
def test_verified_codes_are_not_flagged(vs_id, code):
    vs = load(TERMINOLOGY / f"ValueSet-{vs_id}.json")
    entry = next(c for c in vs["expansion"]["contains"] if c["code"] == code)
    assert "extension" not in entry


def test_spec_codes_are_in_the_value_sets():
    expect = {"aav": {"195353004", "239928004", "M31.30", "M31.31", "M31.7"}, "lupus-nephritis": {"68815009", "M32.14"},
              "rituximab": {"121191"}, "mycophenolate": {"68149", "7145"}, "pjp-prophylaxis": {"10831", "10180", "10829"},
              "egfr": {"98979-8", "62238-1", "33914-3"}, "malignancy": {"363346000", "C80.1"},
              "dialysis-dependence": {"Z99.2"}, "pregnant": {"77386006"}}
    for vs_id, codes in expect.items():
        vs = load(TERMINOLOGY / f"ValueSet-{vs_id}.json")
        assert codes <= {c["code"] for c in vs["expansion"]["contains"]}, vs_id
