"""Language-neutral guesses about names and string values.

Does a variable, key or parameter name hold a credential?  Is a name about
something that must be unpredictable (a token, a salt, a reset code)?  Is a
string a placeholder, a field name or a sentence rather than a real secret?
Used by the secret rules (Python and JavaScript) and by the crypto rules that
need to know whether a value is security-relevant.  Everything is decided by
the word tables below; names are split into lower-case words first
(`apiKey`, `API_KEY`, `x-api-key` all become ``("api", "key")``).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from functools import lru_cache

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
NAME_CACHE_SIZE = 1 << 16  # distinct names of a large scan; a smaller cache thrashes

# A word that on its own makes a name hold a credential.
SECRET_WORDS = frozenset({
    "password", "passwd", "pwd", "pass", "passphrase", "passcode", "secret", "token",
    "credential", "credentials", "apikey", "authorization",
})
# Words that hold a credential when written as one word with a prefix (`dbpassword`).
SECRET_SUFFIXES = ("password", "passwd", "passphrase", "secret", "token", "apikey",
                   "secretkey", "privatekey", "accesskey", "authkey")
# `key` is a secret only next to one of these (`api_key`, not `cache_key`).
KEY_QUALIFIERS = frozenset({
    "api", "secret", "private", "access", "encryption", "encrypt", "decryption", "signing",
    "sign", "master", "auth", "hmac", "aes", "jwt", "session", "app", "consumer", "client",
    "license", "service", "account", "subscription", "webhook", "cipher", "crypto",
    "fernet", "shared", "des", "rsa", "ssh", "gpg", "pgp", "secure", "security",
})
# Words that make a name describe a secret instead of holding it.
DESCRIPTOR_WORDS = frozenset({
    "field", "fields", "min", "max", "length", "len", "size", "url", "uri", "urls",
    "endpoint", "path", "file", "filename", "dir", "folder", "type", "kind", "name",
    "prefix", "suffix", "header", "label", "prompt", "placeholder", "pattern", "regex",
    "policy", "hint", "help", "message", "msg", "error", "errors", "count", "limit",
    "timeout", "ttl", "expiry", "expires", "expiration", "lifetime", "age", "format",
    "encoding", "validator", "validators", "input", "column", "col", "param", "var", "env",
    "rounds", "iterations", "algorithm", "alg", "mode", "scheme", "chars", "characters",
    "alphabet", "charset", "strength", "complexity", "attempts", "retries", "version",
    "display", "widget", "template", "form", "style", "class", "location", "manager",
    "backend", "handler", "callback", "storage", "store", "cache", "provider", "source",
    "required", "enabled", "visible", "changed", "regexp", "index", "idx", "position",
})
# Extra descriptors for the hard-coded secret rule only (a session id is random, but
# `secret_id = "prod/db"` names a secret rather than holding one).
NOT_HELD_WORDS = DESCRIPTOR_WORDS | frozenset({
    "hash", "hashed", "hasher", "hashers", "digest", "id", "ids", "arn", "ref",
    # tokenizer vocabulary in ML code: pad_token = "<pad>"
    "pad", "eos", "bos", "unk", "sep", "cls", "mask", "special", "start", "end", "stop",
    # pagination
    "page", "next", "continuation", "cursor", "sync", "tokens",
    # games: secret_word = "python"
    "word", "words", "number", "letter", "santa",
    # keys that are not keys to anything: sort_key, s3 object key, public key
    "sort", "partition", "idempotency", "lookup", "public", "publishable", "redis", "s3",
    "object", "bucket", "row", "dict", "map", "group", "shard", "routing", "dedup",
    "translation", "i18n", "range",
})
# Words of values that must be unpredictable, besides the secret words.
SECURITY_WORDS = SECRET_WORDS | frozenset({
    "nonce", "salt", "otp", "totp", "hotp", "csrf", "xsrf", "session", "sessionid",
    "signature", "hmac", "iv", "pin", "captcha", "challenge", "mfa", "2fa", "jwt", "cookie",
    "sid", "passkey", "certificate", "cert",
})
# `code` is security-relevant only next to one of these (`reset_code`, not `country_code`).
CODE_QUALIFIERS = frozenset({
    "verification", "verify", "reset", "auth", "otp", "confirm", "confirmation",
    "activation", "activate", "invite", "invitation", "access", "login", "sms", "security",
    "secret", "recovery", "backup", "pairing", "coupon", "voucher", "discount", "promo",
    "mfa", "2fa", "email", "phone", "one", "unlock",
})
# Descriptors of non-secret values that are random on purpose (jitter, backoff...).
NOT_SECURITY_WORDS = DESCRIPTOR_WORDS | frozenset({
    "delay", "jitter", "backoff", "sleep", "interval", "wait", "retry", "weight",
    "probability", "prob", "sample", "offset", "color", "colour", "seed",
})
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pw", "pass", "passphrase", "passcode"})
# A password-named value that is not a password (`password_reset_token`).
NOT_PASSWORD_WORDS = DESCRIPTOR_WORDS | frozenset({"token", "reset", "link", "hint"})
# Verbs that make `key` in a function name mean a secret key (`generate_key`).
KEY_MAKING_VERBS = frozenset({"generate", "gen", "make", "create", "new", "random", "rand"})

# Whole values that are not credentials (compared lower-cased).
NON_SECRET_VALUES = frozenset({
    "true", "false", "yes", "no", "none", "null", "nil", "undefined", "required",
    "optional", "hidden", "text", "bearer", "basic", "digest", "jwt", "oauth", "oauth2",
    "on", "off", "auto", "default", "enabled", "disabled", "n/a", "na", "tbd", "todo",
    "unknown", "empty", "string", "str", "bytes",
})
# Words that mark a value as a placeholder someone must replace (`your-api-key-here`).
PLACEHOLDER_WORDS = frozenset({
    "your", "changeme", "replace", "placeholder", "example", "dummy", "sample", "fixme",
    "todo", "tbd", "redacted", "insert", "here", "enter", "xxx", "unset", "notset", "fake",
})
# Substrings that do the same inside a value written as one word.
PLACEHOLDER_MARKERS = ("changeme", "change_me", "change-me", "changethis", "replaceme",
                       "xxx", "***", "...", "<", ">", "${", "{{")
_TEMPLATE = re.compile(r"^\$[A-Za-z_]\w*$|\{[\w.]*\}|%\(\w+\)[sd]|^%[sd]$|^\[[^\]]*\]$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_PATH = re.compile(r"^(/|\./|\.\./|~/|[A-Za-z]:\\)|\.(pem|key|crt|cer|der|json|txt|env|ya?ml|"
                   r"p12|pfx|cfg|ini|conf|pub|toml|db|sqlite3?)$", re.IGNORECASE)
# Regular expressions: a class escape, a negated class, a group option, `.*`, or a class
# with a range that is repeated (`[a-zA-Z_][a-zA-Z0-9_-]*`: `_REPEATED_CLASS` holding a
# `_RANGE`; a class stops at the next `[`, so any text is read in linear time).
_REGEX = re.compile(r"\\[wdsWDSbB]|\[\^|\(\?|\.[*+]")
_REPEATED_CLASS = re.compile(r"\[([^\]\s\[]*)\][*+?{]")
_RANGE = re.compile(r"\w-\w")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*([_.-][A-Za-z0-9]+)*$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
# Words a field or header name may carry next to the secret word (`new_password`).
_FIELD_NAME_WORDS = frozenset({"x", "user", "new", "old", "current", "confirm", "confirmation",
                               "repeat", "verify", "id", "the", "db", "form"})
# Prefixes of well-known credential formats: such a value is real whatever its name.
KNOWN_SECRET_PREFIXES = ("sk-", "sk_live_", "rk_live_", "ghp_", "gho_", "ghs_", "github_pat_",
                         "xoxb-", "xoxp-", "akia", "asia", "aiza", "glpat-", "-----begin",
                         "hf_", "eyj")


# Public material: a PEM block anyone may hold, or an OpenSSH public key line.
_PUBLIC_PEM = re.compile(r"^-----BEGIN (?:(?:RSA |EC |SSH2 |PGP )?PUBLIC KEY(?: BLOCK)?|"
                         r"CERTIFICATE)-----")
_OPENSSH_PUBLIC = ("ssh-rsa ", "ssh-dss ", "ssh-ed25519 ", "ecdsa-sha2-", "sk-ssh-ed25519@",
                   "sk-ecdsa-sha2-")
_DER_SEQUENCE, _DER_BIT_STRING = 0x30, 0x03


def is_public_key(value: str) -> bool:
    """A public key or certificate, which is no secret however random it looks: a PEM
    block with a public header, an OpenSSH public key, or base64 DER whose outer SEQUENCE
    starts with an algorithm SEQUENCE and ends with a BIT STRING (SubjectPublicKeyInfo,
    X.509).  Private key encodings start with a version INTEGER (PKCS#1, PKCS#8, SEC1) or
    end with an OCTET STRING (encrypted PKCS#8), so they stay secrets."""
    text = value.strip()
    if _PUBLIC_PEM.match(text) or text.startswith(_OPENSSH_PUBLIC):
        return True
    if len(text) < 40 or not text.startswith("M"):  # base64 of a long DER SEQUENCE
        return False
    try:
        der = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    tags = _der_children(der)
    return len(tags) >= 2 and tags[0] == _DER_SEQUENCE and tags[-1] == _DER_BIT_STRING


def _der_children(der: bytes) -> list[int]:
    """The tags of the children of a DER SEQUENCE that spans all of `der` ([] otherwise)."""
    outer = _der_element(der, 0)
    if outer is None or der[0] != _DER_SEQUENCE or outer[1] != len(der):
        return []
    tags, position = [], outer[0]
    while position < len(der):
        element = _der_element(der, position)
        if element is None:
            return []
        tags.append(der[position])
        position = element[1]
    return tags


def _der_element(der: bytes, start: int) -> tuple[int, int] | None:
    """(where the content starts, where the element ends) of the element at `start`."""
    if start + 2 > len(der):
        return None
    length, position = der[start + 1], start + 2
    if length & 0x80:
        size = length & 0x7F
        if not 1 <= size <= 4 or position + size > len(der):
            return None
        length, position = int.from_bytes(der[position:position + size], "big"), position + size
    end = position + length
    return (position, end) if end <= len(der) else None


@lru_cache(maxsize=NAME_CACHE_SIZE)
def words(name: str) -> tuple[str, ...]:
    """`getAPIKey`, `API_KEY`, `x-api-key` -> lower-case words."""
    return tuple(word.lower() for word in _WORD.findall(name))


def _has_secret_word(parts: tuple[str, ...]) -> bool:
    for index, word in enumerate(parts):
        if word in SECRET_WORDS or word.endswith(SECRET_SUFFIXES):
            return True
        if word == "key" and any(q in KEY_QUALIFIERS for q in parts[:index]):
            return True
    return False


# Every secret name contains one of these (a cheap test before splitting into words).
SECRET_FRAGMENTS = re.compile("pass|pwd|secret|token|cred|key|auth", re.IGNORECASE)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_secret_name(name: str) -> bool:
    """Does a variable, attribute, key or parameter of this name hold a credential?"""
    if not SECRET_FRAGMENTS.search(name):
        return False
    parts = words(name)
    if not parts or any(word in NOT_HELD_WORDS for word in parts):
        return False
    return _has_secret_word(parts)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def may_hold_secret(name: str) -> bool:
    """A credential name, or a plain `key` whose value decides (see `is_hard_coded_secret`)."""
    if not SECRET_FRAGMENTS.search(name):
        return False
    parts = words(name)
    if not parts or any(word in NOT_HELD_WORDS for word in parts):
        return False
    return "key" in parts or _has_secret_word(parts)


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_security_name(name: str, *, function: bool = False) -> bool:
    """Is a value of this name something an attacker must not guess (token, salt, OTP)?

    With `function=True` the name is a function's, whose result is the value
    (`generate_key` makes a key, `get_key` may just look one up)."""
    parts = words(name)
    if not parts or any(word in NOT_SECURITY_WORDS for word in parts):
        return False
    if _has_secret_word(parts):
        return True
    for index, word in enumerate(parts):
        if word in SECURITY_WORDS or word.endswith(("token", "password", "secret", "nonce")):
            return True
        if word == "code" and any(q in CODE_QUALIFIERS for q in parts):
            return True
        if word == "key" and (any(q in KEY_QUALIFIERS for q in parts) or (
                function and any(v in KEY_MAKING_VERBS for v in parts[:index]))):
            return True
    return False


@lru_cache(maxsize=NAME_CACHE_SIZE)
def is_password_name(name: str) -> bool:
    """Does this name hold a password (not a password policy, reset token or URL)?"""
    parts = words(name)
    if not parts or any(word in NOT_PASSWORD_WORDS for word in parts):
        return False
    return any(word in PASSWORD_WORDS or word.endswith(("password", "passwd", "passphrase"))
               for word in parts)


def is_placeholder(value: str) -> bool:
    """A value left for someone to fill in: empty, masked, templated or `your-key-here`."""
    text = value.strip()
    if not text:
        return True
    lowered = text.lower()
    if len(set(lowered)) == 1 or lowered in NON_SECRET_VALUES:
        return True
    if lowered.startswith("your") or any(marker in lowered for marker in PLACEHOLDER_MARKERS):
        return True
    if any(word in PLACEHOLDER_WORDS for word in words(text)):
        return True
    return bool(_TEMPLATE.search(text))


def is_plain_text(value: str, name: str = "", *, passed: bool = False) -> bool:
    """Is the value a name, URL, path, pattern or sentence rather than a credential?

    `name` is the name the value is assigned to: a value made only of that
    name's words (`PASSWORD_FIELD = "password"`, `api_key = "X-API-Key"`)
    names the secret instead of being it — unless the value is `passed` to a
    call as the credential itself (`connect(password="password")`)."""
    text = value.strip()
    if _URL.match(text) or _PATH.search(text) or _REGEX.search(text) or any(
            _RANGE.search(match.group(1)) for match in _REPEATED_CLASS.finditer(text)):
        return True
    if any(char.isspace() for char in text):
        return _is_prose(text)
    if _ENV_NAME.match(text) and is_secret_name(text):
        return True
    if not passed and _IDENTIFIER.match(text):
        parts = words(text)
        allowed = _FIELD_NAME_WORDS | SECRET_WORDS | {"key"} | set(words(name))
        if parts and all(part in allowed for part in parts) and (
                _has_secret_word(parts) or set(parts) <= set(words(name))):
            return True
    return False


def _is_prose(text: str) -> bool:
    parts = text.split()
    if text.endswith((":", ".", "?", "!")) or len(parts) >= 5:
        return True
    return any(word in SECRET_WORDS or word in PASSWORD_WORDS for word in words(text))


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_like_real_secret(value: str) -> bool:
    """Random-looking (letters mixed with digits, high entropy) or of a known
    credential format: not a word or phrase someone typed."""
    text = value.strip()
    if is_placeholder(text) or is_plain_text(text) or is_public_key(text):
        return False
    if text.lower().startswith(KNOWN_SECRET_PREFIXES) and len(text) >= 16:
        return True
    if len(text) < 12 or any(char.isspace() for char in text):
        return False
    if not (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)):
        return False
    return shannon_entropy(text) >= 3.0


def is_hard_coded_secret(name: str, value: str, *, passed: bool = False) -> bool:
    """Name says credential, value is neither empty, a placeholder, nor plain text.

    A bare `token` is as often a lexer token (`token == "lambda"`) as a
    credential, so its value must look like one; so must the value of a
    plain `key` (`key = "vQF6J15K..."`, not `key = "created_at"`).  `passed`:
    see `is_plain_text`."""
    text = value.strip()
    if len(text) < 3 or is_placeholder(text) or is_plain_text(text, name, passed=passed) \
            or is_public_key(text):
        return False
    if not is_secret_name(name):
        return may_hold_secret(name) and len(text) >= 16 and looks_like_real_secret(text)
    parts = words(name)
    if parts in _AMBIGUOUS_NAMES or _LEXER_TOKEN_WORDS.issuperset(parts) and (
            "token" in parts or "tok" in parts):
        return looks_like_real_secret(text) or (len(text) >= 8 and any(c.isdigit() for c in text))
    return True


_AMBIGUOUS_NAMES = frozenset({("pass",)})
# A bare `token` is as often a lexer's as a credential, and so is a token's text
# (`token_value == "link"`, `tok_str`): a credential only when the value looks like one.
_LEXER_TOKEN_WORDS = frozenset({"token", "tok", "value", "val", "text", "str", "string",
                                "current", "cur", "next", "prev", "last"})
