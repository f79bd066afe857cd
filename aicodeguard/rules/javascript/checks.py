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

from ..check_table import CheckTable


class JsChecks(CheckTable):
    def __init__(self) -> None:
        super().__init__()
        self.properties: dict[str, list[Callable]] = defaultdict(list)
        self.assignment_predicates: list[tuple[Callable, frozenset | None, Callable]] = []
        self.property_predicates: list[tuple[Callable, frozenset | None, Callable]] = []
        self.jsx_attributes: dict[str, list[Callable]] = defaultdict(list)

    def property(self, *keys: str):
        return self._register(self.properties, keys)

    def assign_where(self, predicate: Callable[[str], bool], values: frozenset | None = None):
        """`values`: only when the assigned expression is of one of these node types."""
        return self._register_predicate(self.assignment_predicates, predicate, values)

    def property_where(self, predicate: Callable[[str], bool], values: frozenset | None = None):
        return self._register_predicate(self.property_predicates, predicate, values)

    def jsx(self, *names: str):
        return self._register(self.jsx_attributes, names)

    def call_heads(self) -> frozenset[str]:
        """Callees that are plain names (globals, or imported under their own name)."""
        return frozenset(name for name in self.calls if "." not in name)


on = JsChecks()
