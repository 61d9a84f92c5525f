"""Literals: every form of cql.g4 / fhirpath.g4 and the value text the AST carries."""
from __future__ import annotations

import pytest

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlSyntaxError
from fhirrules.cql.grammar import parse_expression as parse

L = ast.Literal


@pytest.mark.parametrize("text, expected", [
    ("true", L("Boolean", True)),
    ("false", L("Boolean", False)),
    ("null", L("Null", None)),
    ("0", L("Integer", "0")),
    ("2147483647", L("Integer", "2147483647")),
    ("-2147483648", L("Integer", "-2147483648")),
    ("5L", L("Long", "5")),
    ("-9223372036854775808L", L("Long", "-9223372036854775808")),
    ("1.50", L("Decimal", "1.50")),
    ("'abc'", L("String", "abc")),
    ("''", L("String", "")),
    (r"'it\'s'", L("String", "it's")),
    (r"'a\nb\tc'", L("String", "a\nb\tc")),
    (r"'\u0041\u00e9'", L("String", "A\u00e9")),
    (r"'back\\slash \/ \"q\" \`t\`'", L("String", 'back\\slash / "q" `t`')),
    ("@2014", L("Date", "2014")),
    ("@2014-01", L("Date", "2014-01")),
    ("@2014-01-25", L("Date", "2014-01-25")),
    ("@2014T", L("DateTime", "2014T")),
    ("@2014-01-01T", L("DateTime", "2014-01-01T")),
    ("@2014-01-01T10", L("DateTime", "2014-01-01T10")),
    ("@2014-01-01T10:30", L("DateTime", "2014-01-01T10:30")),
    ("@2014-01-01T10:30:00.000+05:30", L("DateTime", "2014-01-01T10:30:00.000+05:30")),
    ("@2014-01-01T10:30:00Z", L("DateTime", "2014-01-01T10:30:00Z")),
    ("@2014-01-01T10:30:00.5-07:00", L("DateTime", "2014-01-01T10:30:00.5-07:00")),
    ("@T12", L("Time", "T12")),
    ("@T12:30", L("Time", "T12:30")),
    ("@T12:30:15.250", L("Time", "T12:30:15.250")),
    ("5 'mg'", L("Quantity", ("5", "mg"))),
    ("1.5 'mg/dL'", L("Quantity", ("1.5", "mg/dL"))),
    ("3 days", L("Quantity", ("3", "days"))),
    ("1 year", L("Quantity", ("1", "year"))),
    ("2 milliseconds", L("Quantity", ("2", "milliseconds"))),
    ("1 'mg':2 'mL'", L("Ratio", (("1", "mg"), ("2", "mL")))),
    ("1:128", L("Ratio", (("1", "1"), ("128", "1")))),
    ("0.1 'mg' : 1", L("Ratio", (("0.1", "mg"), ("1", "1")))),
])
def test_literal(text: str, expected: ast.Literal) -> None:
    assert parse(text) == expected


def test_literal_position() -> None:
    node = parse("\n\n   @2014-01-01T")
    assert node.pos == (3, 4)


@pytest.mark.parametrize("text", ["2147483648", "+2147483648", "-2147483649",
                                  "9223372036854775808L", "Ceiling(2147483648)"])
def test_out_of_range_integers_are_syntax_errors(text: str) -> None:
    with pytest.raises(CqlSyntaxError, match="out of range"):
        parse(text)


@pytest.mark.parametrize("text", [r"'bad \q escape'", "'unterminated", "@2014-01-01X",
                                  "@T12Z", '"unterminated'])
def test_malformed_literals(text: str) -> None:
    with pytest.raises(CqlSyntaxError):
        parse(text)
