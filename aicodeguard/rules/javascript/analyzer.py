"""Run every JavaScript/TypeScript check over one parsed file in a single query pass.

The query is deliberately generic (imports, bindings, calls and `new`, object
properties, JSX attributes); which check runs is decided by dictionary
look-ups on the qualified callee, method, property or target name, as for
Python.  One compiled query per grammar (JavaScript with JSX, TypeScript, TSX).
"""

from __future__ import annotations

from tree_sitter import Query, QueryCursor

from ...analysis.javascript.branches import dead_ranges
from ...analysis.javascript.context import JsContext
from ...analysis.javascript.file_kind import js_file_context
from ...analysis.javascript.values import target_name, unwrap
from ...analysis.source import SourceFile
from ...languages import ts_language
from ...model import FileResult, ImportRef
from ...supply.names import NPM, npm_package_of
from ..run_checks import run_checks

# Every module with JavaScript checks: importing one registers its checks on `on`.
from . import (  # noqa: F401
    cleartext_credentials,
    cookies,
    crypto,
    default_accounts,
    deserialization,
    forwarded_for,
    imported_sinks,
    injection,
    injection_objects,
    injection_shell,
    jwt,
    llm,
    placeholder_secrets,
    randomness,
    redos,
    secrets,
    temp_files,
    timing,
    tls,
    web,
    web_config,
    xml_building,
    xss,
)
from .checks import on

QUERY_SOURCE = """
[(function_declaration) (function_expression) (arrow_function) (method_definition)
 (generator_function_declaration) (generator_function)] @function
(import_statement) @import
(export_statement source: (string)) @import
(variable_declarator) @bind
(assignment_expression) @bind
(augmented_assignment_expression) @bind
(for_in_statement) @bind
(call_expression) @call
(new_expression) @call
(pair) @pair
[(if_statement) (switch_statement)] @branch
(binary_expression operator: ["===" "==" "!==" "!="]) @node
"""
JSX_QUERY_SOURCE = "(jsx_attribute) @jsx\n"
LANGUAGES = ("javascript", "typescript", "tsx")

_REQUIRE_CALLEES = frozenset({"require.resolve", "module.require"})
# Calls that put a value into a container: `parts.push(user)` taints `parts`.
_MUTATORS = frozenset({"push", "unshift", "append", "set", "add", "splice"})

_queries: dict[str, Query] = {}
_call_tails: frozenset[str] = frozenset()
_call_heads: frozenset[str] = frozenset()
# Name -> checks whose predicate accepts it (names repeat across files; bounded).
_predicate_cache: dict[tuple[int, str], tuple] = {}
_PREDICATE_CACHE_LIMIT = 50_000
_accepted_types: dict[int, frozenset | None] = {}


def query(language: str | None = None) -> Query:
    """The compiled query for `language` (all three compiled when None: before forking)."""
    global _call_tails, _call_heads
    if not _queries:
        for name in LANGUAGES:
            source = QUERY_SOURCE + (JSX_QUERY_SOURCE if name != "typescript" else "")
            _queries[name] = Query(ts_language(name), source)
        _call_tails, _call_heads = on.call_tails(), on.call_heads()
    return _queries[language or "javascript"]


def _predicate_value_types() -> frozenset[str]:
    """Value node types some assignment predicate looks at (all types: an empty set
    is never returned when a predicate takes every value)."""
    global _assignment_value_types
    if _assignment_value_types is None:
        table = on.assignment_predicates
        _assignment_value_types = _ANY_TYPE if any(types is None for _, types, _ in table) \
            else frozenset().union(*(types for _, types, _ in table))
    return _assignment_value_types


class _AnyType(frozenset):
    def __contains__(self, item) -> bool:
        return True


_ANY_TYPE = _AnyType()
_assignment_value_types: frozenset[str] | None = None


def _start_byte(node) -> int:
    return node.start_byte


def _by_predicate(table: list, name: str, value) -> tuple:
    if value is None or not table:
        return ()
    accepted = _accepted_types.get(id(table))
    if accepted is None:
        accepted = _accepted_types[id(table)] = (
            None if any(types is None for _, types, _ in table)
            else frozenset().union(*(types for _, types, _ in table)))
    if accepted is not None and value.type not in accepted:
        return ()
    key = (id(table), name)
    checks = _predicate_cache.get(key)
    if checks is None:
        if len(_predicate_cache) > _PREDICATE_CACHE_LIMIT:
            _predicate_cache.clear()
        checks = _predicate_cache[key] = tuple(
            (types, check) for predicate, types, check in table if predicate(name))
    kind = value.type
    return tuple(check for types, check in checks if types is None or kind in types)


def analyze(source: SourceFile, tree, result: FileResult) -> None:
    ctx, captures, specifiers = prepare(source, tree, result.language)
    result.context |= js_file_context(source.data, _specifier_texts(specifiers), tree.root_node,
                                      source.project_path)
    run_checks(ctx, matched_checks(ctx, captures), result)
    _add_import_refs(ctx, specifiers, result)


def prepare(source: SourceFile, tree, language: str,
            imported: bool = False) -> tuple[JsContext, dict, list]:
    """The file's context filled from one query pass: (context, captures, module
    specifier strings for the supply-chain checks).  `imported`: a module another file
    imports, whose own imports are not followed (one level)."""
    captures = QueryCursor(query(language)).captures(tree.root_node)
    ctx = JsContext(source, tree)
    if imported:
        ctx.memo[("imported-module",)] = True
    start = _start_byte  # capture lists are not always in document order
    ctx.set_functions(sorted(captures.get("function", ()), key=start))
    specifiers: list = []
    for node in captures.get("import", ()):
        ctx.add_import(node)
        _import_specifiers(node, specifiers)
    captures["bind"] = sorted(captures.get("bind", ()), key=start)
    for node in captures["bind"]:
        ctx.add_binding(node)
    dead = dead_ranges(ctx, captures.get("branch", ()))
    if dead:
        ctx.drop_dead_bindings(dead)
    for node in captures.get("call", ()):
        _index_call(ctx, node, specifiers)
    return ctx, captures, specifiers


def matched_checks(ctx: JsContext, captures: dict) -> list[tuple]:
    """Every `(check, args)` the captures match, in the order they run."""
    pending: list[tuple] = []
    bindings = captures["bind"]
    for node in bindings:
        _match_assignment(ctx, node, pending)
        for check in on.nodes.get(node.type, ()):
            pending.append((check, (node,)))
    imported: list[tuple] = []
    for node in captures.get("call", ()):
        _match_call(ctx, node, pending)
        if _calls_project_module(ctx, node):
            imported.append((imported_sinks.check, (ctx.call(node),)))
    for node in captures.get("pair", ()):
        _match_pair(ctx, node, pending)
    for node in captures.get("jsx", ()):
        _match_jsx(ctx, node, pending)
    for node in captures.get("node", ()):
        pending.extend((check, (node,)) for check in on.nodes.get(node.type, ()))
    return pending + imported  # last: a sink already reported at the call is not repeated


def _calls_project_module(ctx: JsContext, node) -> bool:
    """`runQuery(...)` / `db.runQuery(...)` after an import from `./db` or `../lib/db`."""
    names = ctx.memo.get(("project-imports",))
    if names is None:
        names = ctx.memo[("project-imports",)] = frozenset(
            name for name, module in ctx.imports.items() if module.startswith("."))
    func = node.child_by_field_name("function")
    head = ctx.root_identifier(unwrap(func)) if func is not None and names else None
    return head is not None and ctx.text(head) in names


def _index_call(ctx: JsContext, node, specifiers: list) -> None:
    """What a call tells the context before any check runs: calls by name, module
    specifiers, and what `parts.push(x)` puts into `parts`."""
    func = unwrap(node.child_by_field_name(
        "constructor" if node.type == "new_expression" else "function"))
    kind = func.type if func is not None else None
    if kind == "import":
        _first_string_argument(node, specifiers)
    elif kind == "identifier":
        name = ctx.text(func)
        ctx.calls_by_name.setdefault(name, []).append(node)
        if name == "require":
            _first_string_argument(node, specifiers)
    elif kind == "member_expression":
        prop = func.child_by_field_name("property")
        if prop is None:
            return
        method = ctx.text(prop)
        ctx.calls_by_name.setdefault(method, []).append(node)
        if method in ("resolve", "require") and ctx.text(func) in _REQUIRE_CALLEES:
            _first_string_argument(node, specifiers)
        if method in _MUTATORS:
            receiver = ctx.root_identifier(func.child_by_field_name("object"))
            args = node.child_by_field_name("arguments")
            if receiver is not None and args is not None:
                for value in args.named_children:
                    ctx.bind(ctx.text(receiver), node, value, "mutate")


def _match_call(ctx: JsContext, node, pending: list) -> None:
    func = unwrap(node.child_by_field_name(
        "constructor" if node.type == "new_expression" else "function"))
    if func is None:
        return
    kind = func.type
    if kind == "identifier":
        name = ctx.text(func)
        if name in ctx.imports or name in _call_heads or _maybe_alias(ctx, name):
            call = ctx.call(node)
            checks = on.calls.get(call.qualname) if call.qualname else None
            if checks:
                pending.extend((check, (call,)) for check in checks)
        return
    if kind != "member_expression":
        return
    prop = func.child_by_field_name("property")
    if prop is None:
        return
    method = ctx.text(prop)
    by_method = on.methods.get(method)
    in_tails = method in _call_tails
    if not in_tails and not by_method:
        return
    call = ctx.call(node)
    checks = on.calls.get(call.qualname) if in_tails and call.qualname else None
    if checks:
        pending.extend((check, (call,)) for check in checks)
    if by_method:
        pending.extend((check, (call,)) for check in by_method)


def _maybe_alias(ctx: JsContext, name: str) -> bool:
    """Could `name` stand for an imported function (`const run = cp.exec`, `promisify(...)`)?"""
    for binding in ctx.bindings.get(name, ()):
        value = binding.value
        if value is not None and value.type in ("member_expression", "call_expression"):
            return True
    return False


def _match_assignment(ctx: JsContext, node, pending: list) -> None:
    kind = node.type
    if kind == "variable_declarator":
        left, right = node.child_by_field_name("name"), node.child_by_field_name("value")
    elif kind in ("assignment_expression", "augmented_assignment_expression"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    else:
        return
    if left is None or right is None:
        return
    if kind == "variable_declarator" and right.type not in _predicate_value_types():
        return  # a new local: only name-and-value predicates (secrets) can apply
    name = target_name(ctx, left)
    if name is None:
        return
    for check in on.assignments.get(name, ()):
        pending.append((check, (node, name, right)))
    for check in _by_predicate(on.assignment_predicates, name, right):
        pending.append((check, (node, name, right)))




def _match_pair(ctx: JsContext, node, pending: list) -> None:
    key = node.child_by_field_name("key")
    if key is None:
        return
    name = ctx.text(key) if key.type == "property_identifier" else ctx.key_text(key)
    if name is None:
        return
    value = node.child_by_field_name("value")
    for check in on.properties.get(name, ()):
        pending.append((check, (node, name, value)))
    for check in _by_predicate(on.property_predicates, name, value):
        pending.append((check, (node, name, value)))


def _match_jsx(ctx: JsContext, node, pending: list) -> None:
    if not node.named_child_count:
        return
    name = ctx.text(node.named_children[0])
    checks = on.jsx_attributes.get(name)
    if checks:
        value = node.named_children[1] if node.named_child_count > 1 else None
        pending.extend((check, (node, name, value)) for check in checks)


# -- package references for the supply-chain checks ---------------------------------
def _import_specifiers(node, specifiers: list) -> None:
    """The `'m'` of `import ... from 'm'`, `export ... from 'm'`, `import x = require('m')`."""
    source = node.child_by_field_name("source")
    if source is None:
        for clause in node.named_children:
            if clause.type == "import_require_clause":
                source = clause.child_by_field_name("source")
    if source is not None and source.type == "string":
        specifiers.append(source)


def _first_string_argument(call, specifiers: list) -> None:
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_child_count else None
    if first is None:
        return
    if first.type == "template_string" and any(
            child.type == "template_substitution" for child in first.named_children):
        return
    if first.type in ("string", "template_string"):
        specifiers.append(first)


def _specifier_texts(specifiers: list) -> set[str]:
    return {node.text.decode("utf-8", "replace").strip("'\"`") for node in specifiers}


def _add_import_refs(ctx: JsContext, specifiers: list, result: FileResult) -> None:
    source = ctx.source
    for node in sorted(specifiers, key=_start_byte):
        fragment = next((c for c in node.named_children if c.type == "string_fragment"), None)
        if fragment is None:
            continue
        package = npm_package_of(ctx.text(fragment))
        if package is not None:
            end = fragment.start_byte + len(package.encode("utf-8"))
            result.imports.append(ImportRef(
                package, NPM, source.offset_location(fragment.start_byte, end), "import"))
