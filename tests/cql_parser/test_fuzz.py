"""Fuzzing: whatever the text, the parser returns an AST or raises a CqlError - never a
pyparsing exception, RecursionError, IndexError or anything else."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirrules.cql.errors import CqlError
from fhirrules.cql.grammar import parse_expression, parse_library

# Build the grammar (and let the parser raise the recursion limit it needs) before
# hypothesis starts watching the recursion limit.
parse_expression("1")

SAMPLE = (Path(__file__).parent / "data" / "RefractoryLupusSample.cql").read_text()
SAMPLE_LINES = SAMPLE.splitlines(keepends=True)

SNIPPETS = [
    "define X: ", "1 + 2", "(", ")", "[", "]", "{", "}", "'s'", '"q"', "`b`", "@2014-01-01T",
    "@T12:00", "5 'mg'", "3 days", "1:2", "Interval[", "List<Integer>", "Tuple {", "a: 1",
    "exists ", "not ", "is not null", " as Integer", "cast ", "between 1 and 2", " where ",
    " return ", " sort by ", " with ", " such that ", "starts 3 days or less before start ",
    "same day or after", "properly included in", "within 3 days of", "case when", " then ",
    " else ", " end", "if ", "X.Foo(", "[Condition: code in \"VS\"] C", "from A a, B b",
    "aggregate R starting 0: ", "let x: ", "collapse ", " per day", "convert ", " to 'mg'",
    "/*", "*/", "//", "\n", ",", ":", "-", "2147483648", "9L", "\\u00", "\\", "'", '"',
]

text_settings = settings(max_examples=100, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])


def check(fn, text: str) -> None:
    try:
        fn(text)
    except CqlError as exc:
        # the parser's last-resort guard turns its own bugs into errors: none may occur
        assert "internal parser error" not in exc.message, exc


@text_settings
@given(st.text(max_size=120))
def test_random_text(text: str) -> None:
    check(parse_library, text)
    check(parse_expression, text)


@text_settings
@given(st.lists(st.sampled_from(SNIPPETS), max_size=25).map("".join))
def test_random_token_soup(text: str) -> None:
    check(parse_library, text)
    check(parse_expression, text)


@st.composite
def mutated_sample(draw) -> str:
    """The sample library with a few lines deleted, duplicated or swapped, or a slice of
    characters cut out."""
    lines = list(SAMPLE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "cut":
            line = lines[i]
            a = draw(st.integers(0, len(line)))
            b = draw(st.integers(a, len(line)))
            lines[i] = line[:a] + line[b:]
        else:
            lines.insert(i, draw(st.sampled_from(SNIPPETS)))
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_mutated_library(text: str) -> None:
    check(parse_library, text)


@st.composite
def swapped_tokens(draw) -> str:
    """One define of the sample with two of its tokens swapped."""
    body = draw(st.sampled_from([ln for ln in SAMPLE_LINES if ln.strip() and not
                                 ln.lstrip().startswith(("//", "/*", "*"))]))
    tokens = body.split()
    if len(tokens) > 1:
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(0, len(tokens) - 1))
        tokens[i], tokens[j] = tokens[j], tokens[i]
    return " ".join(tokens)


@text_settings
@given(swapped_tokens())
def test_swapped_tokens(text: str) -> None:
    check(parse_expression, text)
    check(parse_library, "define X: " + text)
