"""Python checks for AIG209: the `random` module (or numpy's) producing a value
an attacker must not guess.

`random` is fine for simulations, sampling, jitter and shuffling data, so a
call is reported only when its value ends up in a security-named place: a
`token`/`password`/`otp` variable, key, keyword or attribute, the return value
of `generate_token()`, or (one step on) a local that is later used so.  A
character picker over `string.punctuation` is a password generator whatever
its result is called; any other character picker (a random string of
letters and digits) is reported as informational (low).
"""

from __future__ import annotations

from ...analysis.secret_names import is_security_name
from ...model import Confidence, Edit, Fix, Severity
from ..crypto import INSECURE_RANDOM
from .checks import on
from .crypto_values import Destination, destination, target_name

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
    where = _security_place(ctx, dest)
    confidence = Confidence.HIGH
    severity = None
    if not where and dest is not None and dest.kind == "assign":
        where = _later_security_use(ctx, dest)
        confidence = Confidence.MEDIUM
    if not where:
        alphabet = _alphabet(ctx, call)
        if alphabet is None:
            return
        where = "a password-style string" if any(
            hint in alphabet for hint in _PASSWORD_ALPHABET_HINTS) else "a random string"
        severity = Severity.MEDIUM if where == "a password-style string" else Severity.LOW
        confidence = Confidence.MEDIUM if severity is Severity.MEDIUM else Confidence.LOW
    ctx.report(INSECURE_RANDOM, call.node,
               f"`{call.name}` is predictable (its state can be recovered from a few "
               f"outputs) but its value becomes {where}; use the `secrets` module "
               "(`secrets.token_urlsafe()`, `secrets.choice()`, `secrets.randbelow()`)",
               severity=severity, confidence=confidence, fix=_secrets_fix(ctx, call))


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


def _security_place(ctx, dest) -> str:
    if dest is None or not is_security_name(dest.name, function=dest.kind in ("return", "argument")):
        return ""
    return {
        "assign": f"`{dest.name}`", "append": f"`{dest.name}`",
        "keyword": f"the `{dest.name}=` argument", "key": f"the `{dest.name}` entry",
        "return": f"the result of `{dest.name}()`", "default": f"the `{dest.name}` default",
        "argument": f"an argument of `{dest.name}()`",
    }[dest.kind]


def _later_security_use(ctx, dest) -> str:
    """A local assigned the random value, then returned from `make_token()` or passed
    as `password=`: the first such use, one step on."""
    left = dest.node.child_by_field_name("left")
    function = ctx.function_of(dest.node)
    if function is None or left is None or left.type != "identifier":
        return ""
    name, after, uses = dest.name, dest.node.end_byte, 0
    stack = [function.child_by_field_name("body")]
    while stack and uses < MAX_USES:
        node = stack.pop()
        if node is None:
            continue
        if node.type == "identifier" and node.start_byte >= after and ctx.text(node) == name:
            uses += 1
            where = _security_place(ctx, destination(ctx, node))
            if where:
                return where
        stack.extend(node.named_children)
    return ""


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
