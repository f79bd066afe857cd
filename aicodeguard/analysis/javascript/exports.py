"""What a JavaScript/TypeScript module exports, as function nodes by exported name.

`export function f`, `export const f = () =>`, `export { f as g }`, `export default ...`,
`module.exports = f | { f, g: h }`, `module.exports.f = ...` and `exports.f = ...`; the
members of a default-exported object also by their own names (`import db from './db';
db.f()`).  Classes are not functions here.

Names another module defines are re-exports (`re_exports`): `export { f, g as h } from
'./x'`, `export { default as f } from './x'`, `export * from './x'`, `export * as ns from
'./x'`, `module.exports = require('./x')` (everything, the default too), `module.exports
= { f: require('./x').f, ns: require('./x'), ...require('./y') }` and `exports.f =
require('./x').f`; also a name imported and exported again (`import { f } from './x';
export { f }`, `import X from './X'; export default X`, `const { f } = require('./x');
module.exports = { f, g: x.g }`).  Relative specifiers only.  `reexported_specifiers`
finds the same specifiers in a module's bytes without parsing it, for the result cache's
key: it may find more (a comment, a key named like an import), never fewer — except that
an object with nested braces is not looked into, and the analysis does not follow what
the key does not cover.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .functions import named_function
from .values import literal, unwrap

WHOLE = "*"  # the name a re-export gives to a whole module (`export * as ns`)
_RELATIVE = ("./", "../")
_ES_REEXPORT = re.compile(rb"""\bexport\s*(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})"""
                          rb"""\s*from\s*(['"])(\.\.?/[^'"\n]*)\1""")
# `module.exports = require(...)`, `exports.f = require(...)...`, `module.exports = {...}`
# (an object without nested braces), and the relative `require()`s inside them.
_CJS_REEXPORT = re.compile(rb"""\bexports(?:\s*\.\s*[\w$]+)?\s*=\s*"""
                           rb"""(\{[^{}]*\}|require\s*\(\s*(['"])[^'"\n]*\2\s*\))""")
_REQUIRE = re.compile(rb"""\brequire\s*\(\s*(['"])(\.\.?/[^'"\n]*)\1\s*\)""")
# Names exported again (`export { f }`, `export default f`, `module.exports = { f, g: x.g }`,
# `exports.f = f`), and the relative imports that bind names (`import X, { f } from`,
# `const { f } = require(...)`): an import whose names are among those is re-exported.
_EXPORTED_NAMES = re.compile(rb"""\bexport\s*\{([^}]*)\}(?!\s*from)|\bexport\s+default\s+"""
                             rb"""([\w$]+)|\bexports(?:\s*\.\s*[\w$]+)?\s*=\s*(\{[^{}]*\}|[\w$]+)""")
_BINDING = re.compile(rb"""\bimport\s+([\w$\s{},*]*?)\s*from\s*(['"])(\.\.?/[^'"\n]*)\2|"""
                      rb"""\b(?:const|let|var)\s+([\w$\s{},:]*?)\s*=\s*require\s*\(\s*"""
                      rb"""(['"])(\.\.?/[^'"\n]*)\5""")
_WORD = re.compile(rb"[\w$]+")

_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "generator_function",
                              "function_declaration", "generator_function_declaration"})


def exported_functions(ctx) -> dict[str, object]:
    """Exported function nodes by name (`default` for the default export)."""
    found: dict[str, object] = {}
    members: dict[str, object] = {}
    for node in ctx.tree.root_node.named_children:
        if node.type == "export_statement":
            _export_statement(ctx, node, found, members)
        elif node.type == "expression_statement" and node.named_child_count:
            assignment = node.named_children[0]
            if assignment.type == "assignment_expression":
                _commonjs_export(ctx, assignment, found, members)
    for name, function in members.items():
        found.setdefault(name, function)
    return {name: function for name, function in found.items() if function is not None}


def _export_statement(ctx, node, found, members) -> None:
    declaration = node.child_by_field_name("declaration")
    if any(child.type == "default" for child in node.children):
        _default(ctx, node.child_by_field_name("value") or declaration, node, found, members)
        return
    if declaration is not None:
        if declaration.type in _FUNCTION_VALUES:
            name = declaration.child_by_field_name("name")
            if name is not None:
                found[ctx.text(name)] = declaration
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    found[ctx.text(name)] = _function(ctx, declarator.child_by_field_name(
                        "value"), declarator)
        return
    for clause in node.named_children:
        if clause.type == "export_clause" and node.child_by_field_name("source") is None:
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is not None:
                    found[ctx.text(alias)] = _function(ctx, name, name)


def _commonjs_export(ctx, assignment, found, members) -> None:
    left = ctx.text(assignment.child_by_field_name("left") or assignment).replace(" ", "")
    right = assignment.child_by_field_name("right")
    if left == "module.exports":
        _default(ctx, right, assignment, found, members)
    elif left.startswith(("module.exports.", "exports.")) and left.count(".") == \
            left.startswith("module.") + 1:
        found[left.rpartition(".")[2]] = _function(ctx, right, assignment)


def _default(ctx, value, use, found, members) -> None:
    value = unwrap(value)
    if value is not None and value.type == "object":
        for child in value.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                name = ctx.key_text(key) if key is not None else None
                if name is not None:
                    members[name] = _function(ctx, child.child_by_field_name("value"), child)
            elif child.type == "shorthand_property_identifier":
                members[ctx.text(child)] = named_function(ctx, ctx.text(child), child)
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                if name is not None:
                    members[ctx.text(name)] = child
    else:
        found["default"] = _function(ctx, value, use)


def _function(ctx, value, use):
    """The function node `value` is (a function expression, or a name bound to one)."""
    value = unwrap(value)
    if value is None:
        return None
    if value.type in _FUNCTION_VALUES:
        return value
    if value.type == "identifier":
        return named_function(ctx, ctx.text(value), use)
    return None


class ReExports(NamedTuple):
    """What a module re-exports from other modules."""

    named: dict[str, tuple[str, str]]  # exported name -> (specifier, name there or WHOLE)
    stars: tuple[str, ...]  # `export * from` specifiers, in order


def re_exports(ctx, specifiers: list[str]) -> ReExports:
    """The module's re-exports; `specifiers` lists the relative specifiers it names (a
    name an import binds, `./db.js.run`, is split at the longest that fits)."""
    specifiers = sorted(specifiers, key=len, reverse=True)
    named: dict[str, tuple[str, str]] = {}
    stars: list[str] = []
    for node in ctx.tree.root_node.named_children:
        if node.type == "export_statement":
            _es_reexport(ctx, node, specifiers, named, stars)
        elif node.type == "expression_statement" and node.named_child_count:
            assignment = node.named_children[0]
            if assignment.type == "assignment_expression":
                _commonjs_reexport(ctx, assignment, specifiers, named, stars)
    return ReExports(named, tuple(stars))


def reexported_specifiers(data: bytes) -> list[str]:
    """The relative specifiers a module's re-exports (may) name, from its bytes."""
    found = [match.group(2) for match in _ES_REEXPORT.finditer(data)]
    for match in _CJS_REEXPORT.finditer(data):
        found.extend(inner.group(2) for inner in _REQUIRE.finditer(match.group(1)))
    exported = {word for match in _EXPORTED_NAMES.finditer(data) for group in match.groups()
                if group for word in _WORD.findall(group)}
    if exported:
        for match in _BINDING.finditer(data):
            names = match.group(1) if match.group(1) is not None else match.group(4)
            if exported.intersection(_WORD.findall(names)):
                found.append(match.group(3) or match.group(6))
    return list(dict.fromkeys(spelled.decode("utf-8", "replace") for spelled in found))


def _es_reexport(ctx, node, specifiers, named, stars) -> None:
    """`export ... from './x'`, or `export { f }` / `export default f` of an imported `f`."""
    source = node.child_by_field_name("source")
    specifier = literal(ctx, source) if source is not None else None
    if source is None and any(child.type == "default" for child in node.children):
        _add(named, "default", _bound(ctx, node.child_by_field_name("value"), specifiers))
    elif source is not None and not (isinstance(specifier, str)
                                     and specifier.startswith(_RELATIVE)):
        return
    for child in node.children:
        if child.type == "*" and specifier:
            stars.append(specifier)
        elif child.type == "namespace_export" and child.named_child_count and specifier:
            _add(named, ctx.text(child.named_children[-1]), (specifier, WHOLE))
        elif child.type == "export_clause":
            for spec in child.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is not None:
                    _add(named, ctx.text(alias), (specifier, ctx.text(name).strip("'\""))
                         if specifier else _bound(ctx, name, specifiers))


def _commonjs_reexport(ctx, assignment, specifiers, named, stars) -> None:
    left = ctx.text(assignment.child_by_field_name("left") or assignment).replace(" ", "")
    right = unwrap(assignment.child_by_field_name("right"))
    if left == "module.exports" and right is not None and right.type == "object":
        for child in right.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                name = ctx.key_text(key) if key is not None else None
                if name is not None:
                    _add(named, name, _bound(ctx, child.child_by_field_name("value"),
                                             specifiers))
            elif child.type == "shorthand_property_identifier":
                _add(named, ctx.text(child), _bound(ctx, child, specifiers))
            elif child.type == "spread_element" and child.named_child_count:
                target = _bound(ctx, child.named_children[0], specifiers)
                if target is not None and target[1] == WHOLE:
                    stars.append(target[0])
    elif left == "module.exports":
        target = _bound(ctx, right, specifiers)
        if target is not None and target[1] == WHOLE:  # the module itself, default and all
            named["default"] = (target[0], "default")
            stars.append(target[0])
    elif left.startswith(("module.exports.", "exports.")) and left.count(".") == \
            left.startswith("module.") + 1:
        _add(named, left.rpartition(".")[2], _bound(ctx, right, specifiers))


def _add(named, name: str, target: tuple[str, str] | None) -> None:
    if target is not None:
        named[name.strip("'\"")] = target


def _bound(ctx, node, specifiers: list[str]) -> tuple[str, str] | None:
    """(specifier, name there or WHOLE) when `node` is what a relative module exports:
    `require('./x')`, `require('./x').f`, a name an import binds (`import { f } from
    './x'`, `import X from './x'`, `const { f } = require('./x')`) or a member of one
    (`x.f` after `const x = require('./x')`)."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "shorthand_property_identifier":
        head = node
        qualname = ctx.imports.get(ctx.text(node))
    else:
        head = ctx.root_identifier(node)
        qualname = ctx.imported_name(node)
    if not qualname or head is not None and len(ctx.bindings.get(ctx.text(head), ())) > 1:
        return None  # given another value after the import
    for specifier in specifiers:
        if qualname == specifier:
            return specifier, WHOLE
        if qualname.startswith(specifier + ".") and "." not in qualname[len(specifier) + 1:]:
            return specifier, qualname[len(specifier) + 1:]
    return None
