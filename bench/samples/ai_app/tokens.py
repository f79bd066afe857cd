"""JWT helpers."""
import jwt

SIGNING_KEY = "change-me-in-production-please"


def read_claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def verify(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
