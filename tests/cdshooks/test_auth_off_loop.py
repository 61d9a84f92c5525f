"""JWT checks run off the event loop: a slow JWKS fetch stalls only its own request."""
from __future__ import annotations

import threading
import time

import httpx
import pytest

from .conftest import only_remote
from .test_auth import JWKS, JWKS_URL, _call, secured, token  # noqa: F401 (fixture)
from .test_service import PV


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_a_slow_jwks_fetch_does_not_stall_other_requests(secured, httpx_mock):  # noqa: F811
    fetching = threading.Event()

    def slow_jwks(request: httpx.Request) -> httpx.Response:
        fetching.set()
        time.sleep(2.0)
        return httpx.Response(200, json=JWKS)
    httpx_mock.add_callback(slow_jwks, url=JWKS_URL, is_reusable=True)
    statuses = {}

    def first() -> None:
        with httpx.Client(timeout=30) as client:
            statuses["slow"] = _call(client, secured, token(f"{secured}/cds-services/{PV}")).status_code
    worker = threading.Thread(target=first)
    worker.start()
    assert fetching.wait(10), "the first request never asked for the JWKS"
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        second = _call(client, secured, None)      # no token: answered without any fetch
    elapsed = time.perf_counter() - started
    worker.join(30)
    assert second.status_code == 401
    assert elapsed < 1.5, f"the second request waited {elapsed:.2f} s behind the JWKS fetch"
    assert statuses["slow"] == 200
