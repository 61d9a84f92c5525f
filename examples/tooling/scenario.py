"""One worked example: a patient Bundle plus the cards it must (and must not) produce."""
from __future__ import annotations

from dataclasses import dataclass, field

from .fhir import bundle, draft_bundle, now


@dataclass
class Scenario:
    key: str                      # "S01", "S08a", "S02d"
    slug: str                     # file name part: examples/<key>-<slug>.json
    title: str
    day: str                      # the evaluation date ("now") the scenario states
    resources: list[dict]
    fire: dict[str, str]          # rule id -> indicator
    not_fire: list[str] = field(default_factory=list)
    figures: dict[str, list[str]] = field(default_factory=dict)      # texts the card (summary + detail) must show
    summaries: dict[str, str] = field(default_factory=dict)          # exact summaries
    summary_prefix: dict[str, str] = field(default_factory=dict)
    suggestions_exclude: dict[str, list[str]] = field(default_factory=dict)  # words no suggestion label may hold
    suggestion_doses: dict[str, list[float]] = field(default_factory=dict)   # first doseQuantity (mg) of each suggested order
    # CDS Hooks card features (examples/tooling/card_features.py): rule -> word the one
    # recommended suggestion's label holds; rule -> words no recommended label may hold;
    # rule -> override-reason codes the card must offer.
    recommended: dict[str, str] = field(default_factory=dict)
    not_recommended: dict[str, list[str]] = field(default_factory=dict)
    override_reasons: dict[str, list[str]] = field(default_factory=dict)
    hook: str = "patient-view"
    draft_orders: list[dict] = field(default_factory=list)
    enable_ex: bool = False

    @property
    def file(self) -> str:
        return f"{self.key}-{self.slug}.json"

    def bundle(self) -> dict:
        return bundle(self.resources)

    def expected(self) -> dict:
        out: dict = {"scenario": self.key, "title": self.title, "bundle": self.file, "now": now(self.day),
                     "hook": self.hook, "enable_ex": self.enable_ex, "fire": self.fire, "not_fire": self.not_fire,
                     "figures": self.figures, "summaries": self.summaries, "summary_prefix": self.summary_prefix,
                     "suggestions_exclude": self.suggestions_exclude, "suggestion_doses": self.suggestion_doses}
        # only when set, so the expectations written before these features stay as they were
        for name in ("recommended", "not_recommended", "override_reasons"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.draft_orders:
            out["draftOrders"] = draft_bundle(self.draft_orders)
        return out
