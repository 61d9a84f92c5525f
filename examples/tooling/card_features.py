"""Expectations on the CDS Hooks card features (knowledge-spec rankings and override reasons),
added to the scenarios of scenarios_a / scenarios_bcd without touching their card lists,
plus the scenarios written for them: S01l (the "lower WBC" ranking of A.3) and S02ex (the
EX CYCLOPS-style age/renal dose reductions of A.3, on only with the EX rules).

Rankings the spec states (so a suggestion is `isRecommended`): A.3 ranks IV first when the
latest WBC is <4.0 x10^9/L within 7 days or prior cumulative CYC is >= 10 g, and ranks
nothing otherwise; A.5 names TMP-SMX; A.12/B.5 "prefer" rituximab maintenance; C.7-b
"MPAA (preferred)".  D.3's two arms are equal options and A.5's allergy alternatives are
unranked, so nothing is recommended there."""
from __future__ import annotations

from .fhir import lab
from .scenario import Scenario
from .scenarios_a import S01_FIRE, S02_CARDS, s01_resources, s02_resources

NEUTRAL = ["patient-declined", "clinician-judgement"]

FEATURES: dict[str, dict] = {
    "S01": {"recommended": {"A.5": "Trimethoprim-sulfamethoxazole"},
            "not_recommended": {"A.3": ["cyclophosphamide"]},
            "override_reasons": {"A.5": ["pjp-prophylaxis-in-place", "sulfonamide-allergy", *NEUTRAL],
                                 "A.2": NEUTRAL, "A.9-1": NEUTRAL}},
    "S12a": {"recommended": {"A.3": "IV cyclophosphamide"}, "not_recommended": {"A.3": ["Oral"]}},
    "S12b": {"override_reasons": {"A.6": ["mesna-ordered", *NEUTRAL]}},
    "S14": {"override_reasons": {"A.11-a": ["mmf-maintenance", "clinician-judgement"]}},
    "S14b": {"override_reasons": {"A.11-b": ["rtx-cyc-combination", "clinician-judgement"]}},
    "S11": {"override_reasons": {"A.1-a": ["acknowledged", "clinician-judgement"]}},
    "S15": {"recommended": {"A.12": "Rituximab maintenance"}},
    "S15b": {"not_recommended": {"A.12": ["Azathioprine", "Mycophenolate"]}},
    "S17": {"override_reasons": {"A.10-a": NEUTRAL, "A.10-b": ["clinician-judgement"]}},
    "S18": {"not_recommended": {"A.5": ["Atovaquone", "Dapsone"]},
            "override_reasons": {"A.5": ["sulfonamide-allergy"]}},
    "S19": {"not_recommended": {"B.2": ["cyclophosphamide"]}, "override_reasons": {"B.2": NEUTRAL}},
    "S21": {"override_reasons": {"B.3": NEUTRAL}},
    "S25": {"override_reasons": {"C.7-a": ["hcq-contraindicated", *NEUTRAL],
                                 "C.1-a": ["acknowledged", "clinician-judgement"]}},
    "S29": {"not_recommended": {"D.3": ["mycophenolate", "leflunomide"]}},
}


def s01l() -> Scenario:
    """S01 with a WBC of 3.5 x10^9/L the day before: A.3 must recommend IV over oral."""
    pid = "S01l"
    resources = [r for r in s01_resources(pid)
                 if not (r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "6690-2")]
    resources.append(lab(pid, "wbc", 3.5, "2025-03-09"))
    return Scenario(pid, "gpa-rtx-refractory-low-wbc", "GPA, RTX-refractory, DAH, WBC 3.5 (A.3 ranks IV first)",
                    "2025-03-10", resources, S01_FIRE, ["A.9-2", "A.9-3", "A.10-b"],
                    figures={"A.3": ["ranked first", "WBC <4.0"]}, suggestion_doses={"A.3": [1000, 125]},
                    recommended={"A.3": "IV cyclophosphamide"}, not_recommended={"A.3": ["Oral"]})


def s02ex() -> Scenario:
    """S02 (80 kg, age 64, creatinine exactly 300 umol/L) with the EX rules on: IV 15 - 2.5
    (age 60-70) - 2.5 (creatinine 300-500, 300 included) = 10 mg/kg = 800 mg; oral
    min(160, 200) mg/d minus 25 % (age >60) = 120 -> 125 mg/d.  S02 itself (EX off) keeps
    1,200 mg and 150 mg/d."""
    return Scenario("S02ex", "mpa-creatinine-300-umol-ex", "S02 with EX rules on: CYCLOPS-style CYC dose reductions",
                    "2025-02-20", s02_resources("S02ex"), S02_CARDS, ["A.9-2", "A.9-1"],
                    figures={"A.3": ["IV 10 mg/kg", "800 mg", "minus 25 %", "120 mg/d", "age 64 y", "300 umol/L"]},
                    suggestion_doses={"A.3": [800, 125]}, enable_ex=True)


def with_card_features(scenarios: list[Scenario]) -> list[Scenario]:
    by_key = {sc.key: sc for sc in scenarios}
    unknown = set(FEATURES) - set(by_key)
    if unknown:
        raise SystemExit(f"card features for unknown scenarios: {sorted(unknown)}")
    for key, features in FEATURES.items():
        for name, value in features.items():
            setattr(by_key[key], name, value)
    return [*scenarios, s01l(), s02ex()]
