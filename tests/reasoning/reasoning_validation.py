"""FHIR R4 validation of our outputs with the fhir.resources R4B models (tests only)."""
from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class


def assert_valid_r4(resource: dict) -> None:
    cls = get_fhir_model_class(resource["resourceType"])
    cls.model_validate(resource)   # raises pydantic.ValidationError naming the bad element
