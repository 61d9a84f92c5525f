"""Every AST node carries the (line, column) of the token that starts it."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator

from fhirrules.cql import ast
from fhirrules.cql.grammar import parse_library

SAMPLE = (Path(__file__).parent / "data" / "RefractoryLupusSample.cql").read_text()


def nodes(x: object) -> Iterator[ast.Node]:
    if isinstance(x, ast.Node):
        yield x
        for f in dataclasses.fields(x):
            yield from nodes(getattr(x, f.name))
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from nodes(item)


def text_at(lines: list[str], pos: ast.Pos) -> str:
    line, col = pos
    return lines[line - 1][col - 1:]


def test_every_node_has_a_position_that_points_at_its_token() -> None:
    lib = parse_library(SAMPLE)
    lines = SAMPLE.splitlines()
    all_nodes = [n for n in nodes(lib) if not isinstance(n, ast.Library)]
    assert len(all_nodes) > 600
    for node in all_nodes:
        assert node.pos != (0, 0), node
        here = text_at(lines, node.pos)
        if isinstance(node, ast.Identifier) and not node.name.startswith("$"):
            assert here.startswith((node.name, f'"{node.name}"')), (node, here)
        elif isinstance(node, ast.Literal) and node.type == "String":
            assert here.startswith("'"), (node, here)
        elif isinstance(node, (ast.BinaryOp, ast.TimingExpr)):
            # infix: the left operand's start; prefix forms ('years between'): earlier
            assert node.pos <= node.left.pos, node
        elif isinstance(node, ast.ExpressionDef):
            assert here.startswith("define"), here
        elif isinstance(node, ast.Retrieve):
            assert here.startswith("["), here


def test_positions_with_crlf_and_tabs() -> None:
    text = "define X:\r\n\t\t1 +\r\n\tfoo"
    expr = parse_library(text).statements[0].expr
    assert expr.pos == (2, 3)
    assert expr.right.pos == (3, 2)
