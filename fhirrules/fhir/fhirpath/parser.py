"""FHIRPath (N1, 2.0) parser: text -> the CQL AST nodes of ``fhirrules.cql.ast``.

FHIRPath is CQL's path language, so its expressions are represented with the same nodes
(Literal, Identifier, Member, FunctionCall, Indexer, UnaryOp, BinaryOp, IsType, AsType);
the FHIRPath-only terms are ``ExternalConstant`` (``%name``) and the special identifiers
``$this``/``$index``/``$total`` (Identifier nodes with those names).

A small hand-written tokenizer plus precedence climbing: the grammar is tiny, and this
gives exact line/column positions for every syntax error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlSyntaxError


@dataclass
class ExternalConstant(ast.Expr):
    """``%context``, ``%resource``, ``%ucum``, ``%'vs-name'``."""
    name: str


_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<unterminated>/\*)
  | (?P<datetime>@\d{4}(?:-\d{2}(?:-\d{2})?)?T(?:\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
  | (?P<date>@\d{4}(?:-\d{2}(?:-\d{2})?)?)
  | (?P<time>@T\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?)
  | (?P<number>\d+(?:\.\d+)?L?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<delimited>`(?:[^`\\]|\\.)*`)
  | (?P<special>\$this|\$index|\$total)
  | (?P<external>%)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|!~|[-+*/&|<>=~()\[\]{},.])
""", re.VERBOSE | re.DOTALL)

_ESCAPES = {"'": "'", '"': '"', "`": "`", "\\": "\\", "/": "/", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

_CALENDAR = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
             "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"}

# binary operator precedence, loosest first (FHIRPath spec, section "Operator precedence")
_LEVELS: list[dict[str, str]] = [
    {"implies": "Implies"},
    {"or": "Or", "xor": "Xor"},
    {"and": "And"},
    {"in": "In", "contains": "Contains"},
    {"=": "Equal", "~": "Equivalent", "!=": "NotEqual", "!~": "NotEquivalent"},
    {"<=": "LessOrEqual", "<": "Less", ">": "Greater", ">=": "GreaterOrEqual"},
    {"|": "Union"},
    {"is": "is", "as": "as"},
    {"+": "Add", "-": "Subtract", "&": "Concatenate"},
    {"*": "Multiply", "/": "Divide", "div": "TruncatedDivide", "mod": "Modulo"},
]
_WORD_OPERATORS = {"implies", "or", "xor", "and", "in", "contains", "is", "as", "div", "mod"}


@dataclass
class _Token:
    kind: str
    text: str
    pos: int


def unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n == "u" and i + 5 < len(body) + 0:
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


class _Parser:
    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.source_name = source_name
        self.tokens = self._tokenize()
        self.i = 0

    # ---------------------------------------------------------------- errors
    def _where(self, offset: int) -> tuple[int, int, str]:
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return line, offset - start + 1, self.text[start:end if end >= 0 else len(self.text)]

    def error(self, message: str, offset: int) -> CqlSyntaxError:
        line, col, src = self._where(offset)
        return CqlSyntaxError(message, line, col, self.source_name, src)

    def _tokenize(self) -> list[_Token]:
        tokens: list[_Token] = []
        pos = 0
        while pos < len(self.text):
            m = _TOKEN_RE.match(self.text, pos)
            if not m:
                raise self.error(f"unexpected character {self.text[pos]!r}", pos)
            kind = m.lastgroup or ""
            if kind == "unterminated":
                raise self.error("comment is not closed with */", pos)
            if kind not in ("ws", "comment"):
                tokens.append(_Token(kind, m.group(), pos))
            pos = m.end()
        tokens.append(_Token("eof", "", len(self.text)))
        return tokens

    # ---------------------------------------------------------------- helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def _node(self, node: ast.Node, tok: _Token) -> ast.Node:
        line, col, _ = self._where(tok.pos)
        node.pos = (line, col)
        return node

    def accept(self, text: str) -> _Token | None:
        t = self.tok
        if (t.kind == "op" and t.text == text) or (t.kind == "ident" and t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, text: str) -> _Token:
        t = self.accept(text)
        if t is None:
            found = self.tok.text or "end of expression"
            raise self.error(f"expected '{text}' but found '{found}'", self.tok.pos)
        return t

    # ---------------------------------------------------------------- grammar
    def parse(self) -> ast.Expr:
        if self.tok.kind == "eof":
            raise self.error("empty expression", 0)
        expr = self.binary(0)
        if self.tok.kind != "eof":
            raise self.error(f"unexpected '{self.tok.text}'", self.tok.pos)
        return expr

    def _binary_op_at(self, level: int) -> str | None:
        t = self.tok
        ops = _LEVELS[level]
        if t.kind == "op" and t.text in ops:
            return t.text
        if t.kind == "ident" and t.text in ops and t.text in _WORD_OPERATORS:
            return t.text
        return None

    def binary(self, level: int) -> ast.Expr:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (op := self._binary_op_at(level)) is not None:
            tok = self.tok
            self.i += 1
            if op in ("is", "as"):
                type_spec = self.type_specifier()
                node = ast.IsType(left, type_spec) if op == "is" else ast.AsType(left, type_spec)
                left = self._node(node, tok)
                continue
            right = self.binary(level + 1)
            left = self._node(ast.BinaryOp(_LEVELS[level][op], left, right), tok)
        return left

    def type_specifier(self) -> ast.NamedTypeSpec:
        tok = self.tok
        first = self.identifier()
        if self.accept("."):
            return self._node(ast.NamedTypeSpec(self.identifier(), first), tok)
        return self._node(ast.NamedTypeSpec(first), tok)

    def unary(self) -> ast.Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text in ("+", "-"):
            self.i += 1
            operand = self.unary()
            return operand if tok.text == "+" else self._node(ast.UnaryOp("Negate", operand), tok)
        return self.postfix(self.term())

    def postfix(self, expr: ast.Expr) -> ast.Expr:
        while True:
            tok = self.tok
            if self.accept("."):
                expr = self.invocation(expr)
            elif self.accept("["):
                index = self.binary(0)
                self.expect("]")
                expr = self._node(ast.Indexer(expr, index), tok)
            else:
                return expr

    def identifier(self) -> str:
        t = self.tok
        if t.kind == "ident":
            self.i += 1
            return t.text
        if t.kind == "delimited":
            self.i += 1
            return unescape(t.text[1:-1])
        raise self.error(f"expected an identifier but found '{t.text or 'end of expression'}'", t.pos)

    def invocation(self, source: ast.Expr | None) -> ast.Expr:
        tok = self.tok
        if tok.kind == "special":
            self.i += 1
            return self._node(ast.Identifier(tok.text), tok)
        name = self.identifier()
        if self.accept("("):
            args: list[ast.Expr] = []
            if not self.accept(")"):
                args.append(self.binary(0))
                while self.accept(","):
                    args.append(self.binary(0))
                self.expect(")")
            return self._node(ast.FunctionCall(name, args, source=source, fluent=source is not None), tok)
        if source is None:
            return self._node(ast.Identifier(name), tok)
        return self._node(ast.Member(source, name), tok)

    def term(self) -> ast.Expr:
        t = self.tok
        k = t.kind
        if k == "op" and t.text == "(":
            self.i += 1
            expr = self.binary(0)
            self.expect(")")
            return expr
        if k == "op" and t.text == "{":
            self.i += 1
            self.expect("}")
            return self._node(ast.Literal("Null", None), t)
        if k == "external":
            self.i += 1
            nt = self.tok
            if nt.kind == "string":
                self.i += 1
                return self._node(ExternalConstant(unescape(nt.text[1:-1])), t)
            return self._node(ExternalConstant(self.identifier()), t)
        if k == "string":
            self.i += 1
            return self._node(ast.Literal("String", unescape(t.text[1:-1])), t)
        if k == "number":
            self.i += 1
            return self._number(t)
        if k in ("date", "datetime", "time"):
            self.i += 1
            kind = {"date": "Date", "datetime": "DateTime", "time": "Time"}[k]
            return self._node(ast.Literal(kind, t.text[1:]), t)
        if k == "ident" and t.text in ("true", "false"):
            self.i += 1
            return self._node(ast.Literal("Boolean", t.text == "true"), t)
        if k in ("ident", "delimited", "special"):
            return self.invocation(None)
        raise self.error(f"unexpected '{t.text or 'end of expression'}'", t.pos)

    def _number(self, t: _Token) -> ast.Expr:
        text = t.text
        if text.endswith("L"):
            return self._node(ast.Literal("Long", text[:-1]), t)
        nt = self.tok
        if nt.kind == "string":          # quantity with a UCUM unit
            self.i += 1
            return self._node(ast.Literal("Quantity", (text, unescape(nt.text[1:-1]))), t)
        if nt.kind == "ident" and nt.text in _CALENDAR:
            self.i += 1
            return self._node(ast.Literal("Quantity", (text, nt.text)), t)
        return self._node(ast.Literal("Decimal" if "." in text else "Integer", text), t)


def parse_fhirpath(text: str, source_name: str = "<fhirpath>") -> ast.Expr:
    """Parse a FHIRPath expression; raises CqlSyntaxError with line and column."""
    return _Parser(text, source_name).parse()
