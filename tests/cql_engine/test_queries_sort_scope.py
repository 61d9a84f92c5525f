"""``sort by`` after a ``return`` names the returned elements' properties, even when a
``let`` of the query has the same name."""
from __future__ import annotations

from fhirrules.cql.context import EvaluationContext
from fhirrules.cql.engine import CqlEngine


def test_sort_by_names_returned_property_not_a_let():
    lib = CqlEngine().compile("""library T
define "Sorted":
  ({3, 1, 2}) X
    let at: 10 - X
    return Tuple { at: X }
    sort by at desc
""", "t.cql")
    result = lib.evaluate_define("Sorted", EvaluationContext())
    assert [t["at"] for t in result] == [3, 2, 1]


def test_a_data_source_error_keeps_its_type_and_message():
    """An error from the data provider (a FHIR server that cannot be reached) reaches the
    caller as itself, with its message and source, not as a TypeError from re-locating it."""
    import pytest

    from fhirrules.cql.errors import CqlRuntimeError

    class UnreachableError(CqlRuntimeError):
        def __init__(self, message: str, source: str | None = None) -> None:   # a narrower signature
            super().__init__(message, source_name=source)

    class Unreachable:
        def retrieve(self, *args, **kwargs):
            raise UnreachableError("server unreachable", "https://127.0.0.1:1/fhir")

    class Model:
        name = "M"

        def known_type(self, name): return True
        def is_type(self, value, type_name): return None
        def type_name(self, value): return None
        def get_property(self, value, path): return None
        def to_system(self, value): return value
        def create(self, type_name, elements): return elements
        def primary_code_path(self, type_name): return None

    engine = CqlEngine(models={"M": Model()})
    lib = engine.compile("library T\nusing M\ndefine \"All\": [Thing]\n", "t.cql")
    with pytest.raises(UnreachableError) as err:
        lib.evaluate_define("All", engine.context(data=Unreachable()))
    assert err.value.message == "server unreachable" and err.value.source_name == "https://127.0.0.1:1/fhir"
