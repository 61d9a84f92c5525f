"""String operators, including Java-style regular expressions."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import string as so


def test_concatenation_null_rules() -> None:
    assert so.Concatenate("a", "b") == "ab"
    assert so.Concatenate("a", None) is None
    assert so.ConcatenateAmpersand("a", None) == "a"         # `&` treats null as ''
    assert so.ConcatenateAmpersand(None, None) == ""


def test_combine_split() -> None:
    assert so.Combine(None) is None and so.Combine([]) is None
    assert so.Combine(["a", "b", "c"]) == "abc" and so.Combine(["a", None, "c"], "-") == "a-c"
    assert so.Split("a,b", ",") == ["a", "b"] and so.Split("a,b", None) == ["a,b"]
    assert so.Split(None, ",") is None
    assert so.SplitOnMatches("a1b22c", r"\d+") == ["a", "b", "c"]


def test_positions_and_substrings() -> None:
    assert so.PositionOf("b", "ab") == 1 and so.PositionOf("c", "ab") == -1
    assert so.PositionOf(None, "a") is None
    assert so.LastPositionOf("hi", "Say hi to Ohio!") == 11
    assert so.Substring("ab", 1) == "b" and so.Substring("ab", 2) is None
    assert so.Substring("ab", -1) is None and so.Substring("", 0) == ""
    assert so.Substring("abc", 1, 1) == "b" and so.Substring("ab", 0, 3) == "ab"
    assert so.Indexer("ab", 1) == "b" and so.Indexer("ab", 2) is None and so.Indexer(None, 0) is None


def test_case_length_affixes() -> None:
    assert so.Upper("aB") == "AB" and so.Lower("Ab") == "ab" and so.Upper(None) is None
    assert so.Length("") == 0 and so.Length(None) is None
    assert so.StartsWith("Breathe", "Bre") is True and so.StartsWith("Breathe", "bre") is False
    assert so.EndsWith("man!!", "n!!") is True and so.EndsWith(None, None) is None


def test_regular_expressions() -> None:
    assert so.Matches("Not all who wander are lost", r".*\d+") is False
    assert so.Matches("circa 2017", r".*\d+") is True
    assert so.Matches("Not all who wander are lost - circa 2017", r"^[\w\s]+$") is False
    assert so.Matches(" \n\t", r"\s+") is True
    assert so.Matches("abc", "b") is False                    # whole-string match
    assert so.Matches("x", None) is None
    assert so.Matches("ab12", r"\p{Alpha}+\p{Digit}++") is True
    assert so.ReplaceMatches("All that glitters", r"\s", r"\$") == "All$that$glitters"
    assert so.ReplaceMatches("bop bop", "bop", "bang") == "bang bang"
    assert so.ReplaceMatches("2014-01-05", r"(\d+)-(\d+)-(\d+)", "$3/$2/$1") == "05/01/2014"
    assert so.ReplaceMatches("x", None, "y") is None
    with pytest.raises(CqlRuntimeError):
        so.Matches("x", "(")
