"""What a JavaScript/TypeScript rule may ask about the file it is looking at.

Rules never see raw aliases: `qualname` turns `cp.exec` (`import cp from
'child_process'`), `run` (`import { exec as run } from 'node:child_process'`),
`exec` (`const { exec } = require('child_process')`) and
`require('child_process').exec` into ``child_process.exec``.  Values are
followed through `const`/`let`/`var` declarations and assignments in the same
function and the functions around it (straight-line approximation: every
assignment before the use counts).  Walks use explicit stacks.
"""

from __future__ import annotations

from bisect import bisect_right

from ..shared import UNKNOWN, ReportingContext
from ..source import SourceFile
from . import arrays, functions, values
from .calls import Call
from .collect import Binding, Collector
from .file_kind import is_application
from .project_modules import imported_function
from .values import VALUE_BINDINGS, unwrap

FUNCTION_TYPES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function",
})
PROMISIFY = frozenset({"util.promisify", "promisify", "bluebird.promisify"})
# Nodes between an assignment and the statement list it stands in.
_STATEMENT_PARTS = frozenset({
    "expression_statement", "lexical_declaration", "variable_declaration",
    "variable_declarator", "assignment_expression", "sequence_expression",
})


class JsContext(ReportingContext, Collector):
    """Per-file facts for JavaScript/TypeScript rules, filled from the captures."""

    def __init__(self, source: SourceFile, tree):
        ReportingContext.__init__(self, source)
        self.tree = tree
        self.imports: dict[str, str] = {}
        self.bindings: dict[str, list[Binding]] = {}
        self._scopes: dict[int, object] = {}
        self._calls: dict[int, Call] = {}
        self._params: dict[int, dict[str, tuple[int, object]]] = {}
        self._groups: dict[str, dict[int, list[Binding]]] = {}
        self._root = tree.root_node
        self._taint = None
        self.memo: dict[tuple, object] = {}  # per-file results checks want to reuse
        self.calls_by_name: dict[str, list] = {}  # `f(...)` and `x.f(...)` nodes by `f`
        self.dead_ranges: list[tuple[int, int]] = []  # branches that can never run
        self.probe = None  # parameters standing for untrusted data (`project_modules.Probe`)
        self._element_depth = 0  # array reads being replayed inside one another
        self.set_functions(())

    def imported_modules(self) -> frozenset[str]:
        """The modules the file imports or requires (`require('fastify')()` binds no
        import name, so the `require` calls are read too)."""
        found = self.memo.get(("imported-modules",))
        if found is None:
            modules = {module.partition(".")[0] for module in self.imports.values()}
            modules.update(self.required_module(call)
                           for call in self.calls_by_name.get("require", ()))
            found = self.memo[("imported-modules",)] = frozenset(modules - {None})
        return found

    @property
    def is_application(self) -> bool:
        """Whether the file serves outside parties (`file_kind.is_application`); asked per
        sink report and per compared secret, so answered once per file."""
        found = self.memo.get(("application",))
        if found is None:
            found = self.memo[("application",)] = is_application(self.imported_modules(),
                                                                 self.calls_by_name)
        return found

    # -- text and names -----------------------------------------------------
    def text(self, node) -> str:
        return self.source.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def dotted(self, node) -> list[str] | None:
        """`a.b.c` as ['a', 'b', 'c'] (a `require('m')` head becomes 'm'); None otherwise."""
        parts: list[str] = []
        while node is not None:
            kind = node.type
            if kind in ("identifier", "this", "super"):
                parts.append(self.text(node))
                break
            if kind == "member_expression":
                prop = node.child_by_field_name("property")
                if prop is None:
                    return None
                parts.append(self.text(prop))
                node = node.child_by_field_name("object")
            elif kind == "subscript_expression":
                key = values.literal(self, node.child_by_field_name("index"))
                if not isinstance(key, str):
                    return None
                parts.append(key)
                node = node.child_by_field_name("object")
            elif kind in values.TRANSPARENT or kind == "await_expression":
                node = node.named_children[0] if node.named_child_count else None
            elif kind == "call_expression":
                module = self.required_module(node)
                if module is None:
                    return None
                parts.append(module)
                break
            elif kind == "meta_property":
                parts.append("import.meta")
                break
            else:
                return None
        else:
            return None
        parts.reverse()
        return parts

    def qualname(self, node) -> str | None:
        parts = self.dotted(node)
        if not parts:
            return None
        head = parts[0]
        if head in self.imports:
            parts[0] = self.imports[head]
        elif head in self.bindings:
            alias = self._alias_of(head, node)
            if alias:
                parts[0] = alias
        return ".".join(parts)

    def imported_name(self, node) -> str | None:
        """Like `qualname`, but only through imports (never through local aliases)."""
        parts = self.dotted(node)
        if not parts:
            return None
        parts[0] = self.imports.get(parts[0], parts[0])
        return ".".join(parts)

    def _alias_of(self, name: str, use) -> str | None:
        """`const run = cp.exec` or `promisify(cp.exec)` makes `run` mean `child_process.exec`."""
        bindings = self.reaching(name, use)
        if not bindings or bindings[-1].kind not in VALUE_BINDINGS:
            return None
        value = unwrap(bindings[-1].value)
        if value is not None and value.type == "call_expression":
            func = value.child_by_field_name("function")
            args = value.child_by_field_name("arguments")
            if func is None or args is None or not args.named_child_count or \
                    self.imported_name(func) not in PROMISIFY:
                return None
            value = unwrap(args.named_children[0])
        if value is None or value.type not in ("member_expression", "identifier"):
            return None
        parts = self.dotted(value)
        if parts and parts[0] in self.imports and parts[0] != name:
            return ".".join([self.imports[parts[0]], *parts[1:]])
        return None

    def call(self, node) -> Call:
        cached = self._calls.get(node.id)
        if cached is not None:
            return cached
        func = node.child_by_field_name(
            "constructor" if node.type == "new_expression" else "function")
        method = None
        inner = unwrap(func)
        if inner is not None and inner.type == "member_expression":
            prop = inner.child_by_field_name("property")
            method = self.text(prop) if prop is not None else None
        call = self._calls[node.id] = Call(self, node, func, method)
        return call

    # -- scopes --------------------------------------------------------------
    def set_functions(self, functions) -> None:
        """Index the file's functions (in document order) by byte range, with each one's
        enclosing function, so `scope_of` needs no walk up the tree (`Node.parent`
        costs a descent from the root in tree-sitter)."""
        self._functions = list(functions)
        self._starts = [f.start_byte for f in self._functions]
        self._ends = [f.end_byte for f in self._functions]
        self._parents = []
        stack: list[int] = []
        for index, function in enumerate(self._functions):
            while stack and self._ends[stack[-1]] <= function.start_byte:
                stack.pop()
            self._parents.append(stack[-1] if stack else -1)
            stack.append(index)

    @property
    def functions(self) -> list:
        return self._functions

    def scope_of(self, node):
        """The function (or the program) that `node` belongs to."""
        cached = self._scopes.get(node.id)
        if cached is not None:
            return cached
        start, end, node_id = node.start_byte, node.end_byte, node.id
        index = bisect_right(self._starts, start) - 1
        scope = self._root
        while index >= 0:
            if self._ends[index] >= end and self._functions[index].id != node_id:
                scope = self._functions[index]
                break
            index = self._parents[index]
        self._scopes[node_id] = scope
        return scope

    def function_of(self, node):
        scope = self.scope_of(node)
        return scope if scope.type in FUNCTION_TYPES else None

    def parameters(self, function) -> dict[str, tuple[int, object]]:
        """Parameter name -> (position, parameter node) of a function."""
        cached = self._params.get(function.id)
        if cached is not None:
            return cached
        # Filled in place: a computed key in a parameter pattern (`{[k]: v}`) looks names
        # up, which asks for these parameters again and must see the ones read so far.
        found: dict[str, tuple[int, object]] = {}
        self._params[function.id] = found
        params = function.child_by_field_name("parameters")
        single = function.child_by_field_name("parameter")
        items = [single] if single is not None else (
            [p for p in params.named_children if p.type != "comment"] if params is not None else [])
        for index, param in enumerate(items):
            pattern = param.child_by_field_name("pattern") if param.type in (
                "required_parameter", "optional_parameter") else param
            for name, _ in self._pattern_names(pattern):
                found[name] = (index, param)
        return found

    def reaching(self, name: str, use) -> list[Binding]:
        """Bindings of `name` that reach `use`: in its function before it, else in the
        functions around it, else anywhere at the top level of the file."""
        groups = self._groups.get(name)
        if groups is None:
            candidates = self.bindings.get(name)
            if not candidates:
                return []
            groups = self._groups[name] = {}
            for binding in candidates:
                groups.setdefault(self.scope_of(binding.node).id, []).append(binding)
        scope = self.scope_of(use)
        before = use.start_byte
        root = self._root.id
        while True:
            if scope.id == root:
                return groups.get(root, [])
            local = [b for b in groups.get(scope.id, ()) if b.node.start_byte < before]
            if local or name in self.parameters(scope):
                return local
            scope = self.scope_of(scope)

    def overrides(self, binding, use) -> bool:
        """Does `binding` always run before `use`, replacing what came before?  (It is a
        statement of a block that contains `use`, not inside a branch or loop of its own.)"""
        node = binding.node
        parent = node.parent
        while parent is not None and parent.type in _STATEMENT_PARTS:
            parent = parent.parent
        return parent is not None and parent.type in ("statement_block", "program") and \
            parent.start_byte <= use.start_byte < parent.end_byte

    # -- values --------------------------------------------------------------
    def literal(self, node):
        return values.literal(self, node)

    def call_literal(self, node, hops: int, depth: int):
        """The constant a call of this file's own function, or of one imported from the
        project (`project_modules.py`), returns (every `return` gives the same constant),
        else UNKNOWN."""
        if hops > values.MAX_HOPS:
            return UNKNOWN
        call = self.call(node)
        function = functions.callee(self, call)
        if function is not None:
            return functions.returned_constant(self, function, hops, depth)
        imported = imported_function(self, call)
        return imported.constant() if imported is not None else UNKNOWN

    def array_element(self, node, position: int) -> list | None:
        """What `a[position]` holds, when the array is known position by position
        (`arrays.py`): [expression], or [] past its end; else None.  A read whose replay
        leads back to itself, or one nested too deeply in others, is not known."""
        key = ("element", node.id)
        if key in self.memo:
            return self.memo[key]
        if self._element_depth >= arrays.MAX_NESTED:
            return None
        self.memo[key] = None
        self._element_depth += 1
        try:
            found = self.memo[key] = arrays.element_values(self, node, position)
        finally:
            self._element_depth -= 1
        return found

    def is_literal(self, node) -> bool:
        return values.literal(self, node) is not UNKNOWN

    def string_info(self, node):
        return values.string_info(self, node)

    def value_of(self, node, hops: int = 4):
        """The expression an identifier was last given (a few hops), else the node itself."""
        node = unwrap(node)
        while hops and node is not None and node.type in ("identifier",
                                                          "shorthand_property_identifier"):
            bindings = self.reaching(self.text(node), node)
            if not bindings or bindings[-1].kind not in VALUE_BINDINGS or \
                    bindings[-1].value is None:
                break
            node = unwrap(bindings[-1].value)
            hops -= 1
        return node

    def object_literal(self, node):
        """The `{...}` literal behind `node` (followed through names), or None."""
        value = self.value_of(node)
        return value if value is not None and value.type == "object" else None

    def array_items(self, node):
        value = self.value_of(node)
        if value is None or value.type != "array":
            return None
        return [child for child in value.named_children if child.type != "comment"]

    def key_text(self, key) -> str | None:
        kind = key.type
        if kind in ("property_identifier", "identifier", "private_property_identifier",
                    "shorthand_property_identifier", "number"):
            return self.text(key)
        if kind == "string":
            value = values.literal(self, key)
            return value if isinstance(value, str) else None
        if kind == "computed_property_name" and key.named_child_count:
            value = values.literal(self, key.named_children[0])
            return value if isinstance(value, str) else None
        return None

    def property(self, node, key: str):
        """The value given to `key` in the object literal behind `node` (last one wins)."""
        obj = self.object_literal(node)
        if obj is None:
            return None
        found = None
        for child in obj.named_children:
            if child.type == "pair":
                name = child.child_by_field_name("key")
                if name is not None and self.key_text(name) == key:
                    found = child.child_by_field_name("value")
            elif child.type == "shorthand_property_identifier" and self.text(child) == key:
                found = child
        return found

    def option(self, call: Call, index: int, key: str):
        """`key` of the options object passed as argument `index` of `call`."""
        arg = call.arg(index)
        return self.property(arg, key) if arg is not None else None

    # -- taint ---------------------------------------------------------------
    def taint(self, node):
        """Where untrusted data in `node` came from (a `Taint`), or None."""
        if self._taint is None:
            from .taint import TaintTracker

            self._taint = TaintTracker(self)
        return self._taint.of(node)
