"""The shape of one rule in the rule tables (one top-level PlanDefinition action)."""
from __future__ import annotations

from dataclasses import dataclass, field

# Hooks (named-event triggers).  Assessment rules also speak on order-select so that an
# ordering clinician sees them (scenario S14); order checks run on order-select/sign.
ASSESS = ("patient-view", "order-select")
ORDER = ("order-select", "order-sign")
ALL = ("patient-view", "order-select", "order-sign")


@dataclass
class Rule:
    id: str                      # the knowledge-spec rule id, e.g. "A.5"
    title: str                   # card summary (< 140 characters)
    priority: str                # routine -> info, urgent -> warning, stat -> critical
    hooks: tuple[str, ...]
    applies: str                 # CQL define of the plan's library (text/cql-identifier)
    evidence: str                # E1..E7 or EX
    evidence_note: str           # the rest of the "Evidence: E3, ..." line
    body: str                    # static Markdown detail (dynamic detail overrides it)
    quotes: list[tuple[str, str]] = field(default_factory=list)   # (source key, sentence)
    docs: list[str] = field(default_factory=list)                 # extra documentation sources
    dyn: dict[str, str] = field(default_factory=dict)             # title/description/priority -> define
    # (ActivityDefinition id, condition define[, recommended[, title define]]): recommended
    # True for a suggestion the spec ranks first (CDS Hooks isRecommended; the same activity
    # may appear twice, once recommended and once not, under mutually exclusive conditions);
    # the title define gives the suggestion label a patient-specific dose (dynamicValue).
    children: list[tuple] = field(default_factory=list)
    selection: str | None = None
    overrides: tuple[str, ...] = ()  # override-reason codes (CodeSystem override-reason) offered on the card


# Override reasons (libraries/terminology CodeSystem-override-reason.json).  NEUTRAL on every
# card that asks for an action the patient may refuse; JUDGEMENT alone where only the
# clinician can decide; CHECK on the confirm-failure checks (spec A.0 criterion 4).
JUDGEMENT = ("clinician-judgement",)
NEUTRAL = ("patient-declined", "clinician-judgement")
CHECK = ("acknowledged", "clinician-judgement")
