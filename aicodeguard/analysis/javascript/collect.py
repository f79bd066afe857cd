"""Collecting what a JavaScript/TypeScript file binds: imports, `require`s and assignments.

`JsContext` inherits these methods; the dispatcher calls them for every import
and binding the query captured, before any check runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..shared import UNKNOWN
from . import values
from .values import unwrap

# Module specifiers that name the same API as another one.
MODULE_ALIASES = {"fs/promises": "fs", "path/posix": "path", "path/win32": "path",
                  "timers/promises": "timers", "dns/promises": "dns"}
# Expressions that can be `require('m')` / `await import('m')` (possibly in a TS cast).
_REQUIRE_SHAPES = frozenset({"call_expression", "await_expression"}) | values.TRANSPARENT


def module_name(specifier: str) -> str:
    name = specifier.removeprefix("node:")
    return MODULE_ALIASES.get(name, name)


@dataclass(slots=True)
class Binding:
    """A place where a name gets a value; `path` lists the keys of a destructuring."""

    name: str
    node: object  # the declarator / assignment / loop
    value: object | None
    kind: str  # declare (const/let/var), assign, augment, destructure, for, mutate,
    #            attribute (`this.x = v`, bound as `this.x`)
    path: tuple[str, ...] = ()


class Collector:
    """The collecting half of `JsContext` (state lives there)."""

    def required_module(self, node) -> str | None:
        """'m' for `require('m')` and `import('m')` (also awaited), else None."""
        node = unwrap(node)
        if node is not None and node.type == "await_expression" and node.named_child_count:
            node = unwrap(node.named_children[0])
        if node is None or node.type != "call_expression":
            return None
        func = node.child_by_field_name("function")
        if func is None or func.type not in ("identifier", "import") or \
                self.text(func) not in ("require", "import"):
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_child_count else None
        name = values.literal(self, first) if first is not None else UNKNOWN
        return module_name(name) if isinstance(name, str) else None

    # -- collection (called by the dispatcher) -------------------------------
    def add_import(self, node) -> None:
        source = node.child_by_field_name("source")
        for clause in node.named_children:
            if clause.type == "import_require_clause":  # TypeScript `import x = require('m')`
                name, spec = clause.named_children[0], clause.child_by_field_name("source")
                if spec is not None:
                    self.imports[self.text(name)] = module_name(values.literal(self, spec))
            if clause.type != "import_clause" or source is None:
                continue
            module = values.literal(self, source)
            if not isinstance(module, str):
                return
            module = module_name(module)
            for child in clause.named_children:
                if child.type == "identifier":
                    self.imports[self.text(child)] = module
                elif child.type == "namespace_import" and child.named_child_count:
                    self.imports[self.text(child.named_children[0])] = module
                elif child.type == "named_imports":
                    for spec in child.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and spec.type == "import_specifier":
                            imported = self.text(name).strip("'\"")
                            self.imports[self.text(alias)] = module if imported == "default" \
                                else f"{module}.{imported}"

    def add_binding(self, node) -> None:
        kind = node.type
        if kind == "variable_declarator":
            target = node.child_by_field_name("name")
            self._bind_target(target, node, node.child_by_field_name("value"), "declare")
        elif kind == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None:
                return
            if left.type in ("identifier", "object_pattern", "array_pattern"):
                self._bind_target(left, node, right, "assign")
            elif left.type in ("member_expression", "subscript_expression"):
                root = self.root_identifier(left)
                if root is not None:
                    self.bind(self.text(root), node, right, "mutate")
                elif left.type == "member_expression":
                    obj = left.child_by_field_name("object")
                    prop = left.child_by_field_name("property")
                    if obj is not None and obj.type == "this" and prop is not None:
                        self.bind("this." + self.text(prop), node, right, "attribute")
        elif kind == "augmented_assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.bind(self.text(left), node, node.child_by_field_name("right"), "augment")
        elif kind == "for_in_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            for name, path in self._pattern_names(left):
                self.bind(name, node, right, "for", path)

    def _bind_target(self, target, node, value, label: str) -> None:
        if target is None:
            return
        value_type = value.type if value is not None else None
        module = self.required_module(value) if value_type in _REQUIRE_SHAPES else None
        if target.type == "identifier":
            name = self.text(target)
            if module is not None:
                self.imports[name] = module
            elif value_type == "member_expression" and \
                    self.required_module(self._chain_head(value)) is not None:
                parts = self.dotted(value)  # `const exec = require('child_process').exec`
                if parts:
                    self.imports[name] = ".".join(parts)
            self.bind(name, node, value, label)
            return
        for name, path in self._pattern_names(target):
            if module is not None and len(path) == 1:
                self.imports[name] = f"{module}.{path[0]}"
            self.bind(name, node, value, "destructure", path)

    def _pattern_names(self, pattern) -> list[tuple[str, tuple[str, ...]]]:
        """Names bound by a (destructuring) pattern, with the keys leading to each."""
        found = []
        stack = [(pattern, ())]
        while stack:
            node, path = stack.pop()
            if node is None:
                continue
            kind = node.type
            if kind in ("identifier", "shorthand_property_identifier_pattern"):
                name = self.text(node)
                found.append((name, path + (name,) if kind != "identifier" else path))
            elif kind == "pair_pattern":
                key = node.child_by_field_name("key")
                key_text = self.key_text(key) if key is not None else None
                stack.append((node.child_by_field_name("value"),
                              path + (key_text,) if key_text else path))
            elif kind in ("object_assignment_pattern", "assignment_pattern"):
                stack.append((node.child_by_field_name("left"), path))
            elif kind in ("object_pattern", "array_pattern", "rest_pattern"):
                stack.extend((child, path) for child in node.named_children)
        return found

    def bind(self, name: str, node, value, kind: str, path: tuple[str, ...] = ()) -> None:
        if self.dead_ranges and self.in_dead_code(node):
            return
        self.bindings.setdefault(name, []).append(Binding(name, node, value, kind, path))
        self._groups.pop(name, None)

    def in_dead_code(self, node) -> bool:
        start = node.start_byte
        return any(low <= start < high for low, high in self.dead_ranges)

    def drop_dead_bindings(self, ranges: list[tuple[int, int]]) -> None:
        """Forget what branches that never run assign (see `branches.py`)."""
        self.dead_ranges = ranges
        for name, bindings in self.bindings.items():
            live = [binding for binding in bindings if not self.in_dead_code(binding.node)]
            if len(live) != len(bindings):
                self.bindings[name] = live
                self._groups.pop(name, None)

    @staticmethod
    def _chain_head(node):
        """The innermost object of a member chain (`require('m')` in `require('m').a.b`)."""
        node = unwrap(node)
        if node is None or node.type != "member_expression":
            return None
        while node is not None and node.type == "member_expression":
            node = unwrap(node.child_by_field_name("object"))
        return node

    def root_identifier(self, node):
        """`a` in `a.b[c].d`."""
        while node is not None and node.type in ("member_expression", "subscript_expression"):
            node = unwrap(node.child_by_field_name("object"))
        return node if node is not None and node.type == "identifier" else None
