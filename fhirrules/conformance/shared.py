"""Where the shared test data lives: ``../shared`` from the current directory, else
``$FHIRRULES_SHARED``, else ``shared/`` beside the checkout.  The suites are read in
place, never copied."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _roots() -> list[Path]:
    roots = [Path.cwd().parent / "shared"]
    if os.environ.get("FHIRRULES_SHARED"):
        roots.append(Path(os.environ["FHIRRULES_SHARED"]))
    roots.append(_PROJECT_ROOT.parent / "shared")
    return roots


def shared_path(*parts: str) -> Optional[Path]:
    """The first existing ``<shared>/<parts...>``, or None."""
    for root in _roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate.resolve()
    return None


def find_shared_dir() -> Optional[Path]:
    """The shared folder itself (one that holds ``conformance/``)."""
    found = shared_path("conformance")
    return found.parent if found else None


CQL_SUITE = ("conformance", "cql-tests", "cql")
FHIRPATH_R4_SUITE = ("conformance", "fhirpath", "r4", "tests-fhir-r4.xml")
