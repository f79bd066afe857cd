"""Python checks for AIG504: files written under a name anyone can predict in a shared
temporary folder, and the name-only temp functions besides `tempfile.mktemp`
(which `web_files.py` checks).

The folder is `/tmp`, `/var/tmp` or `/dev/shm` written out, or the one
`tempfile.gettempdir()` (or `$TMPDIR`) returns, in any spelling: a path join,
an f-string, `Path(...) / "x"`, `+`.  Another local user can create that name
first, or make it a symlink to one of the victim's files.  Writes with mode
`"x"` (or `os.O_EXCL`) fail instead of following such a file, and a name with
random parts (`uuid4()`, `secrets.token_hex()`) cannot be planted in advance:
both stay quiet.
"""

from __future__ import annotations

from ...analysis.python.context import MAX_HOPS
from ...model import Confidence, Severity
from ..web import INSECURE_TEMP_FILE
from .checks import on
from .crypto_values import names_in
from .web import PATH_JOINS, last_assigned, leading_text, receiver

SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
TEMP_DIR_CALLS = frozenset({"tempfile.gettempdir", "tempfile.gettempdirb"})
TEMP_DIR_VARIABLES = frozenset({"TMPDIR", "TEMP", "TMP"})
ENV_READS = frozenset({"os.environ.get", "os.getenv"})
# Name-only functions of Python 2's `os`: like `mktemp`, the name is free until created.
NAME_ONLY_CALLS = frozenset({"os.tempnam", "os.tmpnam"})
# Opening calls with their mode: (path position, keyword), (mode position, keyword).
OPENERS = {
    "open": ((0, "file"), (1, "mode")), "io.open": ((0, "file"), (1, "mode")),
    "codecs.open": ((0, "filename"), (1, "mode")), "aiofiles.open": ((0, "file"), (1, "mode")),
}
# Calls that write to a path they are given: qualname -> (position, keyword).
WRITERS = {
    **dict.fromkeys(("shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move"),
                    (1, "dst")),
    **dict.fromkeys(("numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.savetxt"),
                    (0, "file")),
    "torch.save": (1, "f"),
    "urllib.request.urlretrieve": (1, "filename"),
}
# Methods that write to the path they are given (pandas, matplotlib).
WRITER_METHODS = frozenset({"to_csv", "to_json", "to_parquet", "to_pickle", "to_excel",
                            "to_feather", "savefig"})
# Names in a path that make it unguessable.
RANDOM_PARTS = frozenset({"uuid4", "uuid1", "token_hex", "token_urlsafe", "urandom",
                          "mkstemp", "mkdtemp", "NamedTemporaryFile", "getrandbits",
                          "TemporaryDirectory", "randint", "choices"})


@on.call(*NAME_ONLY_CALLS)
def name_only_temp_call(ctx, call) -> None:
    ctx.report(INSECURE_TEMP_FILE, call.node,
               f"`{call.name}()` only returns a name in the temp folder: another process can "
               "create the file or a symlink there first; use `tempfile.mkstemp()` or "
               "`tempfile.NamedTemporaryFile()`, which create the file atomically",
               severity=Severity.MEDIUM, confidence=Confidence.HIGH)


@on.call(*OPENERS)
def opened_for_writing(ctx, call) -> None:
    (path_at, path_kw), (mode_at, mode_kw) = OPENERS[call.qualname]
    mode_node = call.arg(mode_at, mode_kw)
    mode = ctx.literal(mode_node) if mode_node is not None else "r"
    if isinstance(mode, str) and set(mode) & set("wa+") and "x" not in mode:
        check_path(ctx, call, call.arg(path_at, path_kw) or call.keywords.get("filename"))


@on.method("write_text", "write_bytes")
def path_written(ctx, call) -> None:
    check_path(ctx, call, receiver(call))


@on.call(*WRITERS)
def written_by_call(ctx, call) -> None:
    check_path(ctx, call, call.arg(*WRITERS[call.qualname]))


@on.method(*WRITER_METHODS)
def written_by_method(ctx, call) -> None:
    check_path(ctx, call, call.arg(0, "path_or_buf" if call.method == "to_csv" else "path"))


@on.call("os.open")
def os_open_without_excl(ctx, call) -> None:
    flags = ctx.text(call.arg(1, "flags")) if call.arg(1, "flags") is not None else ""
    if "O_CREAT" in flags and "O_EXCL" not in flags:
        check_path(ctx, call, call.arg(0, "path"))


def check_path(ctx, call, path) -> None:
    if path is None:
        return
    folder = shared_folder(ctx, path)
    if folder is None or _random_name(ctx, path):
        return
    ctx.report(INSECURE_TEMP_FILE, path,
               f"`{call.name}` writes to a fixed name in the shared {folder} folder: another "
               "local user can create that file first or make it a symlink to one of yours; "
               "use `tempfile.NamedTemporaryFile()` or `tempfile.TemporaryDirectory()`",
               severity=Severity.LOW, confidence=Confidence.MEDIUM)


def shared_folder(ctx, path) -> str | None:
    """"`/tmp`" or "temp" when the path starts in a shared temporary folder, else None."""
    start = leading_text(ctx, path)
    folder = next((d for d in SHARED_TEMP_DIRS if start == d or start.startswith(d + "/")), None)
    if folder is not None:
        return f"`{folder}`"
    first = _first_part(ctx, path)
    return "temporary" if first is not None and _is_temp_dir(ctx, first) else None


def _first_part(ctx, node):
    """The expression a path is built from first: `os.path.join(A, "x")`, `f"{A}/x"`,
    `Path(A) / "x"`, `A + "/x"` -> A (following names to their last assignment)."""
    for _ in range(2 * MAX_HOPS):
        if node is None:
            return None
        kind = node.type
        if kind == "string":
            parts = [c for c in node.named_children if c.type != "string_start"]
            if not parts or parts[0].type != "interpolation":
                return node
            node = parts[0].child_by_field_name("expression")
        elif kind in ("concatenated_string", "parenthesized_expression"):
            node = node.named_children[0] if node.named_child_count else None
        elif kind == "binary_operator":
            node = node.child_by_field_name("left")
        elif kind == "call":
            call = ctx.call(node)
            if call.qualname in PATH_JOINS or call.qualname == "str":
                node = call.arg(0)
            elif call.method == "format":
                node = receiver(call)
            else:
                return node
        elif kind == "identifier":
            value = last_assigned(ctx, node)
            if value is None:
                return node
            node = value
        else:
            return node
    return None


def _is_temp_dir(ctx, node) -> bool:
    """`tempfile.gettempdir()`, `tempfile.tempdir`, `os.environ.get("TMPDIR")`."""
    if node.type == "attribute":
        return ctx.qualname(node) == "tempfile.tempdir"
    if node.type == "subscript":  # os.environ["TMPDIR"]
        holder = node.child_by_field_name("value")
        return holder is not None and ctx.qualname(holder) == "os.environ" and \
            ctx.literal(node.child_by_field_name("subscript")) in TEMP_DIR_VARIABLES
    if node.type != "call":
        return False
    call = ctx.call(node)
    return call.qualname in TEMP_DIR_CALLS or (
        call.qualname in ENV_READS and ctx.literal(call.arg(0)) in TEMP_DIR_VARIABLES)


def _random_name(ctx, path) -> bool:
    return any(name in RANDOM_PARTS for name in names_in(ctx, path))
