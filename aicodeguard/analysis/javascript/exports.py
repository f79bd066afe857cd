"""What a JavaScript/TypeScript module exports, as function nodes by exported name.

`export function f`, `export const f = () =>`, `export { f as g }`, `export default ...`,
`module.exports = f | { f, g: h }`, `module.exports.f = ...` and `exports.f = ...`; the
members of a default-exported object also by their own names (`import db from './db';
db.f()`).  Re-exports (`export { f } from './x'`) and classes are not functions here.
"""

from __future__ import annotations

from .functions import named_function
from .values import unwrap

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
