"""Fixtures of the reasoning tests.

``tests/`` sits on sys.path during the test run (pytest's rootdir conftest) and
``tests/fhir/`` is a regular package, so ``import fhir`` finds the *test* package and
``fhir.resources`` (fhir.resources, which validates our outputs) disappears.  Until that
is fixed at the root (rename tests/fhir or use ``--import-mode=importlib``), let the
shadowing package also search the installed ``fhir`` folder."""
from __future__ import annotations

import sys
from pathlib import Path


def _unshadow_fhir_resources() -> None:
    try:
        import fhir.resources  # noqa: F401
        return
    except ModuleNotFoundError:
        pass
    import fhir
    for entry in sys.path:
        candidate = Path(entry or ".") / "fhir"
        if (candidate / "resources").is_dir() and str(candidate) not in fhir.__path__:
            fhir.__path__.append(str(candidate))
            return


_unshadow_fhir_resources()
