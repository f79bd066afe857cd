"""What the Python and JavaScript analyses have in common: the "unknown value" sentinel,
how a string was built, where untrusted data came from, what a value rests on (the
evidence a finding's confidence is derived from), and reporting a finding."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import (
    CONSTANT,
    LIBRARY,
    LOCAL_INPUT,
    PARAMETER,
    REMOTE_INPUT,
    Confidence,
    Fix,
    Related,
    RuleInfo,
    Severity,
)
from .source import SourceFile


class Unknown:
    """Sentinel: the value cannot be computed statically."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()

# How a string was built, as messages say it (in this order).
_BUILT_WITH = {
    "fstring": "an f-string",
    "template": "a template literal",
    "concat": "`+` concatenation",
    "percent": "`%` formatting",
    "format": "`.format()`",
    "util_format": "`util.format()`",
    "join": "`.join()`",
}


@dataclass(slots=True)
class StringInfo:
    """How an expression that yields a string was put together."""

    kinds: set[str] = field(default_factory=set)  # "literal" and the keys of _BUILT_WITH
    literal_text: str = ""
    dynamic_parts: list = field(default_factory=list)

    @property
    def is_string(self) -> bool:
        return bool(self.kinds)

    @property
    def dynamic(self) -> bool:
        return bool(self.dynamic_parts)

    @property
    def built(self) -> bool:
        """True when the string was assembled from parts at run time."""
        return bool(self.kinds - {"literal"}) and self.dynamic

    def describe(self) -> str:
        found = [text for kind, text in _BUILT_WITH.items() if kind in self.kinds]
        return " and ".join(found) if found else "a non-literal value"


KIND_LABELS = {
    "request": "request data",
    "input": "user input",
    "argv": "a command-line argument",
    "env": "an environment variable",
    "llm": "LLM output",
    "url": "the page URL",
    "message": "a message from another window or socket",
}
# Data an outside party controls directly (not the operator's own environment or argv).
REMOTE_KINDS = frozenset({"request", "input", "llm", "url", "message"})


@dataclass(frozen=True, slots=True)
class Taint:
    kind: str  # a key of KIND_LABELS
    node: object  # the source expression
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_llm(self) -> bool:
        return self.kind == "llm"

    @property
    def is_remote(self) -> bool:
        return self.kind in REMOTE_KINDS

    @property
    def evidence(self) -> str:
        """A finding's evidence when this taint reaches its sink (model.REMOTE_INPUT...)."""
        return REMOTE_INPUT if self.is_remote else LOCAL_INPUT


# -- what an untainted value rests on: constants, or a parameter / unknown origin ------
# Calls and methods that only reshape their (constant) inputs; any other call's result
# is of unknown origin (a database row, a file, another module's function).
PURE_FUNCTIONS = frozenset({
    "str", "int", "float", "bool", "len", "repr", "sorted", "tuple", "list", "set",
    "frozenset", "dict", "min", "max", "abs", "round", "range", "enumerate", "zip",
    "reversed", "format", "hex", "oct", "chr", "ord",  # Python builtins
    "String", "Number", "Boolean", "parseInt", "parseFloat", "JSON.stringify", "Object.keys",
    "Object.values", "Object.entries", "Array.from", "require",  # JavaScript
})
PURE_METHODS = frozenset({
    "join", "format", "upper", "lower", "strip", "lstrip", "rstrip", "replace", "title",
    "capitalize", "split", "rsplit", "splitlines", "get", "keys", "values", "items",
    "encode", "decode", "removeprefix", "removesuffix", "zfill", "casefold", "copy",
    "toString", "toUpperCase", "toLowerCase", "trim", "concat", "slice", "substring",
    "padStart", "padEnd", "replaceAll", "toFixed",
})
_CALLS = {"call": "arguments", "call_expression": "arguments"}  # node type -> arguments field
_MEMBERS = {"attribute": ("object", "attribute"), "member_expression": ("object", "property")}
_NAMES = frozenset({"identifier", "shorthand_property_identifier"})
# Values that bind names of their own or run code later: their origin is not followed.
_OPAQUE = frozenset({
    "lambda", "list_comprehension", "dictionary_comprehension", "set_comprehension",
    "generator_expression", "arrow_function", "function_expression", "function",
    "new_expression", "this", "super", "yield", "await_expression",
})
_MAX_VISITS = 400


def value_origin(ctx, node) -> str:
    """CONSTANT when every part of `node` comes from literals, module or class constants
    (UPPER_CASE names, imported names) through pure reshaping (`", ".join(COLUMNS)`,
    `TABLES[\"a\"]`, a loop over a constant); PARAMETER as soon as one part is a function
    parameter or a value of unknown origin (a call's result, `self.name`, anything not
    followed).  Works on Python and JavaScript trees through the shared context API
    (`reaching`, `function_of`, `parameters`, `imports`, `is_literal`, `text`)."""
    if node is None:
        return PARAMETER
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        if len(seen) > _MAX_VISITS:
            return PARAMETER
        kind = current.type
        if kind in _OPAQUE:
            return PARAMETER
        if kind in _NAMES:
            values = _name_values(ctx, current)
            if values is None:
                return PARAMETER
            stack.extend(values)
        elif kind in _MEMBERS:
            obj_field, name_field = _MEMBERS[kind]
            name = current.child_by_field_name(name_field)
            if name is None or not ctx.text(name).isupper():  # `mod.TABLE`, `self.LIMIT`
                stack.append(current.child_by_field_name(obj_field))
        elif kind in _CALLS:
            inputs = _pure_call_inputs(ctx, current)
            if inputs is None:
                return PARAMETER
            stack.extend(inputs)
        elif kind == "keyword_argument":
            stack.append(current.child_by_field_name("value"))
        elif current.named_child_count and not ctx.is_literal(current):
            stack.extend(current.named_children)
    return CONSTANT


def _name_values(ctx, use) -> list | None:
    """What the name `use` may hold (expressions to follow), or None when it is a
    parameter or cannot be followed."""
    name = ctx.text(use)
    function = ctx.function_of(use)
    if function is not None and name in ctx.parameters(function):
        return None
    bindings = [b for b in ctx.reaching(name, use)
                if b.value is None or not b.value.start_byte <= use.start_byte < b.value.end_byte]
    if not bindings:
        if name in ctx.imports or (name.startswith("__") and name.endswith("__")):
            return []  # another module of the program, or the interpreter's own data
        return None  # a parameter of an outer function, a global set elsewhere, a builtin
    values = []
    for binding in bindings:
        if binding.value is None:
            return None
        values.append(binding.value)
    return values


def _pure_call_inputs(ctx, call) -> list | None:
    """The receiver and arguments of a call that only reshapes them; None otherwise."""
    func = call.child_by_field_name("function")
    args = call.child_by_field_name(_CALLS[call.type])
    inputs = list(args.named_children) if args is not None else []
    if func is None:
        return None
    if func.type in _MEMBERS:
        obj_field, name_field = _MEMBERS[func.type]
        method = func.child_by_field_name(name_field)
        if ctx.text(func) in PURE_FUNCTIONS:
            return inputs
        if method is not None and ctx.text(method) in PURE_METHODS:
            return [func.child_by_field_name(obj_field), *inputs]
        return None
    if func.type == "identifier" and ctx.text(func) in PURE_FUNCTIONS \
            and not ctx.reaching(ctx.text(func), func):
        return inputs
    return None


class ReportingContext:
    """The part of a language's check context that turns nodes into findings."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.findings: list = []

    def report(
        self,
        rule: RuleInfo,
        node,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        secret: str | None = None,
        evidence: str | None = None,
    ) -> None:
        self.findings.append(self.source.finding(
            rule, self.source.node_location(node), message, severity=severity,
            confidence=confidence, related=related, fix=fix, secret=secret, evidence=evidence,
        ))

    def location(self, node):
        return self.source.node_location(node)

    def library_evidence(self, evidence: str) -> str:
        """"parameter" evidence outside application code (`is_application`, per language)
        becomes "parameter+library" (low confidence): for sinks where running or loading
        what the caller passes is the usual contract of a library function (a debugger, a
        template engine, a module loader, a cache)."""
        if evidence == PARAMETER and not self.is_application:
            return f"{evidence}+{LIBRARY}"
        return evidence
