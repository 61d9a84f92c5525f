"""The sources the rules cite (knowledge-spec.md section 0.1 and Appendix G).

A rule's first source becomes its `documentation` relatedArtifact (the card `source`);
each quoted sentence becomes a `citation` relatedArtifact carrying the quote."""
from __future__ import annotations

SOURCES: dict[str, str] = {
    "001": "001_e5a53dab9260dab6.txt: AI-written secondary summary (Dr.Oracle) attributing advice "
           "to KDIGO 2024; pending human review (E3)",
    "000": "000_d97dcc68dfa5df66.txt: WEGENT prospective cohort within an RCT, 32 refractory patients (E4)",
    "002": "002_aaee5a54617b67e3.txt: single-centre retrospective series of multitarget therapy, n=29 (E5)",
    "003": "003_f475fce0bf5c0d50.txt: trial protocol NCT05789017, recruiting, no results (E7)",
    "004": "004_20bbec44169326e3.txt: expert perspective on refractory lupus nephritis (E6)",
    "KDIGO-AAV": "KDIGO 2024 Clinical Practice Guideline for ANCA-associated vasculitis, "
                 "Kidney Int 2024;105(3S):S71-S116",
    "KDIGO-LN": "KDIGO 2024 Clinical Practice Guideline for lupus nephritis, Kidney Int 2024;105(1S):S1-S69",
    "SPEC": "fhirrules knowledge-spec.md v0.1 (draft, not clinically validated)",
}
