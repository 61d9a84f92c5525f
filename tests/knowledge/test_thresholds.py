"""Thresholds that the worked examples only show from one side each, pinned at the exact
boundary through the card pipeline (a scenario bundle with one value changed):
- the A.7/A.8-a cumulative cyclophosphamide limit is strictly ">36 g" (spec A.7);
- the lupus nephritis eGFR limits: C.3/C.5 need eGFR >45 and C.3-b takes eGFR <=45;
  C.4 (belimumab) needs eGFR >=30 (spec C.3-C.5);
- A.10-b leukopenia on CYC: WBC <4.0 or neutrophils <1.5 x10^9/L (spec A.10, EX thresholds);
- the KDIGO PP 9.3.1.2 note on A.2: creatinine >354 umol/L or >4 mg/dL, native unit (spec A.9, 0.3);
- A.3 ranks IV first from a prior cumulative CYC of >=10 g (spec A.3, EX default)."""
from __future__ import annotations

import copy
import json

import pytest

from kb_paths import EXAMPLES, EXPECTED, load
from test_scenarios import _cards, reasoner  # noqa: F401  (reasoner is the shared fixture)


def _with_extra_iv_pulse(tmp_path, key: str, mg: int) -> tuple[dict, object]:
    """The scenario's bundle plus one more completed IV cyclophosphamide pulse in 2016
    (copied from the bundle's own last pulse, so only the dose total changes)."""
    expected = load(EXPECTED / f"{key}.json")
    bundle = load(EXAMPLES / expected["bundle"])
    pulses = [e["resource"] for e in bundle["entry"]
              if e["resource"]["resourceType"] == "MedicationAdministration"
              and e["resource"]["medicationCodeableConcept"]["text"] == "cyclophosphamide"]
    extra = copy.deepcopy(pulses[-1])
    extra["id"] += "-extra"
    extra["effectiveDateTime"] = "2016-08-01T08:00:00Z"
    extra["dosage"]["dose"]["value"] = mg
    bundle["entry"].append({"resource": extra})
    path = tmp_path / expected["bundle"]
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return expected, path


@pytest.mark.parametrize("extra_mg, total, over", [(1000, "36.0 g", False), (1100, "36.1 g", True)])
def test_cumulative_cyclophosphamide_limit_is_strictly_above_36_g(reasoner, tmp_path, extra_mg, total, over):
    # S12a holds 35.0 g and has no CYC order, so no projected dose muddies the figure
    expected, path = _with_extra_iv_pulse(tmp_path, "S12a", extra_mg)
    cards = _cards(reasoner, expected, path)
    a7 = cards["A.7"]
    assert total in a7["summary"]
    if over:
        assert a7["indicator"] == "warning"
        assert a7["summary"] == f"Cumulative cyclophosphamide {total} exceeds 36 g: increased malignancy risk; consider alternatives"
        assert "A.8-a" in cards
    else:
        assert a7["indicator"] == "info"
        assert "exceeds" not in a7["summary"]
        assert "A.8-a" not in cards


def _with_latest(tmp_path, key: str, changes: dict[str, float | tuple[float, str]]) -> tuple[dict, object]:
    """The scenario's bundle with its most recent Observation of each LOINC code in
    ``changes`` set to the given value (same unit), or to a (value, UCUM unit) pair."""
    expected = load(EXPECTED / f"{key}.json")
    bundle = load(EXAMPLES / expected["bundle"])
    for loinc, value in changes.items():
        found = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                 and e["resource"]["code"]["coding"][0]["code"] == loinc]
        latest = max(found, key=lambda r: r["effectiveDateTime"])
        quantity = latest["valueQuantity"]
        if isinstance(value, tuple):
            value, unit = value
            quantity.update(unit=unit, code=unit)
            if unit == "mg/dL" and loinc == "14682-9":  # creatinine in mass units has its own LOINC
                latest["code"]["coding"][0].update(code="2160-0", display="Creatinine [Mass/volume] in Serum or Plasma")
        quantity["value"] = value
    path = tmp_path / expected["bundle"]
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return expected, path


EGFR = "98979-8"


@pytest.mark.parametrize("egfr, cni_options", [(45, False), (45.1, True)])
def test_cni_options_need_egfr_above_45(reasoner, tmp_path, egfr, cni_options):
    # S22 is truly refractory LN with eGFR 52; only the latest eGFR changes
    expected, path = _with_latest(tmp_path, "S22", {EGFR: egfr})
    cards = _cards(reasoner, expected, path)
    assert ("C.3" in cards) is cni_options
    assert ("C.5" in cards) is cni_options
    assert ("C.3-b" in cards) is not cni_options


@pytest.mark.parametrize("egfr, belimumab", [(29.9, False), (30, True)])
def test_belimumab_needs_egfr_at_least_30(reasoner, tmp_path, egfr, belimumab):
    expected, path = _with_latest(tmp_path, "S22", {EGFR: egfr})
    cards = _cards(reasoner, expected, path)
    assert ("C.4" in cards) is belimumab
    assert "C.3-b" in cards


@pytest.mark.parametrize("wbc, neutrophils, fires", [(4.0, 1.5, False), (3.9, 1.5, True), (4.0, 1.4, True)])
def test_leukopenia_thresholds_are_strictly_below(reasoner, tmp_path, wbc, neutrophils, fires):
    # S17 is on CYC with WBC 3.2 and neutrophils 1.2 (both low); lift them to the limits
    expected, path = _with_latest(tmp_path, "S17", {"6690-2": wbc, "751-8": neutrophils})
    cards = _cards(reasoner, expected, path)
    assert ("A.10-b" in cards) is fires
    if fires:
        assert cards["A.10-b"]["indicator"] == "critical"
        assert cards["A.10-b"]["summary"].startswith(f"Leukopenia on CYC (WBC {wbc:g}")


@pytest.mark.parametrize("creatinine, noted", [
    ((354, "umol/L"), False), ((355, "umol/L"), True), ((4.0, "mg/dL"), False), ((4.01, "mg/dL"), True)])
def test_kdigo_severe_renal_note_needs_creatinine_above_354_or_4(reasoner, tmp_path, creatinine, noted):
    # S03k (355 umol/L) shows the note; the same patient at and just above each native limit
    expected, path = _with_latest(tmp_path, "S03k", {"14682-9": creatinine})
    cards = _cards(reasoner, expected, path)
    assert ("KDIGO 2024 PP 9.3.1.2" in cards["A.2"]["detail"]) is noted
    assert "A.9-2" in cards  # all four are above the PLEX limit


@pytest.mark.parametrize("pulses, ranked", [(10, True), (9, False)])
def test_iv_is_ranked_first_from_10_g_prior_cyclophosphamide(reasoner, tmp_path, pulses, ranked):
    # S12a without its 25 g oral course: only its ten 1 g IV pulses of 2016, or nine of them
    expected = load(EXPECTED / "S12a.json")
    bundle = load(EXAMPLES / expected["bundle"])

    def is_cyc(r: dict) -> bool:
        return r.get("medicationCodeableConcept", {}).get("text") == "cyclophosphamide"

    bundle["entry"] = [e for e in bundle["entry"]
                       if not (e["resource"]["resourceType"] == "MedicationStatement" and is_cyc(e["resource"]))]
    iv = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration" and is_cyc(e["resource"])]
    assert len(iv) == 10
    for dropped in iv[pulses:]:
        bundle["entry"].remove(dropped)
    path = tmp_path / expected["bundle"]
    path.write_text(json.dumps(bundle), encoding="utf-8")
    a3 = _cards(reasoner, expected, path)["A.3"]
    recommended = [s["label"] for s in a3["suggestions"] if s.get("isRecommended")]
    assert len(recommended) == int(ranked), recommended
    if ranked:
        assert "IV cyclophosphamide" in recommended[0]
        assert "prior cumulative CYC 10.0 g >= 10 g" in a3["detail"]
    else:
        assert "ranked first" not in a3["detail"]


def test_a_cyclophosphamide_dose_that_cannot_be_read_is_reported_not_dropped(reasoner, tmp_path):
    """A pulse recorded in a unit the rules cannot convert (here mL) is left out of the
    total: A.7 must then say the total is incomplete and rise to a warning, instead of
    showing a smaller cumulative dose as if it were complete."""
    expected, path = _with_extra_iv_pulse(tmp_path, "S12a", 1000)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    extra = bundle["entry"][-1]["resource"]
    extra["dosage"]["dose"]["unit"] = extra["dosage"]["dose"]["code"] = "mL"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    a7 = _cards(reasoner, expected, path)["A.7"]
    assert a7["indicator"] == "warning"
    assert a7["summary"] == ("Cumulative cyclophosphamide at least 35.0 g: 1 record(s) without a usable dose "
                             "not counted")
    assert "**Incomplete:** 1 cyclophosphamide record(s) have no usable dose" in a7["detail"]
