"""Python checks for AIG5xx on the local file system: insecure temporary files (AIG504) and
world-writable permissions (AIG505)."""

from __future__ import annotations

import re
import stat

from ...analysis.python.guards import in_import_fallback
from ...model import Confidence, Edit, Fix, Severity
from ..web import INSECURE_TEMP_FILE, PERMISSIVE_FILE_MODE
from .checks import on
from .web import is_module, last_assigned, leading_text, receiver, replace_node

# -- AIG504 temporary files (writes to fixed names in a shared folder: temp_files.py) -----
# A Windows named pipe (`\\.\pipe\name`) lives in the pipe namespace, not a temp folder.
# (`ctx.literal` gives the source text: a raw string's spelling, or the escaped one.)
PIPE_PREFIXES = ("\\\\.\\pipe\\", "\\\\\\\\.\\\\pipe\\\\")


@on.call("tempfile.mktemp")
def mktemp_used(ctx, call) -> None:
    prefix = call.arg(1, "prefix")
    folder = call.arg(2, "dir")
    if prefix is not None and leading_text(ctx, prefix).startswith(PIPE_PREFIXES):
        return  # only invents a pipe name; no file in a shared folder
    if folder is not None and _private_folder(ctx, folder):
        return  # a folder from mkdtemp() is ours alone: nobody else can race for names in it
    severity = confidence = None
    if in_import_fallback(ctx, call.node):
        severity, confidence = Severity.LOW, Confidence.LOW  # only where mkstemp is missing
    elif folder is not None and not ctx.is_literal(folder) and not _default_temp_dir(ctx, folder):
        confidence = Confidence.LOW  # a folder chosen elsewhere: shared only if it is one
    ctx.report(INSECURE_TEMP_FILE, call.node,
               "`tempfile.mktemp()` only returns a name: between choosing it and creating the "
               "file another process can create it or plant a symlink there; use "
               "`tempfile.NamedTemporaryFile(delete=False)` or `mkstemp()`, which create the "
               "file atomically", severity=severity, confidence=confidence,
               fix=_named_temporary_file(ctx, call))


def _default_temp_dir(ctx, node) -> bool:
    """`dir=tempfile.gettempdir()` (or `tempfile.tempdir`): the shared folder itself."""
    return (node.type == "call" and ctx.call(node).qualname == "tempfile.gettempdir") \
        or ctx.text(node) in ("tempfile.tempdir", "tempfile.gettempdir()")


def _private_folder(ctx, node) -> bool:
    """`dir=tempfile.mkdtemp()`, or a name last assigned one, or `with TemporaryDirectory()
    as d`: a folder created with mode 0700 for this process."""
    value = last_assigned(ctx, node) if node.type == "identifier" else node
    if node.type == "identifier" and value is None:
        bindings = [b for b in ctx.reaching(ctx.text(node), node) if b.kind == "with"]
        value = bindings[-1].value if bindings else None
        if value is not None and value.type == "call" \
                and ctx.call(value).qualname == "tempfile.TemporaryDirectory":
            return True
    return value is not None and value.type == "call" \
        and ctx.call(value).qualname == "tempfile.mkdtemp"


def _named_temporary_file(ctx, call):
    """mktemp(suffix=..., dir=...) -> NamedTemporaryFile(suffix=..., dir=..., delete=False).name

    Only for `tempfile.mktemp` spelled with its module and keyword arguments (the
    positional orders differ); unsafe: the file now exists when the name is returned."""
    if call.func.type != "attribute" or call.positional or call.star_args or call.star_kwargs:
        return None
    name = ctx.location(call.func.child_by_field_name("attribute"))
    args = call.node.child_by_field_name("arguments")
    closing = ctx.location(args.children[-1])
    end = ctx.location(call.node)
    keyword = ", delete=False" if call.keywords else "delete=False"
    return Fix("Use NamedTemporaryFile(delete=False).name", (
        Edit(name.line, name.column, name.end_line, name.end_column, "NamedTemporaryFile"),
        Edit(closing.line, closing.column, closing.line, closing.column, keyword),
        Edit(end.end_line, end.end_column, end.end_line, end.end_column, ".name"),
    ), safe=False)


# -- AIG505 world-writable permissions ---------------------------------------------------------
# Qualified callee -> (position, keyword) of the mode, and whether the umask applies to it.
MODE_ARGS = {
    **dict.fromkeys(("os.chmod", "os.fchmod", "os.lchmod"), (1, "mode", False)),
    **dict.fromkeys(("os.mkdir", "os.makedirs", "os.mkfifo"), (1, "mode", True)),
    "os.open": (2, "mode", True),
}
MASKED_METHODS = frozenset({"mkdir", "touch"})
# What creating calls use by default (the umask then trims them): asking for them
# explicitly changes nothing, so they are not reported.
CONVENTIONAL_MODES = frozenset({0o666, 0o777})
# A file whose name says it holds secrets should not be readable by others either.
SECRET_FILE = re.compile(r"secret|private|credential|passw|token|\.pem\b|\.key\b|id_rsa|id_ed25519"
                         r"|\.env\b|api_?key", re.IGNORECASE)
STAT_BITS = {f"stat.{name}": getattr(stat, name) for name in dir(stat)
             if name.startswith("S_I") and isinstance(getattr(stat, name), int)}


@on.call(*MODE_ARGS)
def world_writable_mode(ctx, call) -> None:
    position, keyword, masked = MODE_ARGS[call.qualname]
    _check_mode(ctx, call, call.arg(position, keyword), masked, call.arg(0))


@on.method("chmod", "lchmod", "mkdir", "touch")
def world_writable_path_mode(ctx, call) -> None:
    """pathlib `path.chmod(mode)`, paramiko/ftp `client.chmod(path, mode)`, `path.mkdir(mode=...)`."""
    if is_module(ctx, receiver(call)):
        return
    first = mode_value(ctx, call.arg(0))
    position = 0 if first is not None or len(call.positional) < 2 else 1
    path = receiver(call) if position == 0 else call.arg(0)
    _check_mode(ctx, call, call.arg(position, "mode"), call.method in MASKED_METHODS, path)


@on.call("os.umask")
def permissive_umask(ctx, call) -> None:
    """`os.umask(0)` as a statement; `old = os.umask(0); os.umask(old)` only reads the umask."""
    value = mode_value(ctx, call.arg(0, "mask"))
    if value is not None and not value & stat.S_IWOTH \
            and call.node.parent.type == "expression_statement":
        ctx.report(PERMISSIVE_FILE_MODE, call.node,
                   f"`os.umask({oct(value)})` leaves the world-write bit on: files and folders "
                   "created afterwards with default modes are writable by every local user; "
                   "use 0o022 or 0o077")


def _check_mode(ctx, call, node, masked: bool, path) -> None:
    value = mode_value(ctx, node) if node is not None else None
    if value is None or (masked and value in CONVENTIONAL_MODES):
        return
    safer = value & ~0o022
    if value & stat.S_IWOTH:
        why = "every local user can change or replace the file"
    elif value & stat.S_IROTH and not masked and path is not None \
            and SECRET_FILE.search(leading_text(ctx, path) or ctx.text(path)):
        why, safer = "every local user can read this secret", value & 0o700
    else:
        return
    if masked:
        ctx.report(PERMISSIVE_FILE_MODE, node,
                   f"`{call.name}` asks for mode {oct(value)}: {why} (the umask usually trims "
                   f"it, but not always); ask for {oct(safer)} or tighter", severity=Severity.LOW)
        return
    fix = None
    if node.type == "integer":
        fix = Fix(f"Use {oct(safer)}", (replace_node(ctx, node, oct(safer)),), safe=False)
    ctx.report(PERMISSIVE_FILE_MODE, node,
               f"`{call.name}` sets mode {oct(value)}: {why}; use {oct(safer)} (or 0o600/0o700 "
               "for private data)", fix=fix)


def mode_value(ctx, node) -> int | None:
    """The integer a mode expression evaluates to: literals, `stat.S_*`, names, `|` and `+`."""
    total, stack = 0, [(node, 0)]
    while stack:
        current, hops = stack.pop()
        if current is None or hops > 4:
            return None
        kind = current.type
        if kind == "parenthesized_expression" and current.named_child_count == 1:
            stack.append((current.named_children[0], hops))
            continue
        if kind == "binary_operator":
            op = current.child_by_field_name("operator")
            if op is None or ctx.text(op) not in ("|", "+"):
                return None
            stack.append((current.child_by_field_name("left"), hops))
            stack.append((current.child_by_field_name("right"), hops))
            continue
        value = STAT_BITS.get(ctx.qualname(current) or "") \
            if kind in ("attribute", "identifier") else None
        if value is None and kind == "identifier":
            assigned = last_assigned(ctx, current)
            if assigned is not None:
                stack.append((assigned, hops + 1))
                continue
        if value is None:
            value = ctx.literal(current)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        total |= value
    return total
