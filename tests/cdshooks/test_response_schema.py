"""The response schema itself: it accepts a full card and rejects each rule's violation
(so the service tests that rely on it can fail)."""
from __future__ import annotations

import copy

import pytest

from .response_schema import assert_valid_response

CARD = {
    "uuid": "c1", "summary": "Start PJP prophylaxis", "detail": "Why.", "indicator": "critical",
    "source": {"label": "Guideline", "url": "https://example.org/g",
               "topic": {"system": "http://fhirrules.org/fhir/CodeSystem/rule", "code": "A.5", "display": "PJP"}},
    "selectionBehavior": "at-most-one",
    "suggestions": [{"label": "TMP-SMX", "uuid": "s1", "isRecommended": True,
                     "actions": [{"type": "create", "description": "Order TMP-SMX",
                                  "resource": {"resourceType": "MedicationRequest", "status": "draft"}}]},
                    {"label": "Atovaquone", "uuid": "s2"}],
    "overrideReasons": [{"system": "http://example.org/o", "code": "x", "display": "Already done"}],
    "links": [{"label": "KDIGO", "url": "https://example.org/k", "type": "absolute"}],
}


def test_a_full_response_is_valid():
    assert_valid_response({"cards": [CARD], "systemActions": [
        {"type": "create", "resource": {"resourceType": "Basic", "code": {"text": "x"}}}]})
    assert_valid_response({"cards": []})


def _broken(path, value):
    card = copy.deepcopy(CARD)
    target = card
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return {"cards": [card]}


_DELETE = object()


@pytest.mark.parametrize("body", [
    _broken(["selectionBehavior"], _DELETE),                            # suggestions need it
    _broken(["suggestions", 1, "isRecommended"], True),                 # at-most-one: one recommended
    _broken(["summary"], "x" * 140),                                    # under 140 characters
    _broken(["summary"], _DELETE),
    _broken(["indicator"], "urgent"),
    _broken(["source", "label"], ""),                                   # no empty strings
    _broken(["detail"], None),                                          # no nulls
    _broken(["links"], []),                                             # no empty lists
    _broken(["links", 0, "type"], _DELETE),
    _broken(["overrideReasons", 0, "display"], _DELETE),                # reasons need a display
    _broken(["suggestions", 0, "actions", 0, "description"], _DELETE),
    _broken(["suggestions", 0, "actions", 0, "resource"], _DELETE),     # create needs the resource
    _broken(["suggestions", 0, "actions", 0, "resource", "extra"], {}),  # no empty objects, even inside
    _broken(["surprise"], "unknown card field"),
    {"cards": [CARD], "systemActions": []},
    {},
], ids=lambda b: str(b)[:40])
def test_violations_are_rejected(body):
    with pytest.raises(AssertionError):
        assert_valid_response(body)
