"""Where Python checks register, keyed so the dispatcher can look them up in O(1).

A check is a small function that gets the `PyContext` and the matched node
(wrapped as a `Call` for calls) and calls ``ctx.report(...)``.  Registering:

    @on.call("pickle.loads", "pickle.load")      # exact qualified callee
    @on.method("execute", "executemany")          # `<anything>.execute(...)`
    @on.keyword("verify")                         # a call passing verify=...
    @on.assign("DEBUG", "SECRET_KEY")             # assignment to that name/attr/key
    @on.assign_where(predicate)                   # assignment target passing predicate
    @on.node("assert_statement")                  # any captured node of that type
    @on.comparison("==", "!=")                    # a comparison using one of these operators
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..check_table import CheckTable


class PythonChecks(CheckTable):
    def __init__(self) -> None:
        super().__init__()
        self.keywords: dict[str, list[Callable]] = defaultdict(list)
        self.assignment_predicates: list[tuple[Callable[[str], bool], Callable]] = []
        self.comparisons: dict[str, list[Callable]] = defaultdict(list)

    def keyword(self, *names: str):
        return self._register(self.keywords, names)

    def comparison(self, *operators: str):
        """Keyed by operator: most comparisons (`is None`, `<`) need no check at all."""
        return self._register(self.comparisons, operators)

    def assign_where(self, predicate: Callable[[str], bool]):
        return self._register_predicate(self.assignment_predicates, predicate)


on = PythonChecks()
