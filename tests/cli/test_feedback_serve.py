"""`fhirrules feedback` and `fhirrules serve` through the CLI."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from fhirrules.cdshooks.feedback import FeedbackStore
from fhirrules.cli.main import app

from cdshooks.response_schema import assert_valid_response
from cdshooks.server import free_port

from .test_check import LIBRARY, PLAN, VALUESET, _write


def test_feedback_counts_per_rule(runner, tmp_path):
    db = tmp_path / "fb.sqlite"
    store = FeedbackStore(db)
    store.register_cards("svc", [("u1", "A.10"), ("u2", "A.9"), ("u3", "A.9")])
    store.add("svc", [{"card": "u1", "outcome": "accepted", "outcomeTimestamp": "2025-01-01T00:00:00Z"},
                      {"card": "u2", "outcome": "overridden", "outcomeTimestamp": "2025-01-01T00:00:00Z"},
                      {"card": "u3", "outcome": "overridden", "outcomeTimestamp": "2025-01-02T00:00:00Z"},
                      {"card": "zz", "outcome": "accepted", "outcomeTimestamp": "2025-01-02T00:00:00Z"}])
    result = runner.invoke(app, ["feedback", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"rule": "A.9", "outcome": "overridden", "count": 2}, {"rule": "A.10", "outcome": "accepted", "count": 1},
        {"rule": "unknown", "outcome": "accepted", "count": 1}]
    table = runner.invoke(app, ["feedback", "--db", str(db)])
    assert table.exit_code == 0 and "A.9" in table.stdout and "unknown" in table.stdout


def test_feedback_without_store_is_one_line(runner, tmp_path):
    result = runner.invoke(app, ["feedback", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert [l for l in result.stderr.splitlines() if l.strip()] == \
        [f"fhirrules feedback: {tmp_path / 'none.sqlite'}: no feedback store there"]
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    result = runner.invoke(app, ["feedback", "--db", str(junk)])
    assert result.exit_code == 2 and "not a feedback store" in result.stderr


def test_serve_refuses_to_start_without_issuers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FHIRRULES_")}
    result = subprocess.run([sys.executable, "-m", "fhirrules", "serve", "--port", str(free_port())],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no trusted JWT issuers configured" in result.stderr


@pytest.fixture
def served_tiny(tmp_path):
    folder = _write(tmp_path / "kb", library=LIBRARY, valueset=VALUESET, plan=PLAN)
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("FHIRRULES_")},
           "FHIRRULES_FEEDBACK_DB": str(tmp_path / "fb.sqlite"), "FHIRRULES_EVALUATION_TIME": "2025-03-10T00:00:00Z"}
    proc = subprocess.Popen([sys.executable, "-m", "fhirrules", "serve", "--port", str(port), "--insecure-no-auth",
                             "--knowledge-only", "--knowledge", str(folder)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/cds-services", timeout=1)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("server did not start:\n" + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)
    yield base, proc
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_serve_with_real_knowledge(served_tiny):
    base, proc = served_tiny
    services = httpx.get(f"{base}/cds-services").json()["services"]
    assert services == [{"id": "tiny-plan-patient-view", "hook": "patient-view", "title": "tiny-plan (patient-view)",
                         "description": "tiny-plan",
                         "prefetch": {"patient": "Patient/{{context.patientId}}",
                                      "condition": "Condition?patient={{context.patientId}}"
                                                   "&code=http://snomed.info/sct%7C195353004"}}]
    patient = {"resourceType": "Patient", "id": "p1"}
    condition = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "195353004"}]}}
    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": {"patient": patient, "condition": {"resourceType": "Bundle", "type": "searchset",
                                                            "entry": [{"resource": condition}]}}}
    r = httpx.post(f"{base}/cds-services/tiny-plan-patient-view", json=body, timeout=30)
    assert r.status_code == 200, r.text
    assert_valid_response(r.json())
    assert [c["source"]["topic"]["code"] for c in r.json()["cards"]] == ["T.1"]
    body["prefetch"]["condition"] = None
    r = httpx.post(f"{base}/cds-services/tiny-plan-patient-view", json=body, timeout=30)
    assert r.status_code == 200 and r.json() == {"cards": []}
    proc.send_signal(signal.SIGINT)
    log = proc.communicate(timeout=15)[0]
    assert "knowledge loaded and compiled in" in log
    assert "authentication is DISABLED" in log
