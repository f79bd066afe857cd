"""Python check for AIG102 in snippets whose imports were cut off.

Assistants answer with fragments: `system(cmd)`, `check_output(cmd, shell=True)`
with no `import` in sight.  A bare name that nothing in the file defines,
imports or binds is taken for the `os`/`subprocess` function it is named after,
with less confidence than a resolved call (names of modules imported with `*`
are resolved by the analyzer before this).
"""

from __future__ import annotations

import re

from ...analysis.python.callers import caller_taint
from ...analysis.shared import value_origin
from ...model import Confidence, Severity
from ..injection import SHELL_INJECTION
from ..llm import LLM_OUTPUT_TO_SHELL
from ..sinks import report_sink
from .checks import on
from .injection_shell import FRAGMENT_CALLS, SHELL_SANITISERS
from .injection_values import assess

# Evidence context of a call whose import is not in the file (a snippet's fragment).
FRAGMENT = "fragment"


@on.call(*FRAGMENT_CALLS)
def fragment_call(ctx, call) -> None:
    """`system(cmd)`, `check_output(cmd, shell=True)` in a snippet whose imports were cut
    off: a bare name that nothing in the file defines or imports (a name of a module
    imported with `*` is resolved before this)."""
    name = call.qualname
    if ctx.star_imports or ctx.reaching(name, call.node) or ctx.is_parameter(name, call.node) \
            or call.star_args or _defines(ctx, name):
        return  # `from helpers import *` may define it; a local, parameter or nested def
    meant, shell_only = FRAGMENT_CALLS[name]
    shell_node = call.keywords.get("shell")
    explicit = shell_node is not None and ctx.literal(shell_node) is True
    command = call.arg(0, "cmd" if shell_only else "args")
    if command is None or not (shell_only or explicit):
        return
    found = assess(ctx, command, SHELL_SANITISERS)
    if found is None:
        return
    taint = found.taint or caller_taint(ctx, found.parts)
    dynamic = found.built or taint is not None
    how = f"built with {found.how()}" if found.built else \
        "taken from outside" if taint is not None else "not constant"
    report_sink(ctx, SHELL_INJECTION, command,
                f"`{call.name}` (presumably `{meant}`, its import not shown) runs a shell "
                f"command {how}; run the program with an argument list (no shell) or quote "
                "each value with `shlex.quote`", taint, llm_rule=LLM_OUTPUT_TO_SHELL,
                severity=Severity.HIGH if dynamic else Severity.MEDIUM,
                confidence=Confidence.MEDIUM if dynamic or explicit else Confidence.LOW,
                evidence=f"{taint.evidence if taint else value_origin(ctx, command)}+{FRAGMENT}")


def _defines(ctx, name: str) -> bool:
    """A `def`/`class` of that name anywhere in the file (nested ones too)."""
    key = ("defines", name)
    if key not in ctx.memo:
        ctx.memo[key] = re.search(rb"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+"
                                  + re.escape(name.encode()) + rb"\b", ctx.source.data,
                                  re.MULTILINE) is not None
    return ctx.memo[key]
