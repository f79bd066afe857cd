"""What a random value is for, from where the code puts it (AIG209, both languages).

A value is a secret by use when it becomes a cookie, a session entry, the
token of a link (`/reset?code=...`) or a code sent by mail or SMS; it is not
one when its place says what it is for: a MIME boundary, a cache buster
(`?v=`), jitter, a sample, a test, a UI key.  The language modules find the
place; the tables and the verdicts on names and link text are here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.secret_names import is_security_name, words
from ..model import Confidence, Severity
from .cookie_names import is_preference_cookie, is_sensitive_cookie

# Words of calls that send (or make the body of) a mail or text message.
MAIL_WORDS = frozenset({"mail", "email", "sms", "sendmail", "mms", "smtp"})
MESSAGE_SENDERS = frozenset({"send", "create", "send_message", "sendMessage", "publish"})
MESSAGE_HOLDERS = ("mail", "sms", "messages", "twilio", "smtp", "transport")
# ... whose text says the value is a code the reader types or clicks.
CODE_MESSAGE = re.compile(r"code|verif|reset|passw|otp|one[- ]time|\bpin\b|log ?in|sign ?in|"
                          r"token|confirm|activat", re.IGNORECASE)
# Words of a name (function, variable, key) saying the value is not a secret.
BENIGN_WORDS = frozenset({
    "boundary", "jitter", "backoff", "delay", "sleep", "retry", "sample", "sampling",
    "shuffle", "shuffled", "bust", "buster", "cachebust", "cachebuster", "correlation",
    "trace", "span", "test", "tests", "fake", "mock", "dummy", "demo", "color", "colour",
    "animation", "animate", "theme", "lang", "language", "locale", "consent", "variant",
    "bucket", "experiment", "ab", "timezone", "tz", "layout", "banner", "dismissed", "seen",
})
# Query keys of a cache buster or a harmless parameter: `?v=`, `?_=`, `?t=`.
CACHE_BUSTER_KEYS = frozenset({"v", "ver", "version", "cb", "cache", "nocache", "bust",
                               "cachebust", "cachebuster", "_", "t", "ts", "time", "timestamp",
                               "rand", "random", "r", "rnd", "nc", "page", "seed", "sample"})
# Query keys that carry a credential besides the security names (`?token=`, `?otp=`).
SECRET_QUERY_KEYS = frozenset({"code", "key", "k", "pin", "sig", "sid", "hash", "auth",
                               "state", "reset", "verify", "confirm", "activation"})
# `?key=` just before the value (in an f-string or template, after `"..." +`, `"...%s" %`).
QUERY_KEY = re.compile(r"[?&;]([A-Za-z_][\w.-]*)=[^?&=\"'`,\s]*"
                       r"(?:[\"'`]\s*[%+]\s*\(?\s*[\w.]*\(?)?$")
# A link to a page that acts on whoever holds it.
SECRET_PATH = re.compile(r"/(?:[\w-]*[-_])?(?:reset|recover|verify|verification|confirm|"
                         r"activate|activation|invite|invitation|magic|login|signin|unlock|"
                         r"password|passwd|otp)[\w-]*[/?]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Purpose:
    """What a random value is for: `where` names the secret it becomes, "" says it is
    not one (a boundary, a cache buster); `by_use` when known from the code, not a name."""

    where: str
    by_use: bool
    confidence: Confidence = Confidence.HIGH
    severity: Severity | None = None


BENIGN = Purpose("", by_use=False)


def is_benign_name(name: str | None) -> bool:
    return bool(name) and any(word in BENIGN_WORDS for word in words(name))


def cookie_purpose(name) -> Purpose:
    """A cookie's value: a secret unless the cookie is a preference (`theme`, `lang`)."""
    if not isinstance(name, str):
        return Purpose("a cookie value", by_use=True, confidence=Confidence.MEDIUM,
                       severity=Severity.MEDIUM)
    if is_preference_cookie(name):
        return BENIGN
    if is_sensitive_cookie(name):
        return Purpose(f"the `{name}` cookie", by_use=True)
    return Purpose(f"the `{name}` cookie", by_use=True, confidence=Confidence.MEDIUM,
                   severity=Severity.MEDIUM)


def session_purpose(key) -> Purpose:
    """A server-side session entry (Flask's is a signed cookie the user can read)."""
    if isinstance(key, str) and is_benign_name(key):
        return BENIGN
    if isinstance(key, str) and is_security_name(key):
        return Purpose(f"the session's `{key}` entry", by_use=True)
    return Purpose("a session entry", by_use=True, confidence=Confidence.MEDIUM,
                   severity=Severity.MEDIUM)


def link_purpose(before: str) -> Purpose | None:
    """The value written into a link, judged by the text written before it."""
    query = QUERY_KEY.search(before)
    if query is not None:
        key = query.group(1)
        if key.lower() in CACHE_BUSTER_KEYS:
            return BENIGN
        if is_security_name(key) or key.lower() in SECRET_QUERY_KEYS:
            return Purpose(f"the `{key}` of a link", by_use=True)
    if SECRET_PATH.search(before):
        return Purpose("a link that acts on whoever holds it", by_use=True,
                       confidence=Confidence.MEDIUM)
    return None


def sends_message(tail: str, holder: str) -> bool:
    """`send_mail(...)`, `sendSms(...)`, `transporter.sendMail(...)`, `client.messages.create`."""
    if any(word in MAIL_WORDS for word in words(tail)):
        return True
    return tail in MESSAGE_SENDERS and any(word in holder.lower() for word in MESSAGE_HOLDERS)


def message_purpose(tail: str, text: str) -> Purpose | None:
    """A message whose text says it carries a code."""
    return Purpose(f"a code sent by `{tail}()`", by_use=True) if CODE_MESSAGE.search(text) \
        else None


MAX_STRING_LEVELS = 8  # how far up a string being built a value is followed


def built_link_purpose(data: bytes, node, string_building: frozenset[str]) -> Purpose | None:
    """The value written into a link being built around `node` (`f"/reset?code={v}"`,
    `'/confirm/' + n`, `` `/reset?code=${n}` ``): the text before it in the outermost
    string-building node (of the language's `string_building` node types)."""
    top = node
    for _ in range(MAX_STRING_LEVELS):
        parent = top.parent
        if parent is None or parent.type not in string_building:
            break
        top = parent
    if top is node:
        return None
    return link_purpose(data[top.start_byte:node.start_byte].decode("utf-8", "replace"))
