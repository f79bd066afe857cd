"""What a Python rule may ask about the file it is looking at.

Rules never see raw aliases: `qualname` turns `sp.run`, `run` (from
``from subprocess import run``) and ``__import__("subprocess").run`` into
``subprocess.run``.  Values are followed through assignments in the same scope
(straight-line approximation: every assignment before the use counts).
Nothing here recurses over the syntax tree; walks use explicit stacks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ...languages import ts_language
from ..shared import UNKNOWN, ReportingContext, StringInfo
from ..source import SourceFile
from . import folding

# Field ids for the lookups made once per call or assignment of a file (by id is cheaper
# than by name: measured with bench/instructions.py).
LEFT, RIGHT, FUNCTION, ATTRIBUTE, ARGUMENTS, NAME, VALUE = map(
    ts_language("python").field_id_for_name,
    ("left", "right", "function", "attribute", "arguments", "name", "value"))
SCOPE_TYPES = frozenset({"function_definition", "lambda", "class_definition", "module"})
FUNCTION_TYPES = frozenset({"function_definition", "lambda"})
MAX_HOPS = 12  # how many assignments a value is followed through
MAX_DEPTH = 200  # how deeply nested an expression is evaluated
# Rules about what the text holds (secrets, suppressions, hidden characters): they apply to
# code that never runs too, because the text is in the repository all the same.
TEXT_RULE_PREFIXES = ("AIG0", "AIG3", "AIG7")
# `def name` / `class name` at the start of a line: a module-level definition.
_TOP_LEVEL_DEFINITION = re.compile(rb"^(?:async[ \t]+)?(?:def|class)[ \t]+([^\s(:\[]+)",
                                   re.MULTILINE)



@dataclass(slots=True)
class Binding:
    """A place where a name gets a value: `value` is None when not an expression."""

    name: str
    node: object  # the binding statement / clause
    value: object | None
    kind: str  # assign, augment, for, with, walrus, param
    scope: int | None = None  # id of the enclosing function/module, filled on first use


class Call:
    """A call expression with its callee resolved and its arguments sorted out."""

    __slots__ = ("node", "func", "qualname", "method", "positional", "keywords",
                 "star_args", "star_kwargs")

    def __init__(self, node, func, qualname: str | None, method: str | None):
        self.node = node
        self.func = func
        self.qualname = qualname
        self.method = method
        self.positional: list = []
        self.keywords: dict[str, object] = {}
        self.star_args = False
        self.star_kwargs = False
        args = node.child_by_field_id(ARGUMENTS)
        if args is None:
            return
        if args.type == "generator_expression":
            self.positional.append(args)
            return
        for child in args.named_children:
            kind = child.type
            if kind == "keyword_argument":
                name = child.child_by_field_id(NAME)
                value = child.child_by_field_id(VALUE)
                if name is not None and value is not None:
                    self.keywords[name.text.decode("utf-8", "replace")] = value
            elif kind == "list_splat":
                self.star_args = True
            elif kind == "dictionary_splat":
                self.star_kwargs = True
            elif kind != "comment":
                self.positional.append(child)

    @property
    def name(self) -> str:
        return self.qualname or self.method or ""

    def arg(self, position: int | None = None, keyword: str | None = None):
        """The argument passed at `position` or as `keyword`, whichever is present."""
        if keyword is not None and keyword in self.keywords:
            return self.keywords[keyword]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None

    def keyword_node(self, name: str):
        """The whole `name=value` node (for fixes that remove or rewrite it)."""
        value = self.keywords.get(name)
        return value.parent if value is not None else None


class PyContext(ReportingContext):
    """Per-file facts for Python rules, filled while the captures are read."""

    def __init__(self, source: SourceFile, tree):
        super().__init__(source)
        self.tree = tree
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.bindings: dict[str, list[Binding]] = {}
        self.import_aliases: set[str] = set()  # names assigned an imported name
        self._scopes: dict[int, object] = {}
        self._scope_index: tuple | None = None  # see `index_scopes`
        self._functions: dict[str, list] | None = None  # see `functions_named`
        self._strings: dict[int, object] = {}  # string node id -> its `literal` value
        # assignment node id -> (left, right, target name or None), read once by
        # `add_binding` for the dispatcher
        self.assignment_sides: dict[int, tuple] = {}
        self._parameters: dict[int, dict[str, object]] = {}
        self.memo: dict[tuple, object] = {}  # per-file results checks want to reuse
        self._calls: dict[int, Call] = {}
        self._taint = None
        self._application: bool | None = None

    @property
    def is_application(self) -> bool:
        """Whether the module takes outside data itself (`file_kind.is_application`)."""
        if self._application is None:
            from .file_kind import is_application

            self._application = is_application({*self.imports.values(), *self.star_imports})
        return self._application

    # -- text and names -------------------------------------------------
    def text(self, node) -> str:
        return self.source.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def dotted(self, node) -> list[str] | None:
        """`a.b.c` as ['a', 'b', 'c']; None when the chain holds calls or subscripts."""
        parts: list[str] = []
        while node is not None:
            kind = node.type
            if kind == "identifier":
                parts.append(self.text(node))
                parts.reverse()
                return parts
            if kind == "attribute":
                attr = node.child_by_field_name("attribute")
                if attr is None:
                    return None
                parts.append(self.text(attr))
                node = node.child_by_field_name("object")
            elif kind == "call":
                head = self._dynamic_import(node)
                if head is None:
                    return None
                parts.append(head)
                parts.reverse()
                return parts
            elif kind == "parenthesized_expression":
                node = node.named_children[0] if node.named_child_count else None
            else:
                return None
        return None

    def _dynamic_import(self, call) -> str | None:
        """`__import__("os")` / `importlib.import_module("os")` as a module name."""
        func = call.child_by_field_name("function")
        if func is None or self.resolve(self.text(func)) not in (
            "__import__", "importlib.import_module",
        ):
            return None
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_child_count else None
        value = self.literal(first) if first is not None else UNKNOWN
        return value if isinstance(value, str) else None

    def resolve(self, dotted_text: str) -> str:
        """Replace the head of a dotted name by what it was imported as."""
        head, dot, rest = dotted_text.partition(".")
        target = self.imports.get(head)
        if target is None:
            return dotted_text
        return f"{target}.{rest}" if dot else target

    def qualname(self, node) -> str | None:
        parts = self.dotted(node)
        if parts is None:
            return None
        head = parts[0]
        if head in self.imports:
            parts[0] = self.imports[head]
        elif head in self.import_aliases:
            alias = self._alias_of(head, node)
            if alias:
                parts[0] = alias
        return ".".join(parts)

    def _alias_of(self, name: str, use) -> str | None:
        """`run = subprocess.run` makes `run` mean `subprocess.run`."""
        for binding in reversed(self.reaching(name, use)):
            if binding.kind == "assign" and binding.value is not None and binding.value.type in (
                "attribute", "identifier",
            ):
                parts = self.dotted(binding.value)
                if parts and parts[0] in self.imports:
                    return ".".join([self.imports[parts[0]], *parts[1:]])
            return None
        return None

    def redefines(self, name: str) -> bool:
        """Whether the module gives a builtin's name its own meaning (`def eval(...)`,
        `input = ...`), so a bare call of it is not the builtin.  A method `def eval(self)`
        does not count: it is called as `self.eval(...)`.  Memoised: it runs per call."""
        key = ("redefines", name)
        if key not in self.memo:
            self.memo[key] = self._redefines(name)
        return self.memo[key]

    def _redefines(self, name: str) -> bool:
        root = self.tree.root_node.id
        if any(self._binding_scope(binding) == root for binding in self.bindings.get(name, ())):
            return True
        defined = self.memo.get(("top-level definitions",))
        if defined is None:  # one pass over the text for every name asked about
            defined = self.memo[("top-level definitions",)] = {
                match.group(1).decode("utf-8", "replace")
                for match in _TOP_LEVEL_DEFINITION.finditer(self.source.data)}
        return name in defined

    def call(self, node) -> Call:
        cached = self._calls.get(node.id)
        if cached is not None:
            return cached
        func = node.child_by_field_id(FUNCTION)
        method = None
        if func is not None and func.type == "attribute":
            attr = func.child_by_field_id(ATTRIBUTE)
            method = self.text(attr) if attr is not None else None
        call = Call(node, func, self.qualname(func) if func is not None else None, method)
        self._calls[node.id] = call
        return call

    # -- collection (called by the dispatcher) ---------------------------
    def add_import(self, node) -> None:
        if node.type == "import_statement":
            for child in node.named_children:
                if child.type == "dotted_name":
                    name = self.text(child)
                    self.imports.setdefault(name.split(".")[0], name.split(".")[0])
                elif child.type == "aliased_import":
                    target = child.child_by_field_name("name")
                    alias = child.child_by_field_name("alias")
                    if target is not None and alias is not None:
                        self.imports[self.text(alias)] = self.text(target)
            return
        module_node = node.child_by_field_name("module_name")
        if module_node is None:
            return
        module = self.text(module_node)
        for child in node.named_children:
            if child.id == module_node.id:
                continue
            if child.type == "wildcard_import":
                self.star_imports.append(module)
            elif child.type == "dotted_name":
                name = self.text(child)
                self.imports[name] = f"{module}.{name}"
            elif child.type == "aliased_import":
                target = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if target is not None and alias is not None:
                    self.imports[self.text(alias)] = f"{module}.{self.text(target)}"

    def add_binding(self, node) -> None:
        kind = node.type
        if kind in ("assignment", "augmented_assignment"):
            left = node.child_by_field_id(LEFT)
            right = node.child_by_field_id(RIGHT)
            label = "augment" if kind == "augmented_assignment" else "assign"
            if left is None:
                return
            name = self.text(left) if left.type == "identifier" else None
            self.assignment_sides[node.id] = (left, right, name)
            if name is not None:
                self.bind(name, node, right, label)
            elif left.type == "subscript" and kind == "assignment":  # `d["k"] = v`
                container = left.child_by_field_name("value")
                if container is not None and container.type == "identifier":
                    self.bind(self.text(container), node, right, "item")
            elif left.type == "attribute" and self.text(left).startswith("self."):
                self.bind("".join(self.text(left).split()), node, right, label)  # `self.x = v`
            elif left.type in ("pattern_list", "tuple_pattern", "list_pattern"):
                targets = left.named_children
                values = right.named_children if right is not None and right.type in (
                    "expression_list", "tuple", "list") else None
                for index, target in enumerate(targets):
                    if target.type == "identifier":
                        value = values[index] if values and len(values) == len(targets) else right
                        self.bind(self.text(target), node, value,
                                   label if values else "unpack")
        elif kind == "for_statement":
            left = node.child_by_field_id(LEFT)
            right = node.child_by_field_id(RIGHT)
            for target in self._targets(left):
                self.bind(target, node, right, "for")
        elif kind == "as_pattern":
            alias = node.child_by_field_name("alias")
            value = node.named_children[0] if node.named_child_count else None
            for target in self._targets(alias):
                self.bind(target, node, value, "with")
        elif kind == "named_expression":
            name = node.child_by_field_name("name")
            if name is not None:
                self.bind(self.text(name), node, node.child_by_field_name("value"), "walrus")

    def _targets(self, node) -> list[str]:
        if node is None:
            return []
        stack, names = [node], []
        while stack:
            current = stack.pop()
            if current.type == "identifier":
                names.append(self.text(current))
            elif current.type in ("pattern_list", "tuple_pattern", "list_pattern",
                                  "as_pattern_target", "parenthesized_expression", "tuple"):
                stack.extend(current.named_children)
        return names

    def bind(self, name: str, node, value, kind: str) -> None:
        self.bindings.setdefault(name, []).append(Binding(name, node, value, kind))
        if kind == "assign" and value is not None and value.type in ("attribute", "identifier"):
            head = self.source.data[value.start_byte:value.end_byte].split(b".", 1)[0].strip()
            if head.decode("utf-8", "replace") in self.imports:
                self.import_aliases.add(name)  # `run = subprocess.run`

    def order_bindings(self) -> None:
        """Put every name's bindings in source order (`reaching` relies on it)."""
        for bindings in self.bindings.values():
            if len(bindings) > 1:
                bindings.sort(key=lambda binding: binding.node.start_byte)

    # -- scopes -----------------------------------------------------------
    def functions_named(self, name: str) -> list:
        """Every `def name` of the file (module level, methods, nested), in document order."""
        if self._functions is None:
            self._functions = {}
            for scope in self._scope_index[0] if self._scope_index is not None else ():
                name_node = scope.child_by_field_name("name")
                if scope.type == "function_definition" and name_node is not None:
                    self._functions.setdefault(self.text(name_node), []).append(scope)
        return self._functions.get(name, [])

    def index_scopes(self, scopes) -> None:
        """Take every function, lambda and class of the file at once (the dispatcher's
        captures), so `scope_of` finds enclosing scopes by position: asking tree-sitter
        for a node's parent walks down from the root each time."""
        ordered = sorted(scopes, key=lambda node: (node.start_byte, -node.end_byte))
        enclosing: list[int] = []
        open_scopes: list[int] = []
        for index, node in enumerate(ordered):
            while open_scopes and ordered[open_scopes[-1]].end_byte < node.end_byte:
                open_scopes.pop()
            enclosing.append(open_scopes[-1] if open_scopes else -1)
            open_scopes.append(index)
        self._scope_index = (ordered, [node.start_byte for node in ordered],
                             [node.end_byte for node in ordered], enclosing)

    def scope_of(self, node):
        """The function, lambda, class or module that `node` belongs to."""
        cached = self._scopes.get(node.id)
        if cached is not None:
            return cached
        if self._scope_index is not None and node.end_byte > node.start_byte:
            scope = self._indexed_scope(node)  # (an empty node may sit on a scope's edge)
        else:
            current = node.parent
            while current is not None and current.type not in SCOPE_TYPES:
                current = current.parent
            scope = current if current is not None else self.tree.root_node
        self._scopes[node.id] = scope
        return scope

    def _indexed_scope(self, node):
        """The innermost indexed scope that strictly contains `node`'s span.  Spans of a
        tree nest, and the only other node spanning exactly a scope's bytes is an
        ancestor of it (`lambda: x` as a whole statement), so equal spans do not count."""
        ordered, starts, ends, enclosing = self._scope_index
        start, end = node.start_byte, node.end_byte
        index = bisect_right(starts, start) - 1
        while index >= 0:
            if ends[index] >= end and (starts[index] < start or ends[index] > end):
                return ordered[index]
            index = enclosing[index]
        return self.tree.root_node

    def function_of(self, node):
        """The nearest enclosing function or lambda, skipping class bodies; None at module level."""
        scope = self.scope_of(node)
        while scope.type == "class_definition":
            scope = self.scope_of(scope)
        return scope if scope.type in FUNCTION_TYPES else None

    def parameters(self, function) -> dict[str, object]:
        """Parameter name -> parameter node for a function or lambda (do not modify)."""
        cached = self._parameters.get(function.id)
        if cached is None:
            cached = self._parameters[function.id] = self._read_parameters(function)
        return cached

    def _read_parameters(self, function) -> dict[str, object]:
        params = function.child_by_field_name("parameters")
        found: dict[str, object] = {}
        if params is None:
            return found
        for child in params.named_children:
            name_node = child if child.type == "identifier" else child.child_by_field_name("name")
            if name_node is None and child.named_child_count:
                name_node = child.named_children[0]
            if name_node is not None and name_node.type == "identifier":
                found[self.text(name_node)] = child
        return found

    def reaching(self, name: str, use) -> list[Binding]:
        """Bindings of `name` in the scope of `use` that come before it.

        At module level or when the function has none, module-level
        bindings anywhere in the file count (constants defined below a
        function are still defined when it runs)."""
        candidates = self.bindings.get(name)
        if not candidates:
            return []
        scope = self.scope_of(use)
        while scope.type == "class_definition":
            scope = self.scope_of(scope)
        before, start = use.start_byte, scope.start_byte
        local = [b for b in candidates if start <= b.node.start_byte < before
                 and self._binding_scope(b) == scope.id]
        if local or scope.type != "module" and name in self.parameters(scope):
            return local
        root = self.tree.root_node.id
        return [b for b in candidates if self._binding_scope(b) == root]

    def _binding_scope(self, binding: Binding) -> int:
        if binding.scope is None:
            scope = self.scope_of(binding.node)
            while scope.type == "class_definition":
                scope = self.scope_of(scope)
            binding.scope = scope.id
        return binding.scope

    def is_parameter(self, name: str, use) -> bool:
        function = self.function_of(use)
        return function is not None and name in self.parameters(function)

    # -- values -------------------------------------------------------------
    def literal(self, node, _hops: int = 0, _depth: int = 0):
        """The constant value of an expression, or UNKNOWN (also past MAX_DEPTH nesting)."""
        if node is None or _hops > MAX_HOPS or _depth > MAX_DEPTH:
            return UNKNOWN
        _depth += 1
        kind = node.type
        if kind == "string":  # asked for again and again (dict keys, arguments): kept
            value = self._strings.get(node.id)
            if value is None:
                value = self._strings[node.id] = self._string_literal(node, _depth)
            return value
        if kind == "concatenated_string":
            parts = [self._string_literal(child, _depth) for child in node.named_children]
            if any(part is UNKNOWN for part in parts):
                return UNKNOWN
            return "".join(str(part) for part in parts)
        if kind == "integer":
            try:
                return int(self.text(node).replace("_", "").rstrip("lLjJ"), 0)
            except ValueError:
                return UNKNOWN
        if kind == "float":
            try:
                return float(self.text(node).replace("_", ""))
            except ValueError:
                return UNKNOWN
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "none":
            return None
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.literal(node.named_children[0], _hops, _depth)
        if kind == "unary_operator":
            value = self.literal(node.child_by_field_name("argument"), _hops, _depth)
            op = node.child_by_field_name("operator")
            if isinstance(value, (int, float)) and op is not None and self.text(op) == "-":
                return -value
            return value if op is not None and self.text(op) == "+" else UNKNOWN
        if kind in ("tuple", "list", "expression_list"):
            items = [self.literal(child, _hops, _depth) for child in node.named_children]
            if any(item is UNKNOWN for item in items):
                return UNKNOWN
            return tuple(items) if kind != "list" else items
        if kind in ("binary_operator", "boolean_operator"):
            op = node.child_by_field_name("operator")
            left = self.literal(node.child_by_field_name("left"), _hops, _depth)
            right = self.literal(node.child_by_field_name("right"), _hops, _depth)
            if left is UNKNOWN or right is UNKNOWN or op is None:
                return UNKNOWN
            if kind == "boolean_operator":
                return folding.boolean(self.text(op), left, right)
            return folding.arithmetic(self.text(op), left, right)
        if kind == "comparison_operator":
            operands = [self.literal(child, _hops, _depth) for child in node.named_children]
            if any(value is UNKNOWN for value in operands):
                return UNKNOWN
            symbols = [" ".join(self.text(c).split()) for c in node.children if not c.is_named]
            return folding.compare(symbols, operands)
        if kind == "not_operator":
            value = self.literal(node.child_by_field_name("argument"), _hops, _depth)
            return UNKNOWN if value is UNKNOWN else not value
        if kind == "conditional_expression" and node.named_child_count == 3:
            chosen = self.live_arm(node)
            return UNKNOWN if chosen is None else self.literal(chosen, _hops, _depth)
        if kind in ("subscript", "attribute"):  # `d["key"]`, `items[0]`, `self.x`
            values = self._entry_values(node)
            if values is None or len(values) != 1:
                return UNKNOWN
            return self.literal(values[0], _hops + 1, _depth)
        if kind == "identifier":
            bindings = surviving(self.live_bindings(self.text(node), node), node)
            if not bindings or any(b.kind != "assign" for b in bindings):
                return UNKNOWN
            value = self.literal(bindings[-1].value, _hops + 1, _depth)
            # assigned in several branches: known only when every branch gives the same
            if value is not UNKNOWN and any(
                    self.literal(b.value, _hops + 1, _depth) != value for b in bindings[:-1]):
                return UNKNOWN
            return value
        return UNKNOWN

    def _entry_values(self, node) -> list | None:
        """The values a container entry or `self` attribute may hold (`containers`)."""
        from .containers import attribute_values, element_values

        if node.type == "subscript":
            return element_values(self, node)
        return attribute_values(self, node) or None

    def live_bindings(self, name: str, use) -> list[Binding]:
        """`reaching`, without the bindings in code that never runs (`guards.is_dead`:
        `if 7 * 18 + 106 > 200: x = "safe" else: x = param` leaves `x = "safe"`)."""
        from .guards import is_dead

        return [b for b in self.reaching(name, use) if not is_dead(self, b.node)]

    def live_arm(self, conditional):
        """The arm of `a if C else b` that runs when C is a constant; None otherwise."""
        from .guards import constant_truth

        body, condition, alternative = conditional.named_children
        truth = constant_truth(self, condition)
        return None if truth is None else body if truth else alternative

    def _string_literal(self, node, depth: int = 0):
        if node.type == "concatenated_string":
            return self.literal(node, 0, depth)
        pieces = []
        for child in node.named_children:
            kind = child.type
            if kind == "string_content":
                pieces.append(self.text(child))
            elif kind == "escape_sequence":
                pieces.append(_unescape(self.text(child)))
            elif kind == "interpolation":
                return UNKNOWN
        return "".join(pieces)

    def is_literal(self, node) -> bool:
        return self.literal(node) is not UNKNOWN

    def string_info(self, node) -> StringInfo:
        """How a string was built, following names through assignments."""
        info = StringInfo()
        literal_pieces: list[str] = []
        stack = [(node, 0)]
        seen: set[int] = set()
        while stack:
            current, hops = stack.pop()
            if current is None or current.id in seen:
                continue
            seen.add(current.id)
            kind = current.type
            if kind == "string":
                has_interp = False
                for child in current.named_children:
                    if child.type in ("string_content", "escape_sequence"):
                        literal_pieces.append(self.text(child))
                    elif child.type == "interpolation":
                        has_interp = True
                        expr = child.child_by_field_name("expression")
                        if expr is not None and not self.is_literal(expr):
                            info.dynamic_parts.append(expr)
                info.kinds.add("fstring" if has_interp else "literal")
            elif kind == "concatenated_string":
                stack.extend((child, hops) for child in reversed(current.named_children))
            elif kind == "parenthesized_expression":
                stack.extend((child, hops) for child in current.named_children)
            elif kind == "binary_operator":
                op = current.child_by_field_name("operator")
                symbol = self.text(op) if op is not None else ""
                left = current.child_by_field_name("left")
                right = current.child_by_field_name("right")
                if symbol == "+":
                    info.kinds.add("concat")
                    stack.append((right, hops))
                    stack.append((left, hops))
                elif symbol == "%" and self._stringish(left, hops):
                    info.kinds.add("percent")
                    stack.append((left, hops))
                    if not self.is_literal(right):
                        info.dynamic_parts.append(right)
                else:
                    self._opaque(current, info, literal_pieces)
            elif kind == "call":
                self._string_call(current, hops, info, literal_pieces, stack)
            elif kind == "identifier" and hops < MAX_HOPS:
                bindings = self.reaching(self.text(current), current)
                usable = [b for b in bindings if b.kind in ("assign", "augment", "walrus")]
                if not usable:
                    self._opaque(current, info, literal_pieces)
                    continue
                if any(b.kind == "augment" for b in usable):
                    info.kinds.add("concat")
                for binding in reversed(usable):
                    stack.append((binding.value, hops + 1))
            else:
                self._opaque(current, info, literal_pieces)
        info.literal_text = "".join(literal_pieces)
        return info

    def _stringish(self, node, hops: int) -> bool:
        if node is None:
            return False
        if node.type in ("string", "concatenated_string"):
            return True
        if node.type == "identifier" and hops < MAX_HOPS:
            return any(b.value is not None and b.value.type in ("string", "concatenated_string")
                       for b in self.reaching(self.text(node), node))
        return False

    def _string_call(self, call, hops, info, literal_pieces, stack) -> None:
        func = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        arg_nodes = args.named_children if args is not None else []
        if func is not None and func.type == "attribute":
            obj = func.child_by_field_name("object")
            attr = self.text(func.child_by_field_name("attribute"))
            if attr == "format" and obj is not None:
                info.kinds.add("format")
                stack.append((obj, hops))
                for arg in arg_nodes:
                    value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
                    if value is not None and not self.is_literal(value):
                        info.dynamic_parts.append(value)
                return
            if attr == "join" and obj is not None and obj.type == "string":
                info.kinds.add("join")
                for arg in arg_nodes:
                    if not self.is_literal(arg):
                        info.dynamic_parts.append(arg)
                return
            if attr in _STRING_METHODS and obj is not None and not (
                    obj.type == "identifier" and self.text(obj) in self.imports):
                stack.append((obj, hops))  # `s.strip()`, not `codecs.encode(s, "rot13")`
                return
        if func is not None and func.type == "identifier" and self.text(func) == "str" and arg_nodes:
            stack.append((arg_nodes[0], hops))
            return
        self._opaque(call, info, literal_pieces)

    def _opaque(self, node, info: StringInfo, literal_pieces: list[str]) -> None:
        value = self.literal(node)
        if value is UNKNOWN:
            info.dynamic_parts.append(node)
        else:
            literal_pieces.append(str(value))

    # -- reporting ----------------------------------------------------------
    def report(self, rule, node, message, **details) -> None:
        """As `ReportingContext.report`, but code that never runs (`if False:`) reports
        nothing, except for rules about the text itself (secrets, hidden characters)."""
        if not rule.id.startswith(TEXT_RULE_PREFIXES) and hasattr(node, "parent"):
            from .guards import is_dead

            if is_dead(self, node):
                return
        super().report(rule, node, message, **details)

    # -- taint ------------------------------------------------------------
    def taint(self, node, barrier=None):
        """Where untrusted data in `node` came from (a `Taint`), or None.

        `barrier(node) -> bool` adds sanitisers of one sink (see `TaintTracker.of`)."""
        return self.tracker.of(node, barrier)

    @property
    def tracker(self):
        """The file's `TaintTracker` (made on first use)."""
        if self._taint is None:
            from .taint import TaintTracker

            self._taint = TaintTracker(self)
        return self._taint


# The captures `read_names` reads (the analyzer's query adds what its checks match).
NAMES_QUERY = """
(import_statement) @import
(import_from_statement) @import
(assignment) @bind
(augmented_assignment) @bind
(for_statement) @bind
(as_pattern) @bind
(named_expression) @bind
(function_definition) @scope
(class_definition) @scope
(lambda) @scope
"""


def read_names(ctx: PyContext, captures: dict) -> list:
    """Add the `import` and `bind` captures to `ctx` in document order (`captures()` does
    not return nodes in order, and a later import or assignment wins), and index the
    `scope` captures; returns the ordered bindings."""
    ctx.index_scopes(captures.get("scope", ()))
    for node in sorted(captures.get("import", ()), key=_start):
        ctx.add_import(node)
    bindings = sorted(captures.get("bind", ()), key=_start)
    for node in bindings:
        ctx.add_binding(node)
    return bindings


def _start(node) -> int:
    return node.start_byte


def surviving(bindings: list, use) -> list:
    """Drop bindings overwritten by a later plain assignment that surely runs before `use`.

    `x = request.args["x"]; x = int(x); sink(x)`: only `x = int(x)` reaches the
    sink.  "Surely" means the assignment is a statement of a block that
    encloses `use` (not inside an `if`, `try` or loop that `use` is outside of)."""
    if len(bindings) < 2:
        return bindings
    cut = None
    for binding in bindings:
        if binding.kind == "assign" and (cut is None or binding.node.start_byte > cut) \
                and runs_before(binding.node, use):
            cut = binding.node.start_byte
    if cut is None:
        return bindings
    return [b for b in bindings if b.node.start_byte >= cut]


def runs_before(assignment, use) -> bool:
    """Whether the statement `assignment` (or a call statement) surely runs before `use`:
    it ends before it, in a block that encloses `use` within the same function."""
    statement = assignment.parent
    if statement is None or statement.type != "expression_statement" \
            or use.start_byte < assignment.end_byte:
        return False
    block = statement.parent
    current = use.parent
    while current is not None:
        if block is not None and current.id == block.id:
            return True
        if current.type in ("function_definition", "lambda", "class_definition"):
            return False
        current = current.parent
    return False


_STRING_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "lower", "upper", "replace", "encode", "decode",
    "title", "capitalize", "casefold", "removeprefix", "removesuffix", "zfill",
})

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"'}


def _unescape(text: str) -> str:
    if len(text) == 2 and text[1] in _ESCAPES:
        return _ESCAPES[text[1]]
    try:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text
