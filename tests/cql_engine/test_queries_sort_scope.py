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
