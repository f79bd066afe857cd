"""A call or `new` expression as the JavaScript checks see it."""

from __future__ import annotations

from ..shared import UNKNOWN, Unknown
from .values import unwrap

# `window.eval(x)` and `globalThis.fetch(u)` are the globals themselves.
GLOBAL_OBJECTS = ("window.", "globalThis.", "self.", "global.")


class Call:
    """A call or `new` expression; its callee is resolved and its arguments listed on demand."""

    __slots__ = (
        "_args",
        "_ctx",
        "_qualname",
        "_spread",
        "_tagged",
        "func",
        "is_new",
        "method",
        "node",
    )

    def __init__(self, ctx, node, func, method: str | None):
        self.node = node
        self.func = func
        self.method = method
        self.is_new = node.type == "new_expression"
        self._ctx = ctx
        self._qualname: str | None | Unknown = UNKNOWN
        self._args: list | None = None
        self._spread = self._tagged = False

    @property
    def qualname(self) -> str | None:
        if self._qualname is UNKNOWN:
            name = self._ctx.qualname(self.func) if self.func is not None else None
            if name is not None and name.startswith(GLOBAL_OBJECTS):
                name = name.partition(".")[2]
            self._qualname = name
        return self._qualname

    @property
    def args(self) -> list:
        if self._args is None:
            self._args = []
            args = self.node.child_by_field_name("arguments")
            if args is not None and args.type == "template_string":
                self._tagged = True  # sql`...`: the tag receives the parts apart
                self._args.append(args)
            elif args is not None:
                for child in args.named_children:
                    if child.type == "spread_element":
                        self._spread = True
                    elif child.type != "comment":
                        self._args.append(child)
        return self._args

    @property
    def spread(self) -> bool:
        """True when an argument is `...spread` (positions after it are unknown)."""
        return self.args is not None and self._spread

    @property
    def tagged(self) -> bool:
        return self.args is not None and self._tagged

    @property
    def name(self) -> str:
        return self.qualname or self.method or ""

    @property
    def receiver(self):
        """`a.b` in `a.b.m(...)`; None for plain function calls."""
        func = unwrap(self.func)
        return func.child_by_field_name("object") if func is not None and \
            func.type == "member_expression" else None

    def arg(self, index: int):
        args = self.args
        return args[index] if index < len(args) else None
