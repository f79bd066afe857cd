"""Python checks for AIG804+: how LLM applications load models and hand agents their tools.

(Flows of model output into eval, shells or SQL live with those sinks.)
"""

from __future__ import annotations

import re

from ...model import Severity
from ..llm import (
    AGENT_CODE_EXECUTION,
    AGENT_UNRESTRICTED_REQUESTS,
    DANGEROUS_DESERIALIZATION,
    SYSTEM_PROMPT_INJECTION,
    TRUST_REMOTE_CODE,
)
from ..sinks import flow_suffix, source_note
from .checks import on
from .deserialization_origin import (
    RUNS_CODE,
    data_origin,
    first_argument,
    keyword_fix,
    report_load,
)

S = Severity
_MODEL_ARGUMENTS = ("pretrained_model_name_or_path", "model", "model_name_or_path",
                    "model_name", "repo_id", "path")
_PINNED = re.compile(r"[0-9a-f]{40}")


# -- AIG804 trust_remote_code -----------------------------------------------------------
@on.keyword("trust_remote_code")
def trust_remote_code(ctx, call, value) -> None:
    if ctx.literal(value) is not True:
        return
    if call.qualname == "dict":  # kwargs = dict(trust_remote_code=True)
        ctx.report(TRUST_REMOTE_CODE, value.parent, DICT_FLAGS["trust_remote_code"][2])
        return
    severity, taint, what = _model_risk(ctx, call, _model_argument(call))
    ctx.report(TRUST_REMOTE_CODE, value.parent,
               f"`{_callee(ctx, call)}` loads {what} with `trust_remote_code=True`: Python files "
               "from the model repository run on this machine — use a model supported without "
               "custom code, or review it and pin `revision=` to a commit" + flow_suffix(
                   ctx, taint),
               severity=severity, related=source_note(ctx, taint) if taint else (),
               evidence=taint.evidence if taint else None,
               fix=keyword_fix(ctx, call, "trust_remote_code", "False",
                               "Set `trust_remote_code=False`"))


def _model_argument(call):
    """The model id: `pipeline(task, model)` takes it second, loaders first."""
    for name in _MODEL_ARGUMENTS:
        if name in call.keywords:
            return call.keywords[name]
    position = 1 if (call.name or "").endswith("pipeline") else 0
    return call.positional[position] if len(call.positional) > position else None


def _model_risk(ctx, call, model):
    """(severity, taint, description) for the model a trust_remote_code load names."""
    if model is None:
        return S.MEDIUM, None, "a model"
    taint = ctx.taint(model)
    if taint is not None and taint.is_remote:
        return S.CRITICAL, taint, "a model chosen by the caller"
    name = ctx.literal(model)
    revision = ctx.literal(call.keywords.get("code_revision") or call.keywords.get("revision"))
    if isinstance(name, str) and name.startswith((".", "/", "~")):
        return S.LOW, None, f"the local model `{name}`"
    if isinstance(revision, str) and _PINNED.fullmatch(revision):
        return S.LOW, None, "a model pinned to a commit"
    return S.MEDIUM, taint, f"`{name}`" if isinstance(name, str) else "a model"


@on.call("torch.hub.load")
def torch_hub_repo_from_request(ctx, call) -> None:
    repo = first_argument(call)
    taint = ctx.taint(repo) if repo is not None else None
    if taint is None or not taint.is_remote:
        return
    ctx.report(TRUST_REMOTE_CODE, call.node,
               "`torch.hub.load` runs `hubconf.py` from a repository chosen by the caller; "
               "load only fixed, reviewed repositories" + flow_suffix(ctx, taint),
               severity=S.CRITICAL, related=source_note(ctx, taint), evidence=taint.evidence)


# -- AIG805 allow_dangerous_deserialization -----------------------------------------------
@on.keyword("allow_dangerous_deserialization")
def langchain_dangerous_deserialization(ctx, call, value) -> None:
    if ctx.literal(value) is not True:
        return
    source = first_argument(call)
    if source is None:
        ctx.report(DANGEROUS_DESERIALIZATION, value.parent, _PICKLED_INDEX.format(
            call=_callee(ctx, call), what="a stored index"))
        return
    origin = data_origin(ctx, source, is_path=not (call.name or "").endswith("from_bytes"))
    report_load(ctx, DANGEROUS_DESERIALIZATION, value.parent,
                _PICKLED_INDEX.format(call=_callee(ctx, call), what=origin.text), origin,
                RUNS_CODE)


_PICKLED_INDEX = ("`{call}` with `allow_dangerous_deserialization=True` unpickles {what}; a "
                  "crafted index runs code — load only indexes this application wrote, from "
                  "storage nobody else can write")

LANGCHAIN_LOADS = tuple(f"{module}.{name}" for module in (
    "langchain_core.load", "langchain_core.load.load", "langchain.load", "langchain.load.load")
    for name in ("load", "loads"))
FROM_OUTSIDE_ONLY = (None, None, None, None, S.HIGH)


@on.call(*LANGCHAIN_LOADS)
def langchain_loads_outside_data(ctx, call) -> None:
    """`langchain_core.load.loads` rebuilds LangChain objects (and reads secrets) from data."""
    source = call.arg(0, "obj" if call.qualname.endswith(".load") else "text")
    if source is None:
        return
    report_load(ctx, DANGEROUS_DESERIALIZATION, call.node,
                f"`{_callee(ctx, call)}` rebuilds LangChain objects from data from outside the "
                "program: the data chooses classes and constructor arguments (endpoints, "
                "API-key environment variables via `secrets_from_env`) — load only what this "
                "application dumped, and pass `allowed_objects`",
                data_origin(ctx, source), FROM_OUTSIDE_ONLY)


# -- AIG806 / AIG809 agent tools ----------------------------------------------------------------
_TOOL_MODULES = (
    "langchain.tools", "langchain.utilities", "langchain_community.tools",
    "langchain_community.utilities", "langchain_community.tools.shell",
    "langchain_community.tools.shell.tool", "langchain_experimental.tools",
    "langchain_experimental.tools.python.tool", "langchain_experimental.utilities",
    "langchain_experimental.utilities.python", "langchain_experimental.llm_bash.bash",
    "langchain_community.utilities.bash",
)
CODE_TOOLS = ("PythonREPLTool", "PythonREPL", "PythonAstREPLTool", "ShellTool", "BashProcess")
LOCAL_EXECUTORS = tuple(f"{module}.LocalCommandLineCodeExecutor" for module in (
    "autogen.coding", "autogen.coding.local_commandline_code_executor",
    "autogen_ext.code_executors.local"))
LOAD_TOOLS = ("langchain.agents.load_tools", "langchain.agents.load_tools.load_tools",
              "langchain_community.agent_toolkits.load_tools",
              "langchain_community.agent_toolkits.load_tools.load_tools")
# load_tools() names -> the rule they fall under.
TOOL_NAMES = {
    "terminal": AGENT_CODE_EXECUTION, "python_repl": AGENT_CODE_EXECUTION,
    "shell": AGENT_CODE_EXECUTION, "bash": AGENT_CODE_EXECUTION,
    **{name: AGENT_UNRESTRICTED_REQUESTS for name in (
        "requests", "requests_all", "requests_get", "requests_post", "requests_patch",
        "requests_put", "requests_delete")},
}
_CODE_ADVICE = ("prompt injection in anything the agent reads then runs code on this machine "
                "— run generated code in a sandbox (container, separate low-privilege process)")


@on.call(*(f"{module}.{tool}" for module in _TOOL_MODULES for tool in CODE_TOOLS),
         *LOCAL_EXECUTORS)
def agent_code_tool(ctx, call) -> None:
    tool = call.qualname.rpartition(".")[2]
    ctx.report(AGENT_CODE_EXECUTION, call.node,
               f"`{tool}` gives an LLM agent code execution on the host; {_CODE_ADVICE}")


# Modules that turn smolagents' restricted interpreter into full code execution.
UNRESTRICTED_IMPORTS = frozenset({"*", "os", "subprocess", "sys", "shutil", "builtins",
                                  "importlib", "socket", "posix"})


@on.keyword("additional_authorized_imports")
def agent_imports_everything(ctx, call, value) -> None:
    modules = ctx.literal(value)
    if not isinstance(modules, (list, tuple)):
        return
    opened = sorted(set(modules) & UNRESTRICTED_IMPORTS)
    if opened:
        ctx.report(AGENT_CODE_EXECUTION, value.parent,
                   f"`{_callee(ctx, call)}` lets the agent's code import {', '.join(opened)}, so "
                   f"it can run anything on the host; {_CODE_ADVICE}")


@on.assign("auto_run")
def interpreter_auto_run(ctx, assignment, name, value) -> None:
    """Open Interpreter: `interpreter.auto_run = True` skips the confirmation prompt."""
    target = assignment.child_by_field_name("left")
    owner = target.child_by_field_name("object") if target.type == "attribute" else None
    if owner is not None and (ctx.qualname(owner) or "").endswith("interpreter") and \
            ctx.literal(value) is True:
        ctx.report(AGENT_CODE_EXECUTION, assignment,
                   "`auto_run = True` makes Open Interpreter run the model's code without "
                   f"asking; {_CODE_ADVICE}")


@on.keyword("allow_dangerous_code")
def allow_dangerous_code(ctx, call, value) -> None:
    if ctx.literal(value) is True:
        ctx.report(AGENT_CODE_EXECUTION, value.parent,
                   f"`{_callee(ctx, call)}` with `allow_dangerous_code=True` executes Python the "
                   f"model writes; {_CODE_ADVICE}")


@on.call(*LOAD_TOOLS)
def dangerous_tool_names(ctx, call) -> None:
    names = call.arg(0, "tool_names")
    if names is None or names.type not in ("list", "tuple"):
        return
    for item in names.named_children:
        rule = TOOL_NAMES.get(ctx.literal(item)) if item.type == "string" else None
        if rule is AGENT_CODE_EXECUTION:
            ctx.report(rule, item, f"`load_tools` gives the agent the {ctx.text(item)} tool, "
                       f"which runs commands on the host; {_CODE_ADVICE}")
        elif rule is AGENT_UNRESTRICTED_REQUESTS:
            ctx.report(rule, item, f"`load_tools` gives the agent the {ctx.text(item)} tool; "
                       f"{_REQUESTS_ADVICE}")


@on.keyword("allow_dangerous_tools")
def allow_dangerous_tools(ctx, call, value) -> None:
    names = call.arg(0, "tool_names")
    if ctx.literal(value) is True and (names is None or names.type not in ("list", "tuple")):
        ctx.report(AGENT_CODE_EXECUTION, value.parent,
                   "`allow_dangerous_tools=True` unlocks the shell and HTTP tools of "
                   f"`{_callee(ctx, call)}`; {_CODE_ADVICE}")


_REQUESTS_ADVICE = ("prompt injection can make it call internal services or cloud metadata "
                    "endpoints (SSRF) — give it a tool bound to the one API it needs")


@on.keyword("allow_dangerous_requests")
def allow_dangerous_requests(ctx, call, value) -> None:
    if ctx.literal(value) is True:
        ctx.report(AGENT_UNRESTRICTED_REQUESTS, value.parent,
                   f"`{_callee(ctx, call)}` with `allow_dangerous_requests=True` lets the agent "
                   f"request any URL; {_REQUESTS_ADVICE}")


# -- dictionaries: {"trust_remote_code": True}, {"use_docker": False}, {"role": "system"} ----
@on.node("pair")
def flag_in_dictionary(ctx, pair) -> None:
    key = pair.child_by_field_name("key")
    value = pair.child_by_field_name("value")
    if key is None or value is None or key.type != "string":
        return
    name = ctx.literal(key)
    if name == "role":
        _system_message(ctx, pair, value)
        return
    flag = DICT_FLAGS.get(name)
    if flag is None or ctx.literal(value) is not flag[0]:
        return
    rule, message, needs = flag[1], flag[2], flag[3]
    if needs and not _in_code_execution_config(ctx, pair):
        return
    ctx.report(rule, pair, message)


# key -> (unsafe literal, rule, message, only inside an AutoGen code_execution_config)
DICT_FLAGS = {
    "trust_remote_code": (True, TRUST_REMOTE_CODE, (
        "`trust_remote_code: True` passed on to a model loader runs Python files from the "
        "model repository"), False),
    "allow_dangerous_deserialization": (True, DANGEROUS_DESERIALIZATION, (
        "`allow_dangerous_deserialization: True` lets LangChain unpickle a stored index, "
        "which can run code"), False),
    "use_docker": (False, AGENT_CODE_EXECUTION, (
        f"`use_docker: False` runs the agent's generated code on the host; {_CODE_ADVICE}"),
        True),
}


def _in_code_execution_config(ctx, pair) -> bool:
    holder = pair.parent
    keyword = holder.parent if holder is not None else None
    if keyword is not None and keyword.type == "keyword_argument":
        name = keyword.child_by_field_name("name")
        return name is not None and ctx.text(name) == "code_execution_config"
    return holder is not None and any(
        child.type == "pair" and ctx.literal(child.child_by_field_name("key")) == "work_dir"
        for child in holder.named_children)


# -- AIG807 request data in the system prompt ---------------------------------------------
SYSTEM_ROLES = frozenset({"system", "developer"})
SYSTEM_MESSAGE_CLASSES = (
    *(f"{module}.SystemMessage" for module in (
        "langchain_core.messages", "langchain_core.messages.system", "langchain.schema",
        "langchain.schema.messages")),
    *(f"{module}.SystemMessagePromptTemplate.from_template" for module in (
        "langchain_core.prompts", "langchain.prompts", "langchain_core.prompts.chat",
        "langchain.prompts.chat")),
)
# Keyword -> the callee suffixes it means "system prompt" for (empty: any callee).
SYSTEM_KEYWORDS = {
    "system": ("messages.create", "messages.stream"),
    "instructions": ("responses.create", "assistants.create", "assistants.update",
                     "runs.create", "Agent"),
    "system_instruction": (), "system_prompt": (), "system_message": (),
}


def _system_message(ctx, role_pair, role) -> None:
    if ctx.literal(role) not in SYSTEM_ROLES:
        return
    for pair in role_pair.parent.named_children:
        if pair.type == "pair" and ctx.literal(pair.child_by_field_name("key")) == "content":
            _report_if_request_data(ctx, pair.child_by_field_name("value"),
                                    "a `system` role message")


@on.call(*SYSTEM_MESSAGE_CLASSES)
def system_message_class(ctx, call) -> None:
    content = call.arg(0, "content") or call.keywords.get("template")
    if content is not None:
        _report_if_request_data(ctx, content, f"`{call.qualname.rpartition('.')[2]}`")


@on.method("from_messages")
def system_tuple_in_prompt(ctx, call) -> None:
    messages = call.arg(0, "messages")
    if messages is None or messages.type != "list":
        return
    for item in messages.named_children:
        if item.type == "tuple" and len(item.named_children) == 2 and \
                ctx.literal(item.named_children[0]) in SYSTEM_ROLES:
            _report_if_request_data(ctx, item.named_children[1], "a `system` prompt template")


@on.keyword("role")
def system_role_keyword(ctx, call, value) -> None:
    """`ChatMessage(role="system", content=...)` (LlamaIndex, MessageRole.SYSTEM)."""
    if ctx.literal(value) in SYSTEM_ROLES or ctx.text(value).endswith(".SYSTEM"):
        _report_if_request_data(ctx, call.arg(None, "content"), "a `system` role message")


@on.keyword(*SYSTEM_KEYWORDS)
def system_prompt_keyword(ctx, call, value) -> None:
    keyword = ctx.text(value.parent.child_by_field_name("name"))
    suffixes = SYSTEM_KEYWORDS[keyword]
    if suffixes and not (call.name or "").endswith(suffixes):
        return
    _report_if_request_data(ctx, value, f"the `{keyword}=` prompt of `{_callee(ctx, call)}`")


def _report_if_request_data(ctx, value, where: str) -> None:
    if value is None:
        return
    taint = ctx.taint(value)
    if taint is None or taint.kind != "request":
        return
    ctx.report(SYSTEM_PROMPT_INJECTION, value,
               f"request data is placed in {where}, which the model obeys as the developer's "
               "instructions; keep the system prompt fixed and pass user text in a `user` "
               "message" + flow_suffix(ctx, taint),
               related=source_note(ctx, taint), evidence=taint.evidence)


def _callee(ctx, call) -> str:
    """The callee as written (`FAISS.load_local`), shorter than its qualified name."""
    return ctx.text(call.func) if call.func is not None else "call"
