"""Where a value was read from: a network socket, a URL, a file or standard input.

A weaker kind of source than request data, asked about by the checks for code run from
text only (`eval(fs.readFileSync(p, 'utf8'))`, `new Function(chunk)` inside
`socket.on('data', chunk => ...)`), as Python's AIG103 does with `sock.recv()` and a
file's lines.  Followed: names, `await`, text conversions (`toString`, `trim`,
`String()`), the text of a `fetch()` response, the data parameter of `fs.readFile(p,
(err, data) => ...)` and of a `data`/`line` handler on a socket, a file stream, a
`readline` interface over one, or `process.stdin`; sockets come from `net`/`tls`
connections and the connection parameter of `net.createServer(socket => ...)` or a
server's `connection` handler.
"""

from __future__ import annotations

from .functions import declaring_function
from .values import TRANSPARENT, unwrap

SOCKET = "socket"
URL = "url"
FILE = "file"
STDIN = "stdin"
PROJECT_FILE = "project file"  # a file named by a constant path: the project's own text

FILE_READS = frozenset({
    "fs.readFileSync", "fs.readFile", "fs.promises.readFile", "fs-extra.readFileSync",
    "fs-extra.readFile", "graceful-fs.readFileSync", "graceful-fs.readFile",
    "Deno.readTextFile", "Deno.readTextFileSync",
})
FILE_STREAMS = frozenset({"fs.createReadStream", "fs-extra.createReadStream"})
# `await (await fetch(url)).text()`: a document downloaded from a URL.
URL_FETCHES = frozenset({"fetch", "node-fetch", "undici.fetch", "cross-fetch"})
SOCKET_MAKERS = frozenset({"net.connect", "net.createConnection", "net.Socket", "tls.connect",
                           "tls.TLSSocket"})
SERVER_MAKERS = frozenset({"net.createServer", "tls.createServer"})
LINE_READERS = frozenset({"readline.createInterface", "readline/promises.createInterface"})
CONNECTION_EVENTS = frozenset({"connection", "secureConnection"})
DATA_EVENTS = frozenset({"data", "line"})
LISTENERS = frozenset({"on", "once", "addListener", "prependListener"})
TEXT_TRANSFORMS = frozenset({"toString", "trim", "trimStart", "trimEnd"})
DIRECTORY_NAMES = frozenset({"__dirname", "__filename"})
PATH_BUILDERS = frozenset({"path.join", "path.resolve"})
MAX_HOPS = 6


def read_from(ctx, node) -> str | None:
    """SOCKET, URL, FILE, STDIN or PROJECT_FILE when `node`'s value was read from one; None
    when it was not (or that cannot be told)."""
    for _ in range(MAX_HOPS):
        node = unwrap(ctx.value_of(node))
        if node is None:
            return None
        if _awaited(ctx, node) is not None:
            node = _awaited(ctx, node)
            continue
        if node.type == "identifier":
            bindings = ctx.reaching(ctx.text(node), node)
            if bindings and bindings[-1].kind == "for":  # `for await (const line of rl)`
                return _stream(ctx, bindings[-1].value)
            return _handler_data(ctx, node)
        if node.type != "call_expression":
            return None
        call = ctx.call(node)
        if call.qualname in FILE_READS:
            return PROJECT_FILE if _constant_path(ctx, call.arg(0)) else FILE
        if call.method == "text" and call.receiver is not None and _fetched(ctx, call.receiver):
            return URL
        if call.method in TEXT_TRANSFORMS and call.receiver is not None:
            node = call.receiver
        elif call.qualname == "String" and call.args:
            node = call.args[0]
        else:
            return None
    return None


def _fetched(ctx, node) -> bool:
    """Is `node` (through names and `await`) the response of `fetch(...)`?"""
    for _ in range(MAX_HOPS):
        node = unwrap(ctx.value_of(node))
        if node is not None and _awaited(ctx, node) is not None:
            node = _awaited(ctx, node)
            continue
        return node is not None and node.type == "call_expression" and \
            ctx.call(node).qualname in URL_FETCHES
    return False


def _awaited(ctx, node):
    """`x` in `await x`, and in `await (x)` where the grammar, not knowing the function is
    async, reads a call of a function named `await` (`await (await fetch(u)).text()`)."""
    if node.type == "await_expression":
        return node.named_children[0] if node.named_child_count else None
    if node.type == "call_expression":
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is not None and func.type == "identifier" and ctx.text(func) == "await" and \
                args is not None and args.named_child_count == 1:
            return args.named_children[0]
    return None


def _handler_data(ctx, node) -> str | None:
    """What a callback's data parameter holds: `(err, data)` of `fs.readFile`, or the
    first parameter of a `data`/`line` listener."""
    name = ctx.text(node)
    if ctx.reaching(name, node):
        return None
    function = declaring_function(ctx, name, node)
    call = _registering_call(ctx, function) if function is not None else None
    if call is None:
        return None
    position = ctx.parameters(function)[name][0]
    if call.qualname in FILE_READS:
        return (PROJECT_FILE if _constant_path(ctx, call.arg(0)) else FILE) \
            if position == 1 else None
    if position == 0 and call.method in LISTENERS and len(call.args) > 1 and \
            ctx.literal(call.args[0]) in DATA_EVENTS and call.receiver is not None:
        return _stream(ctx, call.receiver)
    return None


def _registering_call(ctx, function):
    """The call `function` is the last argument of, or None."""
    parent = function.parent
    while parent is not None and parent.type in TRANSPARENT:
        parent = parent.parent
    if parent is None or parent.type != "arguments" or parent.parent is None or \
            parent.parent.type not in ("call_expression", "new_expression"):
        return None
    call = ctx.call(parent.parent)
    return call if call.args and call.args[-1].id == function.id else None


def _stream(ctx, node) -> str | None:
    """SOCKET, FILE or STDIN: what a stream object was opened on."""
    for _ in range(MAX_HOPS):
        node = unwrap(ctx.value_of(node))
        if node is None:
            return None
        if node.type in ("member_expression", "identifier") and \
                ctx.qualname(node) == "process.stdin":
            return STDIN
        if node.type == "identifier":
            return _connection(ctx, node)
        if node.type not in ("call_expression", "new_expression"):
            return None
        call = ctx.call(node)
        if call.qualname in SOCKET_MAKERS:
            return SOCKET
        if call.qualname in FILE_STREAMS:
            return FILE
        if call.qualname not in LINE_READERS:
            return None
        node = ctx.option(call, 0, "input")  # readline over a stream
    return None


def _connection(ctx, node) -> str | None:
    """SOCKET for the connection parameter of `net.createServer(socket => ...)` or of a
    `connection` listener on such a server."""
    name = ctx.text(node)
    if ctx.reaching(name, node):
        return None
    function = declaring_function(ctx, name, node)
    call = _registering_call(ctx, function) if function is not None else None
    if call is None or ctx.parameters(function)[name][0] != 0:
        return None
    if call.qualname in SERVER_MAKERS:
        return SOCKET
    if call.method in LISTENERS and call.args and \
            ctx.literal(call.args[0]) in CONNECTION_EVENTS and call.receiver is not None:
        server = unwrap(ctx.value_of(call.receiver))
        if server is not None and server.type == "call_expression" and \
                ctx.call(server).qualname in SERVER_MAKERS:
            return SOCKET
    return None


def _constant_path(ctx, node, depth: int = 0) -> bool:
    """A path made of literals and the module's own folder (`path.join(__dirname,
    'plugin.js')`): a file of the project, not data."""
    node = unwrap(ctx.value_of(node))
    if node is None or depth > MAX_HOPS:
        return False
    if ctx.is_literal(node):
        return True
    if node.type == "identifier":
        return ctx.text(node) in DIRECTORY_NAMES and not ctx.reaching(ctx.text(node), node)
    if node.type == "call_expression":
        call = ctx.call(node)
        return call.qualname in PATH_BUILDERS and not call.spread and \
            all(_constant_path(ctx, arg, depth + 1) for arg in call.args)
    if node.type in ("template_string", "binary_expression"):
        info = ctx.string_info(node)
        return all(_constant_path(ctx, part, depth + 1) for part in info.dynamic_parts)
    return False
