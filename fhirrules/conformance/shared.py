"""Where the shared test data lives: ``$FHIRRULES_SHARED``, else ``../shared`` beside the
checkout or the current directory.  The suites are read in place, never copied."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def find_shared_dir() -> Optional[Path]:
    candidates = []
    if os.environ.get("FHIRRULES_SHARED"):
        candidates.append(Path(os.environ["FHIRRULES_SHARED"]))
    candidates += [Path.cwd().parent / "shared", _PROJECT_ROOT.parent / "shared"]
    for c in candidates:
        if (c / "conformance").is_dir():
            return c.resolve()
    return None
