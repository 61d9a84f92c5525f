"""``action.input`` data requirements as FHIRPath variables.

An input with an ``id`` (eCR style: ``{"id": "suspectedDisorderConditions", "type":
"Condition", "codeFilter": [{"path": "code", "valueSet": "..."}]}``) becomes the variable
``%suspectedDisorderConditions``: the subject's resources of that type matching the
filter.  Variables are visible in the action's own expressions and its children's.  A
retrieve that fails (e.g. an unknown value set) leaves the variable empty and is reported."""
from __future__ import annotations

from typing import Any

from fhirrules.cql.types.clinical import Code, ValueSetRef
from fhirrules.reasoning.session import ApplySession


def input_variables(session: ApplySession, action: dict, outcome_id: str, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for requirement in action.get("input") or ():
        name, rtype = requirement.get("id"), requirement.get("type")
        if not name or not rtype:
            continue
        try:
            out[name] = _retrieve(session, rtype, requirement.get("codeFilter") or [])
        except Exception as exc:  # a provider or terminology failure: report, keep going
            out[name] = []
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            session.report(outcome_id, "warning", "processing",
                           f"input {name!r} ({rtype}) could not be retrieved: {first}", where)
    return out


def _retrieve(session: ApplySession, rtype: str, code_filters: list[dict]) -> list:
    if rtype == "Patient":
        return [session.patient]
    if rtype == "Encounter" and session.encounter is not None and not code_filters:
        return [session.encounter]
    code_path, codes = None, None
    for cf in code_filters[:1]:   # one filter is what the retrieve interface takes
        code_path = cf.get("path")
        if cf.get("valueSet"):
            codes = ValueSetRef(cf["valueSet"])
        elif cf.get("code"):
            codes = [Code(c.get("code"), c.get("system"), c.get("version"), c.get("display"))
                     for c in cf["code"]]
    return list(session.data.retrieve(rtype, context="Patient", context_value=session.patient,
                                      code_path=code_path, codes=codes))
