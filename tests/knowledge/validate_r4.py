"""Validate FHIR JSON files against the fhir.resources R4B models; prints one JSON object
{file: problem} (empty when all are valid).

Run as a script (the tests call it in a subprocess) because tests/fhir/ is a package named
`fhir` that shadows the `fhir.resources` namespace package inside the pytest process."""
from __future__ import annotations

import json
import sys


def main(paths: list[str]) -> int:
    from fhir.resources.R4B import get_fhir_model_class
    problems = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        try:
            get_fhir_model_class(data["resourceType"]).model_validate(data)
        except Exception as exc:  # pydantic lists every bad element
            problems[path] = " ".join(str(exc).split())[:500]
    print(json.dumps(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
