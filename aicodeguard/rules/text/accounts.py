"""Data and wording for AIG551: built-in accounts with literal passwords.

Shared by the Python and JavaScript checks and the comparison pattern of the text pass.
An account is "built in" when code compares a login against, stores or creates a
well-known account name (`admin`, `root`, `demo`...) together with a literal password.
"""

from __future__ import annotations

from ...analysis.secret_names import words
from ...analysis.source import redact

DEFAULT_ACCOUNTS = frozenset({
    "admin", "administrator", "root", "superuser", "su", "sysadmin", "demo", "guest", "test",
    "tester", "testuser", "test_user", "user", "user1", "operator", "manager", "support",
    "default", "admin1", "demo_user", "demouser",
})
# Words of a variable or key that holds a user name.
USER_WORDS = frozenset({"user", "username", "login", "email", "account", "uname", "userid"})
# Account names that identify a built-in account even as a bare key of a table
# (`{"admin": "..."}`); `user`, `test` or `default` keys mean other things in objects.
TABLE_ACCOUNTS = DEFAULT_ACCOUNTS - {"user", "test", "default", "support", "manager",
                                     "operator", "su", "user1"}
# Words of a variable holding a table of accounts (`USERS = {"admin": "..."}`).
TABLE_WORDS = frozenset({"users", "accounts", "credentials", "creds", "logins", "passwords",
                         "userdb"})
# Functions that hash a password: `generate_password_hash("admin")` still hard-codes it.
PASSWORD_HASHERS = frozenset({
    "generate_password_hash", "make_password", "hashpw", "hash_password", "get_password_hash",
    "hash", "hashSync", "encrypt", "set_password", "argon2.hash",
})
# Calls that create an account: call tail -> (position of the username, of the password).
ACCOUNT_CREATORS = {
    "create_superuser": (0, 2), "create_user": (0, 2), "createsuperuser": (0, 2),
    "add_user": (0, 1), "register_user": (0, 1), "create_admin": (0, 1),
}


def is_user_name(name: str) -> bool:
    return bool(USER_WORDS.intersection(words(name)))


def is_accounts_table(name: str) -> bool:
    parts = words(name)
    return bool(TABLE_WORDS.intersection(parts)) or (
        "user" in parts and any(p in ("db", "list", "table", "map", "store") for p in parts))


def is_account_password(text: str) -> bool:
    """A password literal worth reporting: written out, not a template filled at run time."""
    value = text.strip()
    return bool(value) and "{" not in value and "$" not in value


def account_message(account: str, password: str, how: str) -> str:
    return (f"built-in account `{account}` {how} the literal password `{redact(password)}`: "
            "anyone who reads the code (or tries the usual defaults) can log in as it; create "
            "accounts at deployment with a generated password, or read it from the "
            "environment and refuse to start without one")
