"""Problems found during ``$apply``, kept as FHIR OperationOutcome issues.

An apply never throws away a problem and never crashes on one: each is an ``Issue``
with the place it happened (``PlanDefinition/x action A.5 dynamicValue action.title``),
and the output carries them as OperationOutcome resources linked from the element they
concern by the ``cqf-messages`` extension."""
from __future__ import annotations

from dataclasses import dataclass, field

CQF_MESSAGES = "http://hl7.org/fhir/StructureDefinition/cqf-messages"


@dataclass
class Issue:
    """One problem; ``location`` names the artifact and element, ``expression`` the text."""
    severity: str          # fatal | error | warning | information
    code: str              # FHIR issue-type: exception, processing, not-found, invalid, informational
    message: str
    location: str          # human-readable place in the knowledge artifact
    expression: str | None = None

    def as_fhir(self) -> dict:
        out: dict = {"severity": self.severity, "code": self.code,
                     "diagnostics": f"{self.location}: {self.message}"}
        if self.expression:
            out["expression"] = [self.expression]
        return out


@dataclass
class Outcomes:
    """The issues of one apply, grouped by the OperationOutcome they will land in."""
    groups: dict[str, list[Issue]] = field(default_factory=dict)

    def add(self, outcome_id: str, issue: Issue) -> str:
        self.groups.setdefault(outcome_id, []).append(issue)
        return outcome_id

    def all_issues(self) -> list[Issue]:
        return [i for issues in self.groups.values() for i in issues]

    def reported(self, outcome_id: str) -> bool:
        """Whether ``outcome_id`` becomes an OperationOutcome resource: only warnings and
        errors do; informational issues (a null condition: "not applicable") stay in
        ``ApplyResult.issues`` so that every ordinary apply does not carry an outcome."""
        return any(i.severity != "information" for i in self.groups.get(outcome_id, ()))

    def resources(self) -> list[dict]:
        return [{"resourceType": "OperationOutcome", "id": oid,
                 "issue": [i.as_fhir() for i in issues if i.severity != "information"]}
                for oid, issues in self.groups.items() if self.reported(oid)]


def link_messages(element: dict, outcome_id: str, *, contained: bool) -> None:
    """Point ``element`` at its OperationOutcome (once), through ``cqf-messages``."""
    ref = f"#{outcome_id}" if contained else f"OperationOutcome/{outcome_id}"
    exts = element.setdefault("extension", [])
    for e in exts:
        if e.get("url") == CQF_MESSAGES and e.get("valueReference", {}).get("reference") == ref:
            return
    exts.append({"url": CQF_MESSAGES, "valueReference": {"reference": ref}})
