"""Comparing our ``$apply`` output with the reference engine's golden files.

The comparison is exact (``==`` on JSON, like the reference test's STRICT JSONAssert)
after removing, from both sides, exactly these elements that we carry beyond the
reference engine:

* on RequestGroup actions: ``groupingBehavior``, ``requiredBehavior``,
  ``precheckBehavior``, ``cardinalityBehavior`` and ``participant`` (the reference drops
  them; it does copy ``selectionBehavior``, so that one is compared), and our
  ``action-participant-definition`` extension (participant types we could not resolve
  to a Reference);
* on action conditions: our ``condition-result`` extension (the evaluated start/stop
  result; the reference does not evaluate them);
* ``Goal.description`` where the golden Goal has none: R4 requires it (1..1), the
  reference omits it, so we name the goal instead;
* ``meta`` on any resource (none of the goldens carry one; listed for completeness).

Ids are not ignored: our id scheme is the reference's deterministic one."""
from __future__ import annotations

import copy

from fhirrules.reasoning.actions import CONDITION_RESULT, PARTICIPANT_DEFINITION

BEHAVIOURS = ("groupingBehavior", "requiredBehavior", "precheckBehavior", "cardinalityBehavior",
              "participant")
OUR_EXTENSIONS = {CONDITION_RESULT, PARTICIPANT_DEFINITION}


def _drop_extensions(node: dict) -> None:
    if "extension" in node:
        node["extension"] = [e for e in node["extension"] if e.get("url") not in OUR_EXTENSIONS]
        if not node["extension"]:
            del node["extension"]


def _actions(actions: list) -> None:
    for a in actions:
        for key in BEHAVIOURS:
            a.pop(key, None)
        _drop_extensions(a)
        for c in a.get("condition") or ():
            _drop_extensions(c)
        _actions(a.get("action") or [])


def _resources(doc: dict) -> list[dict]:
    if doc.get("resourceType") == "Bundle":
        return [e["resource"] for e in doc.get("entry") or ()]
    return [doc] + list(doc.get("contained") or ())


def normalise(doc: dict, goals_without_description: set[str] = frozenset()) -> dict:
    doc = copy.deepcopy(doc)
    for res in _resources(doc):
        res.pop("meta", None)
        if res.get("resourceType") == "RequestGroup":
            _actions(res.get("action") or [])
        if res.get("resourceType") == "Goal" and res.get("id") in goals_without_description:
            res.pop("description", None)
    return doc


def compare(actual: dict, expected: dict) -> tuple[dict, dict]:
    """Both sides normalised, ready for ``==``."""
    bare = {r["id"] for r in _resources(expected)
            if r.get("resourceType") == "Goal" and "description" not in r}
    return normalise(actual, bare), normalise(expected, bare)
