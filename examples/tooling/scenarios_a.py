"""Scenarios S01-S18 (+ S02d): rituximab-refractory AAV (scenarios.md, strategy A)."""
from __future__ import annotations

from .fhir import (ICD, IV, SCT, administration, allergy, condition, coded_result, fact, lab, patient,
                   procedure, request, statement)
from .scenario import Scenario

GPA = [(SCT, "195353004", "Wegener's granulomatosis"), (ICD, "M31.31", "Wegener's granulomatosis with renal involvement")]
MPA = [(SCT, "239928004", "Microscopic polyarteritis nodosa"), (ICD, "M31.7", "Microscopic polyangiitis")]
DAH = [(SCT, "78144005", "Pulmonary hemorrhage")]
S02_CARDS = {"A.2": "warning", "A.3": "info", "A.4": "info", "A.5": "critical", "A.7": "info", "A.8-c": "info"}


def _checks_answered(pid: str, day: str, infection: bool = True) -> list[dict]:
    out = [fact(pid, "malignancy-excluded", True, day), fact(pid, "drug-induced-excluded", True, day)]
    if infection:
        out.append(fact(pid, "infection-excluded", True, day))
    return out


def s01_resources(pid: str, infection_answered: bool = True) -> list[dict]:
    return [
        patient(pid, "female", "1972-06-01"),
        condition(pid, GPA, "2024-11-20"), condition(pid, DAH, "2025-03-08"),
        lab(pid, "weight", 68.0, "2025-03-09"),
        administration(pid, "rituximab", 1000, "2025-01-06"), administration(pid, "rituximab", 1000, "2025-01-20"),
        request(pid, "prednisolone", 20, "2025-02-15"),
        lab(pid, "creat-umol", 150, "2025-03-09"), lab(pid, "wbc", 7.8, "2025-03-09"),
        lab(pid, "spo2", 86, "2025-03-10"), lab(pid, "mpo", 85, "2025-03-09"),
        fact(pid, "disease-activity", "active-persistent", "2025-03-10"),
        *_checks_answered(pid, "2025-03-10", infection_answered),
    ]


S01_FIRE = {"A.2": "warning", "A.3": "info", "A.4": "info", "A.5": "critical", "A.9-1": "critical",
            "A.10-c": "info", "A.7": "info", "A.8-c": "info"}


def s01() -> Scenario:
    return Scenario("S01", "gpa-rtx-refractory-dah", "GPA, RTX-refractory, DAH with hypoxaemia", "2025-03-10",
                    s01_resources("S01"), S01_FIRE, ["A.9-2", "A.9-3"],
                    figures={"A.3": ["1,020 mg", "1,000 mg", "136 mg/d", "125 mg/d", "68.0 kg", "2025-03-09"],
                             "A.4": ["prednisolone 60 mg/d"], "A.7": ["0.0 g"], "A.9-1": ["PEXIVAS", "SpO2 86 %"]},
                    suggestion_doses={"A.3": [1000, 125]})


def s02_resources(pid: str, creat: tuple[float, str] = (300, "creat-umol"), weight_day: str = "2025-02-19",
                  activity: bool = True) -> list[dict]:
    return [
        patient(pid, "male", "1960-06-01"), condition(pid, MPA, "2024-10-01"),
        lab(pid, "weight", 80.0, weight_day),
        *[administration(pid, "rituximab", 700, d) for d in ("2024-10-07", "2024-10-14", "2024-10-21", "2024-10-28")],
        *([fact(pid, "disease-activity", "active-persistent", "2025-02-18")] if activity else []),
        lab(pid, creat[1], creat[0], "2025-02-19"), lab(pid, "wbc", 9.1, "2025-02-19"),
    ]


S02_FIGURES = {"A.3": ["1,200 mg", "160 mg/d", "150 mg/d"], "A.4": ["prednisolone 75 mg/d"], "A.7": ["0.0 g"]}


def s02() -> Scenario:
    return Scenario("S02", "mpa-creatinine-300-umol", "Creatinine exactly 300 umol/L (PLEX renal boundary, negative)",
                    "2025-02-20", s02_resources("S02"), S02_CARDS, ["A.9-2", "A.9-1"], figures=S02_FIGURES)


def s02d() -> Scenario:
    pid = "S02d"
    res = s02_resources(pid) + [procedure(pid, (SCT, "302497006", "Hemodialysis"), d) for d in ("2025-02-15", "2025-02-17")]
    return Scenario("S02d", "mpa-haemodialysis", "S02 plus haemodialysis (A.9-3)", "2025-02-20", res,
                    {**S02_CARDS, "A.9-3": "warning"}, ["A.9-2"], figures={"A.9-3": ["PEXIVAS"]})


def s02_missing() -> list[Scenario]:
    """Extra boundary bundles (not in scenarios.md): the rules do not guess missing data."""
    return [
        Scenario("S02w", "mpa-weight-older-than-30-days", "S02 with the last weight 41 days old (spec 0.3)", "2025-02-20",
                 s02_resources("S02w", weight_day="2025-01-10"),
                 {"0.3-weight": "info", "A.2": "warning", "A.5": "critical"}, ["A.3", "A.4"],
                 summaries={"0.3-weight": "No body weight in the last 30 days: record weight to calculate doses"}),
        Scenario("S02n", "mpa-no-activity-assessment", "S02 without a disease-activity assessment (A.0-3)", "2025-02-20",
                 s02_resources("S02n", activity=False), {"A.0-3": "info"}, ["A.2", "A.3", "A.4", "A.8-c", "A.5"],
                 summaries={"A.0-3": "No disease-activity assessment after rituximab: confirm treatment failure before salvage"}),
    ]


def s02e() -> Scenario:
    """Extra (spec 0.5): an entered-in-error fact is ignored and the latest valid one wins."""
    pid = "S02e"
    res = s02_resources(pid) + [fact(pid, "disease-activity", "remission", "2025-02-10"),
                                fact(pid, "disease-activity", "remission", "2025-02-19", status="entered-in-error"),
                                fact(pid, "cyc-contraindicated", True, "2025-02-19", status="cancelled")]
    return Scenario("S02e", "mpa-fact-status-and-order", "Clinician facts: status and latest-wins (spec 0.5)", "2025-02-20",
                    res, S02_CARDS, ["A.9-2", "A.8-a"], figures=S02_FIGURES)


def s02h() -> Scenario:
    """Extra: alveolar haemorrhage without hypoxaemia or renal/dialysis criteria (A.9-4 alone)."""
    pid = "S02h"
    res = s02_resources(pid, creat=(150, "creat-umol")) + [condition(pid, DAH, "2025-02-18"), lab(pid, "spo2", 96, "2025-02-20")]
    return Scenario("S02h", "mpa-dah-without-hypoxaemia", "DAH without hypoxaemia (PEXIVAS caveat alone)", "2025-02-20", res,
                    {"A.9-4": "info", "A.10-c": "info"}, ["A.9-1", "A.9-2", "A.9-3"],
                    summaries={"A.9-4": "PEXIVAS: PLEX did not reduce mortality in pulmonary haemorrhage without severe renal disease; ↑infection"})


def s03() -> Scenario:
    return Scenario("S03", "mpa-creatinine-301-umol", "Creatinine 301 umol/L (PLEX renal boundary, positive)", "2025-02-20",
                    s02_resources("S03", (301, "creat-umol")), {**S02_CARDS, "A.9-2": "warning"}, ["A.9-1"],
                    figures={"A.9-2": ["PEXIVAS", "301 umol/L (3.405 mg/dL)"]},
                    summaries={"A.9-2": "Creatinine 301 umol/L > 300 umol/L (3.4 mg/dL): consider adding plasma exchange"})


def s03k() -> Scenario:
    """Extra: creatinine 355 umol/L (> 354, KDIGO 2024 PP 9.3.1.2 note on A.2)."""
    return Scenario("S03k", "mpa-creatinine-355-umol", "Creatinine 355 umol/L (KDIGO PP 9.3.1.2 note)", "2025-02-20",
                    s02_resources("S03k", (355, "creat-umol")), {**S02_CARDS, "A.9-2": "warning"}, [],
                    figures={"A.2": ["PP 9.3.1.2", "355 umol/L (4.016 mg/dL)"]})


def s04() -> Scenario:
    return Scenario("S04", "mpa-creatinine-3-40-mgdl", "Creatinine 3.40 mg/dL (unit handling, negative)", "2025-02-20",
                    s02_resources("S04", (3.40, "creat-mg")), S02_CARDS, ["A.9-2"], figures=S02_FIGURES)


def s05() -> Scenario:
    return Scenario("S05", "mpa-creatinine-3-41-mgdl", "Creatinine 3.41 mg/dL (unit handling, positive)", "2025-02-20",
                    s02_resources("S05", (3.41, "creat-mg")), {**S02_CARDS, "A.9-2": "warning"}, [],
                    figures={"A.9-2": ["3.41 mg/dL (301.4 umol/L)", "PEXIVAS"]})


def s06_resources(pid: str, weight: float) -> list[dict]:
    return [
        patient(pid, "female", "1990-06-01"), condition(pid, GPA, "2024-09-01"),
        lab(pid, "weight", weight, "2025-01-14"),
        administration(pid, "rituximab", 1000, "2024-09-10"), administration(pid, "rituximab", 1000, "2024-09-24"),
        fact(pid, "disease-activity", "active-persistent", "2025-01-14"),
        lab(pid, "creat-umol", 95, "2025-01-14"), lab(pid, "wbc", 6.0, "2025-01-14"),
    ]


def _weight_case(key: str, slug: str, weight: float, iv: list[str], oral: list[str], pred: int,
                 doses: list[float]) -> Scenario:
    return Scenario(key, slug, f"Weight {weight:.1f} kg (dose and prednisolone band)", "2025-01-15",
                    s06_resources(key, weight), S02_CARDS, ["A.9-2"],
                    figures={"A.3": iv + oral + [f"{weight:.1f} kg"], "A.4": [f"prednisolone {pred} mg/d"], "A.7": ["0.0 g"]},
                    summaries={"A.4": f"Glucocorticoids: MP pulses 1–3 g or higher oral dose; then prednisolone {pred} mg/d reduced-dose taper"},
                    suggestion_doses={"A.3": doses})


def weight_cases() -> list[Scenario]:
    return [
        _weight_case("S06", "gpa-weight-49-9kg", 49.9, ["748.5 mg", "750 mg"], ["99.8 mg/d", "100 mg/d"], 50, [750, 100]),
        _weight_case("S07", "gpa-weight-50-0kg", 50.0, ["750 mg"], ["100 mg/d"], 60, [750, 100]),
        _weight_case("S08a", "gpa-weight-75-0kg", 75.0, ["1,125 mg", "1,100 mg"], ["150 mg/d"], 60, [1100, 150]),
        _weight_case("S08b", "gpa-weight-75-1kg", 75.1, ["1,126.5 mg", "1,150 mg"], ["150.2 mg/d", "150 mg/d"], 75, [1150, 150]),
        _weight_case("S09", "gpa-weight-112kg-oral-cap", 112.0, ["1,680 mg", "1,700 mg"], ["224 mg/d", "capped at 200 mg/d"], 75, [1700, 200]),
    ]


def s10() -> Scenario:
    pid = "S10"
    res = s01_resources(pid, infection_answered=False) + [
        condition(pid, [(SCT, "385093006", "Community acquired pneumonia")], "2025-03-05"),
        coded_result(pid, "624-7", "Bacteria identified in Sputum by Culture", "2025-03-05",
                     (SCT, "9861002", "Streptococcus pneumoniae"), interpretation="POS"),
        request(pid, "amoxicillin", 1000, "2025-03-05", per_day=3),
    ]
    prefix = "After infection excluded:"
    return Scenario("S10", "gpa-active-infection", "Active infection (confirm-failure check)", "2025-03-10", res,
                    {"A.1-b": "warning", "A.2": "warning", "A.3": "info", "A.4": "info", "A.8-c": "info",
                     "A.9-1": "critical", "A.5": "critical"}, [],
                    summaries={"A.1-b": "Possible active infection. Exclude infection before escalating immunosuppression."},
                    summary_prefix={"A.2": prefix, "A.3": prefix, "A.4": prefix, "A.8-c": prefix})


def s11() -> Scenario:
    pid = "S11"
    res = [patient(pid, "male", "1980-01-01"), condition(pid, GPA, "2025-01-02"), lab(pid, "weight", 72.0, "2025-02-19"),
           administration(pid, "rituximab", 1000, "2025-01-08"),
           administration(pid, "rituximab", 1000, "2025-01-22", status="not-done"),
           fact(pid, "disease-activity", "active-persistent", "2025-02-19")]
    return Scenario("S11", "gpa-incomplete-rituximab", "Incomplete rituximab course (not refractory)", "2025-02-20", res,
                    {"A.1-a": "warning"}, ["A.2", "A.3", "A.4", "A.8-a", "A.8-b", "A.8-c"],
                    summary_prefix={"A.1-a": "Rituximab course incomplete (1 of 2 doses)"})


def s12_resources(pid: str, extra_iv: int = 0) -> list[dict]:
    iv_days = ["2016-01-04", "2016-01-25", "2016-02-15", "2016-03-07", "2016-03-28", "2016-04-18", "2016-05-09",
               "2016-05-30", "2016-06-20", "2016-07-11", "2016-08-01", "2016-08-22"][:10 + extra_iv]
    return [
        patient(pid, "female", "1967-01-01"), condition(pid, GPA, "2012-03-01"), lab(pid, "weight", 70.0, "2025-03-30"),
        statement(pid, "cyclophosphamide", 125, "2012-03-01", "2012-09-16"),
        *[administration(pid, "cyclophosphamide", 1000, d) for d in iv_days],
        administration(pid, "rituximab", 1000, "2025-01-06"), administration(pid, "rituximab", 1000, "2025-01-20"),
        fact(pid, "disease-activity", "active-persistent", "2025-03-30"),
        lab(pid, "creat-umol", 98, "2025-03-30"), lab(pid, "wbc", 6.8, "2025-03-30"),
    ]


def s12() -> list[Scenario]:
    draft = request("S12b", "cyclophosphamide", 1050, "2025-04-01", status="draft", route=IV, count=1,
                    period=3, unit="wk", rid="S12b-draft-iv-cyc")
    draft["intent"] = "proposal"
    return [
        Scenario("S12a", "gpa-cumulative-cyc-35g", "Cumulative CYC 35.0 g, no CYC order", "2025-04-01", s12_resources("S12a"),
                 {"A.7": "info", "A.2": "warning", "A.3": "info", "A.5": "critical", "A.8-c": "info"}, ["A.8-a", "A.6"],
                 figures={"A.7": ["35.0 g"], "A.3": ["ranked first", "35.0 g"]}),
        Scenario("S12b", "gpa-cumulative-cyc-projected", "Cumulative CYC 35.0 g plus a draft IV pulse of 1,050 mg", "2025-04-01",
                 s12_resources("S12b"), {"A.7": "warning", "A.6": "critical", "A.5": "critical"}, [],
                 summaries={"A.7": "Planned CYC course would take cumulative dose to 36.05 g (>36 g)"},
                 hook="order-select", draft_orders=[draft]),
    ]


def s12c() -> Scenario:
    """Extra: S12b's draft IV pulse with MESNA on the same order set (A.6 must stay silent)."""
    cyc = request("S12c", "cyclophosphamide", 1050, "2025-04-01", status="draft", route=IV, count=1,
                  period=3, unit="wk", rid="S12c-draft-iv-cyc")
    mesna = request("S12c", "mesna", 210, "2025-04-01", status="draft", route=IV, count=1, rid="S12c-draft-mesna")
    for r in (cyc, mesna):
        r["intent"] = "proposal"
    return Scenario("S12c", "gpa-iv-cyc-with-mesna", "Draft IV CYC pulse with MESNA on the order set", "2025-04-01",
                    s12_resources("S12c"), {"A.5": "critical"}, ["A.6"], hook="order-sign", draft_orders=[cyc, mesna])


def s13() -> Scenario:
    return Scenario("S13", "gpa-cumulative-cyc-37g", "Cumulative CYC 37.0 g", "2025-04-01", s12_resources("S13", extra_iv=2),
                    {"A.7": "warning", "A.8-a": "info", "A.2": "warning", "A.5": "critical", "A.8-c": "info"}, ["A.8-b"],
                    figures={"A.2": ["37.0 g exceeds 36 g"]},
                    summaries={"A.7": "Cumulative cyclophosphamide 37.0 g exceeds 36 g: increased malignancy risk; consider alternatives"})


def s14() -> Scenario:
    pid = "S14"
    draft = request(pid, "mmf", 1000, "2025-03-10", per_day=2, status="draft", rid="S14-draft-mmf")
    draft["intent"] = "proposal"
    return Scenario("S14", "gpa-mmf-salvage-order", "MMF ordered as salvage for severe pulmonary AAV", "2025-03-10",
                    s01_resources(pid), {**S01_FIRE, "A.11-a": "warning"}, [],
                    summaries={"A.11-a": "Do not use MMF as salvage for severe pulmonary AAV: inferior to cyclophosphamide"},
                    hook="order-select", draft_orders=[draft])


def s14b() -> Scenario:
    """Extra: a new rituximab order for rituximab-refractory AAV (A.11-b)."""
    draft = request("S14b", "rituximab", 1000, "2025-03-10", status="draft", route=IV, count=1, rid="S14b-draft-rtx")
    draft["intent"] = "proposal"
    return Scenario("S14b", "gpa-rituximab-reorder", "New rituximab order in rituximab-refractory AAV", "2025-03-10",
                    s01_resources("S14b"), {"A.11-b": "warning", "A.5": "critical"}, ["A.11-a", "A.2"],
                    hook="order-sign", draft_orders=[draft])


def s15_resources(pid: str) -> list[dict]:
    return [patient(pid, "female", "1973-01-01"), condition(pid, GPA, "2024-12-01"), lab(pid, "weight", 70.0, "2025-07-14"),
            statement(pid, "cyclophosphamide", 140, "2025-03-12", "2025-07-10"),
            fact(pid, "disease-activity", "remission", "2025-07-14")]


def s15() -> list[Scenario]:
    b = s15_resources("S15b") + [fact("S15b", "rtx-contraindicated", True, "2025-07-14")]
    return [
        Scenario("S15", "gpa-remission-maintenance", "Remission after CYC salvage (maintenance)", "2025-07-15",
                 s15_resources("S15"), {"A.12": "info", "A.7": "info"}, ["A.11-a"], figures={"A.7": ["16.9 g", "16.94 g"]}),
        Scenario("S15b", "gpa-remission-rtx-contraindicated", "Remission, rituximab contraindicated", "2025-07-15", b,
                 {"A.12": "info", "A.7": "info"}, ["A.11-a"], figures={"A.12": ["105-140 mg/d", "2,000 mg/d"]},
                 suggestion_doses={"A.12": [100, 1000]}),
    ]


def s16() -> Scenario:
    pid = "S16"
    res = [patient(pid, "male", "1965-01-01"), condition(pid, MPA, "2023-01-01"), lab(pid, "weight", 78.0, "2025-05-28"),
           administration(pid, "rituximab", 500, "2024-06-01"), administration(pid, "rituximab", 500, "2024-12-01"),
           lab(pid, "mpo", 12, "2025-03-01"), lab(pid, "mpo", 48, "2025-05-28"),
           fact(pid, "disease-activity", "remission", "2025-05-28"), lab(pid, "creat-umol", 110, "2025-05-28")]
    return Scenario("S16", "mpa-anca-rise-quiescent", "ANCA rise only, clinically quiescent", "2025-06-01", res,
                    {"A.10-d": "info"}, ["A.2", "A.1-a", "A.12"], figures={"A.10-d": ["predictive of future disease relapse"]},
                    summaries={"A.10-d": "Do not change treatment on ANCA titres alone; decide on clinical assessment"})


def s17() -> Scenario:
    pid = "S17"
    res = [patient(pid, "female", "1958-01-01"), condition(pid, GPA, "2024-06-01"), lab(pid, "weight", 61.0, "2025-02-20"),
           administration(pid, "rituximab", 1000, "2024-12-02"), administration(pid, "rituximab", 1000, "2024-12-16"),
           fact(pid, "disease-activity", "active-persistent", "2025-01-20"),
           request(pid, "cyclophosphamide", 125, "2025-02-01"), request(pid, "tmp-smx", 480, "2025-02-01"),
           lab(pid, "wbc", 3.2, "2025-02-20"), lab(pid, "neut", 1.2, "2025-02-20")]
    return Scenario("S17", "gpa-leukopenia-on-cyc", "Leukopenia on CYC and a missing weekly CBC", "2025-03-03", res,
                    {"A.10-a": "warning", "A.10-b": "critical", "A.7": "info"}, ["A.5", "A.2", "A.3"],
                    figures={"A.7": ["3.9 g", "3.875 g"], "A.10-b": ["WBC 3.2"]})


def s18() -> Scenario:
    pid = "S18"
    res = s06_resources(pid, 49.9) + [allergy(pid, (SCT, "387406002", "Sulfonamide (substance)"))]
    return Scenario("S18", "gpa-sulfonamide-allergy", "Sulfonamide allergy (PJP prophylaxis alternatives)", "2025-01-15", res,
                    {"A.5": "critical"}, [], figures={"A.5": ["atovaquone", "dapsone", "G6PD"]},
                    suggestions_exclude={"A.5": ["trimethoprim", "sulfamethoxazole"]})


def scenarios() -> list[Scenario]:
    return [s01(), s02(), s02d(), *s02_missing(), s02e(), s02h(), s03(), s03k(), s04(), s05(), *weight_cases(), s10(), s11(), *s12(), s12c(), s13(), s14(), s14b(),
            *s15(), s16(), s17(), s18()]

