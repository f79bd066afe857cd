"""Checks a function makes before a value reaches a sink, and code that never runs.

A name is *guarded* at a use when, in the same function, the use sits in the body of
an `if` that lets only known values through (`if sort in ALLOWED:`), or follows an
`if` that leaves the function (or the loop) for every other value
(`if sort not in ALLOWED: raise ...`).  The shapes are data, below; anything else
(a check whose failure branch carries on, a check on another name) is no guard.
Dead code — the body of `if False:` / `if 0:`, the `else` of `if True:`, a case of
`match 3:` that cannot match or follows one that surely does — carries nothing.  Walks
go up the parent chain (bounded by the nesting depth), never down.
"""

from __future__ import annotations

import re

from ..shared import UNKNOWN
from . import folding
from .context import FUNCTION_TYPES, PyContext

# `isinstance(x, T)` with one of these types (or a tuple of them) fixes what x can be.
SAFE_TYPES = frozenset({"int", "float", "bool", "complex", "decimal.Decimal", "Decimal",
                        "uuid.UUID", "UUID", "datetime.date", "datetime.datetime",
                        "numbers.Number", "numbers.Integral"})
# `x.isdigit()` and friends: the text holds only these characters.
CHARACTER_CLASS_METHODS = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum",
                                     "isalpha", "isidentifier", "isascii_letters"})
# Characters a check may take out before a character-class test (`x.replace(".", "")`)
# without letting shell, SQL, path or option syntax through.
HARMLESS_SEPARATORS = frozenset({".", "_"})
# Whole-text regular expression checks: `re.fullmatch(p, x)`, `PATTERN.fullmatch(x)`;
# `match`/`search` count when the pattern is anchored at the end (`^[a-z]+$`).
REGEX_FULL_CALLS = frozenset({"re.fullmatch", "regex.fullmatch"})
REGEX_ANCHORED_CALLS = frozenset({"re.match", "re.search", "regex.match", "regex.search"})
_END_ANCHORED = re.compile(r"(?:\$|\\Z|\\z)\)*$")
_START_ANCHORED = re.compile(r"^\(*(?:\^|\\A)")
# Calls that never return normally: an `if` ending with one leaves the function.
ABORTING_CALLS = frozenset({"abort", "flask.abort", "quart.abort", "werkzeug.exceptions.abort",
                            "sys.exit", "exit", "quit", "os._exit", "pytest.fail", "pytest.skip",
                            "django.http.Http404"})
_LEAVING = frozenset({"return_statement", "raise_statement", "continue_statement",
                      "break_statement"})
_BOUNDARY = FUNCTION_TYPES | {"class_definition", "module"}
_SYNTACTIC_CONSTANTS = frozenset({"true", "false", "none", "integer", "float", "string"})
# What a condition folded by `constant_truth` may be made of (a string's parts included).
_FOLDABLE = _SYNTACTIC_CONSTANTS | {
    "string_start", "string_content", "string_end", "escape_sequence", "concatenated_string",
    "binary_operator", "comparison_operator", "boolean_operator", "not_operator",
    "unary_operator", "parenthesized_expression", "tuple", "list"}
_FOLD_BUDGET = 64  # nodes; a longer constant expression is not worth folding
# Numbers, operators, quoted text and constant keywords only, in the text of an `if`/`elif`
# condition or a `match` subject (the text finds candidates fast; the tree decides).
_CONSTANT_TEXT = (rb"(?:[\d \t.+\-*/%<>=!&|^~(),\[\]]|True\b|False\b|None\b|and\b|or\b"
                  rb"|not\b|in\b|is\b|\"[^\"\n]*\"|'[^'\n]*')*")
_CONSTANT_CONDITION = re.compile(rb"if[ \t(](" + _CONSTANT_TEXT + rb"):")
_CONSTANT_SUBJECT = re.compile(rb"(match)[ \t(]" + _CONSTANT_TEXT + rb":")  # a literal first: fast


def is_guarded(ctx: PyContext, use) -> bool:
    """Whether the identifier `use` only holds values a check in its function allowed."""
    key = ("guarded", use.id)
    if key not in ctx.memo:
        ctx.memo[key] = _guarded(ctx, use, ctx.text(use), False)
    return ctx.memo[key]


def rejects_options(ctx: PyContext, use) -> bool:
    """Whether the identifier `use` cannot start with `-` (a program would read it as an
    option): a check in its function rejected such values (`if x.startswith("-"): abort()`,
    inside `if not x.startswith("-"):`), or allowed only checked values (`is_guarded`)."""
    key = ("no-options", use.id)
    if key not in ctx.memo:
        ctx.memo[key] = _guarded(ctx, use, ctx.text(use), True)
    return ctx.memo[key]


def _guarded(ctx: PyContext, use, name: str, options: bool) -> bool:
    """`options`: a test that the value starts with `-` counts as a check too."""
    child, current = use, use.parent
    while current is not None and current.type not in _BOUNDARY:
        if current.type in ("if_statement", "elif_clause"):
            consequence = current.child_by_field_name("consequence")
            condition = current.child_by_field_name("condition")
            if consequence is not None and consequence.id == child.id \
                    and _allows(ctx, condition, name, True, options):
                return True
        if current.type == "block":
            for statement in _earlier_statements(current, child):
                if statement.type == "if_statement" and \
                        _rejects_others(ctx, statement, name, options):
                    return True
        child, current = current, current.parent
    return False


def _earlier_statements(block, child):
    for statement in block.named_children:
        if statement.start_byte >= child.start_byte:
            return
        yield statement


def _rejects_others(ctx: PyContext, statement, name: str, options: bool) -> bool:
    """`if <name fails the check>: return / raise / continue / abort(...)`, no else."""
    if any(c.type in ("elif_clause", "else_clause") for c in statement.named_children):
        return False
    body = statement.child_by_field_name("consequence")
    if body is None or not body.named_child_count or not _leaves(ctx, body.named_children[-1]):
        return False
    return _allows(ctx, statement.child_by_field_name("condition"), name, False, options)


def _leaves(ctx: PyContext, statement) -> bool:
    if statement.type in _LEAVING:
        return True
    if statement.type == "expression_statement" and statement.named_child_count:
        expr = statement.named_children[0]
        return expr.type == "call" and ctx.call(expr).qualname in ABORTING_CALLS
    return False


def _allows(ctx: PyContext, condition, name: str, wanted: bool, options: bool) -> bool:
    """Whether `condition` being `wanted` means `name` passed a check (explicit stack);
    with `options`, `name.startswith("-")` being false is such a check."""
    stack = [(condition, wanted)]
    while stack:
        node, truth = stack.pop()
        if node is None:
            continue
        kind = node.type
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            stack.append((node.named_children[0], truth))
        elif kind == "not_operator":
            stack.append((node.child_by_field_name("argument"), not truth))
        elif kind == "boolean_operator":
            op = ctx.text(node.child_by_field_name("operator"))
            # `A and B` true: both hold; `A or B` false: both fail
            if (op == "and") == truth:
                stack.append((node.child_by_field_name("left"), truth))
                stack.append((node.child_by_field_name("right"), truth))
        elif kind == "comparison_operator":
            if _comparison(ctx, node, name, truth):
                return True
        elif kind == "call":
            if _check_call(ctx, node, name) if truth else _finds_forbidden(ctx, node, name) \
                    or options and _starts_with_dash(ctx, node, name):
                return True
    return False


def _starts_with_dash(ctx: PyContext, node, name: str) -> bool:
    """`name.startswith("-")`, also with a tuple of prefixes that holds "-"."""
    call = ctx.call(node)
    if call.method != "startswith" or len(call.positional) != 1 or \
            not _is_name(ctx, call.func.child_by_field_name("object"), name):
        return False
    prefixes = ctx.literal(call.positional[0])
    return prefixes == "-" or isinstance(prefixes, tuple) and "-" in prefixes


# A pattern that is one negated character class: a search for it finds any character
# outside an allowed set (`re.compile(r"[^\w@+=:,./-]").search`).
_NEGATED_CLASS = re.compile(r"^\[\^(?:\\.|[^\]\\])+\][+*]?$")


def _finds_forbidden(ctx: PyContext, node, name: str) -> bool:
    """`re.search(r"[^a-z0-9_]", x)`, `UNSAFE.search(x)` or `find_unsafe(x)` (a name for
    such a bound `search`): false only when every character of `x` is allowed."""
    call = ctx.call(node)
    if call.qualname in ("re.search", "regex.search"):
        return len(call.positional) == 2 and _is_name(ctx, call.positional[1], name) \
            and _negated_class(ctx.literal(call.positional[0]))
    if not call.positional or not _is_name(ctx, call.positional[0], name):
        return False
    func = call.func
    if func is not None and func.type == "identifier":  # `find_unsafe = UNSAFE.search`
        bound = [b.value for b in ctx.reaching(ctx.text(func), func) if b.kind == "assign"]
        func = bound[-1] if len(bound) == 1 else None
    if func is None or func.type != "attribute" or \
            ctx.text(func.child_by_field_name("attribute")) != "search":
        return False
    receiver = func.child_by_field_name("object")
    if receiver.type == "call" and ctx.call(receiver).qualname in ("re.compile", "regex.compile") \
            and ctx.call(receiver).positional:
        return _negated_class(ctx.literal(ctx.call(receiver).positional[0]))
    return _negated_class(_compiled_pattern(ctx, receiver))


def _negated_class(pattern) -> bool:
    return isinstance(pattern, str) and _NEGATED_CLASS.match(pattern) is not None


def _comparison(ctx: PyContext, node, name: str, truth: bool) -> bool:
    children = node.children
    if len(children) != 3:
        return False
    left, operator, right = children
    op = operator.type  # the grammar's token: "not in" / "is not" however spaced
    if op in ("in", "not in") and _is_name(ctx, left, name):
        return (op == "in") == truth and _fixed_collection(ctx, right)
    if op in ("==", "!="):
        for mine, other in ((left, right), (right, left)):
            if _is_name(ctx, mine, name) and other.type in _SYNTACTIC_CONSTANTS:
                return (op == "==") == truth
    if op in ("is", "is not") and right.type == "none" and left.type == "call":
        # `re.fullmatch(p, x) is None` false / `is not None` true
        return (op == "is not") == truth and _check_call(ctx, left, name)
    return False


def _check_call(ctx: PyContext, node, name: str) -> bool:
    call = ctx.call(node)
    if call.qualname in ("isinstance",) and len(call.positional) == 2:
        return _is_name(ctx, call.positional[0], name) and _safe_types(ctx, call.positional[1])
    if call.method in CHARACTER_CLASS_METHODS and not call.positional:
        return _is_name(ctx, _without_separators(ctx, call.func.child_by_field_name("object")),
                        name)
    if call.qualname in REGEX_FULL_CALLS or call.qualname in REGEX_ANCHORED_CALLS:
        if len(call.positional) < 2 or not _is_name(ctx, call.positional[1], name):
            return False
        return call.qualname in REGEX_FULL_CALLS or _anchored(
            ctx.literal(call.positional[0]), call.qualname.endswith("search"))
    if call.method in ("fullmatch", "match") and call.positional \
            and _is_name(ctx, call.positional[0], name):
        pattern = _compiled_pattern(ctx, call.func.child_by_field_name("object"))
        return call.method == "fullmatch" and pattern is not None or _anchored(pattern, False)
    return False


def _without_separators(ctx: PyContext, node):
    """`x` for `x.replace(".", "").replace("_", "")`: text checked with dots or underscores
    taken out holds only those besides the class (`host.replace(".", "").isalnum()`)."""
    while node is not None and node.type == "call":
        call = ctx.call(node)
        if call.method != "replace" or len(call.positional) != 2 or \
                ctx.literal(call.positional[0]) not in HARMLESS_SEPARATORS or \
                ctx.literal(call.positional[1]) != "":
            return node
        node = call.func.child_by_field_name("object")
    return node


def _anchored(pattern, needs_start: bool) -> bool:
    return isinstance(pattern, str) and _END_ANCHORED.search(pattern) is not None and (
        not needs_start or _START_ANCHORED.search(pattern) is not None)


def _compiled_pattern(ctx: PyContext, receiver):
    """The pattern text of `PATTERN = re.compile(r"...")` (None when not such a name)."""
    if receiver is None or receiver.type != "identifier":
        return None
    for binding in reversed(ctx.reaching(ctx.text(receiver), receiver)):
        value = binding.value
        if binding.kind == "assign" and value is not None and value.type == "call":
            call = ctx.call(value)
            if call.qualname in ("re.compile", "regex.compile") and call.positional:
                pattern = ctx.literal(call.positional[0])
                return pattern if isinstance(pattern, str) else None
        return None
    return None


def _safe_types(ctx: PyContext, node) -> bool:
    items = node.named_children if node.type == "tuple" else [node]
    return bool(items) and all((ctx.qualname(item) or "") in SAFE_TYPES for item in items)


def _is_name(ctx: PyContext, node, name: str) -> bool:
    return node is not None and node.type == "identifier" and ctx.text(node) == name


def _fixed_collection(ctx: PyContext, node) -> bool:
    """A set/tuple/list/dict written in the code (also through a constant name or
    `.keys()`), not data from outside."""
    from .own_data import is_own_data

    if node.type == "call":
        call = ctx.call(node)
        if call.method in ("keys", "values") and call.func is not None:
            node = call.func.child_by_field_name("object")
    return node is not None and node.type != "string" and is_own_data(ctx, node)


def is_dead(ctx: PyContext, node) -> bool:
    """Inside a branch a constant condition rules out: the body of `if False:` /
    `if 7 * 18 + 106 < 200:` / such an `elif`, the `else` (and later `elif`s) of
    `if True:`, a case of `match 3:` that cannot match or follows one that surely does
    (`_dead_cases`).  The branches are found once per file (`_dead_ranges`), so asking
    costs a look-up: every binding a value is followed through asks."""
    start = node.start_byte
    return any(low <= start < high for low, high in _dead_ranges(ctx))


def _dead_ranges(ctx: PyContext) -> list[tuple[int, int]]:
    found = ctx.memo.get(("dead-ranges",))
    if found is None:
        found = ctx.memo[("dead-ranges",)] = _find_dead_ranges(ctx)
    return found


def _find_dead_ranges(ctx: PyContext) -> list[tuple[int, int]]:
    """Byte ranges of the branches constant conditions rule out."""
    ranges = []
    root = ctx.tree.root_node
    for match in _CONSTANT_CONDITION.finditer(ctx.source.data):
        keyword = root.descendant_for_byte_range(match.start(), match.start() + 2)
        statement = keyword.parent if keyword is not None else None
        if statement is None or statement.type not in ("if_statement", "elif_clause"):
            continue
        value = constant_truth(ctx, statement.child_by_field_name("condition"))
        if value is None:
            continue
        if not value:
            body = statement.child_by_field_name("consequence")
            if body is not None:
                ranges.append((body.start_byte, body.end_byte))
            continue
        owner = statement if statement.type == "if_statement" else statement.parent
        ranges.extend((clause.start_byte, clause.end_byte) for clause in owner.named_children
                      if clause.type in ("elif_clause", "else_clause")
                      and clause.start_byte > statement.start_byte)
    for match in _CONSTANT_SUBJECT.finditer(ctx.source.data):
        keyword = root.descendant_for_byte_range(match.start(1), match.end(1))
        statement = keyword.parent if keyword is not None else None
        if statement is not None and statement.type == "match_statement":
            ranges.extend(_dead_cases(ctx, statement))
    return ranges


def _dead_cases(ctx: PyContext, statement) -> list[tuple[int, int]]:
    """The cases of `match <constant>:` that never run: those whose pattern cannot match
    the subject, and every case after the first one that surely matches.  A guard
    (`case 1 if x:`) is not evaluated: its case is dead only when its pattern cannot
    match, and it never makes the later cases dead."""
    subjects = statement.children_by_field_name("subject")
    body = statement.child_by_field_name("body")
    subject = constant_value(ctx, subjects[0]) if len(subjects) == 1 else UNKNOWN
    if subject is UNKNOWN or body is None:
        return []
    ranges, matched = [], False
    for clause in body.named_children:
        if clause.type != "case_clause":
            continue
        patterns = [c for c in clause.named_children if c.type == "case_pattern"]
        outcome = _pattern_outcome(ctx, patterns[0], subject) if len(patterns) == 1 else None
        if matched or outcome is False:
            ranges.append((clause.start_byte, clause.end_byte))
        elif outcome and not any(c.type == "if_clause" for c in clause.named_children):
            matched = True
    return ranges


def _pattern_outcome(ctx: PyContext, pattern, subject) -> bool | None:
    """Whether a case pattern matches a constant subject: True surely, False never, None
    when unsure.  An or-pattern matches when one of its alternatives does, `p as name`
    and `(p)` when `p` does; the wildcard and a capture (`case other:`) always match, a
    literal by `folding.literal_pattern_matches`.  Other patterns (`Point(x=1)`,
    `Color.RED`, `[1, 2]`, `1+2j`) are not folded."""
    outcome, stack, budget = False, [[pattern]], _FOLD_BUDGET
    while stack:
        nodes = stack.pop()
        budget -= len(nodes)
        if budget < 0:
            return None
        inner = _grouped(nodes)
        if inner is not None:
            stack.append([inner])
        elif len(nodes) == 1 and nodes[0].type == "union_pattern":
            stack.extend(_alternatives(nodes[0]))
        else:
            matches = _alternative_matches(ctx, nodes, subject)
            if matches:
                return True
            if matches is None:
                outcome = None
    return outcome


def _grouped(nodes: list):
    """The pattern a wrapper holds: `case_pattern` around one pattern, `p as name`, a
    parenthesised `(p)` (not the tuple `(p,)`); else None."""
    if len(nodes) != 1:
        return None
    node = nodes[0]
    if node.type == "case_pattern" and node.child_count == 1 or node.type == "as_pattern":
        return node.children[0]
    if node.type == "case_pattern":
        return None
    if node.type == "tuple_pattern" and [c.type for c in node.children] == [
            "(", "case_pattern", ")"]:
        return node.children[1]
    return None


def _alternative_matches(ctx: PyContext, nodes: list, subject) -> bool | None:
    """One alternative made of `nodes` (`_`, `other`, `"a"`, `-2` as two nodes)."""
    if len(nodes) == 1 and nodes[0].type == "case_pattern":
        nodes = nodes[0].children  # `case -2:`: the sign and the number
    kinds = [node.type for node in nodes]
    if kinds == ["_"] or kinds == ["dotted_name"] and nodes[0].named_child_count == 1:
        return True  # the wildcard, or a capture pattern (`case other:`)
    value = UNKNOWN
    if kinds in (["-", "integer"], ["-", "float"]):
        value = ctx.literal(nodes[1])
        value = -value if isinstance(value, (int, float)) else UNKNOWN
    elif len(nodes) == 1 and _only_constants(nodes[0]):
        value = ctx.literal(nodes[0])
    return None if value is UNKNOWN else folding.literal_pattern_matches(subject, value)


def _alternatives(union) -> list[list]:
    """The alternatives of an or-pattern (`1 | -2 | _`), each as the nodes it is made of."""
    found: list[list] = [[]]
    for child in union.children:
        if child.type == "|":
            found.append([])
        else:
            found[-1].append(child)
    return found


def constant_truth(ctx: PyContext, condition) -> bool | None:
    """The truth of a condition written with constants and operators only (`False`, `0`,
    `not True`, `7 * 18 + 106 > 200`); None when it names anything (`DEBUG`, `x > 1`):
    a setting may be flipped, so code under it still counts."""
    value = constant_value(ctx, condition)
    return None if value is UNKNOWN else bool(value)


def constant_value(ctx: PyContext, node):
    """The value of an expression written with constants and operators only, else UNKNOWN."""
    if node is None or not _only_constants(node):
        return UNKNOWN
    return ctx.literal(node)


def _only_constants(node) -> bool:
    """Made of constants and operators only; bytes (`b"a"`) do not count: `literal` reads
    them as text, and `b"a" == "a"` is false."""
    stack, budget = [node], _FOLD_BUDGET
    while stack:
        current = stack.pop()
        budget -= 1
        if budget < 0 or current.type not in _FOLDABLE or current.type == "string_start" \
                and b"b" in current.text.lower():
            return False
        stack.extend(current.named_children)
    return True


def in_import_fallback(ctx: PyContext, node) -> bool:
    """`node` sits in an `except ImportError:` (or `ModuleNotFoundError`) handler: code
    that runs only where the `try` block's import is missing, an old or bootstrapping
    Python (`try: from tempfile import mkstemp` / `except ImportError: mktemp()`)."""
    current = node.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        if current.type == "except_clause":
            caught = next((c for c in current.named_children if c.type != "block"), None)
            names = ctx.text(caught) if caught is not None else ""
            return bool(names) and all(
                name.strip().rpartition(" as ")[0].strip("() ") in IMPORT_ERRORS
                or name.strip("() ") in IMPORT_ERRORS
                for name in names.split(","))
        current = current.parent
    return False


IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
