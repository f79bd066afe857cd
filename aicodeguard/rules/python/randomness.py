"""Python checks for AIG209: the `random` module (or numpy's) producing a value
an attacker must not guess.

`random` is fine for simulations, sampling, jitter and shuffling data, so a
call is reported only when its value (or, one step on, a local holding it)
becomes a secret: by use — a cookie, a session entry, the token of a link, a
code sent by mail (`randomness_use.py`) — or, when no use says otherwise, by
the name of its place: a `token`/`password`/`otp` variable, key, keyword or
attribute, the return value of `generate_token()`.  A use or name that says
what the value is for (a MIME boundary, a `?v=` cache buster, a test) keeps
it quiet.  A character picker over `string.punctuation` is a password
generator whatever its result is called; any other character picker (a
random string of letters and digits) is reported as informational (low).
"""

from __future__ import annotations

from ...analysis.secret_names import is_security_name
from ...model import Confidence, Edit, Fix, Severity
from ..crypto import INSECURE_RANDOM
from ..random_purpose import BENIGN, Purpose, is_benign_name
from .checks import on
from .crypto_values import Destination, destination, target_name
from .randomness_use import use_purpose

RANDOM_FUNCTIONS = ("random", "randint", "randrange", "choice", "choices", "sample",
                    "getrandbits", "shuffle", "uniform", "randbytes")
NUMPY_FUNCTIONS = ("rand", "randint", "random", "random_sample", "choice", "bytes",
                   "permutation", "shuffle")
RANDOM_CALLS = tuple(f"random.{name}" for name in RANDOM_FUNCTIONS) + tuple(
    f"numpy.random.{name}" for name in NUMPY_FUNCTIONS)
# `random` function -> its `secrets` replacement (only where the call reads the same).
SECRETS_EQUIVALENT = {"choice": "secrets.choice", "getrandbits": "secrets.randbits"}
MAX_USES = 32  # how many later uses of a local are examined
_PASSWORD_ALPHABET_HINTS = ("punctuation", "!@#", "#$%")
_ALPHABET_HINTS = ("ascii_", "letters", "digits", "abcdefghijklmnopqrstuvwxyz", "0123456789")


@on.call(*RANDOM_CALLS)
def insecure_random(ctx, call) -> None:
    dest = _shuffled(ctx, call) if call.qualname.endswith("shuffle") else destination(ctx, call.node)
    purposes = [_purpose(ctx, call.node, dest, later=False)]
    if dest is not None and dest.kind == "assign":
        purposes.extend(_later_purposes(ctx, dest))
    found = [p for p in purposes if p is not None]
    chosen = next((p for p in found if p.by_use), None)
    if chosen is not None and not chosen.where:
        return  # the code shows what it is for: a MIME boundary, a cache buster
    if chosen is None:
        if any(not p.where for p in found) or is_benign_name(_function_name(ctx, call.node)):
            return  # a security-sounding name, but used as a boundary or in a test
        chosen = next(iter(found), None)
    if chosen is None:
        chosen = _alphabet_purpose(ctx, call)
        if chosen is None:
            return
    ctx.report(INSECURE_RANDOM, call.node,
               f"`{call.name}` is predictable (its state can be recovered from a few "
               f"outputs) but its value becomes {chosen.where}; use the `secrets` module "
               "(`secrets.token_urlsafe()`, `secrets.choice()`, `secrets.randbelow()`)",
               severity=chosen.severity, confidence=chosen.confidence,
               fix=_secrets_fix(ctx, call))


@on.call("random.seed", "numpy.random.seed")
def constant_seed(ctx, call) -> None:
    seed = call.arg(0, "a")
    if seed is None or not ctx.is_literal(seed):
        return
    function = ctx.function_of(call.node)
    name = function.child_by_field_name("name") if function is not None else None
    if name is not None and is_security_name(ctx.text(name), function=True):
        ctx.report(INSECURE_RANDOM, call.node,
                   f"`{call.name}` with a constant in `{ctx.text(name)}()` makes every "
                   "generated value the same on each run; use the `secrets` module")


def _shuffled(ctx, call) -> Destination | None:
    """`random.shuffle(password_chars)`: the shuffled list is the value."""
    name = target_name(ctx, call.arg(0, "x"))
    return Destination("append", name, call.node) if name else None


def _purpose(ctx, node, dest, *, later: bool) -> Purpose | None:
    """What the value is for: its use first (cookie, link, mail), else the name of
    its place (`token = ...`, `password=`, `return` from `make_otp()`)."""
    found = use_purpose(ctx, node, dest)
    if found is not None or dest is None:
        return found  # a use is as clear one step on as on the spot
        return None
    if dest.kind in ("assign", "key", "keyword", "append") and is_benign_name(dest.name):
        return BENIGN
    if not is_security_name(dest.name, function=dest.kind in ("return", "argument")):
        return None
    where = {
        "assign": f"`{dest.name}`", "append": f"`{dest.name}`",
        "keyword": f"the `{dest.name}=` argument", "key": f"the `{dest.name}` entry",
        "return": f"the result of `{dest.name}()`", "default": f"the `{dest.name}` default",
        "argument": f"an argument of `{dest.name}()`",
    }[dest.kind]
    return Purpose(where, by_use=False,
                   confidence=Confidence.MEDIUM if later else Confidence.HIGH)


def _later_purposes(ctx, dest) -> list[Purpose | None]:
    """A local assigned the random value, then set as a cookie, returned from
    `make_token()`, passed as `password=` or made into a boundary: its later uses."""
    left = dest.node.child_by_field_name("left")
    function = ctx.function_of(dest.node)
    if function is None or left is None or left.type != "identifier":
        return []
    name, after, found = dest.name, dest.node.end_byte, []
    stack = [function.child_by_field_name("body")]
    while stack and len(found) < MAX_USES:
        node = stack.pop()
        if node is None:
            continue
        if node.type == "identifier" and node.start_byte >= after and ctx.text(node) == name:
            found.append(_purpose(ctx, node, destination(ctx, node), later=True))
        stack.extend(node.named_children)
    return found


def _function_name(ctx, node) -> str | None:
    function = ctx.function_of(node)
    name = function.child_by_field_name("name") if function is not None else None
    return ctx.text(name) if name is not None else None


def _alphabet_purpose(ctx, call) -> Purpose | None:
    """A character picker: a password generator over punctuation (medium), any other
    random string of letters and digits (low)."""
    alphabet = _alphabet(ctx, call)
    if alphabet is None:
        return None
    if any(hint in alphabet for hint in _PASSWORD_ALPHABET_HINTS):
        return Purpose("a password-style string", False, Confidence.MEDIUM, Severity.MEDIUM)
    return Purpose("a random string", False, Confidence.LOW, Severity.LOW)


def _alphabet(ctx, call) -> str | None:
    """The source text of the characters a random-string generator picks from
    (`random.choice(string.ascii_letters + string.digits)`), or None."""
    if not call.qualname.endswith(("choice", "choices", "sample")):
        return None
    pool = call.arg(0, "seq") or call.arg(0, "population")
    if pool is None:
        return None
    texts = [ctx.text(pool)]
    if pool.type == "identifier":
        texts.extend(ctx.text(b.value) for b in ctx.reaching(ctx.text(pool), pool)
                     if b.value is not None)
    text = " ".join(texts)
    return text if any(hint in text for hint in _ALPHABET_HINTS + _PASSWORD_ALPHABET_HINTS) \
        else None


def _secrets_fix(ctx, call):
    """`random.choice(x)` -> `secrets.choice(x)`, adding `import secrets` after `import random`."""
    tail = call.qualname.rpartition(".")[2]
    replacement = SECRETS_EQUIVALENT.get(tail)
    if replacement is None and tail == "randrange" and len(call.positional) == 1 \
            and not call.keywords:
        replacement = "secrets.randbelow"
    if replacement is None or not call.qualname.startswith("random.") \
            or ctx.text(call.func) != f"random.{tail}" or ctx.imports.get("random") != "random":
        return None
    loc = ctx.location(call.func)
    edits = [Edit(loc.line, loc.column, loc.end_line, loc.end_column, replacement)]
    if "secrets" not in ctx.imports:
        anchor = _import_of(ctx, "random")
        if anchor is None:
            return None
        end = ctx.location(anchor)
        edits.insert(0, Edit(end.end_line, end.end_column, end.end_line, end.end_column,
                             "\nimport secrets"))
    return Fix(f"Use {replacement}", tuple(edits), safe=False)


def _import_of(ctx, module: str):
    """The top-level `import <module>` statement."""
    for node in ctx.tree.root_node.named_children:
        if node.type == "import_statement" and any(
                child.type == "dotted_name" and ctx.text(child) == module
                for child in node.named_children):
            return node
    return None
