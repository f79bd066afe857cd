"""What a cookie holds, guessed from its name (language-neutral, AIG209 and AIG516).

A session, login or token cookie must not be guessable and must not leak; a
preference cookie (`theme`, `lang`, consent) holds nothing an attacker wants.
"""

from __future__ import annotations

import re

from ..analysis.secret_names import is_security_name, words
from ..model import Confidence, Severity
from .web import INSECURE_COOKIE

SENSITIVE_COOKIE = re.compile(r"sess|token|auth|jwt|^sid$|_sid$|remember|login|access|refresh"
                              r"|bearer|api_?key|user_?id|^uid$|^id$", re.IGNORECASE)
CSRF_COOKIE = re.compile(r"csrf|xsrf", re.IGNORECASE)
PREFERENCE_WORDS = frozenset({
    "theme", "lang", "language", "locale", "consent", "cookieconsent", "gdpr", "variant",
    "bucket", "experiment", "ab", "timezone", "tz", "layout", "banner", "dismissed", "seen",
    "currency", "region", "country", "font", "sidebar", "tab", "view", "mode", "dark", "color",
    "colour", "tour", "welcome", "notice", "popup", "preference", "preferences", "prefs",
    "pref", "sort", "zoom", "collapsed",
})


def is_sensitive_cookie(name: str) -> bool:
    """A session, login, token or CSRF cookie."""
    return bool(SENSITIVE_COOKIE.search(name) or CSRF_COOKIE.search(name)) \
        or is_security_name(name)


def is_preference_cookie(name: str) -> bool:
    """A cookie that remembers a display choice or consent."""
    return not is_sensitive_cookie(name) and any(w in PREFERENCE_WORDS for w in words(name))


def cookie_stakes(name, holds_secret: bool) -> tuple[Severity | None, Confidence | None]:
    """Severity and confidence by what a cookie holds (its name, or a secret or random
    value written into it); (None, None) to stay quiet."""
    if isinstance(name, str) and is_sensitive_cookie(name):
        return Severity.MEDIUM, Confidence.HIGH
    if holds_secret:
        return Severity.MEDIUM, Confidence.MEDIUM
    if isinstance(name, str):
        return Severity.LOW, Confidence.MEDIUM
    return None, None


def report_header(ctx, value, text: str, name: str | None, stakes: tuple) -> None:
    """Report a hand-written `Set-Cookie` header (`value`, whose source is `text`) that
    lacks a flag, at the `stakes` (`cookie_stakes`) of what it holds."""
    severity, confidence = stakes
    missing = header_flags_missing(text, name)
    if severity is None or not missing:
        return
    ctx.report(INSECURE_COOKIE, value, header_message(name, missing), severity=severity,
               confidence=confidence)


def header_flags_missing(text: str, name: str | None) -> list[str]:
    """The flags a hand-written `Set-Cookie` header lacks (`Secure`, `HttpOnly`); a CSRF
    cookie needs only `Secure` (page scripts must read it)."""
    lowered = text.lower()
    missing = [flag for flag in ("Secure", "HttpOnly") if flag.lower() not in lowered]
    if missing == ["HttpOnly"] and name and CSRF_COOKIE.search(name):
        return []
    return missing


def header_message(name: str | None, missing: list[str]) -> str:
    return (f"a `Set-Cookie` header for `{name or 'a cookie'}` lacks {' and '.join(missing)}; "
            "add `; Secure; HttpOnly; SameSite=Lax`")
