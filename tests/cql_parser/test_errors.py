"""Syntax errors: always CqlSyntaxError, with location, the source line, a caret and a
message in words."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlSyntaxError
from fhirrules.cql.grammar import parse_expression, parse_library


def error_of(text: str, source_name: str = "lib.cql") -> CqlSyntaxError:
    with pytest.raises(CqlSyntaxError) as info:
        parse_library(text, source_name)
    return info.value


def test_dangling_operator_shows_file_line_col_line_and_caret() -> None:
    err = error_of("define X: 1 +")
    assert (err.line, err.col, err.source_name) == (1, 14, "lib.cql")
    assert err.source_line == "define X: 1 +"
    text = str(err)
    assert text.startswith("lib.cql:1:14: syntax error: expected an expression after '+'")
    assert text.splitlines()[1:] == ["  define X: 1 +", "               ^"]


@pytest.mark.parametrize("text, line, col, message", [
    ("define X 1", 1, 10, "expected ':', found '1'"),
    ("define X: (1 + 2", 1, 17, "expected ')', found the end of the text"),
    ("define X: Foo(1,", 1, 17, "expected an expression"),
    ("define X: if a then b", 1, 22, "expected 'else'"),
    ("define X: case when a then b end", 1, 30, "expected 'else', found 'end'"),
    ("define X: Interval[1 2]", 1, 22, "expected ','"),
    ("define X:\n  [Encounter] E\n    where", 3, 10, "expected an expression"),
    ("define X: a as Integer + 1", 1, 24, "unexpected '+'"),
    ("define X: x same dy as y", 1, 18, "expected 'or before', 'or after' or 'as', found 'dy'"),
    ("define X: 1 /* never closed", 1, 13, "unterminated block comment"),
    ("define X: 'it''s'", 1, 15, "unexpected \"'s'\""),
    ("codesystem C: 1", 1, 15, "expected a string, found '1'"),
    ("define X: 2147483648", 1, 11, "Integer literal 2147483648 is out of range"),
    (r"define X: 'a\qb'", 1, 11, "unknown escape sequence"),
    ("define X: 1\n\tdefine", 2, 8, "found the end of the text"),
    ("define X: Interval[1, 2", 1, 24, "expected ']' or ')', found the end of the text"),
    ("define function F(x Integer) returns: x", 1, 37, "expected a type, found ':'"),
    ("define X: [Encounter] E wher E.x", 1, 25,
     "unexpected 'wher': expected an operator, a query clause or a new definition"),
    ("define X: 1\nusing QDM", 2, 1,
     "'using' definitions must come before the first 'define' or 'context'"),
    ("library A\nlibrary B", 2, 1, "the 'library' header must come first, and only once"),
    ("Define X: 1", 1, 1, "a library starts with 'library', a definition"),
    ("define X: [A] a Where a.x", 1, 17, "did you mean 'where'?"),
    ("define X: A <> B", 1, 13, "'<>' is not CQL: write '!='"),
    ("define X: [Encounter] E with [Condition] C where C.x", 1, 44, "expected 'such'"),
    ("define X: x same day before y", 1, 22, "expected 'or before', 'or after' or 'as'"),
    ("define X: hours between @T06Z and @T07", 1, 25,
     "a Time literal cannot carry a time-zone offset: '@T06Z'"),
])
def test_error_location_and_message(text: str, line: int, col: int, message: str) -> None:
    err = error_of(text)
    assert (err.line, err.col) == (line, col), str(err)
    assert message in err.message, str(err)


def test_expression_errors_use_the_source_name() -> None:
    with pytest.raises(CqlSyntaxError) as info:
        parse_expression("1 + * 2", "PlanDefinition/x#condition")
    assert str(info.value).startswith("PlanDefinition/x#condition:1:5: syntax error")
    with pytest.raises(CqlSyntaxError, match="unexpected '2': expected an operator or the end"):
        parse_expression("1 2")


@pytest.mark.parametrize("bad", [None, 5, b"define X: 1"])
def test_non_text_input(bad: object) -> None:
    with pytest.raises(CqlSyntaxError):
        parse_library(bad)  # type: ignore[arg-type]


def test_excessive_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(CqlSyntaxError, match="nested too deeply"):
        parse_expression("(" * 5000 + "1" + ")" * 5000)
