"""Expressions compiled to closures: literals, names, operators, conditionals, types."""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine_fakes import evaluate
from fhirrules.cql.engine import CqlEngine
from fhirrules.cql.errors import CqlRuntimeError, CqlSemanticError, CqlSyntaxError
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.tuple import CqlTuple


def test_integer_range_is_checked_at_compile_time() -> None:
    assert evaluate("-2147483648") == -2147483648
    assert evaluate("2147483647") == 2147483647
    with pytest.raises(CqlSyntaxError):
        evaluate("2147483648")
    with pytest.raises(CqlSyntaxError):
        evaluate("-2147483649")


def test_long_and_decimal_literals() -> None:
    v = evaluate("5L + 1L")
    assert v == 6 and type(v) is Long
    assert evaluate("1.5 + 1") == Decimal("2.5")
    with pytest.raises(CqlSemanticError):
        evaluate("0.000000001")          # more than 8 digits after the point
    with pytest.raises(CqlSemanticError):
        evaluate("10000000000000000000000000000.0")


def test_identifier_errors_name_what_exists_with_position() -> None:
    engine = CqlEngine()
    with pytest.raises(CqlSemanticError) as info:
        engine.compile('library T\ndefine "Food": 1\ndefine X:\n  Foo + 1\n')
    err = info.value
    assert "Could not resolve identifier 'Foo'" in err.message
    assert "did you mean 'Food'?" in err.message
    assert (err.line, err.col) == (4, 3)


def test_three_valued_logic_short_circuits() -> None:
    assert evaluate("false and (1 / 0 > 1)") is False
    assert evaluate("true or null") is True
    assert evaluate("null and true") is None
    assert evaluate("null implies false") is None
    assert evaluate("false implies null") is True


def test_if_and_case() -> None:
    assert evaluate("if null then 1 else 2") == 2
    assert evaluate("case 2 when 1 then 'a' when 2 then 'b' else 'c' end") == "b"
    assert evaluate("case when 1 > 2 then 'a' else 'c' end") == "c"


def test_between_and_tuple_member_access() -> None:
    assert evaluate("5 between 1 and 10") is True
    assert evaluate("Tuple { a: 1, b: 'x' }.b") == "x"
    assert evaluate("{ Tuple { a: 1 }, Tuple { a: 2 }, Tuple { a: null } }.a") == [1, 2]
    assert evaluate("(5 'mg').unit") == "mg"
    assert evaluate("Interval[1, 5).highClosed") is False


def test_interval_selector_rejects_inverted_bounds() -> None:
    assert isinstance(evaluate("Interval[1, 2.5]"), Interval)
    with pytest.raises(CqlRuntimeError):
        evaluate("Interval[5, 3]")


def test_type_operators() -> None:
    assert evaluate("5 is Integer") is True
    assert evaluate("5 is Decimal") is False
    assert evaluate("{1, 2} is List<Integer>") is True
    assert evaluate("'a' as Integer") is None
    with pytest.raises(CqlRuntimeError) as info:
        evaluate("cast 'a' as Integer")
    assert info.value.line is not None
    assert evaluate("convert 5 to Decimal") == Decimal(5)
    q = evaluate("convert 5000 'g' to 'kg'")
    assert isinstance(q, Quantity) and q.value == 5 and q.unit == "kg"
    assert evaluate("maximum Integer") == 2147483647
    assert evaluate("minimum Long") == -(2 ** 63)
    with pytest.raises(CqlSemanticError):
        evaluate("minimum Boolean")


def test_tuple_equivalence_with_different_elements_is_a_semantic_error() -> None:
    with pytest.raises(CqlSemanticError):
        evaluate("Tuple { a: 1 } ~ Tuple { a: 1, b: 2 }")
    assert evaluate("Tuple { a: 1, b: 2 } ~ Tuple { a: 1, b: 2 }") is True


def test_runtime_error_carries_source_position() -> None:
    engine = CqlEngine()
    lib = engine.compile("library T\ndefine X:\n  singleton from { 1, 2 }\n")
    from fhirrules.cql.context import EvaluationContext
    with pytest.raises(CqlRuntimeError) as info:
        lib.evaluate_define("X", EvaluationContext())
    assert info.value.line == 3


def test_message_raises_on_error_severity_and_logs_otherwise() -> None:
    from fhirrules.cql.context import EvaluationContext
    lib = CqlEngine().compile("library T\ndefine W: Message(1, true, 'w1', 'Warning', 'careful')\n"
                              "define E: Message(1, true, '400', 'Error', 'boom')\n")
    ctx = EvaluationContext()
    assert lib.evaluate_define("W", ctx) == 1
    assert ctx.messages == [("Warning", "w1", "careful")]
    with pytest.raises(CqlRuntimeError, match="400: boom"):
        lib.evaluate_define("E", ctx)


def test_now_is_stable_within_a_context() -> None:
    from fhirrules.cql.context import EvaluationContext
    lib = CqlEngine().compile("library T\ndefine A: Now()\ndefine B: Now() = Now()\ndefine C: Today()\n")
    ctx = EvaluationContext()
    assert lib.evaluate_define("B", ctx) is True
    assert lib.evaluate_define("A", ctx) is ctx.now


def test_list_point_overloads_of_includes() -> None:
    assert evaluate("{1, 2} includes 2") is True
    assert evaluate("null as List<String> properly includes 'a'") is False
    assert evaluate("Length(null as List<Integer>)") == 0
    assert evaluate("Length(null as String)") is None


def test_instance_selectors() -> None:
    c = evaluate("Concept { codes: Code { code: 'x', system: 's' } }")
    assert [k.code for k in c.codes] == ["x"]
    t = evaluate("Tuple { a: 1 }")
    assert isinstance(t, CqlTuple) and t["a"] == 1
    with pytest.raises(CqlSemanticError):
        evaluate("Code { nope: 'x' }")


def test_wrong_arity_of_a_system_function_is_a_compile_error() -> None:
    with pytest.raises(CqlSemanticError, match=r"Abs\(\) takes 1 argument"):
        evaluate("Abs(1, 2)")
    with pytest.raises(CqlSemanticError, match="Could not resolve type 'Foo'"):
        evaluate("1 as Foo")


def test_unknown_tuple_element_is_a_compile_error() -> None:
    with pytest.raises(CqlSemanticError, match="has no element 'nmae'; did you mean 'name'"):
        evaluate("Tuple { name: 'x' }.nmae")
    assert evaluate("({ Tuple { name: 'x' } }) T return T.name") == ["x"]
