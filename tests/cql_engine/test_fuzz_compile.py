"""Mutated CQL through parser, compiler and evaluation: whatever the input, only the
engine's own error types may come out (no KeyError, TypeError, RecursionError...)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirrules.cql.context import EvaluationContext
from fhirrules.cql.engine import CqlEngine
from fhirrules.cql.errors import CqlError

SEEDS = [
    "define A: 1 + 2 * 3",
    "define A: Interval[@2014-01-01, @2014-12-31] overlaps Interval[@2014-06-01, null)",
    "define A: ({3, 1, 2}) X where X > 1 return X * 2 sort desc",
    "define A: Tuple { a: 5 'mg', b: 'x' }.a + 2 'g'",
    "define A: months between @2014-01-31 and @2014-03-01",
    "define A: if Length('abc') = 3 then Split('a,b', ',') else null",
    "define function F(x Integer): x + 1\ndefine A: F(2) + 5L",
    "codesystem \"S\": 'http://s'\ndefine A: Code '123' from \"S\" ~ Code '123' from \"S\"",
    "define A: (from ({1, 2}) X, ({3}) Y return X + Y) union {4}",
    "define A: @2014-01-01T10:00:00.000+05:30 same day as @2014-01-01",
    "define A: Sum({1.5, 2, null}) + Avg({1, 2}) + Count({})",
    "define A: convert '5 mg' to Quantity",
    "define A: { 1, 2, 3 }[1] + singleton from { 4 }",
    "define A: 5 in Interval[1, 10] and not (null is null)",
]
TOKENS = ["(", ")", "{", "}", "[", "]", ",", ".", ":", "+", "-", "*", "/", "and", "or", "not", "null",
          "where", "return", "sort", "from", "define", "Interval", "Tuple", "@2014", "'x'", "1", "1.5",
          "5 'mg'", "X", "days", "between", "same", "as", "is", "cast", "convert", "to", "Integer", "List<"]

ENGINE = CqlEngine()


def _run(text: str) -> None:
    try:
        lib = ENGINE.compile("library Fuzz\n" + text + "\n", "fuzz.cql")
        lib.evaluate(EvaluationContext(now="2025-01-01T00:00:00Z"))
    except CqlError:
        pass


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + " " + draw(st.sampled_from(TOKENS)) + " " + text[i:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[i:j] + text[:i] + text[j:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_cql_raises_only_engine_errors(text: str) -> None:
    _run(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_random_text_raises_only_engine_errors(text: str) -> None:
    _run("define A: " + text)


def test_every_seed_is_valid_cql() -> None:
    for seed in SEEDS:
        lib = ENGINE.compile("library Seed\n" + seed + "\n", "seed.cql")
        lib.evaluate(EvaluationContext(now="2025-01-01T00:00:00Z"))
