"""The service's request path as shaped for throughput (evaluation.py, gcpolicy.py) and
``fhirrules serve --workers N``: behaviour, not timings (timings live in benchmarks/)."""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import httpx
import orjson
import pytest

from fhirrules.cdshooks import evaluation
from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.cards import CardSet
from fhirrules.cdshooks.config import ServiceConfig
from fhirrules.cdshooks.evaluation import (EvaluationFailed, EvaluationLane, Evaluated, NeedsServer,
                                           evaluate_raw, prefetch_complete)
from fhirrules.cdshooks.gcpolicy import settle_long_lived
from fhirrules.cdshooks.hook_request import BadRequest

from .fakes import FakeReasoner
from .server import free_port, running
from .test_service import PV, full_prefetch, hook_body

TEMPLATES = {"patient": "Patient/{{context.patientId}}", "condition": "Condition?patient={{context.patientId}}"}


def raw_request(**prefetch) -> bytes:
    return orjson.dumps(hook_body(prefetch=prefetch))


# ----------------------------------------------------------------------- prefetch_complete
def test_prefetch_complete_needs_every_key_and_accepts_null():
    patient = {"resourceType": "Patient", "id": "p1"}
    assert prefetch_complete(TEMPLATES, {"prefetch": {"patient": patient, "condition": None}})
    assert not prefetch_complete(TEMPLATES, {"prefetch": {"patient": patient}})
    assert not prefetch_complete(TEMPLATES, {})
    failed = {"resourceType": "OperationOutcome", "issue": []}
    assert not prefetch_complete(TEMPLATES, {"prefetch": {"patient": patient, "condition": failed}})


# ----------------------------------------------------------------------- evaluate_raw
def test_evaluate_raw_rejects_bad_json_and_bad_requests():
    never = lambda body, data: pytest.fail("must not evaluate")   # noqa: E731
    with pytest.raises(BadRequest, match="not valid JSON"):
        evaluate_raw(b"{nope", "patient-view", TEMPLATES, never)
    with pytest.raises(BadRequest, match="'hook' must be 'order-sign'"):
        evaluate_raw(raw_request(), "order-sign", TEMPLATES, never)


def test_incomplete_prefetch_is_handed_back_unevaluated():
    outcome = evaluate_raw(raw_request(patient={"resourceType": "Patient", "id": "p1"}), "patient-view",
                           TEMPLATES, lambda body, data: pytest.fail("must not evaluate"))
    assert isinstance(outcome, NeedsServer)
    assert outcome.body["context"]["patientId"] == "p1"


def test_engine_failure_becomes_evaluation_failed_with_its_cause():
    def broken(body, data):
        raise ZeroDivisionError("boom")
    with pytest.raises(EvaluationFailed) as caught:
        evaluate_raw(raw_request(patient={"resourceType": "Patient", "id": "p1"}, condition=None),
                     "patient-view", TEMPLATES, broken)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_evaluated_payload_is_the_serialised_card_body():
    seen = {}

    def run(body, data):
        seen["resources"] = [r["id"] for r in data.resources]
        return CardSet()
    outcome = evaluate_raw(raw_request(patient={"resourceType": "Patient", "id": "p1"}, condition=None),
                           "patient-view", TEMPLATES, run)
    assert isinstance(outcome, Evaluated)
    assert orjson.loads(outcome.payload) == {"cards": []} == outcome.cards.body()
    assert seen["resources"] == ["p1"]


# ----------------------------------------------------------------------- the lane
def test_lane_runs_one_at_a_time_in_arrival_order():
    import asyncio
    lane = EvaluationLane(1)
    active, log = [0], []
    lock = threading.Lock()

    def job(i: int) -> int:
        with lock:
            active[0] += 1
            log.append(("start", i, active[0]))
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        return i

    async def main():
        return await asyncio.gather(*(lane.run(job, i) for i in range(6)))
    try:
        assert asyncio.run(main()) == list(range(6))
    finally:
        lane.close()
    assert [entry[1] for entry in log] == list(range(6))
    assert max(entry[2] for entry in log) == 1


def test_waiting_requests_stay_unparsed_until_their_turn(monkeypatch):
    """Only the request being evaluated holds a parsed body (the point of the lane)."""
    import asyncio
    parsed = []
    real_parse = evaluation.parse_request

    def counting_parse(raw, hook):
        parsed.append(raw)
        return real_parse(raw, hook)
    monkeypatch.setattr(evaluation, "parse_request", counting_parse)
    release = threading.Event()
    parsed_while_blocked = []

    def run(body, data):
        if not release.is_set():
            parsed_while_blocked.append(len(parsed))
            release.wait(5)
        return CardSet()
    raws = [raw_request(patient={"resourceType": "Patient", "id": "p1"}, condition=None) for _ in range(3)]
    lane = EvaluationLane(1)

    async def main():
        tasks = [asyncio.ensure_future(lane.run(evaluate_raw, raw, "patient-view", TEMPLATES, run))
                 for raw in raws]
        await asyncio.sleep(0.2)          # the first evaluation is blocked, two are queued
        release.set()
        return await asyncio.gather(*tasks)
    try:
        outcomes = asyncio.run(main())
    finally:
        lane.close()
    assert parsed_while_blocked == [1]
    assert len(parsed) == 3 and all(isinstance(o, Evaluated) for o in outcomes)


# ----------------------------------------------------------------------- the service
@pytest.fixture
def service(tmp_path):
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite",
                           evaluation_time="2025-03-10T00:00:00+00:00")
    with running(create_app(config, FakeReasoner())) as base:
        yield base


def test_concurrent_calls_all_get_the_same_cards(service):
    from concurrent.futures import ThreadPoolExecutor
    url = f"{service}/cds-services/{PV}"

    def call(i):
        body = hook_body(prefetch=full_prefetch()) if i % 4 else {"hook": "patient-view"}
        return httpx.post(url, json=body, timeout=30)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(call, range(16)))
    good = [a for i, a in enumerate(answers) if i % 4]
    bad = [a for i, a in enumerate(answers) if not i % 4]
    assert all(a.status_code == 400 for a in bad)
    assert all(a.status_code == 200 for a in good)
    topics = {tuple(c["source"]["topic"]["code"] for c in a.json()["cards"]) for a in good}
    assert len(topics) == 1 and next(iter(topics))      # cards fired, identically each time


def test_engine_failure_is_a_500_outcome_without_details(tmp_path):
    class Broken(FakeReasoner):
        def apply(self, *args, **kwargs):
            raise RuntimeError("secret internals")
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite")
    with running(create_app(config, Broken())) as base:
        r = httpx.post(f"{base}/cds-services/{PV}", json=hook_body(prefetch=full_prefetch()), timeout=30)
    assert r.status_code == 500
    assert r.json()["issue"][0]["diagnostics"] == "evaluation failed: RuntimeError"
    assert "secret" not in r.text


# ----------------------------------------------------------------------- gc policy
def test_settle_long_lived_freezes_the_survivors_and_keeps_thresholds():
    before = gc.get_threshold()
    kept = [[i] for i in range(10)]        # lists are always tracked by the collector
    assert any(o is kept[0] for o in gc.get_objects())
    settle_long_lived()
    # frozen objects leave the generations the collector scans
    assert not any(o is kept[0] for o in gc.get_objects())
    assert gc.get_threshold() == before


# ----------------------------------------------------------------------- serve --workers
def test_serve_with_two_workers_loads_knowledge_in_each(tmp_path):
    from cli.test_check import LIBRARY, PLAN, VALUESET, _write
    folder = _write(tmp_path / "kb", library=LIBRARY, valueset=VALUESET, plan=PLAN)
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("FHIRRULES_")},
           "FHIRRULES_FEEDBACK_DB": str(tmp_path / "fb.sqlite")}
    proc = subprocess.Popen([sys.executable, "-m", "fhirrules", "serve", "--port", str(port), "--workers", "2",
                             "--insecure-no-auth", "--knowledge-only", "--knowledge", str(folder)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()

    def loaded() -> int:
        return sum("knowledge loaded and compiled in" in line for line in list(lines))
    try:
        deadline = time.monotonic() + 90
        while loaded() < 2:      # each worker process loads and compiles the knowledge itself
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("two workers did not start:\n" + "".join(lines[-40:]))
            time.sleep(0.2)
        body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "context": {"userId": "Practitioner/1", "patientId": "p1"},
                "prefetch": {"patient": {"resourceType": "Patient", "id": "p1"}, "condition": None}}
        for _ in range(4):
            r = httpx.post(f"{base}/cds-services/tiny-plan-patient-view", json=body, timeout=30)
            assert r.status_code == 200 and r.json() == {"cards": []}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    reader.join(timeout=5)
    assert loaded() == 2, "".join(lines[-40:])


def test_serve_workers_refuses_a_port_in_use():
    """The supervisor checks the port itself, before starting any worker."""
    import socket

    from fhirrules.cdshooks.workers import reuse_port_supported, serve
    if not reuse_port_supported():
        pytest.skip("SO_REUSEPORT workers are Linux-only; elsewhere uvicorn's own workers are used")
    with socket.socket() as taken:          # an ordinary socket: no SO_REUSEPORT
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            serve("127.0.0.1", port, workers=2)


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")   # the client, not us
def test_lane_closes_with_the_app_and_serves_again_after(tmp_path):
    from starlette.testclient import TestClient
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite",
                           evaluation_time="2025-03-10T00:00:00+00:00")
    app = create_app(config, FakeReasoner())
    for _ in range(2):                        # start-up, calls, shutdown; twice
        with TestClient(app) as client:
            r = client.post(f"/cds-services/{PV}", json=hook_body(prefetch=full_prefetch()))
            assert r.status_code == 200 and r.json()["cards"]
        assert app.state.fhirrules.lane._pool is None
