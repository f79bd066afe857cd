"""Where the bytes a loader reads come from, which decides how bad loading them is.

Unpickling request data is remote code execution; unpickling a model file
shipped next to the code is not worth stopping a commit for.  `data_origin`
follows the loader's argument back through files being opened, paths being
built, bytes being decoded and names being assigned, and sorts it into a
`Reach`.  The shared taint tracker answers first (request data, uploads, LLM
output, environment); this module adds what only loaders care about: sockets,
HTTP responses, downloads, and whether a path is fixed in the code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ...analysis.python.context import MAX_HOPS, PyContext
from ...analysis.shared import UNKNOWN
from ...model import PARAMETER, REMOTE_INPUT, Edit, Fix, RuleInfo, Severity
from ..sinks import flow_suffix, source_note


class Reach(enum.IntEnum):
    CONSTANT = 0  # bytes written in the code itself
    BUNDLED = 1  # a file at a path fixed in the code (shipped with the project)
    LOCAL_FILE = 2  # a file whose path or handle is chosen at run time
    UNKNOWN = 3  # in-memory data of unknown origin (a parameter, a cache, a queue)
    REMOTE = 4  # request data, uploads, sockets, HTTP responses, downloads, LLM output


# What each reach is called in messages.
REACH_TEXT = {
    Reach.CONSTANT: "constant data",
    Reach.BUNDLED: "a file at a fixed path",
    Reach.LOCAL_FILE: "a file or stream chosen at run time",
    Reach.UNKNOWN: "data of unknown origin",
    Reach.REMOTE: "data from outside the program",
}

# Severity by reach (index = Reach); None keeps quiet.
S = Severity
RUNS_CODE = (None, S.LOW, S.MEDIUM, S.HIGH, S.CRITICAL)  # the format executes what it loads
OPTED_OUT = (None, S.MEDIUM, S.HIGH, S.HIGH, S.CRITICAL)  # a safety switch turned off on purpose
DEFAULTED = (None, S.LOW, S.MEDIUM, S.MEDIUM, S.HIGH)  # unsafe only on older library versions
# marshal builds code objects but runs nothing itself (an `exec` of the result is AIG103);
# crafted data can crash the interpreter, which matters when someone else sends it.
BUILDS_CODE = (None, None, S.LOW, S.LOW, S.HIGH)


@dataclass(frozen=True, slots=True)
class NetworkRead:
    """A socket read, HTTP response or download: shaped like a `Taint` for reporting."""

    node: object
    text: str
    kind: str = "network"
    label: str = "data received over the network"
    is_llm: bool = False
    is_remote: bool = True
    evidence: str = REMOTE_INPUT  # whoever is at the other end chooses the bytes


PARAMETER_LEAF = "the parameter"


@dataclass(frozen=True, slots=True)
class Origin:
    reach: Reach
    source: object | None = None  # a Taint or NetworkRead to show as related location
    # What the data was traced back to when its origin stays unknown: "the parameter
    # `blob`", "the result of `cache.get()`" (messages say that instead of "unknown").
    leaf: str | None = None

    @property
    def text(self) -> str:
        if self.reach is Reach.UNKNOWN and self.leaf:
            return f"data from {self.leaf}, whose origin is not visible here"
        return REACH_TEXT[self.reach]


# Serializers of the formats that run code: `loads(dumps(obj))` (also through a name, in
# the same function) reads back bytes this program just made from its own object — a
# round trip (copy, pickling test), not data from anywhere else.
ROUND_TRIP_DUMPERS = frozenset({
    *(f"{module}.{name}" for module in ("pickle", "_pickle", "cPickle", "dill", "cloudpickle",
                                        "pickle5", "marshal", "jsonpickle")
      for name in ("dumps", "encode")),
    "pickle.Pickler", "copyreg.pickle", "yaml.dump", "yaml.safe_dump",
})

# Calls whose result is data fetched from the network (or a file just downloaded).
NETWORK_CALLS = frozenset({
    *(f"{lib}.{verb}" for lib in ("requests", "requests.api", "httpx")
      for verb in ("get", "post", "put", "patch", "delete", "request", "stream")),
    "urllib.request.urlopen", "urllib2.urlopen", "urllib.urlopen",
    "six.moves.urllib.request.urlopen", "urllib.request.urlretrieve", "urllib.urlretrieve",
    "huggingface_hub.hf_hub_download", "huggingface_hub.cached_download", "wget.download",
    "gdown.download", "keras.utils.get_file", "tensorflow.keras.utils.get_file",
})
# Objects whose get()/post()/request() talk HTTP.
SESSION_FACTORIES = frozenset({
    "requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
    "aiohttp.ClientSession", "urllib3.PoolManager",
})
SESSION_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "stream",
                             "urlopen"})
# Socket-like receives, whatever the receiver (sockets, websockets, zmq, pipes).
RECEIVE_METHODS = frozenset({"recv", "recvfrom", "recvmsg", "recv_bytes", "recv_multipart",
                             "receive_bytes", "receive_text", "makefile"})
# `self.rfile` of http.server / socketserver handlers is the request body.
NETWORK_ATTRIBUTES = frozenset({"rfile"})
URL_PREFIXES = ("http://", "https://", "ftp://", "s3://", "gs://")

# Calls that open the file named by their first argument.
OPEN_CALLS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open",
                        "gzip.GzipFile"})
# Calls that build a path from all their arguments.
PATH_CALLS = frozenset({
    "os.path.join", "os.path.abspath", "os.path.realpath", "os.path.normpath",
    "os.path.expanduser", "os.path.dirname", "os.fspath", "pathlib.Path", "pathlib.PurePath",
    "posixpath.join",
})
# Calls whose result is a transformation of the bytes in their first argument.
BYTE_WRAPPERS = frozenset({
    "base64.b64decode", "base64.urlsafe_b64decode", "base64.b32decode", "base64.b85decode",
    "base64.a85decode", "base64.decodebytes", "binascii.unhexlify", "binascii.a2b_base64",
    "binascii.a2b_hex", "bytes.fromhex", "zlib.decompress", "gzip.decompress",
    "bz2.decompress", "lzma.decompress", "codecs.decode", "io.BytesIO", "io.StringIO",
    "bytes", "bytearray", "memoryview", "str",
})
# Methods whose result is read from, or is a path derived from, their receiver.
RECEIVER_METHODS = frozenset({
    "read", "read_bytes", "read_text", "readline", "readlines", "getvalue", "getbuffer",
    "decode", "encode", "tobytes", "strip", "open", "resolve", "absolute", "expanduser",
    "joinpath", "with_suffix", "with_name", "as_posix", "__fspath__",
})
PATH_METHODS = frozenset({"open", "resolve", "absolute", "expanduser", "joinpath",
                          "with_suffix", "with_name", "read_bytes", "read_text"})
PATH_ATTRIBUTES = frozenset({"parent", "parents", "stem", "name"})
_WALK_THROUGH = frozenset({
    "binary_operator", "parenthesized_expression", "await", "conditional_expression",
    "boolean_operator", "expression_list", "tuple", "list",
})
_CONSTANTS = frozenset({"integer", "float", "true", "false", "none", "ellipsis"})
_ARGUMENT_NAMES = ("file", "filename", "f", "filepath_or_buffer", "path", "data", "string",
                   "stream", "source", "name", "fileobj", "folder_path", "serialized")


def first_argument(call):
    """The loader's input: first positional argument, or its usual keyword."""
    if call.positional:
        return call.positional[0]
    for name in _ARGUMENT_NAMES:
        if name in call.keywords:
            return call.keywords[name]
    return None


def data_origin(ctx: PyContext, node, *, is_path: bool = False) -> Origin:
    """Where the data in `node` comes from; `is_path` when the sink takes a path or file."""
    taint = ctx.taint(node)
    if taint is not None and taint.is_remote:
        return Origin(Reach.REMOTE, taint)
    walk = _Walk(ctx, is_path)
    found = walk.run(node)
    if found is not None:
        return found
    taint = taint or walk.local_source
    if taint is None and walk.fixed:
        return Origin(Reach.BUNDLED if walk.via_file else Reach.CONSTANT)
    if walk.via_file:
        return Origin(Reach.LOCAL_FILE, taint)
    return Origin(Reach.UNKNOWN, taint, None if taint is not None else walk.leaf)


class _Walk:
    """One backwards walk from a loader argument (explicit stack, bounded by MAX_HOPS)."""

    def __init__(self, ctx: PyContext, is_path: bool):
        self.ctx = ctx
        self.fixed = True  # every leaf reached so far is written in the code
        self.via_file = is_path
        self.local_source = None  # environment or argv data met on the way
        self.leaf = None  # the first value met whose origin cannot be followed

    def _opaque(self, what: str) -> None:
        self.fixed = False
        self.leaf = self.leaf or what

    def run(self, node) -> Origin | None:
        ctx = self.ctx
        stack = [(node, 0)]
        wholes = {node.id}  # nodes that are the whole value (a URL there is fetched)
        seen: set[int] = set()
        while stack:
            current, hops = stack.pop()
            if current is None or current.id in seen or hops > MAX_HOPS:
                continue
            seen.add(current.id)
            kind = current.type
            if kind == "call":
                found = self._call(current, hops, stack)
                if found is not None:
                    return found
            elif kind in ("string", "concatenated_string"):
                value = ctx.literal(current)
                if current.id in wholes and isinstance(value, str) and \
                        value.startswith(URL_PREFIXES):  # pandas.read_pickle("https://…")
                    return Origin(Reach.REMOTE, NetworkRead(current, ctx.text(current)))
                if value is UNKNOWN:
                    stack.extend((part, hops) for part in _interpolations(current))
            elif kind == "identifier":
                values = self._identifier(current)
                if current.id in wholes:
                    wholes.update(value.id for value in values)
                stack.extend((value, hops + 1) for value in values)
            elif kind == "attribute":
                attr = ctx.text(current.child_by_field_name("attribute"))
                if attr in NETWORK_ATTRIBUTES:
                    return Origin(Reach.REMOTE, NetworkRead(current, ctx.text(current)))
                if attr.isupper():  # settings.MODEL_PATH: a configuration constant
                    continue
                if _holds_own_dumps(ctx, attr):
                    continue  # every `x.<attr> = ...` of the module stores bytes dumped here
                if attr not in PATH_ATTRIBUTES:
                    self._opaque(f"`{_short(ctx.text(current))}`")
                stack.append((current.child_by_field_name("object"), hops))
            elif kind == "subscript":
                self._opaque(f"`{_short(ctx.text(current))}`")
                stack.append((current.child_by_field_name("value"), hops))
            elif kind in _WALK_THROUGH:
                stack.extend((child, hops) for child in current.named_children)
            elif kind not in _CONSTANTS:
                self.fixed = False
        return None

    def _identifier(self, node) -> list:
        """The values assigned to a name (empty for a parameter, import or `__file__`)."""
        ctx = self.ctx
        name = ctx.text(node)
        if name == "__file__":
            return []
        values = [b.value for b in ctx.reaching(name, node) if b.value is not None]
        if not values:
            # An imported UPPER_CASE name is a configuration constant; anything else
            # (a parameter, a global filled at run time) is not fixed.
            if not (name.isupper() and name in ctx.imports):
                self._opaque(f"{PARAMETER_LEAF} `{name}`" if ctx.is_parameter(name, node)
                             else f"`{name}`")
        return values

    def _call(self, node, hops: int, stack: list) -> Origin | None:
        ctx = self.ctx
        call = ctx.call(node)
        if is_network_call(ctx, call):
            return Origin(Reach.REMOTE, NetworkRead(node, ctx.text(node)))
        name = call.qualname
        if name in ROUND_TRIP_DUMPERS:
            return None  # bytes made here from an object: nothing from outside in them
        if name in OPEN_CALLS or name in PATH_CALLS or name in BYTE_WRAPPERS:
            self.via_file = self.via_file or name not in BYTE_WRAPPERS
            for value in call.positional if name in PATH_CALLS else call.positional[:1]:
                taint = ctx.taint(value)  # the tracker does not look inside `open()`
                if taint is not None and taint.is_remote:
                    return Origin(Reach.REMOTE, taint)
                self.local_source = self.local_source or taint
                stack.append((value, hops))
            return None
        if call.method is None:
            # an unknown function: its result is not ours to know
            self._opaque(f"the result of `{_short(ctx.text(call.func))}()`")
            return None
        if call.method in PATH_METHODS:
            self.via_file = True
        if call.method in RECEIVER_METHODS:
            stack.extend((value, hops) for value in call.positional)
        else:
            self._opaque(f"the result of `{_short(ctx.text(call.func))}()`")
        stack.append((call.func.child_by_field_name("object"), hops))
        return None


def _holds_own_dumps(ctx: PyContext, attr: str) -> bool:
    """Whether every assignment of the module to an attribute named `attr` (`self._meta =
    dumps(meta)`, `style._meta = None`, `copy._meta = self._meta`) stores bytes a dumper
    made here, None, or the same attribute of another object: a cache of the object's own
    serialised state (rich's `Style.meta`), not data from elsewhere."""
    key = ("own-dumps", attr)
    if key not in ctx.memo:
        values = [right for left, right, _ in ctx.assignment_sides.values()
                  if left.type == "attribute" and right is not None
                  and ctx.text(left.child_by_field_name("attribute")) == attr]
        ctx.memo[key] = bool(values) and all(_own_dump(ctx, value, attr) for value in values)
    return ctx.memo[key]


def _own_dump(ctx: PyContext, node, attr: str) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "conditional_expression" and current.named_child_count == 3:
            stack.extend(current.named_children[::2])  # `None if meta is None else dumps(meta)`
        elif kind in ("boolean_operator", "parenthesized_expression"):
            stack.extend(current.named_children)  # `self._meta or style._meta`
        elif kind == "attribute":
            if ctx.text(current.child_by_field_name("attribute")) != attr:
                return False
        elif not (kind == "none" or kind == "call" and ctx.call(current).qualname in
                  ROUND_TRIP_DUMPERS):
            return False
    return True


def is_network_call(ctx: PyContext, call) -> bool:
    if call.qualname in NETWORK_CALLS or call.method in RECEIVE_METHODS:
        return True
    if call.method not in SESSION_METHODS:
        return False
    receiver = call.func.child_by_field_name("object")
    candidates = [receiver]
    if receiver is not None and receiver.type == "identifier":
        candidates = [b.value for b in ctx.reaching(ctx.text(receiver), receiver)]
    return any(value is not None and value.type == "call"
               and ctx.call(value).qualname in SESSION_FACTORIES for value in candidates)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _interpolations(node) -> list:
    """The expressions inside an f-string (or a concatenation of strings)."""
    parts = node.named_children if node.type == "concatenated_string" else [node]
    return [child.child_by_field_name("expression") for part in parts
            for child in part.named_children if child.type == "interpolation"]


def report_load(ctx: PyContext, rule: RuleInfo, node, message: str, origin: Origin,
                severities: tuple, *, fix: Fix | None = None, library: bool = False) -> None:
    """Report a load at the severity its data origin earns (None: stay quiet).

    `library=True` (the pickle family): a file or stream chosen at run time, or bytes
    handed in as a parameter, with nothing known about who chooses them is "parameter"
    evidence, low outside application code (`PyContext.library_evidence`): a library
    reading back what its caller stored (a profiler's stats dump, a shelf's records, an
    ORM's pickled column)."""
    severity = severities[origin.reach]
    if severity is None:
        return
    source = origin.source
    evidence = source.evidence if source is not None else None
    if library and evidence is None and (origin.reach is Reach.LOCAL_FILE or (
            origin.reach is Reach.UNKNOWN and (origin.leaf or "").startswith(PARAMETER_LEAF))):
        evidence = ctx.library_evidence(PARAMETER)
    ctx.report(rule, node, message + flow_suffix(ctx, source), severity=severity,
               related=source_note(ctx, source) if source is not None else (), fix=fix,
               evidence=evidence)


def keyword_fix(ctx: PyContext, call, name: str, value_text: str, title: str,
                *, safe: bool = True) -> Fix | None:
    """Set `name=value_text` on `call`: rewrite the value, or append the keyword."""
    value = call.keywords.get(name)
    if value is not None:
        where = ctx.location(value)
        return Fix(title, (Edit(where.line, where.column, where.end_line, where.end_column,
                                value_text),), safe=safe)
    args = call.node.child_by_field_name("arguments")
    if args is None or args.type != "argument_list":
        return None
    last = [child for child in args.named_children if child.type != "comment"]
    if not last:
        return None
    end = ctx.location(last[-1])
    return Fix(title, (Edit(end.end_line, end.end_column, end.end_line, end.end_column,
                            f", {name}={value_text}"),), safe=safe)
