"""Python checks for AIG5xx: request data choosing file paths (AIG506) and upload names
(AIG512) — plus the helpers the other AIG5xx modules share.

Flow rules fire only when data an outside party controls (request data, LLM output)
reaches the sink: `input()`, argv and the environment belong to whoever runs the
program, and a path or URL they choose is the program's purpose, not a hole.
"""

from __future__ import annotations

import re

from ...analysis.python.context import MAX_HOPS
from ...analysis.python.sources import (
    PROPAGATING_CALLS,
    PROPAGATING_METHOD_ARGS,
    ROUTE_DECORATOR_METHODS,
    SANITIZERS,
)
from ...analysis.shared import UNKNOWN
from ...model import Edit, Related, Severity
from ..sinks import report_sink
from ..web import PATH_TRAVERSAL, UPLOAD_CLIENT_FILENAME
from .checks import on

FLOW_KINDS = frozenset({"request", "llm"})

# What a guard line looks like (the line must also name the value): see `checked_before`.
PATH_GUARD = re.compile(r"startswith\(|is_relative_to\(|relative_to\(|commonpath\(|commonprefix\("
                        r"|safe_join|\"\.\.\"|'\.\.'|re\.(full)?match\(|isalnum\(|isidentifier\(")

PATH_JOINS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath",
                        "pathlib.PosixPath"})


# -- shared helpers -------------------------------------------------------------
def flow_taint(ctx, node, barrier=None):
    """The taint of `node` when an outside party controls it, else None."""
    taint = ctx.taint(node, barrier)
    return taint if taint is not None and taint.kind in FLOW_KINDS else None


def report_flow(ctx, rule, node, message, taint, *, severity=None, confidence=None,
                evidence=None) -> None:
    """Report outside data reaching a sink, showing where it entered.  Not escalated: these
    rules only fire on outside data, so their severity already assumes it; the evidence
    is the taint's (remote input: high confidence) unless the check says otherwise."""
    report_sink(ctx, rule, node, message, taint, severity=severity, confidence=confidence,
                escalate=False, evidence=evidence)


def earlier_bindings(ctx, use) -> list:
    """Bindings of the identifier `use` that come before it, without the statement it is
    part of (`url = "http://" + url` reads the earlier `url`)."""
    return [b for b in ctx.reaching(ctx.text(use), use)
            if not b.node.start_byte <= use.start_byte < b.node.end_byte]


def last_assigned(ctx, use):
    """The value last assigned to the identifier `use` before it, or None."""
    assigned = [b for b in earlier_bindings(ctx, use) if b.kind == "assign"]
    return assigned[-1].value if assigned else None


def leading_text(ctx, node) -> str:
    """The constant text a string value starts with ("" when it starts with data).

    Follows names, `+`, f-strings, `%`/`.format()` templates (up to the first
    placeholder) and path joins (their first part)."""
    prefix, cut = "", None
    for _ in range(2 * MAX_HOPS):
        if node is None:
            break
        value = ctx.literal(node)
        if isinstance(value, str):
            prefix += value
            break
        kind = node.type
        if kind == "string":
            prefix += _literal_start(ctx, node)
            break
        if kind in ("concatenated_string", "parenthesized_expression"):
            node = node.named_children[0] if node.named_child_count else None
        elif kind == "binary_operator":
            op = node.child_by_field_name("operator")
            symbol = ctx.text(op) if op is not None else ""
            left = node.child_by_field_name("left")
            if symbol == "+" and isinstance(ctx.literal(left), str):
                prefix += ctx.literal(left)
                node = node.child_by_field_name("right")
                continue
            if symbol == "%":
                cut = "%"
            elif symbol not in ("+", "/"):
                break
            node = left
        elif kind == "call":
            call = ctx.call(node)
            if call.method == "format":
                cut, node = "{", receiver(call)
            elif call.qualname in PATH_JOINS or call.qualname == "str":
                node = call.arg(0)
            else:
                break
        elif kind == "identifier":
            bindings = earlier_bindings(ctx, node)
            starts = [b for b in bindings if b.kind == "assign"]
            if not starts or any(b.kind not in ("assign", "augment") for b in bindings):
                break
            node = starts[-1].value
        else:
            break
    return prefix.split(cut, 1)[0] if cut else prefix


def _literal_start(ctx, string) -> str:
    """The text of a string literal up to its first non-constant interpolation."""
    pieces = []
    for child in string.named_children:
        if child.type in ("string_content", "escape_sequence"):
            pieces.append(ctx.text(child))
        elif child.type == "interpolation":
            value = ctx.literal(child.child_by_field_name("expression"))
            if value is UNKNOWN:
                break
            pieces.append(str(value))
    return "".join(pieces)


_NOT_DATA = frozenset({"request", "req", "self", "cls"})


def names_in(ctx, node) -> set[str]:
    """Variable names a value is built from (and those one assignment further back)."""
    names: set[str] = set()
    stack = [(node, 0)]
    while stack:
        current, hops = stack.pop()
        if current is None:
            continue
        kind = current.type
        if kind == "identifier":
            name = ctx.text(current)
            if name in names or name in ctx.imports or name in _NOT_DATA:
                continue
            names.add(name)
            if hops < 2:
                stack.extend((b.value, hops + 1) for b in ctx.reaching(name, current)
                             if b.value is not None)
        elif kind == "attribute":
            stack.append((current.child_by_field_name("object"), hops))
        elif kind == "keyword_argument":
            stack.append((current.child_by_field_name("value"), hops))
        else:
            stack.extend((child, hops) for child in current.named_children)
    return names


def checked_before(ctx, value, guard: re.Pattern) -> bool:
    """True when a line of the same function, up to `value`, matches `guard` and names a
    variable `value` is built from (any branch counts: an approximation)."""
    names = names_in(ctx, value)
    if not names:
        return False
    scope = ctx.function_of(value) or ctx.tree.root_node
    text = ctx.source.data[scope.start_byte:value.end_byte].decode("utf-8", "replace")
    words = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b")
    checkers = _checker_calls(ctx, guard)
    return any((guard.search(line) or checkers and checkers.search(line))
               and words.search(line) for line in text.splitlines())


# Names of check functions (`is_safe_path`, `check_target`, `ensure_inside`, `allowed`).
_CHECKER_NAME = re.compile(r"^_*(?:is|has|check|valid|verify|ensure|safe|allow|trusted)",
                           re.IGNORECASE)


def _checker_calls(ctx, guard: re.Pattern) -> re.Pattern | None:
    """Calls of the module's own check functions: `def is_safe_path(target): ...`, named
    like a check and with a body that matches `guard` (`urlparse(`, `.netloc`,
    `startswith(`), is a guard where called.  A helper that only builds the value
    (`def build_path(name): ... startswith ...`) is not."""
    key = ("checker_calls", guard.pattern)
    if key not in ctx.memo:
        found = []
        for node in ctx.tree.root_node.named_children:
            if node.type == "decorated_definition":
                node = node.child_by_field_name("definition")
            body = node.child_by_field_name("body") if node is not None and \
                node.type == "function_definition" else None
            name = ctx.text(node.child_by_field_name("name")) if body is not None else ""
            if body is not None and _CHECKER_NAME.match(name) and guard.search(ctx.text(body)):
                found.append(re.escape(name))
        ctx.memo[key] = re.compile(r"\b(?:" + "|".join(found) + r")\(") if found else None
    return ctx.memo[key]


def replace_node(ctx, node, text: str) -> Edit:
    loc = ctx.location(node)
    return Edit(loc.line, loc.column, loc.end_line, loc.end_column, text)


def append_argument(ctx, call, text: str) -> Edit:
    """An edit adding `text` (e.g. `timeout=10`) as the call's last argument."""
    args = call.node.child_by_field_name("arguments")
    present = [child for child in args.named_children if child.type != "comment"]
    if present:
        loc = ctx.location(present[-1])
        return Edit(loc.end_line, loc.end_column, loc.end_line, loc.end_column, f", {text}")
    closing = ctx.location(args.children[-1])
    return Edit(closing.line, closing.column, closing.line, closing.column, text)


# Dictionary keys some checks care about (lower-cased) -> check(ctx, pair, value); one
# `pair` handler dispatches, so dictionaries cost one look-up each.
PAIR_KEYS: dict[str, object] = {}


def on_pair_key(*keys: str):
    def decorator(check):
        for key in keys:
            PAIR_KEYS[key] = check
        return check
    return decorator


@on.node("pair")
def dispatch_pair(ctx, pair) -> None:
    key = pair.child_by_field_name("key")
    if key is None or key.type != "string":
        return
    name = ctx.literal(key)
    check = PAIR_KEYS.get(name.lower()) if isinstance(name, str) else None
    value = pair.child_by_field_name("value")
    if check is not None and value is not None:
        check(ctx, pair, value)


def route_decorator(ctx, function):
    """The `@app.route(...)`-style decorator call (a `Call`) of a route handler, else None."""
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return None
    for decorator in parent.named_children:
        expr = decorator.named_children[0] if decorator.type == "decorator" \
            and decorator.named_child_count else None
        if expr is not None and expr.type == "call" and \
                ctx.call(expr).method in ROUTE_DECORATOR_METHODS:
            return ctx.call(expr)
    return None


def receiver(call):
    return call.func.child_by_field_name("object") if call.func is not None \
        and call.func.type == "attribute" else None


def is_module(ctx, node) -> bool:
    """An imported module (not a local variable that shadows its name)."""
    if node is None or node.type != "identifier":
        return False
    name = ctx.text(node)
    return name in ctx.imports and not ctx.reaching(name, node)


# -- AIG506 path traversal and AIG512 upload names ----------------------------------
# Qualified callee -> the arguments that are file system paths (position, keyword).
PATH_ARGS = {
    **dict.fromkeys(("open", "io.open", "aiofiles.open"), ((0, "file"),)),
    "codecs.open": ((0, "filename"),),
    **dict.fromkeys(("os.open", "os.remove", "os.unlink", "os.rmdir", "os.removedirs",
                     "os.listdir", "os.scandir", "shutil.rmtree"), ((0, "path"),)),
    **dict.fromkeys(("os.rename", "os.replace", "shutil.copy", "shutil.copy2", "shutil.copyfile",
                     "shutil.copytree", "shutil.move"), ((0, "src"), (1, "dst"))),
    **dict.fromkeys(("flask.send_file", "flask.helpers.send_file"), ((0, "path_or_file"),)),
    **dict.fromkeys(("starlette.responses.FileResponse", "fastapi.responses.FileResponse"),
                    ((0, "path"),)),
    "zipfile.ZipFile": ((0, "file"),),
    "tarfile.open": ((0, "name"),),
    "PIL.Image.open": ((0, "fp"),),
}
# Methods of path objects that touch the file the receiver names.
PATH_METHODS = ("read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir",
                "iterdir", "open", "touch")
UPLOAD_TYPES = frozenset({"UploadFile", "FileStorage", "UploadedFile", "InMemoryUploadedFile",
                          "TemporaryUploadedFile"})


@on.call(*PATH_ARGS)
def file_path_from_request_data(ctx, call) -> None:
    for position, keyword in PATH_ARGS[call.qualname]:
        value = call.arg(position, keyword)
        if value is not None:
            _path_sink(ctx, call, value)


@on.method(*PATH_METHODS)
def path_object_from_request_data(ctx, call) -> None:
    target = receiver(call)
    if target is not None and not is_module(ctx, target) and call.qualname not in PATH_ARGS:
        _path_sink(ctx, call, target)


@on.method("save")
def upload_saved_to_request_path(ctx, call) -> None:
    """`upload.save(dst)`, `image.save(path)`, `storage.save(name, content)`."""
    value = call.arg(0, "dst") or call.keywords.get("name")
    if value is not None:
        _path_sink(ctx, call, value)


def _path_sink(ctx, call, value) -> None:
    if ctx.is_literal(value):
        return
    taint = flow_taint(ctx, value)
    if taint is None and not _mentions_uploads(ctx):
        return  # an upload object is request data, or at least annotated as an upload
    name_node = client_filename(ctx, value)
    if name_node is not None:
        _report_upload(ctx, call, value, name_node)
        return
    if taint is None or checked_before(ctx, value, PATH_GUARD):
        return
    if _one_segment_under_base(ctx, value, taint):
        report_flow(ctx, PATH_TRAVERSAL, value,
                    f"the route placeholder `{taint.text}` names the file given to "
                    f"`{call.name}`; it cannot hold `/`, but on Windows `..\\` and `C:\\` "
                    "still leave the base folder: check the resolved path stays inside it "
                    "(`werkzeug.security.safe_join`, `send_from_directory`)", taint,
                    severity=Severity.MEDIUM, evidence=f"{taint.evidence}+{ONE_SEGMENT}")
        return
    report_flow(ctx, PATH_TRAVERSAL, value,
                f"the path given to `{call.name}` comes from outside: `../` sequences or an "
                "absolute path reach any file the server can touch; keep a fixed base folder and "
                "check the resolved path stays inside it (`werkzeug.security.safe_join`, "
                "`send_from_directory`, or `secure_filename` for a single name)", taint)


def _mentions_uploads(ctx) -> bool:
    found = ctx.memo.get(("mentions uploads",))
    if found is None:
        data = ctx.source.data
        found = ctx.memo[("mentions uploads",)] = b"Upload" in data or b"FileStorage" in data
    return found


# A route placeholder that cannot hold "/": Flask/Quart/Werkzeug `<name>`, `<string:name>`,
# Django `<str:name>`/`<slug:name>`, Starlette/FastAPI `{name}`, `{name:str}` (but not
# `<path:name>` or `{name:path}`, whose values span segments).
_ONE_SEGMENT = r"(?:<(?:(?:string|str|slug|int|uuid)(?:\([^)]*\))?:)?{0}>|\{{{0}(?::(?:str|int|uuid))?\}})"


ONE_SEGMENT = "one-segment"  # evidence context: low confidence


def _one_segment_under_base(ctx, value, taint) -> bool:
    """`Path(BASE, name)`, `os.path.join(base, name)`, `base / name` with `name` a route
    parameter that cannot hold "/": on a POSIX server at most `..`, which names a folder,
    so no file outside the base folder is reachable (Windows also splits on `\\`)."""
    param = taint.node
    function = ctx.function_of(param) if param is not None else None
    decorated = function.parent if function is not None else None
    if decorated is None or decorated.type != "decorated_definition" \
            or ctx.text(param).split(":")[0].strip() != taint.text:
        return False
    routes = [ctx.text(d) for d in decorated.named_children if d.type == "decorator"]
    pattern = re.compile(_ONE_SEGMENT.format(re.escape(taint.text)))
    if not any(pattern.search(route) for route in routes):
        return False
    joined = last_assigned(ctx, value) if value.type == "identifier" else value
    if joined is None:
        return False
    if joined.type == "binary_operator" and ctx.text(joined.child_by_field_name("operator")) == "/":
        last = joined.child_by_field_name("right")
    elif joined.type == "call" and ctx.call(joined).qualname in PATH_JOINS \
            and len(ctx.call(joined).positional) >= 2:
        last = ctx.call(joined).positional[-1]
    else:
        return False
    return last.type == "identifier" and ctx.text(last) == taint.text \
        and not earlier_bindings(ctx, last)


def _report_upload(ctx, call, value, name_node) -> None:
    storage = call.method == "save" and _is_storage(ctx, receiver(call))
    why = ("Django storages reject `..` but the client still picks the stored name and extension"
           if storage else "a name like `../../app/main.py` or `shell.html` lets the client "
           "overwrite files or plant pages")
    ctx.report(UPLOAD_CLIENT_FILENAME, value,
               f"uploaded file is stored under the client's file name `{ctx.text(name_node)}` "
               f"(via `{call.name}`): {why}; generate the name (uuid4) or pass it through "
               "`werkzeug.utils.secure_filename`",
               severity=Severity.LOW if storage else None,
               related=(Related(ctx.location(name_node), "client-supplied file name"),))


def _is_storage(ctx, target) -> bool:
    """A Django storage: `default_storage`, `fs = FileSystemStorage()`, `self.storage`."""
    if target is None:
        return False
    made_by = last_assigned(ctx, target) if target.type == "identifier" else None
    if made_by is not None and made_by.type == "call":
        return (ctx.call(made_by).qualname or "").endswith("Storage")
    return "storage" in ctx.text(target).lower()


def client_filename(ctx, node):
    """The `upload.filename` (Django: `upload.name`) access `node` is built from, unsanitised."""
    stack = [(node, 0)]
    seen: set[int] = set()
    while stack:
        current, hops = stack.pop()
        if current is None or current.id in seen or hops > MAX_HOPS:
            continue
        seen.add(current.id)
        kind = current.type
        if kind == "attribute":
            obj = current.child_by_field_name("object")
            attr = ctx.text(current.child_by_field_name("attribute"))
            if attr in ("filename", "name") and _is_upload(ctx, obj, attr):
                return current
            stack.append((obj, hops))
        elif kind == "identifier":
            stack.extend((b.value, hops + 1) for b in ctx.reaching(ctx.text(current), current)
                         if b.kind in ("assign", "augment", "walrus"))
        elif kind == "call":
            stack.extend((child, hops) for child in _passed_through(ctx, current))
        elif kind == "string":
            stack.extend((child, hops) for child in current.named_children
                         if child.type == "interpolation")
        elif kind in ("binary_operator", "parenthesized_expression", "concatenated_string",
                      "interpolation", "conditional_expression", "keyword_argument"):
            stack.extend((child, hops) for child in current.named_children)
    return None


def _passed_through(ctx, node) -> list:
    """The parts of a call whose text survives into its result (none for sanitisers)."""
    call = ctx.call(node)
    name = call.qualname or ""
    if name in SANITIZERS or name.rpartition(".")[2] in SANITIZERS or call.method in SANITIZERS:
        return []
    if name in PROPAGATING_CALLS:
        return list(call.positional)
    target = receiver(call)
    if target is None:
        return []
    if call.method in PROPAGATING_METHOD_ARGS:
        return [target, *call.positional]
    return [target]


def _is_upload(ctx, obj, attr: str) -> bool:
    if obj is None:
        return False
    if obj.type == "identifier":
        function = ctx.function_of(obj)
        param = ctx.parameters(function).get(ctx.text(obj)) if function is not None else None
        annotation = param.child_by_field_name("type") if param is not None else None
        if annotation is not None and ctx.text(annotation).split(".")[-1] in UPLOAD_TYPES:
            return True
    taint = ctx.taint(obj)
    if taint is None or taint.kind != "request":
        return False
    return attr == "filename" or "FILES" in taint.text
