"""JavaScript checks for LLM applications: request data in the system prompt (AIG807)
and in log lines (AIG108, shared with the injection family)."""

from __future__ import annotations

from ..injection import LOG_INJECTION
from ..llm import SYSTEM_PROMPT_INJECTION
from .checks import on
from .sinks import assess, report_sink

SYSTEM_ROLES = frozenset({"system", "developer"})
# Options of LLM calls that are the system prompt: Anthropic `system`, OpenAI Responses
# `instructions`, Vercel AI SDK `system`.
SYSTEM_OPTIONS = frozenset({"system", "instructions", "systemInstruction", "systemPrompt"})
_LLM_CALL_WORDS = ("create", "stream", "generate", "Agent", "Chat", "Model", "complet")
CONSOLE_CALLS = ("console.log", "console.info", "console.warn", "console.error",
                 "console.debug")


@on.property("content")
def system_message_content(ctx, node, key, value) -> None:
    role = ctx.property(node.parent, "role")
    if role is None or ctx.literal(role) not in SYSTEM_ROLES:
        return
    _check_system_prompt(ctx, value, "the system message")


@on.property(*SYSTEM_OPTIONS)
def system_option(ctx, node, key, value) -> None:
    obj = node.parent
    args = obj.parent if obj is not None else None
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is None or call.type not in ("call_expression", "new_expression"):
        return
    if not any(word in ctx.call(call).name for word in _LLM_CALL_WORDS):
        return
    _check_system_prompt(ctx, value, f"the `{key}` option")


def _check_system_prompt(ctx, value, where: str) -> None:
    found = assess(ctx, value)
    if found is None or found.taint is None or found.taint.kind != "request":
        return
    report_sink(ctx, SYSTEM_PROMPT_INJECTION, value,
                f"request data is placed in {where}, where the model treats it with the "
                "developer's authority; put user text in a `user` message and keep the system "
                "prompt constant", found.taint, escalate=False)


@on.call(*CONSOLE_CALLS)
def console_log(ctx, call) -> None:
    for arg in call.args:
        found = assess(ctx, arg, frozenset({"JSON.stringify", "util.inspect"}))
        if found is None or found.taint is None or found.taint.kind not in ("request", "llm"):
            continue
        if any(_strips_line_breaks(ctx, part) for part in found.parts):
            return
        report_sink(ctx, LOG_INJECTION, arg,
                    f"{found.taint.label} is written to `{call.qualname}`; a value with line "
                    "breaks can forge extra log lines: log it with JSON.stringify() or remove "
                    "`\\r` and `\\n` first", found.taint, escalate=False)
        return


def _strips_line_breaks(ctx, node) -> bool:
    """`value.replace(/[\\r\\n]/g, '')`, also assigned a line earlier."""
    text = ctx.text(ctx.value_of(node))
    return ".replace" in text and ("\\n" in text or "\\r" in text)
