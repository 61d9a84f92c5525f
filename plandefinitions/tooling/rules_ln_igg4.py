"""Rule tables of strategy C (refractory lupus nephritis) and strategy D (IgG4-RD with
internal organ involvement)."""
from __future__ import annotations

from .model import ASSESS, CHECK, JUDGEMENT, NEUTRAL, Rule

Q004 = ("004", "Several factors other than drug resistance, such as nonadherence to treatment, undertreatment with "
               "conventional drugs, the effects of accumulated chronic damage, and genetic factors, may contribute to a "
               "poor response to treatment and should be considered.")
Q004_DEF = ("004", "We define refractory LN as no change in (or worsening of) proteinuria and/or estimated glomerular "
                   "filtration rate in response to 2 different standard-of-care induction regimens after 4-6 months in "
                   "patients who are adherent to treatment.")
Q003_DEF = ("003", "The definition of relapse: elevation of IgG4-RD Responder Index ≥ 2 points; new organ involvement or "
                   "recurrence, with or without elevation of serum IgG4 levels.")
Q003_EXCL = ("003", "Patients who were diagnosed as other autoimmune diseases; 2. Patients who were diagnosed as malignant "
                    "diseases; 3. Pregnant and lactating women; 4. Active infection: HIV, HCV, HBV, TB; 5. Severe "
                    "irreversible damage of organ function; 6. Receipt of any biologic therapy or immunosuppressive agent other than GCs.")

STRATEGY_C = [
    Rule("C.1-a", "Check adherence before labelling LN refractory", "urgent", ASSESS, "C.1-a Applies", "E6",
         "expert narrative review (004); refill-gap threshold EX", "Refill gaps in mycophenolate dispensing.",
         quotes=[Q004], dyn={"description": "C.1-a Detail"}),
    Rule("C.1-b", "Induction may be under-dosed/too short; optimise before salvage", "urgent", ASSESS, "C.1-b Applies",
         "E6", "expert narrative review (004); the KDIGO MMF target is from a secondary summary (E3)",
         "MMF <2 g/day, an incomplete Euro-Lupus course (<6 doses) or a regimen shorter than 4 months.",
         quotes=[Q004], dyn={"title": "C.1-b Title"}),
    Rule("C.1-c", "Chronic damage may explain non-response: consider repeat kidney biopsy", "routine", ASSESS,
         "C.1-c Applies", "E6", "expert narrative review (004); repeat biopsy per a KDIGO 2024 summary (E3)",
         "Chronic damage cannot be detected without a chronicity index: consider a repeat kidney biopsy "
         "(KDIGO 2024 summary: \"reassessing adherence, considering repeat biopsy\").", quotes=[Q004]),
    Rule("C.1-d", "Consider genetic factors in poor response (004)", "routine", ASSESS, "C.1-d Applies", "E6",
         "expert narrative review (004)", "Genetic factors may contribute to a poor response.", quotes=[Q004]),
    Rule("C.1-e", "Possible active infection. Exclude infection before escalating immunosuppression.", "urgent", ASSESS,
         "C.1-e Applies", "E6", "expert narrative review (004); as A.1-b",
         "An infection signal is on record and infection has not been excluded by the clinician.", quotes=[Q004]),
    Rule("C.2", "Refractory LN (2 regimens ≥4 mo, no response): B-cell therapy, usually rituximab, is the common next step",
         "urgent", ASSESS, "C.2 Applies", "E6", "expert narrative review (004); a KDIGO 2024 summary lists rituximab (E3)",
         "Two different standard-of-care induction regimens, each assessed at >=4 months, without response, in an adherent "
         "patient. Rituximab dose is not in the sources (EX: 1 g x 2, two weeks apart).",
         quotes=[("004", "For patients who have LN that is truly refractory to standard of care, B cell-targeted therapy, "
                         "specifically rituximab (RTX), is the most common next step."), Q004_DEF],
         children=[("rituximab-ln-course", None)]),
    Rule("C.3", "Option: multitarget MMF + tacrolimus. 55.5% response at 12 mo in a single-centre series", "routine",
         ASSESS, "C.3 Applies", "E5", "single-centre retrospective series (n=29)",
         "Multitarget MMF + tacrolimus if eGFR >45. Doses not given in 002.",
         quotes=[("002", "Multitarget therapy with MMF and tacrolimus can be a reasonable option in refractory lupus nephritis "
                         "patients who failed to show adequate response to conventional induction therapy or who had flares during maintenance therapy."),
                 ("002", "At 12 months, 55.5% of patients exhibited a response (with complete and partial response in 25.9% and 29.6%, respectively).")],
         dyn={"description": "C.3 Detail"}, children=[("tacrolimus-multitarget", None)]),
    Rule("C.3-b", "CNI-based options not advised at eGFR ≤45 (KDIGO 2024)", "routine", ASSESS, "C.3-b Applies", "E1",
         "KDIGO 2024 LN (CNI condition eGFR >45, per the platohealth summary)",
         "Multitarget (C.3) and voclosporin (C.5) options are suppressed at eGFR <=45.",
         quotes=[("KDIGO-LN", "Class III/IV induction: GC + MPAA, low-dose IV CYC, belimumab + MPAA/CYC, or MPAA + CNI (1B); CNI if eGFR >45")]),
    Rule("C.4", "Option: add belimumab to MPAA or low-dose CYC (KDIGO 2024; eGFR ≥30)", "routine", ASSESS, "C.4 Applies",
         "E1", "KDIGO 2024 LN for initial therapy (1B); refractory use from a secondary summary (E3)",
         "Belimumab add-on when eGFR >=30 and not already on belimumab. Dose (secondary): IV 10 mg/kg every 2 weeks x 3, then every 4 weeks.",
         quotes=[("KDIGO-LN", "belimumab and either MPAA or low-dose intravenous cyclophosphamide (1, B)")],
         children=[("belimumab-add-on", None)]),
    Rule("C.5", "Option: MPAA + CNI (voclosporin/tacrolimus) if eGFR >45 (KDIGO 2024)", "routine", ASSESS, "C.5 Applies",
         "E1", "KDIGO 2024 LN for initial therapy (1B); E3 for refractory use",
         "MPAA + calcineurin inhibitor when eGFR >45 and not already on a CNI. Voclosporin dose EX/secondary: 23.7 mg twice daily.",
         quotes=[("KDIGO-LN", "MPAA + CNI (1B); CNI if eGFR >45")], children=[("voclosporin-with-mpaa", None)]),
    Rule("C.6", "RTX-refractory LN: limited-evidence rescue options; refer to expert centre/trial", "routine", ASSESS,
         "C.6 Applies", "E6", "expert narrative review (004)",
         "No response to rituximab (C.0-R re-applied to the rituximab course). Options with limited evidence: anti-CD38 "
         "(daratumumab), leflunomide, IVIG, plasma exchange, autologous stem cell transplantation, CAR-T, anticomplement "
         "(eculizumab), interleukin-2. Refer to an expert centre or trial.",
         quotes=[("004", "There is limited evidence available on alternative rescue therapies that may be used when there is no "
                         "response to RTX. These include anti-CD38, leflunomide, intravenous immunoglobulin, plasma exchange, "
                         "autologous stem cell transplantation, chimeric antigen receptor T cell therapy, anticomplement therapy, "
                         "and interleukin-2 therapy.")]),
    Rule("C.6-obinutuzumab", "Obinutuzumab: check current labelling/ACR 2024 (unverified)", "routine", ASSESS,
         "C.6-obinutuzumab Applies", "EX", "no verified guideline text found; ACR 2024 LN not in the search corpus",
         "Obinutuzumab is mentioned for refractory LN in guidance not verified here: check current labelling and ACR 2024.",
         docs=["SPEC"]),
    Rule("C.7-a", "All LN patients should receive hydroxychloroquine unless contraindicated", "urgent", ASSESS,
         "C.7-a Applies", "E1", "KDIGO 2024 LN (1C); HCQ RxNorm 5521",
         "No active hydroxychloroquine order or statement.",
         quotes=[("KDIGO-LN", "We recommend that patients with SLE, including those with lupus nephritis (LN), be treated with "
                              "hydroxychloroquine or an equivalent antimalarial unless contraindicated.")],
         children=[("hydroxychloroquine-ln", None)]),
    Rule("C.7-b", "Maintain with MPAA (preferred) for ≥36 months after complete response", "routine", ASSESS,
         "C.7-b Applies", "E1", "KDIGO 2024 LN (1B); the >=36-month duration from secondary summaries (E3)",
         "A clinician-recorded response: MPAA maintenance.",
         quotes=[("KDIGO-LN", "after completion of initial therapy, patients should be placed on MPAA for maintenance")],
         children=[("mmf-maintenance", None, True)]),  # "MPAA (preferred)"
    Rule("C.8", "No UPCR/eGFR in 35 days during LN induction: check monthly", "routine", ASSESS, "C.8 Applies", "EX",
         "monitoring interval from memory; 002 reports anti-dsDNA/C3/C4 changes as not significant",
         "Monthly UPCR and eGFR during induction; anti-dsDNA, C3 and C4 are supporting data only.",
         docs=["SPEC"], dyn={"title": "C.8 Title"}, children=[("renal-monitoring-labs", None)]),
]

STRATEGY_D = [
    Rule("D.1", "IgG4-RD: confirm-first checks and trial exclusions", "routine", ASSESS, "D.1 Applies", "E7",
         "registered trial protocol with no results yet (trial protocol, not proven)",
         "Malignancy, pregnancy, other autoimmune disease, HIV/HBV/HCV/TB screening, prior biologics and organ damage.",
         quotes=[Q003_EXCL], dyn={"title": "D.1 Title", "description": "D.1 Detail", "priority": "D.1 Priority"}),
    Rule("D.2", "IgG4-RD induction option: GC + MMF for 6 months, GC tapered to stop by month 6 (trial protocol)", "routine",
         ASSESS, "D.2 Applies", "E7", "registered trial protocol (NCT05789017) with no results yet",
         "Glucocorticoids + mycophenolate mofetil for 6 months; taper glucocorticoids and stop by month 6. Doses not given in 003.",
         quotes=[("003", "60 active IgG4-RD patients with internal organ involvement are enrolled in this study and accept the "
                         "combination treatment of glucocorticoids and mycophenolate mofetil in remission induction period (6 months), "
                         "during which glucocorticoids are tapered regularly and discontinued in 6 months.")],
         dyn={"title": "D.2 Title", "description": "D.2 Detail", "priority": "D.2 Priority"},
         children=[("mmf-induction-igg4rd", None)]),
    Rule("D.2-b", "Protocol stops GC by month 6: review taper", "routine", ASSESS, "D.2-b Applies", "E7",
         "registered trial protocol with no results yet",
         "Glucocorticoids are still active later than 6 calendar months after the induction start.",
         quotes=[("003", "during which glucocorticoids are tapered regularly and discontinued in 6 months.")]),
    Rule("D.3", "IgG4-RD maintenance options: low-dose MMF 1–1.5 g/d OR leflunomide 20 mg/d for 12 months (RCT ongoing)",
         "routine", ASSESS, "D.3 Applies", "E7", "registered trial protocol; the comparative result is unknown",
         "Both arms are equal options (the primary endpoint, relapse at 18 months, is not yet known): low-dose MMF "
         "1-1.5 g/day **or** leflunomide 20 mg/day, each for 12 months. Leflunomide monitoring (LFTs, CBC, BP, contraception) is EX.",
         quotes=[("003", "patients in group I are treated with low dose mycophenolate mofetil (1-1.5g/day) and patients in "
                         "group Ⅱ accept the treatment of leflunomide (20 mg/day)."),
                 ("003", "Patients in two groups will be followed up for another 12 months")],
         dyn={"priority": "D.3 Priority"},
         children=[("mmf-low-dose-maintenance", None), ("leflunomide-maintenance", None)], selection="at-most-one"),
    Rule("D.4", "IgG4-RD relapse assessment", "routine", ASSESS, "D.4 Applies", "E7",
         "registered trial protocol with no results yet",
         "Relapse = Responder Index +2 from the remission nadir or new organ involvement, with or without a serum IgG4 rise.",
         quotes=[Q003_DEF], dyn={"title": "D.4 Title", "description": "D.4 Detail", "priority": "D.4 Priority"}),
    Rule("D.4-ex", "Relapse options not in 003: rituximab (2020 consensus) or inebilizumab (MITIGATE), unverified", "routine",
         ASSESS, "D.4-ex Applies", "EX", "2020 consensus and MITIGATE not verified in this search",
         "Unverified options for IgG4-RD relapse: rituximab per the 2020 international consensus; inebilizumab (MITIGATE).",
         docs=["SPEC"]),
]

# Override reasons of the warning/critical cards.  C.7-a names its own exception ("unless
# contraindicated"); the C.1 checks may be acknowledged (as A.1); D.1 calls the trial
# exclusions "clinician judgement".  D.3's two arms are equal options: nothing is recommended.
OVERRIDES: dict[str, tuple[str, ...]] = {
    "C.1-a": CHECK, "C.1-b": CHECK, "C.1-e": CHECK, "C.2": NEUTRAL, "C.7-a": ("hcq-contraindicated", *NEUTRAL),
    "D.1": JUDGEMENT, "D.2": JUDGEMENT, "D.3": JUDGEMENT, "D.4": JUDGEMENT,
}
for _rule in (*STRATEGY_C, *STRATEGY_D):
    _rule.overrides = _rule.overrides or OVERRIDES.get(_rule.id, ())
