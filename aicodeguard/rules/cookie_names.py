"""What a cookie holds, guessed from its name (language-neutral, AIG209 and AIG516).

A session, login or token cookie must not be guessable and must not leak; a
preference cookie (`theme`, `lang`, consent) holds nothing an attacker wants.
"""

from __future__ import annotations

import re

from ..analysis.secret_names import is_security_name, words

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
