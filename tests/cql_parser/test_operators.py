"""Keyword operators, timing phrases, selectors and type specifiers."""
from __future__ import annotations

import pytest

from fhirrules.cql import ast
from fhirrules.cql.grammar import parse_expression as parse

from .helpers import B, I, M, T, U, n, q, s


@pytest.mark.parametrize("text, expected", [
    ("exists X", U("Exists", I("X"))),
    ("-X", U("Negate", I("X"))),
    ("+X", I("X")),
    ("distinct X", U("Distinct", I("X"))),
    ("flatten X", U("Flatten", I("X"))),
    ("collapse X", U("Collapse", I("X"))),
    ("collapse X per day", U("Collapse", I("X"), "day")),
    ("expand X per 2 hours", B("Expand", I("X"), q("2", "hours"))),
    ("singleton from X", U("SingletonFrom", I("X"))),
    ("point from X", U("PointFrom", I("X"))),
    ("start of X", U("Start", I("X"))),
    ("end of X", U("End", I("X"))),
    ("width of X", U("Width", I("X"))),
    ("successor of X", U("Successor", I("X"))),
    ("predecessor of X", U("Predecessor", I("X"))),
    ("year from X", U("DateTimeComponentFrom", I("X"), "year")),
    ("millisecond from X", U("DateTimeComponentFrom", I("X"), "millisecond")),
    ("date from X", U("DateFrom", I("X"))),
    ("time from X", U("TimeFrom", I("X"))),
    ("timezoneoffset from X", U("TimezoneOffsetFrom", I("X"))),
    ("duration in days of X", B("DurationBetween", U("Start", I("X")), U("End", I("X")), "day")),
    ("difference in weeks of X",
     B("DifferenceBetween", U("Start", I("X")), U("End", I("X")), "week")),
    ("difference in months between a and b", B("DifferenceBetween", I("a"), I("b"), "month")),
    ("duration in days between a and b", B("DurationBetween", I("a"), I("b"), "day")),
    ("years between a and b", B("DurationBetween", I("a"), I("b"), "year")),
    ("X is null", U("IsNull", I("X"))),
    ("X is not false", U("Not", U("IsFalse", I("X")))),
    ("minimum Integer", ast.TypeExtent("minimum", T("Integer"))),
    ("maximum System.DateTime", ast.TypeExtent("maximum", T("DateTime", "System"))),
    ("convert X to String", ast.Convert(I("X"), type=T("String"))),
    ("convert 5 'mg' to 'g'", ast.Convert(q("5", "mg"), unit="g")),
    ("X in day of Y", B("In", I("X"), I("Y"), "day")),
    ("X contains Y", B("Contains", I("X"), I("Y"))),
    ("case when a then 1 else 2 end",
     ast.Case(None, [ast.CaseItem(I("a"), n(1))], n(2))),
    ("case x when 1 then 'a' when 2 then 'b' else 'c' end",
     ast.Case(I("x"), [ast.CaseItem(n(1), s("a")), ast.CaseItem(n(2), s("b"))], s("c"))),
    # invocations and chains
    ("Foo()", ast.FunctionCall("Foo", [])),
    ("Lib.Foo(1)", ast.FunctionCall("Foo", [n(1)], source=I("Lib"), fluent=True)),
    ("X.exists()", ast.FunctionCall("exists", [], source=I("X"), fluent=True)),
    ("X.y[0].z", M(ast.Indexer(M(I("X"), "y"), n(0)), "z")),
    ('"quoted id".`back tick`', M(I("quoted id"), "back tick")),
    ("X.code.display", M(M(I("X"), "code"), "display")),
    ("start", I("start")),
    ("date", I("date")),
    ("$this", I("$this")),
    ("%context", I("%context")),
    ("%'value set'", I("%value set")),
])
def test_operator(text: str, expected: ast.Expr) -> None:
    assert parse(text) == expected


def TE(relation: str, **kw) -> ast.TimingExpr:
    return ast.TimingExpr(I("A"), I("B"), relation, **kw)


@pytest.mark.parametrize("text, expected", [
    ("A same as B", B("SameAs", I("A"), I("B"))),
    ("A same day as B", B("SameAs", I("A"), I("B"), "day")),
    ("A same month or before B", B("SameOrBefore", I("A"), I("B"), "month")),
    ("A same or after B", B("SameOrAfter", I("A"), I("B"))),
    ("A starts same day as start B", TE("same_as", left_boundary="start", right_boundary="start",
                                         precision="day")),
    ("A before B", B("Before", I("A"), I("B"))),
    ("A after day of B", B("After", I("A"), I("B"), "day")),
    ("A on or before B", B("SameOrBefore", I("A"), I("B"))),
    ("A after or on B", B("SameOrAfter", I("A"), I("B"))),
    ("A starts before B", TE("before", left_boundary="start")),
    ("A ends after end B", TE("after", left_boundary="end", right_boundary="end")),
    ("A before start of B", B("Before", I("A"), U("Start", I("B")))),
    ("A 3 days or more before B", TE("before", quantity=q("3", "days"),
                                     quantity_qualifier="or more")),
    ("A starts 1 year or less after start B",
     TE("after", left_boundary="start", right_boundary="start", quantity=q("1", "year"),
        quantity_qualifier="or less")),
    ("A less than 3 days after B", TE("after", quantity=q("3", "days"),
                                      quantity_qualifier="less than")),
    ("A more than 2 weeks before B", TE("before", quantity=q("2", "weeks"),
                                        quantity_qualifier="more than")),
    ("A within 3 days of B", TE("within", quantity=q("3", "days"))),
    ("A 3 days on or before B", TE("same_or_before", quantity=q("3", "days"))),
    ("A starts 1 day or less before or on start B",
     TE("same_or_before", left_boundary="start", right_boundary="start",
        quantity=q("1", "day"), quantity_qualifier="or less")),
    ("A occurs properly within 3 days of end B",
     TE("within", right_boundary="end", quantity=q("3", "days"), properly=True)),
    ("A starts within 3 days of start B",
     TE("within", left_boundary="start", right_boundary="start", quantity=q("3", "days"))),
    ("A includes B", B("Includes", I("A"), I("B"))),
    ("A properly includes day of B", B("ProperIncludes", I("A"), I("B"), "day")),
    ("A includes start B", TE("includes", right_boundary="start")),
    ("A included in B", B("IncludedIn", I("A"), I("B"))),
    ("A during month of B", B("IncludedIn", I("A"), I("B"), "month")),
    ("A properly during B", B("ProperIncludedIn", I("A"), I("B"))),
    ("A starts during B", TE("during", left_boundary="start")),
    ("A ends properly included in B", TE("included_in", left_boundary="end", properly=True)),
    ("A meets B", B("Meets", I("A"), I("B"))),
    ("A meets before B", B("MeetsBefore", I("A"), I("B"))),
    ("A meets after day of B", B("MeetsAfter", I("A"), I("B"), "day")),
    ("A overlaps B", B("Overlaps", I("A"), I("B"))),
    ("A overlaps before B", B("OverlapsBefore", I("A"), I("B"))),
    ("A overlaps after month of B", B("OverlapsAfter", I("A"), I("B"), "month")),
    ("A starts B", B("Starts", I("A"), I("B"))),
    ("A ends day of B", B("Ends", I("A"), I("B"), "day")),
])
def test_timing_phrase(text: str, expected: ast.Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Interval[1, 5]", ast.IntervalSelector(n(1), n(5), True, True)),
    ("Interval(1, 5]", ast.IntervalSelector(n(1), n(5), False, True)),
    ("Interval[1, 5)", ast.IntervalSelector(n(1), n(5), True, False)),
    ("Interval(null, null)", ast.IntervalSelector(ast.Literal("Null", None),
                                                  ast.Literal("Null", None), False, False)),
    ("{}", ast.ListSelector([])),
    ("{1, 2}", ast.ListSelector([n(1), n(2)])),
    ("List<Integer>{}", ast.ListSelector([], T("Integer"))),
    ("List{1}", ast.ListSelector([n(1)])),
    ("{:}", ast.TupleSelector([])),
    ("Tuple {:}", ast.TupleSelector([])),
    ("{a: 1, b: 'x'}", ast.TupleSelector([("a", n(1)), ("b", s("x"))])),
    ("Tuple { code: 1, display: 2 }", ast.TupleSelector([("code", n(1)), ("display", n(2))])),
    ("{ {a: 1} }", ast.ListSelector([ast.TupleSelector([("a", n(1))])])),
    # obsolete (CQL 1.3) identifiers are still fine as element and member names
    ("{ all: 1, exists: 2 }", ast.TupleSelector([("all", n(1)), ("exists", n(2))])),
    ("Tuple { not: 1 }.not", M(ast.TupleSelector([("not", n(1))]), "not")),
    ("X.duration.when", M(M(I("X"), "duration"), "when")),
    ("Code { code: 'x' }", ast.InstanceSelector(T("Code"), [("code", s("x"))])),
    ("FHIR.Patient { id: 'p' }", ast.InstanceSelector(T("Patient", "FHIR"), [("id", s("p"))])),
    ("Quantity { value: 5, unit: 'g' }",
     ast.InstanceSelector(T("Quantity"), [("value", n(5)), ("unit", s("g"))])),
    ("Concept { codes: {}, display: 'd' }",
     ast.InstanceSelector(T("Concept"), [("codes", ast.ListSelector([])), ("display", s("d"))])),
    ("Code 'x' from \"CS\"", ast.CodeSelector("x", I("CS"))),
    ("Code 'x' from Lib.\"CS\" display 'd'", ast.CodeSelector("x", M(I("Lib"), "CS"), "d")),
    ("Concept { Code 'a' from CS, Code 'b' from CS } display 'ab'",
     ast.ConceptSelector([ast.CodeSelector("a", I("CS")), ast.CodeSelector("b", I("CS"))], "ab")),
])
def test_selector(text: str, expected: ast.Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("List<Interval<DateTime>>", ast.ListTypeSpec(ast.IntervalTypeSpec(T("DateTime")))),
    ("Tuple { a Integer, b List<String> }",
     ast.TupleTypeSpec([("a", T("Integer")), ("b", ast.ListTypeSpec(T("String")))])),
    ("Choice<FHIR.dateTime, FHIR.Period>",
     ast.ChoiceTypeSpec([T("dateTime", "FHIR"), T("Period", "FHIR")])),
    ("System.Integer", T("Integer", "System")),
    ("Code", T("Code")),
])
def test_type_specifier(text: str, expected: ast.TypeSpec) -> None:
    assert parse(f"x is {text}") == ast.IsType(I("x"), expected)
