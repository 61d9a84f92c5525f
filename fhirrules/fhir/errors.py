"""Errors about FHIR input data.  ``FhirDataError`` is a CqlRuntimeError so that callers
of the engine need to catch only the engine's error types; its message names the source
(file, bundle entry index, resource id) and the offending field."""
from __future__ import annotations

from typing import Optional

from fhirrules.cql.errors import CqlRuntimeError


class FhirDataError(CqlRuntimeError):
    kind = "data"

    def __init__(self, message: str, source: Optional[str] = None) -> None:
        super().__init__(message, source_name=source)

    def __str__(self) -> str:
        return f"{self.source_name}: {self.message}" if self.source_name else self.message


class FhirSourceError(FhirDataError):
    """A data source cannot be read at all (missing file, HTTP 401/404, bad URL)."""
    kind = "source"
