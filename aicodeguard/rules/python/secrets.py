"""Python checks for AIG301: credentials written into the source.

Found by name: a string literal assigned, passed, stored, defaulted or
compared to a credential-named place (`PASSWORD = "..."`, `connect(password=...)`,
`{"api_key": ...}`, `def login(password="...")`, `if token == "..."`), plus
literal keys given to signing and encryption calls (`jwt.encode(p, "secret")`).
Placeholders, field names and sentences stay quiet (see
`analysis.secret_names`).  The value never appears in a message, and the
echoed source line is redacted.
"""

from __future__ import annotations

import re

from ...analysis.secret_names import (
    SECRET_FRAGMENTS,
    is_hard_coded_secret,
    is_placeholder,
    is_secret_name,
    looks_like_real_secret,
    may_hold_secret,
)
from ...model import Confidence, Severity
from ..secrets import HARD_CODED_SECRET
from .checks import on
from .crypto_values import (
    destination,
    first_line,
    is_constant,
    lookup,
    string_literal,
    target_name,
    with_bare_names,
)

# Calls whose result is their (default) argument: `Field(default="...")`, `SecretStr("...")`.
_WRAPPERS = frozenset({"Field", "field", "SecretStr", "SecretBytes", "Secret"})
_PYCRYPTO = ("Crypto", "Cryptodome")
_AEAD = "cryptography.hazmat.primitives.ciphers.aead"
# Calls taking a signing or encryption key: call -> (position, keyword) of the key.
KEY_ARGUMENTS: dict[str, tuple[int | None, str]] = {
    "jwt.encode": (1, "key"),
    "jwt.decode": (1, "key"),
    "jose.jwt.encode": (1, "key"),
    "jose.jwt.decode": (1, "key"),
    "hmac.new": (0, "key"),
    "hmac.digest": (0, "key"),
    "cryptography.fernet.Fernet": (0, "key"),
    "cryptography.hazmat.primitives.ciphers.algorithms.AES": (0, "key"),
    "cryptography.hazmat.primitives.hmac.HMAC": (0, "key"),
    "itsdangerous.URLSafeTimedSerializer": (0, "secret_key"),
    "itsdangerous.URLSafeSerializer": (0, "secret_key"),
    "itsdangerous.TimestampSigner": (0, "secret_key"),
    "itsdangerous.Signer": (0, "secret_key"),
    **{f"{_AEAD}.{name}": (0, "key") for name in ("AESGCM", "ChaCha20Poly1305", "AESCCM")},
    **{f"{pkg}.Cipher.{name}.new": (0, "key") for pkg in _PYCRYPTO
       for name in ("AES", "DES", "DES3", "ChaCha20", "ChaCha20_Poly1305", "Salsa20",
                    "Blowfish", "ARC4")},
}
KEY_ARGUMENTS = with_bare_names(KEY_ARGUMENTS)
# Calls taking a password positionally: call -> (position, keyword).
PASSWORD_ARGUMENTS: dict[str, tuple[int | None, str]] = {
    "requests.auth.HTTPBasicAuth": (1, "password"),
    "requests.auth.HTTPDigestAuth": (1, "password"),
    "requests.HTTPBasicAuth": (1, "password"),
    "httpx.BasicAuth": (1, "password"),
    "httpx.DigestAuth": (1, "password"),
    "aiohttp.BasicAuth": (1, "password"),
}
# Methods whose second argument is a password (`smtp.login(user, "...")`).
LOGIN_METHODS = ("login", "starttls_login")
COMPARISONS = frozenset({"==", "!="})
# Short words compared with a credential-named value are usually protocol values
# (`user_pass == "git"`), not passwords.
MIN_COMPARED_LENGTH = 4
_SCALARS = frozenset({"none", "true", "false", "integer", "float"})
# Calls that build a mapping from their keywords: `dict(user="app", password="passwd")` is
# a table of names like `{"password": "passwd"}`, not a credential handed to a client.
MAPPING_CALLS = frozenset({"dict", "collections.OrderedDict", "collections.defaultdict"})
MAPPING_METHODS = frozenset({"update"})
# `csrf_token == "NOTPROVIDED"`: a sentinel written in capitals (letters and underscores
# only) is a marker value the code itself stores, not a password it checks.
_SENTINEL = re.compile(r"^[A-Z][A-Z_]*[A-Z]$")
DISTINCT_VALUE = 8  # a value this long is masked on its own, without its quotes


def _report(ctx, node, text: str, message: str, *, fallback: bool = False) -> None:
    ctx.report(HARD_CODED_SECRET, node, message,
               severity=Severity.MEDIUM if fallback else None,
               confidence=Confidence.HIGH if looks_like_real_secret(text) else None,
               secret=_echoed(ctx, node, text))


def _echoed(ctx, node, text: str) -> str:
    """What to mask where the line is echoed: the value itself when the source spells it
    out and it is long enough not to occur by chance (`"ghp_…(40 chars)"` reads better
    than a mask over the quotes), else the literal's first line."""
    source = first_line(ctx, node)
    return text if len(text) >= DISTINCT_VALUE and text in source else source


def _literal(ctx, node):
    """(string node, text) when `node` is a plain string literal, unwrapping
    `Field(default=...)` / `SecretStr(...)`; else (None, None)."""
    if node is not None and node.type == "call":
        call = ctx.call(node)
        if call.name.rpartition(".")[2] in _WRAPPERS:
            node = call.arg(0, "default")
    if node is None or node.type not in ("string", "concatenated_string"):
        return None, None
    text = ctx.literal(node)
    return (node, text) if isinstance(text, str) else (None, None)


def _fallback_literal(ctx, node):
    """`x or "literal"`: the literal used when the real source is empty."""
    if node is not None and node.type == "boolean_operator":
        return _literal(ctx, node.child_by_field_name("right"))
    return None, None


@on.assign_where(may_hold_secret)
def secret_assigned(ctx, node, name, value) -> None:
    literal, text = _literal(ctx, value)
    fallback = False
    if literal is None:
        literal, text = _fallback_literal(ctx, value)
        fallback = True
    if literal is not None and is_hard_coded_secret(name, text):
        how = "as a fallback for an empty value " if fallback else ""
        _report(ctx, literal, text,
                f"hard-coded secret assigned {how}to `{name}`: anyone with the source (or the "
                "package, or the git history) has it; read it from the environment or a "
                "secret manager", fallback=fallback)


@on.node("keyword_argument")
def secret_keyword(ctx, node) -> None:
    name_node = node.child_by_field_name("name")
    if name_node is None or not may_hold_secret(ctx.text(name_node)):
        return
    owner = node.parent.parent if node.parent is not None else None
    if owner is None or owner.type != "call":
        return
    name = ctx.text(name_node)
    literal, text = _literal(ctx, node.child_by_field_name("value"))
    call = ctx.call(owner)
    mapping = call.method in MAPPING_METHODS or (
        call.qualname in MAPPING_CALLS and not ctx.redefines(call.qualname))
    if literal is not None and is_hard_coded_secret(name, text, passed=not mapping):
        _report(ctx, literal, text,
                f"hard-coded secret passed as `{name}=` to `{call.name}`; read it "
                "from the environment or a secret manager")


_STRING_TYPES = frozenset({"string", "concatenated_string", "call"})


_QUOTES = re.compile(rb"[\"']")
_FRAGMENTS = re.compile(SECRET_FRAGMENTS.pattern.encode(), re.IGNORECASE)


def _raw(ctx, node) -> bytes:
    return ctx.source.data[node.start_byte:node.end_byte]


@on.node("pair")
def secret_in_dict(ctx, node) -> None:
    key_node = node.child_by_field_name("key")
    if key_node is None or key_node.type != "string" or not _FRAGMENTS.search(_raw(ctx, key_node)):
        return
    value = node.child_by_field_name("value")
    if value is None or value.type not in _STRING_TYPES:
        return
    key = ctx.literal(key_node)
    if not isinstance(key, str) or not may_hold_secret(key):
        return
    literal, text = _literal(ctx, value)
    if literal is not None and is_hard_coded_secret(key, text):
        _report(ctx, literal, text,
                f"hard-coded secret stored under `{key}`; load it from the environment or a "
                "secret manager")


@on.node("default_parameter", "typed_default_parameter")
def secret_default(ctx, node) -> None:
    name_node = node.child_by_field_name("name")
    if name_node is None or not may_hold_secret(ctx.text(name_node)):
        return
    name = ctx.text(name_node)
    literal, text = _literal(ctx, node.child_by_field_name("value"))
    if literal is not None and is_hard_coded_secret(name, text, passed=True):
        _report(ctx, literal, text,
                f"parameter `{name}` defaults to a hard-coded secret, used whenever a caller "
                "leaves it out; make it required or default to None and read the environment")


def _operand_name(ctx, node) -> str | None:
    if node.type == "call":
        call = ctx.call(node)
        key = ctx.literal(call.arg(0)) if call.method == "get" else None
        return key if isinstance(key, str) else None
    return target_name(ctx, node)


@on.comparison(*COMPARISONS)
def secret_compared(ctx, node) -> None:
    raw = _raw(ctx, node)
    if not _QUOTES.search(raw) or not _FRAGMENTS.search(raw):
        return
    children = node.children
    for index in range(1, len(children) - 1):
        if children[index].type not in COMPARISONS:
            continue
        left, right = children[index - 1], children[index + 1]
        for named, other in ((left, right), (right, left)):
            if other.type not in ("string", "concatenated_string"):
                continue
            name = _operand_name(ctx, named)
            literal, text = _literal(ctx, other)
            if name and literal is not None and len(text) >= MIN_COMPARED_LENGTH \
                    and not _SENTINEL.match(text) and is_hard_coded_secret(name, text):
                _report(ctx, literal, text,
                        f"`{ctx.text(named)}` is checked against a hard-coded secret: anyone "
                        "who reads the code can log in; compare with a stored hash "
                        "(`hmac.compare_digest`, a password hash) of a configured value")
                return


@on.call(*KEY_ARGUMENTS)
def literal_key(ctx, call) -> None:
    place = lookup(ctx, call, KEY_ARGUMENTS)
    node = call.arg(*place) if place is not None else None
    if node is None or (node.type == "identifier" and is_secret_name(ctx.text(node))):
        return  # a secret-named constant is reported where it is assigned
    literal = string_literal(ctx, node)
    if literal is not None:
        text = ctx.literal(literal)
        if not isinstance(text, str) or is_placeholder(text):
            return
    elif node.type in _SCALARS or not is_constant(ctx, node):
        return
    shown = f"`{ctx.text(node)}` holds a" if node.type == "identifier" else "a"
    ctx.report(HARD_CODED_SECRET, node,
               f"{shown} hard-coded key passed to `{call.name}`: anyone with the source can "
               "forge or decrypt; load the key from the environment or a key store",
               secret=first_line(ctx, literal) if literal is not None else None)


@on.call(*PASSWORD_ARGUMENTS)
def literal_basic_auth(ctx, call) -> None:
    position, keyword = PASSWORD_ARGUMENTS[call.qualname]
    _check_password_argument(ctx, call, call.arg(position, keyword))


@on.method(*LOGIN_METHODS)
def literal_login(ctx, call) -> None:
    if "password" not in call.keywords:
        _check_password_argument(ctx, call, call.arg(1))


@on.keyword("auth")
def literal_auth_tuple(ctx, call, value) -> None:
    if value.type == "tuple" and len(value.named_children) == 2:
        _check_password_argument(ctx, call, value.named_children[1])


def _check_password_argument(ctx, call, node) -> None:
    literal, text = _literal(ctx, node)
    if literal is not None and is_hard_coded_secret("password", text, passed=True):
        _report(ctx, literal, text,
                f"hard-coded password passed to `{call.name}`; read it from the environment "
                "or a secret manager")


@on.method("get")
@on.call("os.getenv", "os.environ.setdefault")
def secret_default_lookup(ctx, call) -> None:
    """`os.getenv("SECRET_KEY", "dev-key")`: the literal wins whenever the variable is unset."""
    if len(call.positional) < 2 and "default" not in call.keywords:
        return
    name = ctx.literal(call.arg(0, "key"))
    if not isinstance(name, str):
        return
    dest = destination(ctx, call.node)
    holder = name if is_secret_name(name) else dest.name if dest is not None else ""
    literal, text = _literal(ctx, call.arg(1, "default"))
    if literal is None or not is_hard_coded_secret(holder, text):
        return
    setting = call.qualname == "os.environ.setdefault"
    _report(ctx, literal, text,
            f"hard-coded {'value' if setting else 'fallback'} for `{name}`: when the setting "
            "is missing this known secret is used silently; fail instead of falling back",
            fallback=not setting)


@on.method("add_argument", "option")
def secret_cli_default(ctx, call) -> None:
    """`parser.add_argument("--password", default="...")` / `click.option(...)`."""
    default = call.keywords.get("default")
    if default is None:
        return
    for flag in call.positional:
        option = ctx.literal(flag)
        if isinstance(option, str) and is_secret_name(option.lstrip("-")):
            literal, text = _literal(ctx, default)
            if literal is not None and is_hard_coded_secret(option.lstrip("-"), text):
                _report(ctx, literal, text,
                        f"option `{option}` defaults to a hard-coded secret; leave the default "
                        "empty and read an environment variable")
            return
