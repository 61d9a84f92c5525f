"""The ActivityDefinitions: every order the rules propose (knowledge-spec.md A.3-A.12,
B.2, C.2-C.7, D.2-D.3).  Weight-based doses are `dynamicValue`s computed by the CQL
library SalvageOrders; doses the sources do not give are text only and say so (EX)."""
from __future__ import annotations

BASE = "http://fhirrules.org/fhir"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
SCT = "http://snomed.info/sct"
LNC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ORDERS_LIBRARY = f"{BASE}/Library/SalvageOrders"

IV = {"coding": [{"system": SCT, "code": "47625008", "display": "Intravenous route"}]}
ORAL = {"coding": [{"system": SCT, "code": "26643006", "display": "Oral route"}]}


def _mg(value: float, unit: str = "mg") -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _timing(frequency: int = 1, period: float = 1, unit: str = "d", period_max: float | None = None,
            count: int | None = None, bounds_weeks: tuple[int, int] | None = None) -> dict:
    repeat: dict = {"frequency": frequency, "period": period, "periodUnit": unit}
    if period_max is not None:
        repeat["periodMax"] = period_max
    if count is not None:
        repeat["count"] = count
    if bounds_weeks is not None:
        # why: the taper table is in weeks from the start; a Range of weeks keeps it relative
        repeat["boundsRange"] = {"low": {"value": bounds_weeks[0], "unit": "wk", "system": UCUM, "code": "wk"},
                                 "high": {"value": bounds_weeks[1], "unit": "wk", "system": UCUM, "code": "wk"}}
    return {"repeat": repeat}


def _dosage(text: str, timing: dict | None = None, route: dict | None = None,
            dose: dict | None = None, sequence: int | None = None) -> dict:
    d: dict = {"text": text}
    if sequence is not None:
        d["sequence"] = sequence
    if timing:
        d["timing"] = timing
    if route:
        d["route"] = route
    if dose:
        d["doseAndRate"] = [{"doseQuantity": dose}]
    return d


def _dyn(path: str, define: str) -> dict:
    return {"path": path, "expression": {"language": "text/cql-identifier", "expression": define}}


def medication(ad_id: str, title: str, rx: tuple[str, str] | str, dosage: list[dict],
               description: str, dynamic: list[dict] | None = None) -> dict:
    product = ({"coding": [{"system": RXN, "code": rx[0], "display": rx[1]}], "text": rx[1]}
               if isinstance(rx, tuple) else {"text": rx})
    ad = {"id": ad_id, "kind": "MedicationRequest", "title": title, "description": description,
          "productCodeableConcept": product, "dosage": dosage}
    if dynamic:
        ad["dynamicValue"] = dynamic
    return ad


def service(ad_id: str, title: str, code: dict, description: str, timing: dict | None = None) -> dict:
    ad = {"id": ad_id, "kind": "ServiceRequest", "title": title, "description": description, "code": code}
    if timing:
        ad["timingTiming"] = timing
    return ad


# The reduced-dose prednisolone table of A.4 (weeks -> mg/day by weight band).
TAPER_WEEKS = [(1, 1), (2, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16), (17, 18), (19, 52)]
TAPER = {
    "under-50": [50, 25, 20, 15, 12.5, 10, 7.5, 6, 5, 5, 5],
    "50-75": [60, 30, 25, 20, 15, 12.5, 10, 7.5, 5, 5, 5],
    "over-75": [75, 40, 30, 25, 20, 15, 12.5, 10, 7.5, 7.5, 5],
}
BAND_TEXT = {"under-50": "<50 kg", "50-75": "50-75 kg", "over-75": ">75 kg"}


def taper(band: str) -> dict:
    doses = [_dosage(f"weeks {a}-{b}: {mg:g} mg/day" if a != b else f"week {a}: {mg:g} mg/day",
                     timing=_timing(bounds_weeks=(a, b)), route=ORAL, dose=_mg(mg), sequence=i + 1)
             for i, ((a, b), mg) in enumerate(zip(TAPER_WEEKS, TAPER[band]))]
    return medication(
        f"prednisolone-taper-{band}", f"Prednisolone reduced-dose taper, weight {BAND_TEXT[band]}",
        ("8638", "prednisolone"), doses,
        f"KDIGO 2024 reduced-dose taper (PEXIVAS table via a secondary source; verify before release), band "
        f"{BAND_TEXT[band]}: start {TAPER[band][0]:g} mg/day, 5 mg/day by month 4-5. Prednisone = prednisolone 1:1 (EX).")


def activity_definitions() -> list[dict]:
    ads = [
        medication("cyclophosphamide-iv-pulse", "IV cyclophosphamide pulse 15 mg/kg", ("3002", "cyclophosphamide"),
                   [_dosage("15 mg/kg per pulse every 2-3 weeks for 3-6 months (rounded to the nearest 50 mg, ties down)",
                            _timing(period=2, period_max=3, unit="wk"), IV)],
                   "A.3: IV cyclophosphamide 15 mg/kg per pulse every 2-3 weeks for 3-6 months. Give MESNA (A.6).",
                   [_dyn("dosage[0].doseAndRate[0].doseQuantity", "IV CYC Dose"),
                    _dyn("dosage[0].text", "IV CYC Dose Text")]),
        medication("cyclophosphamide-oral-daily", "Oral cyclophosphamide 2 mg/kg/day (max 200 mg)", ("3002", "cyclophosphamide"),
                   [_dosage("2 mg/kg/day, maximum 200 mg/day, for 3-6 months (rounded to the nearest 25 mg, ties down)",
                            _timing(), ORAL)],
                   "A.3/B.2: oral cyclophosphamide min(2 mg/kg/day, 200 mg/day) for 3-6 months.",
                   [_dyn("dosage[0].doseAndRate[0].doseQuantity", "Oral CYC Dose"),
                    _dyn("dosage[0].text", "Oral CYC Dose Text")]),
        taper("under-50"), taper("50-75"), taper("over-75"),
        medication("methylprednisolone-pulses", "IV methylprednisolone pulses (1-3 g total)", ("6902", "methylprednisolone"),
                   [_dosage("IV methylprednisolone pulses, 1-3 g in total (the split per pulse is the clinician's choice)", route=IV)],
                   "A.4: glucocorticoid intensification with IV methylprednisolone pulses 1-3 g."),
        medication("tmp-smx-pjp-prophylaxis", "Trimethoprim-sulfamethoxazole PJP prophylaxis", ("10831", "sulfamethoxazole / trimethoprim"),
                   [_dosage("EX (dose not in the sources): 480 mg daily or 960 mg three times weekly, adjusted for eGFR; "
                            "for the whole cyclophosphamide course", _timing(), ORAL, _mg(480))],
                   "A.5: PJP prophylaxis throughout cyclophosphamide therapy."),
        medication("atovaquone-pjp-prophylaxis", "Atovaquone PJP prophylaxis (sulfonamide allergy; EX)", ("60212", "atovaquone"),
                   [_dosage("EX (not in the sources): 1500 mg daily with food", _timing(), ORAL, _mg(1500))],
                   "A.5 alternative when TMP-SMX cannot be used (sulfonamide allergy). EX: not in the sources."),
        medication("dapsone-pjp-prophylaxis", "Dapsone PJP prophylaxis (sulfonamide allergy; check G6PD; EX)", ("3108", "dapsone"),
                   [_dosage("EX (not in the sources): 100 mg daily; check G6PD first", _timing(), ORAL, _mg(100))],
                   "A.5 alternative when TMP-SMX cannot be used. EX: not in the sources; G6PD check first."),
        medication("mesna-with-iv-cyclophosphamide", "MESNA with each IV cyclophosphamide pulse", ("44", "mesna"),
                   [_dosage("With each IV cyclophosphamide pulse, per local protocol (dose not in the sources)", route=IV)],
                   "A.6: MESNA is required with IV cyclophosphamide to prevent haemorrhagic cystitis."),
        medication("azathioprine-maintenance", "Azathioprine maintenance 1.5-2 mg/kg/day", ("1256", "azathioprine"),
                   [_dosage("1.5-2 mg/kg/day (EX: round to 25 mg, check TPMT first)", _timing(), ORAL)],
                   "A.12: azathioprine maintenance when rituximab is contraindicated.",
                   [_dyn("dosage[0].doseAndRate[0].doseQuantity", "Azathioprine Dose"),
                    _dyn("dosage[0].text", "Azathioprine Dose Text")]),
        medication("mmf-maintenance", "Mycophenolate mofetil 2,000 mg/day in divided doses", ("68149", "mycophenolate mofetil"),
                   [_dosage("1,000 mg twice daily (2,000 mg/day)", _timing(frequency=2), ORAL, _mg(1000))],
                   "A.12: mycophenolate mofetil maintenance when rituximab is contraindicated."),
        medication("rituximab-maintenance", "Rituximab maintenance for >=24 months", ("121191", "rituximab"),
                   [_dosage("EX (dose not in the sources): 500 mg every 6 months for at least 24 months (preferably 24-48)",
                            _timing(period=6, unit="mo"), IV, _mg(500))],
                   "A.12/B.5: rituximab maintenance after remission."),
        medication("ivig-course", "High-dose IVIG course (EX dose 2 g/kg)", "immune globulin, intravenous (IVIG)",
                   [_dosage("EX (dose not in the sources): 2 g/kg per course", route=IV)],
                   "A.8-a: high-dose IVIG as alternative salvage (limited evidence).",
                   [_dyn("dosage[0].doseAndRate[0].doseQuantity", "IVIG Course Dose"),
                    _dyn("dosage[0].text", "IVIG Dose Text")]),
        medication("rituximab-ln-course", "Rituximab for refractory lupus nephritis (EX 1 g x 2)", ("121191", "rituximab"),
                   [_dosage("EX (dose not in the sources): 1 g, repeated after 2 weeks", _timing(period=2, unit="wk", count=2), IV, _mg(1000))],
                   "C.2: B-cell-targeted therapy, usually rituximab."),
        medication("tacrolimus-multitarget", "Tacrolimus with MMF (multitarget)", ("42316", "tacrolimus"),
                   [_dosage("Dose and trough target chosen by the clinician (not given in 002)", route=ORAL)],
                   "C.3: multitarget MMF + tacrolimus."),
        medication("belimumab-add-on", "Belimumab IV 10 mg/kg add-on", "belimumab",
                   [_dosage("10 mg/kg IV every 2 weeks x 3, then every 4 weeks (secondary source, E3)", route=IV)],
                   "C.4: add belimumab to MPAA or low-dose CYC (eGFR >=30)."),
        medication("voclosporin-with-mpaa", "Voclosporin with MPAA (eGFR >45)", "voclosporin",
                   [_dosage("EX/secondary: 23.7 mg twice daily; not for eGFR <=45 unless the benefit outweighs the risk",
                            _timing(frequency=2), ORAL, _mg(23.7))],
                   "C.5: MPAA + CNI (voclosporin)."),
        medication("hydroxychloroquine-ln", "Hydroxychloroquine for lupus nephritis", ("5521", "hydroxychloroquine"),
                   [_dosage("Dose chosen by the clinician (not given in the sources)", route=ORAL)],
                   "C.7-a: hydroxychloroquine for all patients with lupus nephritis unless contraindicated."),
        medication("mmf-induction-igg4rd", "Mycophenolate mofetil with glucocorticoids (IgG4-RD induction, trial protocol)",
                   ("68149", "mycophenolate mofetil"),
                   [_dosage("Induction dose not given in 003: the clinician chooses it; 6 months", route=ORAL)],
                   "D.2: GC + MMF induction for 6 months (trial protocol, not proven)."),
        medication("mmf-low-dose-maintenance", "Low-dose mycophenolate mofetil 1-1.5 g/day for 12 months", ("68149", "mycophenolate mofetil"),
                   [_dosage("1-1.5 g/day (500-750 mg twice daily) for 12 months", _timing(frequency=2), ORAL)],
                   "D.3 arm I: low-dose MMF maintenance (trial protocol, not proven)."),
        medication("leflunomide-maintenance", "Leflunomide 20 mg/day for 12 months", ("27169", "leflunomide"),
                   [_dosage("20 mg once daily for 12 months", _timing(), ORAL, _mg(20))],
                   "D.3 arm II: leflunomide maintenance (trial protocol, not proven)."),
        service("plasma-exchange", "Plasma exchange", {"coding": [{"system": SCT, "code": "127788007", "display": "Apheresis"}],
                                                        "text": "Therapeutic plasma exchange"},
                "A.9: plasma exchange (apheresis root code; no verified specific code)."),
        service("cbc-weekly", "Complete blood count weekly while on cyclophosphamide",
                {"coding": [{"system": LNC, "code": "6690-2", "display": "Leukocytes [#/volume] in Blood by Automated count"}],
                 "text": "Complete blood count with differential"},
                "A.10-a: weekly CBC to detect leukopenia.", _timing(period=1, unit="wk")),
        service("chest-imaging", "Repeat chest imaging", {"text": "Chest imaging (CT chest)"},
                "A.10-c: serial chest imaging to assess pulmonary haemorrhage resolution."),
        service("renal-monitoring-labs", "UPCR and eGFR monthly during LN induction",
                {"coding": [{"system": LNC, "code": "2890-2", "display": "Protein/Creatinine [Mass Ratio] in Urine"}],
                 "text": "UPCR and creatinine/eGFR"}, "C.8: monthly UPCR and eGFR during induction (EX).",
                _timing(period=1, unit="mo")),
    ]
    out = []
    for ad in ads:
        resource = {"resourceType": "ActivityDefinition", "id": ad["id"], "url": f"{BASE}/ActivityDefinition/{ad['id']}",
                    "version": "0.1.0", "name": "".join(p.capitalize() for p in ad["id"].split("-")),
                    "title": ad["title"], "status": "draft", "experimental": True, "date": "2025-01-01",
                    "publisher": "fhirrules", "description": ad["description"], "kind": ad["kind"], "intent": "proposal"}
        if "dynamicValue" in ad:
            resource["library"] = [ORDERS_LIBRARY]
        for key in ("code", "timingTiming", "productCodeableConcept", "dosage", "dynamicValue"):
            if key in ad:
                resource[key] = ad[key]
        out.append(resource)
    return out
