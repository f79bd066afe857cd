import secrets
from datetime import datetime, timedelta, timezone


def create_reset_token(user, store):
    token = secrets.token_urlsafe(32)
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    store.save_reset_token(user.id, token, expires)
    return token
