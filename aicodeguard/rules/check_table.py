"""The registration tables every language's checks share: calls, methods, assignments,
captured node types.  Each language adds the hooks of its own syntax."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable


class CheckTable:
    def __init__(self) -> None:
        self.calls: dict[str, list[Callable]] = defaultdict(list)
        self.methods: dict[str, list[Callable]] = defaultdict(list)
        self.assignments: dict[str, list[Callable]] = defaultdict(list)
        self.nodes: dict[str, list[Callable]] = defaultdict(list)

    def call(self, *qualnames: str):
        return self._register(self.calls, qualnames)

    def method(self, *names: str):
        return self._register(self.methods, names)

    def assign(self, *names: str):
        return self._register(self.assignments, names)

    def node(self, *types: str):
        return self._register(self.nodes, types)

    @staticmethod
    def _register(table, keys):
        def decorator(check):
            for key in keys:
                table[key].append(check)
            return check
        return decorator

    @staticmethod
    def _register_predicate(table, *entry):
        """Append `(*entry, check)` to a predicate table."""
        def decorator(check):
            table.append((*entry, check))
            return check
        return decorator

    def call_tails(self) -> frozenset[str]:
        """Last segments of every qualified callee, to skip most member calls cheaply."""
        return frozenset(name.rpartition(".")[2] for name in self.calls)
