"""JSON responses: bodies serialised with orjson; errors as a FHIR OperationOutcome (the
CDS Hooks spec asks for one on non-2xx answers), never a traceback."""
from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def error_response(status: int, message: str, code: str = "invalid") -> Response:
    outcome = {"resourceType": "OperationOutcome",
               "issue": [{"severity": "error", "code": code, "diagnostics": message}]}
    return json_response(outcome, status)


def unauthorized() -> Response:
    """A bare 401: no hint to the caller about which check failed (the log has it)."""
    return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
