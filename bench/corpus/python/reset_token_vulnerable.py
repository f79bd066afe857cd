import random
import string
from datetime import datetime, timedelta, timezone


def create_reset_token(user, store):
    alphabet = string.ascii_letters + string.digits
    token = "".join(random.choice(alphabet) for _ in range(32))
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    store.save_reset_token(user.id, token, expires)
    return token
