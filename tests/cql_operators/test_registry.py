"""The merged operator table and its list/interval/string dispatch."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import errors as msg
from fhirrules.cql.operators.clinical import AnyInCodes, InCodes
from fhirrules.cql.operators.registry import FUNCTIONS, OPERATORS
from fhirrules.cql.types.clinical import Code, Concept
from .helpers import I

ELM_NAMES = """Equal NotEqual Equivalent NotEquivalent Less LessOrEqual Greater GreaterOrEqual
And Or Xor Implies Not IsNull IsTrue IsFalse Coalesce Add Subtract Multiply Divide
TruncatedDivide Modulo Power Negate Abs Ceiling Floor Truncate Round Ln Log Exp Successor
Predecessor MinValue MaxValue Precision LowBoundary HighBoundary Concatenate Combine Split
SplitOnMatches Length Upper Lower Indexer PositionOf LastPositionOf Substring StartsWith
EndsWith Matches ReplaceMatches Start End Width Size PointFrom Contains In ProperContains
ProperIn Includes IncludedIn ProperIncludes ProperIncludedIn Before After Meets MeetsBefore
MeetsAfter Overlaps OverlapsBefore OverlapsAfter Starts Ends SameAs SameOrBefore SameOrAfter
Union Intersect Except Collapse Expand Exists Distinct Flatten First Last IndexOf
SingletonFrom Skip Take Tail Slice Times Count Sum Min Max Avg Median Mode StdDev
PopulationStdDev Variance PopulationVariance AllTrue AnyTrue Product GeometricMean ToBoolean
ToInteger ToLong ToDecimal ToQuantity ToRatio ToString ToConcept ToDate ToDateTime ToTime
ConvertsToBoolean ConvertsToInteger ConvertQuantity Message""".split()


@pytest.mark.parametrize("name", ELM_NAMES)
def test_every_operator_is_registered(name: str) -> None:
    assert callable(OPERATORS[name])


def test_functions_by_cql_name() -> None:
    for name in ("Abs", "ToString", "Length", "Combine", "Split", "Coalesce", "Sum", "Message"):
        assert callable(FUNCTIONS[name])


def test_dispatch_list_or_interval() -> None:
    assert OPERATORS["Contains"]([1, 2], 1) is True
    assert OPERATORS["Contains"](I(1, 3), 2) is True
    assert OPERATORS["In"](5, None) is False
    assert OPERATORS["Union"]([1], [2]) == [1, 2]
    assert OPERATORS["Union"](I(1, 3), I(2, 5)) == I(1, 5)
    assert OPERATORS["Union"](None, None) is None
    assert OPERATORS["ProperIncludes"](None, "a") is False
    assert OPERATORS["Includes"](I(1, 10), I(2, 3), precision=None) is True


def test_dispatch_string_or_list() -> None:
    assert OPERATORS["Length"]("abc") == 3 and OPERATORS["Length"]([1, None]) == 2
    assert OPERATORS["Indexer"]("ab", 0) == "a" and OPERATORS["Indexer"]([1, 2], 1) == 2


def test_concatenate_forms() -> None:
    assert OPERATORS["Concatenate"]("a", None) == "a"          # `&`
    assert FUNCTIONS["Concatenate"]("a", None) is None        # Concatenate()


def test_message() -> None:
    assert msg.Message(1, True, "100", "Message", "Test Message") == 1
    assert msg.Message([3], False, "400", "Error", "not raised") == [3]
    with pytest.raises(CqlRuntimeError, match="This is an error"):
        msg.Message(4, True, "400", "Error", "This is an error!")


def test_code_membership() -> None:
    codes = [Code("a", "s1"), Code("b", "s2")]
    assert InCodes(Code("a", "s1", display="x"), codes) is True
    assert InCodes(Code("a", "s2"), codes) is False
    assert InCodes(Concept([Code("z", "s"), Code("b", "s2")]), codes) is True
    assert AnyInCodes([None, Code("b", "s2")], codes) is True
    assert InCodes(None, codes) is None
