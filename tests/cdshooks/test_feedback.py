"""Feedback over HTTP: validation, idempotent storage, counts per rule across a restart."""
from __future__ import annotations

import pytest

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.config import ServiceConfig
from fhirrules.cdshooks.feedback import FeedbackStore

from .fakes import FakeReasoner
from .server import running
from .test_service import PV, full_prefetch, hook_body


def _config(db):
    return ServiceConfig(insecure_no_auth=True, feedback_db=db, evaluation_time="2025-03-10T00:00:00+00:00")


def _feedback(card, outcome="accepted", stamp="2025-03-10T10:00:00Z", **extra):
    item = {"card": card, "outcome": outcome, "outcomeTimestamp": stamp, **extra}
    if outcome == "accepted" and "acceptedSuggestions" not in extra:
        item["acceptedSuggestions"] = [{"id": "s-1"}]
    return {"feedback": [item]}


def test_feedback_is_stored_and_counted_across_a_restart(tmp_path, local_client):
    db = tmp_path / "feedback.sqlite"
    with running(create_app(_config(db), FakeReasoner())) as base:
        cards = local_client.post(f"{base}/cds-services/{PV}", json=hook_body(prefetch=full_prefetch())).json()["cards"]
        by_rule = {c["source"]["topic"]["code"]: c for c in cards}
        a5 = by_rule["A.5"]
        r = local_client.post(f"{base}/cds-services/{PV}/feedback",
                              json=_feedback(a5["uuid"], acceptedSuggestions=[{"id": a5["suggestions"][0]["uuid"]}]))
        assert r.status_code == 200 and r.json() == {"received": 1, "stored": 1}
        # the same feedback again: accepted, stored once
        again = local_client.post(f"{base}/cds-services/{PV}/feedback",
                                  json=_feedback(a5["uuid"], acceptedSuggestions=[{"id": a5["suggestions"][0]["uuid"]}]))
        assert again.status_code == 200 and again.json()["stored"] == 0
        override = _feedback(by_rule["A.8-c"]["uuid"], "overridden", overrideReason={
            "reason": {"system": "http://example.org/override", "code": "already-referred", "display": "Already referred"},
            "userComment": "seen last week"})
        assert local_client.post(f"{base}/cds-services/{PV}/feedback", json=override).status_code == 200
    with running(create_app(_config(db), FakeReasoner())) as base:
        r = local_client.post(f"{base}/cds-services/{PV}/feedback",
                              json=_feedback(by_rule["A.8-c"]["uuid"], "overridden", stamp="2025-03-11T09:00:00Z"))
        assert r.json()["stored"] == 1
    assert FeedbackStore(db).counts() == [("A.5", "accepted", 1), ("A.8-c", "overridden", 2)]


@pytest.mark.parametrize("body,fragment", [
    ({}, "'feedback' array"),
    ({"feedback": [{"outcome": "accepted"}]}, "card"),
    ({"feedback": [{"card": "c", "outcome": "maybe", "outcomeTimestamp": "2025-01-01T00:00:00Z"}]}, "outcome"),
    ({"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2025-01-01T00:00:00Z"}]},
     "acceptedSuggestions"),
    ({"feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "yesterday"}]}, "ISO 8601"),
    ({"feedback": [{"card": "c", "outcome": "accepted", "acceptedSuggestions": [{"id": "s"}],
                    "overrideReason": {"userComment": "x"}, "outcomeTimestamp": "2025-01-01T00:00:00Z"}]},
     "overrideReason"),
])
def test_bad_feedback_is_400(tmp_path, local_client, body, fragment):
    with running(create_app(_config(tmp_path / "f.sqlite"), FakeReasoner())) as base:
        r = local_client.post(f"{base}/cds-services/{PV}/feedback", json=body)
        assert r.status_code == 400 and fragment in r.json()["issue"][0]["diagnostics"]
        assert local_client.post(f"{base}/cds-services/nope/feedback", json=_feedback("c")).status_code == 404
