"""JavaScript checks for AIG504: files written under a fixed name in a shared temporary
folder (`os.tmpdir()` or `/tmp` written out).

Another local user can create that name first, or make it a symlink to one of
the victim's files.  The exclusive flag (`'wx'`) fails instead of following
such a file, and a name with random parts (`crypto.randomUUID()`) or a folder
from `fs.mkdtemp` cannot be planted in advance: those stay quiet.
"""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...model import Confidence, Severity
from ..web import INSECURE_TEMP_FILE
from .checks import on

SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
FS_MODULES = ("fs", "fs/promises", "fs.promises", "fs-extra", "graceful-fs")
# Writing calls: name -> position of the options or flag argument.
WRITE_CALLS = {"writeFile": 2, "writeFileSync": 2, "appendFile": 2, "appendFileSync": 2,
               "createWriteStream": 1, "outputFile": 2, "outputFileSync": 2,
               "writeJson": 2, "writeJsonSync": 2}
OPEN_CALLS = ("open", "openSync")
WRITERS = {f"{module}.{name}": at for module in FS_MODULES for name, at in WRITE_CALLS.items()}
OPENERS = tuple(f"{module}.{name}" for module in FS_MODULES for name in OPEN_CALLS)
TEMP_DIR_CALLS = frozenset({"os.tmpdir", "os.tmpDir"})
PATH_JOINS = frozenset({"path.join", "path.resolve", "path.posix.join", "path.posix.resolve"})
RANDOM_PARTS = re.compile(r"random|uuid|nanoid|mkdtemp|tmp\.file|tmp-promise", re.IGNORECASE)
MAX_PARTS = 8


@on.call(*WRITERS)
def written(ctx, call) -> None:
    options = call.arg(WRITERS[call.qualname])
    flag = ctx.property(options, "flags" if call.qualname.endswith("createWriteStream")
                        else "flag") if options is not None and \
        ctx.object_literal(options) is not None else None
    if _exclusive(ctx, flag):
        return
    check_path(ctx, call, call.arg(0))


@on.call(*OPENERS)
def opened(ctx, call) -> None:
    flags = ctx.literal(call.arg(1))
    if isinstance(flags, str) and set(flags) & set("wa+") and "x" not in flags:
        check_path(ctx, call, call.arg(0))


def _exclusive(ctx, flag) -> bool:
    value = ctx.literal(flag) if flag is not None else None
    return isinstance(value, str) and "x" in value


def check_path(ctx, call, path) -> None:
    if path is None or RANDOM_PARTS.search(_text_with_names(ctx, path)):
        return
    folder = _shared_folder(ctx, path)
    if folder is None:
        return
    ctx.report(INSECURE_TEMP_FILE, path,
               f"`{call.name}` writes to a fixed name in the shared {folder} folder: another "
               "local user can create that file first or make it a symlink to one of yours; "
               "create a private folder with `fs.mkdtemp(path.join(os.tmpdir(), 'app-'))` "
               "or open with the `'wx'` flag",
               severity=Severity.LOW, confidence=Confidence.MEDIUM)


def _shared_folder(ctx, path) -> str | None:
    node = _first_part(ctx, path)
    if node is None:
        return None
    if node.type in ("string", "template_string"):
        text = ctx.text(node)[1:]
        folder = next((d for d in SHARED_TEMP_DIRS if text.startswith((d + "/", d + text[-1:]))
                       ), None)
        return f"`{folder}`" if folder else None
    if node.type in ("call_expression",) and ctx.call(node).qualname in TEMP_DIR_CALLS:
        return "temporary"
    return None


def _first_part(ctx, node):
    """`path.join(A, 'x')`, `` `${A}/x` ``, `A + '/x'` -> A (through names)."""
    for _ in range(MAX_PARTS):
        node = unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind == "template_string":
            parts = [c for c in node.named_children if c.type != "comment"]
            if not parts or parts[0].type != "template_substitution" or \
                    ctx.text(node).startswith("`" + "/"):
                return node
            node = parts[0].named_children[0] if parts[0].named_child_count else None
        elif kind == "binary_expression":
            node = node.child_by_field_name("left")
        elif kind == "call_expression":
            call = ctx.call(node)
            if call.qualname not in PATH_JOINS:
                return node
            node = call.arg(0)
        elif kind == "identifier":
            value = ctx.value_of(node)
            if value is None or value.id == node.id:
                return node
            node = value
        else:
            return node
    return None


def _text_with_names(ctx, path) -> str:
    """The path's text and that of the names it is built from (one step back)."""
    texts = [ctx.text(path)]
    stack = [path]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            value = ctx.value_of(current)
            if value is not None and value.id != current.id:
                texts.append(ctx.text(value))
        stack.extend(current.named_children)
    return " ".join(texts)
