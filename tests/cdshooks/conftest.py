from __future__ import annotations

import pytest

# Let the test client reach our own server; pytest-httpx answers for everything else.
LOCAL = "127.0.0.1"


def only_remote(request) -> bool:
    return request.url.host != LOCAL


@pytest.fixture
def local_client():
    import httpx
    with httpx.Client(timeout=30) as client:
        yield client
