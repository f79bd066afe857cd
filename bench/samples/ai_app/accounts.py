"""Accounts: password storage and reset tokens."""
import hashlib
import random
import string


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def make_reset_token(length: int = 32) -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(length))


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
