"""Where JavaScript/TypeScript checks register, keyed so the dispatcher finds them in O(1).

A check is a small function that gets the `JsContext` and the matched node
(wrapped as a `Call` for calls and `new`) and calls ``ctx.report(...)``.

    @on.call("child_process.exec", "eval")   # exact qualified callee (call or `new`)
    @on.method("query", "execute")            # `<anything>.query(...)`
    @on.property("rejectUnauthorized")        # an object literal key: (ctx, pair, key, value)
    @on.assign("innerHTML")                   # `x.innerHTML = v`, `const innerHTML = v`,
                                              # `process.env.X = v`: (ctx, node, name, value)
    @on.assign_where(predicate)               # assignment target passing predicate
    @on.property_where(predicate)             # object key passing predicate
    @on.jsx("dangerouslySetInnerHTML")        # a JSX attribute: (ctx, attribute, name, value)
    @on.node("for_in_statement")              # a captured node of that type: (ctx, node)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable


class JsChecks:
    def __init__(self) -> None:
        self.calls: dict[str, list[Callable]] = defaultdict(list)
        self.methods: dict[str, list[Callable]] = defaultdict(list)
        self.properties: dict[str, list[Callable]] = defaultdict(list)
        self.assignments: dict[str, list[Callable]] = defaultdict(list)
        self.assignment_predicates: list[tuple[Callable, frozenset | None, Callable]] = []
        self.property_predicates: list[tuple[Callable, frozenset | None, Callable]] = []
        self.jsx_attributes: dict[str, list[Callable]] = defaultdict(list)
        self.nodes: dict[str, list[Callable]] = defaultdict(list)

    def call(self, *qualnames: str):
        return self._register(self.calls, qualnames)

    def method(self, *names: str):
        return self._register(self.methods, names)

    def property(self, *keys: str):
        return self._register(self.properties, keys)

    def assign(self, *names: str):
        return self._register(self.assignments, names)

    def assign_where(self, predicate: Callable[[str], bool], values: frozenset | None = None):
        """`values`: only when the assigned expression is of one of these node types."""
        return self._register_predicate(self.assignment_predicates, predicate, values)

    def property_where(self, predicate: Callable[[str], bool], values: frozenset | None = None):
        return self._register_predicate(self.property_predicates, predicate, values)

    @staticmethod
    def _register_predicate(table, predicate, values):
        def decorator(check):
            table.append((predicate, values, check))
            return check
        return decorator

    def jsx(self, *names: str):
        return self._register(self.jsx_attributes, names)

    def node(self, *types: str):
        return self._register(self.nodes, types)

    @staticmethod
    def _register(table, keys):
        def decorator(check):
            for key in keys:
                table[key].append(check)
            return check
        return decorator

    def call_tails(self) -> frozenset[str]:
        """Last segments of every qualified callee, to skip most member calls cheaply."""
        return frozenset(name.rpartition(".")[2] for name in self.calls)

    def call_heads(self) -> frozenset[str]:
        """Callees that are plain names (globals, or imported under their own name)."""
        return frozenset(name for name in self.calls if "." not in name)


on = JsChecks()
