"""Where Python checks register, keyed so the dispatcher can look them up in O(1).

A check is a small function that gets the `PyContext` and the matched node
(wrapped as a `Call` for calls) and calls ``ctx.report(...)``.  Registering:

    @on.call("pickle.loads", "pickle.load")      # exact qualified callee
    @on.method("execute", "executemany")          # `<anything>.execute(...)`
    @on.keyword("verify")                         # a call passing verify=...
    @on.assign("DEBUG", "SECRET_KEY")             # assignment to that name/attr/key
    @on.assign_where(predicate)                   # assignment target passing predicate
    @on.node("assert_statement")                  # any captured node of that type
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable


class PythonChecks:
    def __init__(self) -> None:
        self.calls: dict[str, list[Callable]] = defaultdict(list)
        self.methods: dict[str, list[Callable]] = defaultdict(list)
        self.keywords: dict[str, list[Callable]] = defaultdict(list)
        self.assignments: dict[str, list[Callable]] = defaultdict(list)
        self.assignment_predicates: list[tuple[Callable[[str], bool], Callable]] = []
        self.nodes: dict[str, list[Callable]] = defaultdict(list)

    def call(self, *qualnames: str):
        return self._register(self.calls, qualnames)

    def method(self, *names: str):
        return self._register(self.methods, names)

    def keyword(self, *names: str):
        return self._register(self.keywords, names)

    def assign(self, *names: str):
        return self._register(self.assignments, names)

    def assign_where(self, predicate: Callable[[str], bool]):
        def decorator(check):
            self.assignment_predicates.append((predicate, check))
            return check
        return decorator

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
        """Last segments of every qualified callee, to skip most calls cheaply."""
        return frozenset(name.rpartition(".")[2] for name in self.calls)


on = PythonChecks()
