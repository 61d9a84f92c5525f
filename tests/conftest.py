"""Shared test fixtures.

Test data from the steering repo's ``shared/`` folder is used in place, never copied.
It is found at ``$FHIRRULES_SHARED`` or ``../shared`` beside the checkout; tests that
need it skip with a clear reason when it is absent (a user's fresh clone has none)."""
from __future__ import annotations

from pathlib import Path

import pytest

from fhirrules.conformance.shared import find_shared_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = find_shared_dir()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED_DIR is None:
        pytest.skip("shared/ test data not found: set FHIRRULES_SHARED or place it at ../shared")
    return SHARED_DIR


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
