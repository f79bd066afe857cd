"""Which operand names make `a == b` a secret comparison (AIG214), for every language.

A comparison leaks timing only when one side is something an attacker must not
learn byte by byte: a token, a password, an API key, a signature or MAC.  Ids,
lengths, flags, session objects and a password's confirmation field are
compared with `==` for good reasons and must stay quiet.
"""

from __future__ import annotations

from functools import lru_cache

from ..analysis.secret_names import NOT_SECURITY_WORDS, is_security_name, words

# Words that make a security-sounding name something other than the secret itself.
NOT_COMPARED_SECRET_WORDS = NOT_SECURITY_WORDS | frozenset({
    "id", "ids", "uuid", "pk", "confirm", "confirmation", "repeat", "again", "retype",
    "new", "old", "session", "sessionid", "sid", "cookie", "salt", "iv", "cert",
    "certificate", "captcha", "challenge", "nonce", "address", "addr", "is", "has", "use",
    "should", "requires", "set", "exists", "valid", "status", "state", "expired",
})
# The same written as one word with the secret word (`newpassword`, `confirmedPassword`).
_NOT_SECRET_PREFIXES = ("confirm", "repeat", "retype", "newpass", "oldpass")
# Words of a MAC or signature besides the secret words `is_security_name` knows.
SIGNATURE_WORDS = frozenset({"sig", "signature", "hmac", "mac"})
# Words of a hash or digest: a secret only when the other side is one (file checksums).
DIGEST_WORDS = frozenset({"digest", "hash", "hashed", "hexdigest", "checksum"})
SECRET, DIGEST = "secret", "digest"


@lru_cache(maxsize=4096)
def compared_secret_kind(name: str) -> str | None:
    """SECRET for `api_key`, `X-Signature`, `password_hash`; DIGEST for `digest`,
    `expected_hash`; None for `token_type`, `user_id`, `confirm_password`."""
    parts = words(name)
    if not parts or any(word in NOT_COMPARED_SECRET_WORDS or word.startswith(_NOT_SECRET_PREFIXES)
                        for word in parts):
        return None
    if any(word in SIGNATURE_WORDS for word in parts) or is_security_name(name):
        return SECRET
    if any(word in DIGEST_WORDS for word in parts):
        return DIGEST
    return None
