"""The CQL abstract syntax tree.

The parser (``grammar.py``) produces these nodes and nothing else; the compiler
(``compiler.py``) consumes them.  Every node carries ``pos`` = (line, column), both
1-based, of the token that starts it, so that compile and run-time errors can point at
the source.  Nodes are plain frozen-free dataclasses: cheap to build, easy to print.

Operators are named by their ELM names (the names of the CQL logical specification,
e.g. ``Add``, ``Equivalent``, ``SameOrBefore``, ``IncludedIn``) so that parser, compiler
and operator modules share one vocabulary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

Pos = tuple[int, int]


@dataclass
class Node:
    pos: Pos = field(default=(0, 0), kw_only=True, compare=False, repr=False)


# ---------------------------------------------------------------- type specifiers
@dataclass
class NamedTypeSpec(Node):
    name: str                         # e.g. "Integer", "Observation"
    namespace: Optional[str] = None   # e.g. "System", "FHIR"; None when unqualified


@dataclass
class ListTypeSpec(Node):
    element: "TypeSpec"


@dataclass
class IntervalTypeSpec(Node):
    point: "TypeSpec"


@dataclass
class TupleTypeSpec(Node):
    elements: list[tuple[str, "TypeSpec"]]


@dataclass
class ChoiceTypeSpec(Node):
    choices: list["TypeSpec"]


TypeSpec = NamedTypeSpec | ListTypeSpec | IntervalTypeSpec | TupleTypeSpec | ChoiceTypeSpec


# ---------------------------------------------------------------- expressions
class Expr(Node):
    """Marker base class for expressions."""


@dataclass
class Literal(Expr):
    """A literal.  ``type`` is one of: Null, Boolean, Integer, Long, Decimal, String,
    Date, DateTime, Time, Quantity, Ratio.  ``value`` is the *source text* needed to build
    the value, already unescaped for strings:

    - Boolean: True/False;  Null: None
    - Integer/Long/Decimal: the digits as text (e.g. "5", "5" for 5L, "1.50")
    - String: the unescaped Python str
    - Date/DateTime/Time: the text after '@' (e.g. "2014-01-01T", "T09:00:00.000")
    - Quantity: (number_text, unit) where unit is the UCUM string without quotes or a
      calendar keyword such as "day"/"days"/"month"; unit "1" when omitted
    - Ratio: ((number_text, unit), (number_text, unit))
    """
    type: str
    value: Any


@dataclass
class Identifier(Expr):
    """An unqualified name: a define, parameter, alias, let, operand, codesystem,
    valueset, code, concept or included library alias.  The compiler resolves it."""
    name: str


@dataclass
class Member(Expr):
    """``source.name``: property access, or a qualified reference into an included
    library (``Lib.Define``) when ``source`` is an Identifier naming a library alias."""
    source: Expr
    name: str


@dataclass
class Indexer(Expr):
    """``source[index]``"""
    source: Expr
    index: Expr


@dataclass
class FunctionCall(Expr):
    """``name(args)``, ``Lib.name(args)`` (library set) or the fluent form
    ``source.name(args)`` (fluent=True, source is the first argument, NOT included in
    ``args``)."""
    name: str
    args: list[Expr]
    library: Optional[str] = None
    source: Optional[Expr] = None
    fluent: bool = False


@dataclass
class UnaryOp(Expr):
    """Prefix / postfix / keyword unary operators by ELM name, e.g. Not, Negate, Exists,
    Distinct, Flatten, Collapse, SingletonFrom, PointFrom, Start, End, Width, Successor,
    Predecessor, IsNull, IsTrue, IsFalse, DateFrom, TimeFrom, TimezoneOffsetFrom,
    DateTimeComponentFrom (precision set), ToDate..., Size.
    ``precision`` carries the date/time component for DateTimeComponentFrom ('year', ...)
    and the per-clause precision of Collapse/Expand ('per 1 day' is a BinaryOp)."""
    op: str
    operand: Expr
    precision: Optional[str] = None


@dataclass
class BinaryOp(Expr):
    """Binary operators by ELM name:
    Add, Subtract, Multiply, Divide, TruncatedDivide, Modulo, Power, Concatenate ('&'),
    And, Or, Xor, Implies, Equal, NotEqual, Equivalent, NotEquivalent, Less, LessOrEqual,
    Greater, GreaterOrEqual, Union, Intersect, Except, In, Contains, Includes, IncludedIn,
    ProperIncludes, ProperIncludedIn, Before, After, SameAs, SameOrBefore, SameOrAfter,
    Meets, MeetsBefore, MeetsAfter, Overlaps, OverlapsBefore, OverlapsAfter, Starts, Ends,
    Expand (per), Collapse (per), DifferenceBetween, DurationBetween, Between is TernaryOp.

    ``precision`` is the date/time precision of the phrase ('day', 'month', ...; singular),
    e.g. ``A same month or before B`` -> BinaryOp('SameOrBefore', A, B, precision='month').
    For DifferenceBetween/DurationBetween it is the unit asked for.
    """
    op: str
    left: Expr
    right: Expr
    precision: Optional[str] = None


@dataclass
class TimingExpr(Expr):
    """Timing phrases that do not map to one ELM operator, kept structured so the
    compiler can apply the spec's rewrite rules:

      left [starts|ends|occurs] [properly]? within|within? <quantity> of [start|end]? right
      left [starts|ends] [quantity or more|or less]? [before|after] [start|end]? right
      left [starts|ends] same [precision] [as|or before|or after] [start|end]? right
      left [starts|ends] (during|included in|includes) [start|end]? right  (precision ok)

    Fields:
      left_boundary / right_boundary: None | 'start' | 'end'  (left: 'occurs' -> None)
      relation: 'before' | 'after' | 'within' | 'same_as' | 'same_or_before' |
                'same_or_after' | 'includes' | 'included_in' | 'during' | 'meets' |
                'meets_before' | 'meets_after' | 'overlaps' | 'overlaps_before' |
                'overlaps_after' | 'starts' | 'ends'
      quantity: offset Expr (a Quantity literal) or None
      quantity_qualifier: None | 'or more' | 'or less' | 'less than' | 'more than'
      properly: bool;  precision: e.g. 'day' or None
    """
    left: Expr
    right: Expr
    relation: str
    left_boundary: Optional[str] = None
    right_boundary: Optional[str] = None
    quantity: Optional[Expr] = None
    quantity_qualifier: Optional[str] = None
    properly: bool = False
    precision: Optional[str] = None


@dataclass
class Between(Expr):
    """``x between low and high`` (properly: exclusive).  Also ``difference in days
    between a and b`` is BinaryOp('DifferenceBetween', a, b, precision='day')."""
    operand: Expr
    low: Expr
    high: Expr
    properly: bool = False


@dataclass
class If(Expr):
    condition: Expr
    then: Expr
    else_: Expr


@dataclass
class CaseItem(Node):
    when: Expr
    then: Expr


@dataclass
class Case(Expr):
    comparand: Optional[Expr]
    items: list[CaseItem]
    else_: Expr


@dataclass
class IsType(Expr):
    operand: Expr
    type: TypeSpec


@dataclass
class AsType(Expr):
    """``x as T`` (strict=False) and ``cast x as T`` (strict=True)."""
    operand: Expr
    type: TypeSpec
    strict: bool = False


@dataclass
class Convert(Expr):
    """``convert x to T`` (type set) or ``convert x to 'unit'`` (unit set)."""
    operand: Expr
    type: Optional[TypeSpec] = None
    unit: Optional[str] = None


@dataclass
class TypeExtent(Expr):
    """``minimum Integer`` / ``maximum DateTime``: kind is 'minimum' or 'maximum'."""
    kind: str
    type: TypeSpec


@dataclass
class IntervalSelector(Expr):
    low: Expr
    high: Expr
    low_closed: bool
    high_closed: bool


@dataclass
class ListSelector(Expr):
    elements: list[Expr]
    element_type: Optional[TypeSpec] = None   # List<Integer>{...}


@dataclass
class TupleSelector(Expr):
    elements: list[tuple[str, Expr]]


@dataclass
class InstanceSelector(Expr):
    """``Code { code: 'x', system: 'y' }``, ``Quantity { value: 5, unit: 'g' }``,
    ``FHIR.Patient { ... }``."""
    type: NamedTypeSpec
    elements: list[tuple[str, Expr]]


@dataclass
class CodeSelector(Expr):
    """``Code 'x' from "System" display 'd'``; system is the codesystem identifier
    expression (Identifier or Member for a library-qualified one)."""
    code: str
    system: Expr
    display: Optional[str] = None


@dataclass
class ConceptSelector(Expr):
    codes: list[CodeSelector]
    display: Optional[str] = None


@dataclass
class Retrieve(Expr):
    """``[Type: codePath in Terminology]`` and friends.

    data_type: NamedTypeSpec of the resource type.
    context_expr: the ``Patient ->`` related-context expression, if any.
    code_path: explicit path or None (use the model's primary code path).
    code_comparator: 'in' | '=' | '~' | None.
    terminology: the terminology Expr (valueset/code/concept identifier or expression),
    or None for an unfiltered retrieve.
    """
    data_type: NamedTypeSpec
    context_expr: Optional[Expr] = None
    code_path: Optional[str] = None
    code_comparator: Optional[str] = None
    terminology: Optional[Expr] = None


# ---------------------------------------------------------------- queries
@dataclass
class AliasedSource(Node):
    source: Expr
    alias: str


@dataclass
class LetClause(Node):
    name: str
    expr: Expr


@dataclass
class RelationshipClause(Node):
    """``with``/``without`` Source alias ``such that`` condition."""
    kind: str               # 'with' | 'without'
    source: AliasedSource
    condition: Expr


@dataclass
class SortItem(Node):
    """``sort by expr asc`` or, with ``expr`` None, ``sort asc|desc`` on the whole
    element."""
    expr: Optional[Expr]
    direction: str = "asc"   # 'asc' | 'desc'


@dataclass
class AggregateClause(Node):
    accumulator: str
    starting: Optional[Expr]
    expr: Expr
    distinct: bool = False   # 'aggregate distinct' vs 'aggregate all'/'aggregate'


@dataclass
class Query(Expr):
    sources: list[AliasedSource]
    lets: list[LetClause] = field(default_factory=list)
    relationships: list[RelationshipClause] = field(default_factory=list)
    where: Optional[Expr] = None
    return_expr: Optional[Expr] = None
    return_distinct: bool = True      # 'return all' sets False; no return: distinct
    aggregate: Optional[AggregateClause] = None
    sort: Optional[list[SortItem]] = None


# ---------------------------------------------------------------- library level
@dataclass
class UsingDef(Node):
    model: str
    version: Optional[str] = None
    alias: Optional[str] = None


@dataclass
class IncludeDef(Node):
    path: str                      # library name, possibly dotted ('a.b.Lib')
    version: Optional[str] = None
    alias: Optional[str] = None    # 'called X'; defaults to the last path segment


@dataclass
class CodeSystemDef(Node):
    name: str
    id: str
    version: Optional[str] = None
    access: str = "public"


@dataclass
class ValueSetDef(Node):
    name: str
    id: str
    version: Optional[str] = None
    codesystems: list[Expr] = field(default_factory=list)
    access: str = "public"


@dataclass
class CodeDef(Node):
    name: str
    code: str
    system: Expr                   # codesystem identifier (Identifier / Member)
    display: Optional[str] = None
    access: str = "public"


@dataclass
class ConceptDef(Node):
    name: str
    codes: list[Expr]              # code identifiers
    display: Optional[str] = None
    access: str = "public"


@dataclass
class ParameterDef(Node):
    name: str
    type: Optional[TypeSpec] = None
    default: Optional[Expr] = None
    access: str = "public"


@dataclass
class ContextDef(Node):
    name: str                      # 'Patient', 'Unfiltered', ...
    model: Optional[str] = None


@dataclass
class ExpressionDef(Node):
    name: str
    expr: Expr
    context: Optional[str] = None  # the context in force where it was defined
    access: str = "public"


@dataclass
class OperandDef(Node):
    name: str
    type: TypeSpec


@dataclass
class FunctionDef(Node):
    name: str
    operands: list[OperandDef]
    body: Optional[Expr]           # None when 'external'
    return_type: Optional[TypeSpec] = None
    fluent: bool = False
    external: bool = False
    context: Optional[str] = None
    access: str = "public"


@dataclass
class Library(Node):
    name: Optional[str] = None
    version: Optional[str] = None
    usings: list[UsingDef] = field(default_factory=list)
    includes: list[IncludeDef] = field(default_factory=list)
    codesystems: list[CodeSystemDef] = field(default_factory=list)
    valuesets: list[ValueSetDef] = field(default_factory=list)
    codes: list[CodeDef] = field(default_factory=list)
    concepts: list[ConceptDef] = field(default_factory=list)
    parameters: list[ParameterDef] = field(default_factory=list)
    contexts: list[ContextDef] = field(default_factory=list)
    statements: list[ExpressionDef | FunctionDef] = field(default_factory=list)
    source_name: str = "<cql>"
