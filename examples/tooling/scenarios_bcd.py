"""Scenarios S19-S34: IV-CYC-refractory GPA/MPA (B), refractory lupus nephritis (C) and
IgG4-RD (D) (scenarios.md)."""
from __future__ import annotations

from .fhir import (ICD, SCT, administration, chest_ct, coded_result, condition, dispense, fact, lab, patient,
                   request)
from .scenario import Scenario
from .scenarios_a import DAH, GPA, MPA

SLE = [(SCT, "55464009", "Systemic lupus erythematosus"), (ICD, "M32.9", "Systemic lupus erythematosus, unspecified")]
LN = [(SCT, "68815009", "Systemic lupus erythematosus glomerulonephritis syndrome"),
      (ICD, "M32.14", "Glomerular disease in systemic lupus erythematosus")]
IGG4RD = [(ICD, "D89.84", "IgG4-related disease")]
NEGATIVE = (SCT, "260385009", "Negative")


# ------------------------------------------------------------ B

def s19_resources(pid: str, weight_day: str = "2025-05-14") -> list[dict]:
    pulses = ["2025-02-05", "2025-02-19", "2025-03-05", "2025-03-26", "2025-04-16", "2025-05-07"]
    return [
        patient(pid, "male", "1954-01-01"), condition(pid, MPA, "2025-02-01"),
        condition(pid, DAH, "2025-02-01", status="resolved", abatement="2025-03-01"),
        lab(pid, "weight", 62.0, weight_day),
        *[administration(pid, "methylprednisolone", 500, d) for d in ("2025-02-02", "2025-02-03", "2025-02-04")],
        request(pid, "prednisone", 60, "2025-02-05"),
        *[administration(pid, "cyclophosphamide", 930, d) for d in pulses],
        *[administration(pid, "mesna", 930, d) for d in pulses],
        request(pid, "tmp-smx", 480, "2025-02-05"),
        lab(pid, "creat-umol", 230, "2025-02-01"), lab(pid, "creat-umol", 190, "2025-05-14"),
        lab(pid, "wbc", 6.5, "2025-05-14"), chest_ct(pid, "2025-05-10"),
        fact(pid, "disease-activity", "active-persistent", "2025-05-15"),
    ]


def s19() -> Scenario:
    return Scenario("S19", "mpa-iv-cyc-refractory", "MPA refractory after IV CYC with both WEGENT risk factors", "2025-05-15",
                    s19_resources("S19"), {"B.1": "warning", "B.2": "warning", "A.7": "info"},
                    ["A.5", "A.6", "A.9-2", "A.10-a", "A.10-c"],
                    figures={"B.1": ["alveolar haemorrhage", "creatinine >200 umol/L", "230 umol/L"],
                             "B.2": ["124 mg/d", "125 mg/d", "15 (75%)"], "A.7": ["5.6 g", "5.58 g"]},
                    suggestion_doses={"B.2": [125]})


def s19g() -> Scenario:
    """Extra (spec B.0-4): a 35-day gap between IV pulses; B.2 waits for the dosing check."""
    pid = "S19g"
    pulses = ["2025-02-05", "2025-02-19", "2025-03-26", "2025-04-16", "2025-05-07"]
    res = [r for r in s19_resources(pid) if not (r["resourceType"] == "MedicationAdministration"
                                                 and r["medicationCodeableConcept"]["text"] in ("cyclophosphamide", "mesna"))]
    res += [administration(pid, "cyclophosphamide", 930, d) for d in pulses]
    res += [administration(pid, "mesna", 930, d) for d in pulses]
    return Scenario("S19g", "mpa-iv-cyc-pulse-gap", "S19 with a 35-day gap between IV pulses (B.0-4)", "2025-05-15", res,
                    {"B.0-4": "warning", "B.1": "warning"}, ["B.2", "B.3"],
                    summaries={"B.0-4": "IV cyclophosphamide pulses not given as scheduled (longest gap 35 days): "
                                        "confirm dosing before calling it refractory"})


def s19w() -> Scenario:
    """Extra: S19 with the last weight 44 days old: B.2 still fires, without a dose, plus 0.3-weight."""
    return Scenario("S19w", "mpa-iv-cyc-refractory-no-weight", "S19 without a weight in 30 days", "2025-05-15",
                    s19_resources("S19w", weight_day="2025-04-01"), {"B.2": "warning", "0.3-weight": "info"}, [],
                    figures={"B.2": ["No body weight in the last 30 days"]}, suggestion_doses={})


def s20() -> Scenario:
    pid = "S20"
    pulses = ["2025-04-03", "2025-04-17", "2025-05-01"]
    res = [patient(pid, "female", "1977-01-01"), condition(pid, GPA, "2025-04-01"),
           condition(pid, DAH, "2025-04-01", status="resolved", abatement="2025-04-25"),
           lab(pid, "weight", 66.0, "2025-05-07"),
           *[administration(pid, "cyclophosphamide", 990, d) for d in pulses],
           *[administration(pid, "mesna", 990, d) for d in pulses],
           request(pid, "tmp-smx", 480, "2025-04-03"), request(pid, "prednisone", 60, "2025-04-02"),
           lab(pid, "creat-mg", 2.0, "2025-04-01"), lab(pid, "wbc", 7.0, "2025-05-07"), chest_ct(pid, "2025-05-01")]
    return Scenario("S20", "gpa-iv-cyc-5-weeks", "IV CYC for only 5 weeks (too early; one risk factor)", "2025-05-08", res,
                    {"B.1": "info"}, ["B.2"], figures={"B.1": ["alveolar haemorrhage"]})


def s21() -> Scenario:
    pid = "S21"
    res = s19_resources(pid) + [
        condition(pid, DAH, "2025-05-15"), fact(pid, "massive-alveolar-haemorrhage", True, "2025-05-15"),
        lab(pid, "spo2", 85, "2025-05-15"), lab(pid, "pao2", 52, "2025-05-15"),
        fact(pid, "supplemental-oxygen", True, "2025-05-15")]
    return Scenario("S21", "mpa-refractory-massive-dah", "Refractory MPA with massive alveolar haemorrhage", "2025-05-15", res,
                    {"B.3": "critical", "A.9-1": "critical", "B.1": "warning", "B.2": "warning"}, [],
                    figures={"B.3": ["a more rapidly effective regimen remains to be identified"], "A.9-1": ["PEXIVAS"]})


# ------------------------------------------------------------ C

def s22_resources(pid: str, last: tuple[str, float, float] = ("2025-01-03", 2.9, 52)) -> list[dict]:
    res = [patient(pid, "female", "1995-06-01"), condition(pid, SLE, "2022-06-01"), condition(pid, LN, "2024-01-10"),
           lab(pid, "weight", 58.0, "2025-01-03"),
           request(pid, "hcq", 200, "2022-06-15", per_day=2),
           request(pid, "mmf", 1500, "2024-01-15", "2024-07-20", per_day=2, status="completed"),
           *[dispense(pid, "mmf", d, n) for d, n in (("2024-01-15", 30), ("2024-02-14", 30), ("2024-03-15", 30),
                                                     ("2024-04-14", 30), ("2024-05-14", 30), ("2024-06-13", 32))],
           *[administration(pid, "cyclophosphamide", 500, d) for d in
             ("2024-08-01", "2024-08-15", "2024-08-29", "2024-09-12", "2024-09-26", "2024-10-10")],
           request(pid, "azathioprine", 100, "2024-10-24"), request(pid, "prednisone", 7.5, "2024-12-01"),
           fact(pid, "adherence-confirmed", True, "2025-01-03")]
    for day, upcr, egfr in (("2024-01-12", 3.2, 62), ("2024-07-15", 3.0, 60), ("2024-07-28", 3.1, 58), (last[0], last[1], last[2])):
        res += [lab(pid, "upcr", upcr, day), lab(pid, "egfr", egfr, day)]
    res += [lab(pid, "dsdna", 180, last[0]), lab(pid, "c3", 55, last[0])]
    return res


S22_FIRE = {"C.2": "warning", "C.3": "info", "C.4": "info", "C.5": "info", "C.1-c": "info"}


def s22() -> list[Scenario]:
    return [
        Scenario("S22", "ln-truly-refractory", "Truly refractory LN (two regimens, second assessed at 5 months)", "2025-01-05",
                 s22_resources("S22"), S22_FIRE, ["C.7-a", "C.1-a", "C.1-b"], figures={"C.3": ["55.5%", "52"]}),
        Scenario("S23a", "ln-second-regimen-3-months", "Second regimen assessed at 3 months (too early)", "2024-11-01",
                 s22_resources("S23a", ("2024-10-30", 2.9, 52)), {}, ["C.2"]),
        Scenario("S23b", "ln-second-regimen-5-months", "Second regimen assessed at 5 months", "2025-01-03",
                 s22_resources("S23b"), S22_FIRE, ["C.7-a", "C.1-a", "C.1-b"]),
        Scenario("S24", "ln-proteinuria-improved", "Proteinuria improved >=25 % on the second regimen", "2025-01-05",
                 s22_resources("S24", ("2025-01-03", 1.8, 66)), {}, ["C.2", "C.6"]),
    ]


def s25() -> Scenario:
    pid = "S25"
    res = [patient(pid, "female", "1990-01-01"), condition(pid, SLE, "2023-06-01"), condition(pid, LN, "2024-02-15"),
           lab(pid, "weight", 64.0, "2025-02-20"),
           request(pid, "mmf", 1000, "2024-03-01", "2024-09-01", per_day=2, status="completed"),
           *[dispense(pid, "mmf", d, n) for d, n in (("2024-03-01", 30), ("2024-04-15", 30), ("2024-06-01", 30), ("2024-08-01", 17))],
           request(pid, "tacrolimus", 2, "2024-09-15", per_day=2), request(pid, "mmf", 1000, "2024-09-15", per_day=2)]
    for day, upcr, egfr in (("2024-02-20", 2.5, 48), ("2024-08-20", 2.6, 44), ("2025-02-20", 2.6, 40)):
        res += [lab(pid, "upcr", upcr, day), lab(pid, "egfr", egfr, day)]
    return Scenario("S25", "ln-nonadherence-egfr-40", "Nonadherence and eGFR 40", "2025-03-01", res,
                    {"C.1-a": "warning", "C.7-a": "warning", "C.3-b": "info", "C.4": "info"}, ["C.2", "C.3", "C.5"],
                    figures={"C.1-a": ["58 %"]})


def s26() -> Scenario:
    pid = "S26"
    res = [patient(pid, "female", "1984-01-01"), condition(pid, SLE, "2021-06-01"), condition(pid, LN, "2022-01-15"),
           lab(pid, "weight", 55.0, "2025-04-20"),
           *[administration(pid, "cyclophosphamide", 500, d) for d in
             ("2022-02-01", "2022-02-15", "2022-03-01", "2022-03-15", "2022-03-29", "2022-04-12")],
           request(pid, "mmf", 1000, "2022-05-01", per_day=2), request(pid, "hcq", 200, "2022-02-01", per_day=2),
           fact(pid, "treatment-response", "complete-response", "2023-02-01"), lab(pid, "upcr", 0.3, "2023-02-01"),
           fact(pid, "disease-activity", "flare", "2025-04-20"), lab(pid, "upcr", 2.4, "2025-04-20"),
           lab(pid, "urbc", 25, "2025-04-20"), lab(pid, "egfr", 78, "2025-04-20")]
    return Scenario("S26", "ln-flare-after-complete-response", "Flare after complete response (multitarget path)", "2025-05-01",
                    res, {"C.3": "info", "C.4": "info", "C.5": "info"}, ["C.2"],
                    figures={"C.3": ["Outcomes were significantly better in patients who had a complete response but later had a flare"]})


def s27() -> Scenario:
    pid = "S27"
    res = s22_resources(pid) + [administration(pid, "rituximab", 1000, "2025-01-10"),
                                administration(pid, "rituximab", 1000, "2025-01-24"),
                                lab(pid, "upcr", 2.8, "2025-06-01"), lab(pid, "egfr", 50, "2025-06-01")]
    return Scenario("S27", "ln-rituximab-refractory", "RTX-refractory LN (rescue list)", "2025-06-02", res,
                    {"C.6": "info", "C.3": "info", "C.4": "info", "C.5": "info"}, ["C.2", "C.6-obinutuzumab"],
                    figures={"C.6": ["daratumumab", "leflunomide", "eculizumab"]})


def s27_ex() -> Scenario:
    base = s27()
    return Scenario("S27ex", "ln-rituximab-refractory-ex", "S27 with the EX rules switched on", base.day,
                    [r for r in s22_resources("S27ex")] + [administration("S27ex", "rituximab", 1000, "2025-01-10"),
                                                         administration("S27ex", "rituximab", 1000, "2025-01-24"),
                                                         lab("S27ex", "upcr", 2.8, "2025-06-01"), lab("S27ex", "egfr", 50, "2025-06-01")],
                    {"C.6": "info", "C.6-obinutuzumab": "info"}, ["C.2"], enable_ex=True)


# ------------------------------------------------------------ D

def s28_resources(pid: str, gender: str = "male", birth: str = "1961-06-01", onset: str = "2025-01-10",
                  organs: tuple[str, ...] = ("pancreas", "kidney"), day: str = "2025-01-20") -> list[dict]:
    return [patient(pid, gender, birth), condition(pid, IGG4RD, onset), lab(pid, "weight", 74.0, day),
            fact(pid, "acr-eular-2019-igg4rd-met", True, day), *[fact(pid, "igg4rd-organ-involvement", o, day) for o in organs],
            lab(pid, "igg4", 420, day), lab(pid, "creat-mg", 1.3, day),
            coded_result(pid, "5196-1", "Hepatitis B virus surface Ag [Presence] in Serum", day, NEGATIVE),
            coded_result(pid, "16128-1", "Hepatitis C virus Ab [Presence] in Serum", day, NEGATIVE),
            coded_result(pid, "71773-6", "M. tuberculosis stimulated gamma interferon release [Presence] in Blood", day, NEGATIVE)]


def s28() -> Scenario:
    return Scenario("S28", "igg4rd-new-onset-hiv-missing", "New-onset IgG4-RD with missing HIV screening", "2025-02-01",
                    s28_resources("S28"), {"D.2": "info", "D.1": "warning"}, [],
                    summaries={"D.1": "HIV screening positive or missing: screen before immunosuppression"})


def s29_resources(pid: str) -> list[dict]:
    return s28_resources(pid) + [
        request(pid, "prednisone", 40, "2025-02-03", "2025-07-28", status="completed"),
        request(pid, "mmf", 750, "2025-02-03", "2025-08-05", per_day=2, status="completed"),
        fact(pid, "igg4-ri", 9, "2025-01-20"), fact(pid, "disease-activity", "remission", "2025-08-04"),
        fact(pid, "igg4-ri", 0, "2025-08-04"), lab(pid, "igg4", 130, "2025-08-04")]


def s29() -> Scenario:
    return Scenario("S29", "igg4rd-maintenance-6-months", "Maintenance decision at 6 months", "2025-08-05",
                    s29_resources("S29"), {"D.3": "info"}, ["D.2-b", "D.2"], figures={"D.3": ["leflunomide 20 mg"]})


def _after_remission(pid: str, ri: int, igg4: list[tuple[str, float]]) -> list[dict]:
    return s29_resources(pid) + [request(pid, "mmf", 500, "2025-08-05", per_day=2),
                                 fact(pid, "igg4-ri", 0, "2025-11-01"), fact(pid, "igg4-ri", ri, "2026-02-08"),
                                 *[lab(pid, "igg4", v, d) for d, v in igg4]]


def s30() -> Scenario:
    return Scenario("S30", "igg4rd-relapse-ri-plus-2", "Relapse by Responder Index (+2) with normal IgG4", "2026-02-10",
                    _after_remission("S30", 2, [("2026-02-08", 85)]), {"D.4": "warning"}, [],
                    figures={"D.4": ["with or without elevation of serum IgG4"]},
                    summaries={"D.4": "IgG4-RD relapse (RI +2): re-induce; review maintenance"})


def s31() -> Scenario:
    return Scenario("S31", "igg4rd-igg4-rising-ri-plus-1", "IgG4 rising, RI +1 only (not a relapse)", "2026-02-10",
                    _after_remission("S31", 1, [("2025-11-01", 120), ("2026-02-08", 260)]), {"D.4": "info"}, [],
                    summaries={"D.4": "Rising IgG4 alone does not define relapse; reassess clinically"})


def s32() -> Scenario:
    pid = "S32"
    res = [patient(pid, "female", "1957-01-01"), condition(pid, IGG4RD, "2025-02-01"),
           condition(pid, [(ICD, "C25.9", "Malignant neoplasm of pancreas, unspecified")], "2025-03-02",
                     text="Pancreatic adenocarcinoma"),
           lab(pid, "weight", 59.0, "2025-03-01"), fact(pid, "acr-eular-2019-igg4rd-met", True, "2025-02-20"),
           fact(pid, "igg4rd-organ-involvement", "pancreas", "2025-02-20")]
    return Scenario("S32", "igg4rd-malignancy", "IgG4-RD with malignancy", "2025-03-05", res,
                    {"D.1": "critical", "D.2": "warning"}, [],
                    summaries={"D.1": "Malignancy recorded: exclude malignant mimic; protocol regimen not applicable",
                               "D.2": "Trial-protocol regimen not applicable: malignancy"})


def s33() -> Scenario:
    pid = "S33"
    res = s28_resources(pid) + [request(pid, "prednisone", 7.5, "2025-02-03"), request(pid, "mmf", 750, "2025-02-03", per_day=2)]
    return Scenario("S33", "igg4rd-gc-not-stopped", "Glucocorticoids not stopped by month 6", "2025-09-01", res,
                    {"D.2-b": "info"}, ["D.2"],
                    summaries={"D.2-b": "Protocol stops GC by month 6: review taper"})


def s34() -> Scenario:
    pid = "S34"
    res = s28_resources(pid, "female", "1993-01-01", "2025-03-01", ("retroperitoneum",), "2025-03-20") + [
        coded_result(pid, "82810-3", "Pregnancy status", "2025-04-02", (SCT, "77386006", "Pregnant"))]
    return Scenario("S34", "igg4rd-pregnancy", "Pregnancy in IgG4-RD", "2025-04-03", res,
                    {"D.1": "critical", "D.2": "warning"}, ["D.3"],
                    summaries={"D.1": "MMF and leflunomide are teratogenic (EX); regimen not applicable",
                               "D.2": "Trial-protocol regimen not applicable: pregnancy"})


def scenarios() -> list[Scenario]:
    return [s19(), s19g(), s19w(), s20(), s21(), *s22(), s25(), s26(), s27(), s27_ex(), s28(), s29(), s30(), s31(), s32(), s33(), s34()]

