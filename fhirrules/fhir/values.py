"""FHIR values as the CQL engine sees them.

Resources stay the plain dicts orjson produced (their type is ``resourceType``).  A
member access that yields a non-resource element wraps the dict with the element's type
from the model (``FhirElement``), and a primitive element is a ``FhirPrimitive`` that
carries its JSON value, its type and the ``_name`` sibling (id/extension): that is how
choice types, ``is FHIR.Quantity`` and the FHIRHelpers conversions know what they hold.
Wrappers are two-slot objects built on access: cheap, never copied data.

Both wrappers set ``cql_model = "FHIR"`` and offer ``to_system()`` so that the engine can
spot a model value with one attribute test and convert it implicitly."""
from __future__ import annotations

from typing import Any, Optional


class FhirElement:
    """A complex FHIR element (Coding, Quantity, Period, a BackboneElement ...)."""

    __slots__ = ("type", "data")
    cql_model = "FHIR"

    def __init__(self, type_name: str, data: dict) -> None:
        self.type = type_name
        self.data = data

    def to_system(self) -> Any:
        from fhirrules.fhir.helpers import element_to_system
        return element_to_system(self)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, FhirElement) and self.type == other.type and self.data == other.data

    def __hash__(self) -> int:
        return hash((self.type, len(self.data)))

    def __repr__(self) -> str:
        return f"{self.type}({self.data!r})"


class FhirPrimitive:
    """A FHIR primitive element (FHIR.date, FHIR.code, FHIR.ObservationStatus ...).
    ``raw`` is the JSON value, ``ext`` the ``_element`` object (id, extension) or None."""

    __slots__ = ("type", "raw", "ext", "_value")
    cql_model = "FHIR"
    _UNSET = object()

    def __init__(self, type_name: str, raw: Any, ext: Optional[dict] = None,
                 value: Any = _UNSET) -> None:
        self.type = type_name
        self.raw = raw
        self.ext = ext
        self._value = value

    @property
    def value(self) -> Any:
        """The System value (System.Date for FHIR.date ...), converted once."""
        if self._value is FhirPrimitive._UNSET:
            from fhirrules.fhir.primitives import primitive_value
            self._value = primitive_value(self.type, self.raw)
        return self._value

    def to_system(self) -> Any:
        return self.value

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, FhirPrimitive):
            return self.raw == other.raw
        return False

    def __hash__(self) -> int:
        return hash(self.raw) if not isinstance(self.raw, (list, dict)) else 0

    def __repr__(self) -> str:
        return f"{self.type}({self.raw!r})"


def is_model_value(value: Any) -> bool:
    """True for values of the FHIR model (resource dicts and wrappers)."""
    return getattr(value, "cql_model", None) == "FHIR" or (
        type(value) is dict and "resourceType" in value)
