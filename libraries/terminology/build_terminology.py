"""Generate the terminology resources of the salvage-therapy knowledge base.

Source of truth: knowledge-spec.md section 0.5 (the local assessment code system) and
Appendix T (SNOMED CT, ICD-10-CM, RxNorm, LOINC).  Run it after editing the tables below:

    python libraries/terminology/build_terminology.py            # write
    python libraries/terminology/build_terminology.py --check    # exit 1 if any file is stale

Every ValueSet ships with an `expansion` (the engine does not expand `compose` rules
against a terminology server).  Codes that Appendix T marks M (from memory), weak or
absent are kept but flagged on their `contains` entry with the extension
VERIFICATION_EXT so a terminologist can find them; the tests check the flags.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))

from generated_json import render_json, write_or_check  # noqa: E402
BASE = "http://fhirrules.org/fhir"
VERSION = "0.1.0"
DATE = "2025-01-01"
VERIFICATION_EXT = f"{BASE}/StructureDefinition/code-verification"

SCT = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
LNC = "http://loinc.org"
ASSESSMENT = f"{BASE}/CodeSystem/assessment"

# Verification status as Appendix T states it: V (a source was found), W (weak: one
# non-terminology file), M (memory, unverified), X (not in Appendix T at all: added by
# the knowledge engineer for a fixture or an EX rule; unverified).
VERIFIED = {"V"}

# ---------------------------------------------------------------- section 0.5
ASSESSMENT_CODES: list[tuple[str, str, str]] = [
    ("disease-activity", "Disease activity (clinician assessment)", "valueCodeableConcept from this code system"),
    ("active-persistent", "Active disease, persistent", "answer of disease-activity"),
    ("active-worsening", "Active disease, worsening", "answer of disease-activity"),
    ("improving", "Improving", "answer of disease-activity"),
    ("low-disease-activity", "Low disease activity", "answer of disease-activity"),
    ("remission", "Remission", "answer of disease-activity"),
    ("flare", "Flare", "answer of disease-activity"),
    ("treatment-response", "Treatment response (clinician assessment)", "valueCodeableConcept from this code system"),
    ("complete-response", "Complete response", "answer of treatment-response"),
    ("partial-response", "Partial response", "answer of treatment-response"),
    ("no-response", "No response", "answer of treatment-response"),
    ("bvas", "Birmingham Vasculitis Activity Score v3", "valueInteger"),
    ("igg4-ri", "IgG4-RD Responder Index", "valueInteger"),
    ("adherence-confirmed", "Adherence confirmed", "valueBoolean"),
    ("infection-excluded", "Infection excluded", "valueBoolean (true: infection excluded)"),
    ("malignancy-excluded", "Malignancy excluded", "valueBoolean"),
    ("drug-induced-excluded", "Drug-induced vasculitis excluded", "valueBoolean"),
    ("chronic-damage-excluded", "Chronic damage excluded as the cause", "valueBoolean"),
    ("cyc-contraindicated", "Cyclophosphamide contraindicated", "valueBoolean"),
    ("rtx-contraindicated", "Rituximab contraindicated", "valueBoolean"),
    ("severe-refractory", "Severe refractory disease", "valueBoolean"),
    ("severe-pulmonary", "Severe pulmonary involvement", "valueBoolean"),
    ("massive-alveolar-haemorrhage", "Massive alveolar haemorrhage", "valueBoolean"),
    ("supplemental-oxygen", "On supplemental oxygen now", "valueBoolean"),
    ("biopsy-pending", "Biopsy pending", "valueBoolean"),
    ("acr-eular-2019-igg4rd-met", "2019 ACR/EULAR IgG4-RD classification criteria met", "valueBoolean"),
    ("igg4rd-organ-involvement", "IgG4-RD organ involvement", "valueCodeableConcept from this code system, one Observation per organ"),
    ("pancreas", "Pancreas", "answer of igg4rd-organ-involvement"),
    ("bile-duct", "Bile duct", "answer of igg4rd-organ-involvement"),
    ("kidney", "Kidney", "answer of igg4rd-organ-involvement"),
    ("retroperitoneum", "Retroperitoneum", "answer of igg4rd-organ-involvement"),
    ("aorta", "Aorta", "answer of igg4rd-organ-involvement"),
    ("lung", "Lung", "answer of igg4rd-organ-involvement"),
    ("salivary-gland", "Salivary gland", "answer of igg4rd-organ-involvement"),
    ("lacrimal-gland", "Lacrimal gland", "answer of igg4rd-organ-involvement"),
    ("orbit", "Orbit", "answer of igg4rd-organ-involvement"),
    ("other", "Other organ", "answer of igg4rd-organ-involvement"),
    ("new-organ-involvement", "New organ involvement", "valueBoolean"),
    ("pregnancy-or-lactation", "Pregnancy or lactation", "valueBoolean"),
]

EVIDENCE_LEVELS = [
    ("E1", "Graded guideline recommendation, confirmed in a primary or near-primary excerpt"),
    ("E2", "Ungraded guideline practice point"),
    ("E3", "Secondary summary that attributes advice to a guideline"),
    ("E4", "Prospective cohort analysis inside an RCT"),
    ("E5", "Single-centre retrospective series"),
    ("E6", "Expert perspective or narrative review"),
    ("E7", "Registered trial protocol with no results yet"),
    ("EX", "From the author's memory, not verified: off by default until a clinician reviews it"),
]

# ---------------------------------------------------------------- value sets
# id -> (title, [(system, code, display, verification)])
# ---------------------------------------------------------------- card override reasons
# CDS Hooks `overrideReasons` offered on critical and warning cards.  The spec's assessment
# code system (0.5) has no override codes, so they live in their own small code system.
# Only two neutral reasons are generic; every other one restates a condition the spec
# itself names as a reason the rule does not apply (section in the definition).
OVERRIDE_REASONS: list[tuple[str, str, str]] = [
    ("patient-declined", "Patient declined", "The patient declined the recommended action."),
    ("clinician-judgement", "Clinician judgement: reason documented in the record",
     "The clinician decided otherwise and documents the reason in the record."),
    ("acknowledged", "Check reviewed and acknowledged by the clinician",
     "A confirm-failure check was reviewed and acknowledged (spec A.0 criterion 4)."),
    ("pjp-prophylaxis-in-place", "PJP prophylaxis already in place (not in this record)",
     "TMP-SMX, atovaquone or dapsone prophylaxis is active although no order is in this record (spec A.5 condition)."),
    ("sulfonamide-allergy", "Sulfonamide or TMP-SMX allergy: alternative prophylaxis chosen",
     "Sulfonamide or trimethoprim-sulfamethoxazole allergy; atovaquone or dapsone is used instead (spec A.5)."),
    ("mesna-ordered", "MESNA ordered for the same day (not in this record)",
     "MESNA is ordered for the same encounter or day although no order is in this record (spec A.6 condition)."),
    ("mmf-maintenance", "Mycophenolate ordered as maintenance after remission, not as salvage",
     "The mycophenolate order is maintenance after remission, which A.11-a excludes (spec A.11-a, A.12)."),
    ("rtx-cyc-combination", "Rituximab with IV cyclophosphamide for severe refractory disease (A.8-b)",
     "Rituximab is ordered with IV cyclophosphamide for severe refractory disease, the A.8-b combination (spec A.11-b)."),
    ("hcq-contraindicated", "Hydroxychloroquine contraindicated",
     "Hydroxychloroquine is contraindicated for this patient (spec C.7-a: \"unless contraindicated\")."),
]

VALUE_SETS: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "aav": ("ANCA-associated vasculitis (GPA, MPA)", [
        (SCT, "195353004", "Wegener's granulomatosis", "V"),
        (SCT, "239928004", "Microscopic polyarteritis nodosa", "V"),
        (ICD, "M31.30", "Wegener's granulomatosis without renal involvement", "V"),
        (ICD, "M31.31", "Wegener's granulomatosis with renal involvement", "V"),
        (ICD, "M31.7", "Microscopic polyangiitis", "V"),
        (ICD, "M31.8", "Other specified necrotizing vasculopathies", "M"),
    ]),
    "alveolar-haemorrhage": ("Pulmonary / diffuse alveolar haemorrhage", [
        (SCT, "78144005", "Pulmonary hemorrhage", "M"),
        (ICD, "R04.89", "Hemorrhage from other sites in respiratory passages", "M"),
    ]),
    "infection": ("Active infection (confirm-failure check)", [
        (SCT, "385093006", "Community acquired pneumonia", "X"),
        (SCT, "233604007", "Pneumonia", "X"),
        (ICD, "J18.9", "Pneumonia, unspecified organism", "X"),
        (ICD, "B59", "Pneumocystosis", "V"),
    ]),
    "culture": ("Microbiology culture results", [
        (LNC, "624-7", "Bacteria identified in Sputum by Culture", "X"),
        (LNC, "600-7", "Bacteria identified in Blood by Culture", "X"),
        (LNC, "630-4", "Bacteria identified in Urine by Culture", "X"),
    ]),
    "malignancy": ("Malignant neoplastic disease (ICD-10-CM C00-C96 is also matched by code range in CQL)", [
        (SCT, "363346000", "Malignant neoplastic disease", "V"),
        (ICD, "C80.1", "Malignant (primary) neoplasm, unspecified", "V"),
        (ICD, "C25.9", "Malignant neoplasm of pancreas, unspecified", "X"),
    ]),
    "dialysis-procedure": ("Dialysis procedures", [
        (SCT, "302497006", "Hemodialysis", "V"),
        (SCT, "108241001", "Dialysis procedure", "V"),
        (SCT, "265764009", "Renal dialysis", "V"),
        (SCT, "71192002", "Peritoneal dialysis", "V"),
    ]),
    "dialysis-dependence": ("Dependence on renal dialysis", [
        (ICD, "Z99.2", "Dependence on renal dialysis", "V"),
    ]),
    "sle": ("Systemic lupus erythematosus", [
        (SCT, "55464009", "Systemic lupus erythematosus", "V"),
        (ICD, "M32.9", "Systemic lupus erythematosus, unspecified", "V"),
    ]),
    "lupus-nephritis": ("Lupus nephritis", [
        (SCT, "68815009", "Systemic lupus erythematosus glomerulonephritis syndrome", "V"),
        (ICD, "M32.14", "Glomerular disease in systemic lupus erythematosus", "V"),
    ]),
    "igg4rd": ("IgG4-related disease", [
        (ICD, "D89.84", "IgG4-related disease", "W"),
    ]),
    "other-autoimmune": ("Other autoimmune disease (IgG4-RD trial exclusion)", [
        (SCT, "55464009", "Systemic lupus erythematosus", "V"),
        (SCT, "195353004", "Wegener's granulomatosis", "V"),
        (SCT, "239928004", "Microscopic polyarteritis nodosa", "V"),
        (ICD, "M32.9", "Systemic lupus erythematosus, unspecified", "V"),
        (ICD, "M31.30", "Wegener's granulomatosis without renal involvement", "V"),
        (ICD, "M31.31", "Wegener's granulomatosis with renal involvement", "V"),
        (ICD, "M31.7", "Microscopic polyangiitis", "V"),
    ]),
    "pregnant": ("Pregnant (finding)", [
        (SCT, "77386006", "Pregnant", "V"),
    ]),
    "lung-biopsy": ("Biopsy of lung", [
        (SCT, "78603008", "Biopsy of lung", "V"),
        (SCT, "274319000", "Needle biopsy of lung", "V"),
    ]),
    "chest-imaging": ("Chest imaging (also matched by text 'chest' in CQL)", [
        (LNC, "24627-2", "CT Chest", "X"),
        (LNC, "36643-5", "XR Chest 2 Views", "X"),
    ]),
    # drugs (RxNorm ingredients; products under them are matched by ingredient code)
    "rituximab": ("Rituximab", [(RXN, "121191", "rituximab", "V")]),
    "cyclophosphamide": ("Cyclophosphamide", [(RXN, "3002", "cyclophosphamide", "V")]),
    "mycophenolate": ("Mycophenolate (MPAA)", [
        (RXN, "68149", "mycophenolate mofetil", "V"),
        (RXN, "7145", "mycophenolic acid", "V"),
    ]),
    "calcineurin-inhibitor": ("Calcineurin inhibitors (tacrolimus, voclosporin)", [
        (RXN, "42316", "tacrolimus", "V"),
    ]),
    "belimumab": ("Belimumab (no verified RxCUI: matched by text in CQL)", []),
    "azathioprine": ("Azathioprine", [(RXN, "1256", "azathioprine", "V")]),
    "glucocorticoid": ("Systemic glucocorticoids", [
        (RXN, "8640", "prednisone", "V"),
        (RXN, "8638", "prednisolone", "V"),
        (RXN, "6902", "methylprednisolone", "V"),
    ]),
    "pjp-prophylaxis": ("PJP prophylaxis (TMP-SMX, atovaquone, dapsone)", [
        (RXN, "10831", "sulfamethoxazole / trimethoprim", "V"),
        (RXN, "10180", "sulfamethoxazole", "W"),
        (RXN, "10829", "trimethoprim", "M"),
        (RXN, "60212", "atovaquone", "M"),
        (RXN, "3108", "dapsone", "V"),
    ]),
    "mesna": ("MESNA", [(RXN, "44", "mesna", "M")]),
    "hydroxychloroquine": ("Hydroxychloroquine", [(RXN, "5521", "hydroxychloroquine", "V")]),
    "leflunomide": ("Leflunomide", [(RXN, "27169", "leflunomide", "W")]),
    "anti-infective": ("Systemic anti-infectives (infection signal)", [
        (RXN, "723", "amoxicillin", "X"),
        (RXN, "2193", "ceftriaxone", "X"),
        (RXN, "18631", "azithromycin", "X"),
        (RXN, "82122", "levofloxacin", "X"),
    ]),
    "vasculitis-inducing-drug": ("Drugs associated with drug-induced vasculitis (EX)", [
        (RXN, "5470", "hydralazine", "M"),
        (RXN, "8794", "propylthiouracil", "M"),
        (RXN, "6980", "minocycline", "M"),
        (RXN, "6373", "levamisole", "M"),
    ]),
    "prior-immunosuppressant": ("Biologics and non-glucocorticoid immunosuppressants (IgG4-RD trial exclusion; MMF and leflunomide excluded by decision)", [
        (RXN, "121191", "rituximab", "V"),
        (RXN, "3002", "cyclophosphamide", "V"),
        (RXN, "1256", "azathioprine", "V"),
        (RXN, "42316", "tacrolimus", "V"),
        (RXN, "1721947", "daratumumab", "V"),
        (RXN, "974779", "obinutuzumab", "V"),
        (RXN, "591781", "eculizumab", "M"),
    ]),
    # labs (LOINC)
    "egfr": ("Estimated GFR", [
        (LNC, "98979-8", "Glomerular filtration rate/1.73 sq M.predicted by Creatinine-based formula (CKD-EPI 2021)", "V"),
        (LNC, "62238-1", "Glomerular filtration rate/1.73 sq M.predicted by Creatinine-based formula (CKD-EPI)", "V"),
        (LNC, "33914-3", "Glomerular filtration rate/1.73 sq M.predicted (MDRD)", "W"),
    ]),
    "creatinine": ("Serum creatinine (mass or molar)", [
        (LNC, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "V"),
        (LNC, "14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "V"),
    ]),
    "oxygen-saturation": ("Oxygen saturation (pulse oximetry or arterial)", [
        (LNC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "V"),
        (LNC, "2708-6", "Oxygen saturation in Arterial blood", "V"),
    ]),
    "anca": ("ANCA titres (MPO, PR3)", [
        (LNC, "46266-3", "Myeloperoxidase Ab [Units/volume] in Serum by Immunoassay", "V"),
        (LNC, "46267-1", "Proteinase 3 Ab [Units/volume] in Serum by Immunoassay", "V"),
    ]),
    "proteinuria": ("Proteinuria (UPCR, 24 h protein)", [
        (LNC, "2890-2", "Protein/Creatinine [Mass Ratio] in Urine", "V"),
        (LNC, "2889-4", "Protein [Mass/time] in 24 hour Urine", "V"),
    ]),
    "hiv-screening": ("HIV screening (EX: codes unverified)", [
        (LNC, "56888-1", "HIV 1+2 Ab+HIV1 p24 Ag [Presence] in Serum or Plasma", "M"),
        (LNC, "7917-8", "HIV 1 Ab [Presence] in Serum", "M"),
    ]),
    "hbv-screening": ("Hepatitis B screening (EX: codes unverified)", [
        (LNC, "5196-1", "Hepatitis B virus surface Ag [Presence] in Serum", "M"),
        (LNC, "16933-4", "Hepatitis B virus core Ab [Presence] in Serum", "M"),
    ]),
    "hcv-screening": ("Hepatitis C screening (EX: codes unverified)", [
        (LNC, "16128-1", "Hepatitis C virus Ab [Presence] in Serum", "M"),
    ]),
    "tb-screening": ("Tuberculosis screening, IGRA (EX: codes unverified)", [
        (LNC, "71773-6", "M. tuberculosis stimulated gamma interferon release [Presence] in Blood", "M"),
    ]),
}


def _contains(system: str, code: str, display: str, status: str) -> dict:
    entry = {"system": system, "code": code, "display": display}
    if status not in VERIFIED:
        # why: Appendix T asks that unverified codes stay usable but visible for review
        entry["extension"] = [{"url": VERIFICATION_EXT, "valueCode": {"W": "weak", "M": "unverified", "X": "unverified"}[status]}]
    return entry


def value_set(vs_id: str, title: str, codes: list[tuple[str, str, str, str]]) -> dict:
    systems: dict[str, list[dict]] = {}
    for system, code, display, _ in codes:
        systems.setdefault(system, []).append({"code": code, "display": display})
    vs: dict = {
        "resourceType": "ValueSet", "id": vs_id, "url": f"{BASE}/ValueSet/{vs_id}",
        "version": VERSION, "name": "".join(p.capitalize() for p in vs_id.split("-")),
        "title": title, "status": "draft", "experimental": True, "date": DATE,
        "publisher": "fhirrules",
        "description": f"{title}. Built from knowledge-spec.md Appendix T; codes flagged with "
                       f"{VERIFICATION_EXT} need terminologist review.",
        "expansion": {"identifier": f"urn:fhirrules:expansion:{vs_id}:{VERSION}",
                      "timestamp": f"{DATE}T00:00:00Z", "total": len(codes),
                      **({"contains": [_contains(*c) for c in codes]} if codes else {})},
    }
    if systems:
        vs["compose"] = {"include": [{"system": s, "concept": c} for s, c in systems.items()]}
    return vs


def code_system(cs_id: str, title: str, concepts: list[dict], description: str) -> dict:
    return {"resourceType": "CodeSystem", "id": cs_id, "url": f"{BASE}/CodeSystem/{cs_id}",
            "version": VERSION, "name": "".join(p.capitalize() for p in cs_id.split("-")),
            "title": title, "status": "draft", "experimental": True, "date": DATE,
            "publisher": "fhirrules", "description": description, "caseSensitive": True,
            "content": "complete", "count": len(concepts), "concept": concepts}


def main(argv: list[str]) -> int:
    out = HERE
    resources = [
        code_system("assessment", "Clinician-entered assessment facts",
                    [{"code": c, "display": d, "definition": f"{d}: {v}."} for c, d, v in ASSESSMENT_CODES],
                    "Facts only a clinician can state (knowledge-spec.md section 0.5). Only Observation.status "
                    "final, amended or corrected counts; the latest by effectiveDateTime wins; no Observation means unknown."),
        code_system("evidence-level", "Evidence levels of the salvage-therapy knowledge base",
                    [{"code": c, "display": d} for c, d in EVIDENCE_LEVELS],
                    "Evidence grades E1-E7 and EX (knowledge-spec.md section 0.1)."),
        code_system("override-reason", "Reasons for overriding a card",
                    [{"code": c, "display": d, "definition": t} for c, d, t in OVERRIDE_REASONS],
                    "Reasons a clinician may give for not following a critical or warning card (CDS Hooks "
                    "overrideReasons). Neutral reasons plus conditions the knowledge spec names; not clinical advice."),
    ]
    resources += [value_set(i, t, c) for i, (t, c) in VALUE_SETS.items()]
    # one layout and one write-or-check step with the other generators, so `--check` is exact
    files = {out / f"{r['resourceType']}-{r['id']}.json": render_json(r) for r in resources}
    return write_or_check(files, "--check" in argv, "terminology", "libraries/terminology/build_terminology.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
