"""Python checks for AIG215 (cleartext-credentials-http): a request to a plain `http://`
URL on another machine that carries credentials: `auth=`, an `Authorization`/API-key
header, a password or token field, or `user:password@` in the URL."""

from __future__ import annotations

from ..cleartext_http import is_credential_key, remote_http_host, url_password
from ..crypto import CLEARTEXT_CREDENTIALS_HTTP
from .checks import on
from .injection_values import value_of
from .web import is_module, leading_text, receiver
from .web_http import CLIENT_URL_POSITION, URL_ARGS, http_client

# Keyword arguments whose dictionary keys name what is sent.
FIELD_KEYWORDS = ("headers", "data", "json", "params", "cookies")
REQUEST_CALLS = tuple(name for name, (_, keyword) in URL_ARGS.items() if keyword == "url")


@on.call(*REQUEST_CALLS)
def credentials_over_http(ctx, call) -> None:
    _check(ctx, call, call.arg(*URL_ARGS[call.qualname]))


@on.method(*CLIENT_URL_POSITION)
def client_credentials_over_http(ctx, call) -> None:
    target = receiver(call)
    if call.qualname in URL_ARGS or is_module(ctx, target) or http_client(ctx, target) is None:
        return
    _check(ctx, call, call.arg(CLIENT_URL_POSITION[call.method], "url"))


def _check(ctx, call, url) -> None:
    if url is None:
        return
    text = leading_text(ctx, url)
    host = remote_http_host(text)
    if host is None:
        return
    sent = "a password in the URL" if url_password(text) else _credentials(ctx, call)
    if sent:
        ctx.report(CLEARTEXT_CREDENTIALS_HTTP, url,
                   f"`{call.name}` sends {sent} to `http://{host}` without TLS: anyone on "
                   "the network path can read and reuse it; use `https://`")


def _credentials(ctx, call) -> str | None:
    """What credential the call sends: `auth=`, or a credential-named header or field."""
    auth = call.keywords.get("auth")
    if auth is not None and auth.type != "none":
        return "`auth=` credentials"
    for keyword in FIELD_KEYWORDS:
        fields = value_of(ctx, call.keywords.get(keyword))
        if fields is None or fields.type != "dictionary":
            continue
        for pair in fields.named_children:
            key = ctx.literal(pair.child_by_field_name("key")) if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if pair.type == "pair" else None
            if isinstance(key, str) and is_credential_key(key) and value is not None \
                    and value.type not in ("none", "string") or _literal_secret(ctx, key, value):
                return f"`{key}` in `{keyword}=`"
    return None


def _literal_secret(ctx, key, value) -> bool:
    """A non-empty literal sent under a credential name (`"Authorization": "Basic ..."`)."""
    if not isinstance(key, str) or value is None or value.type != "string":
        return False
    literal = ctx.literal(value)
    return is_credential_key(key) and (not isinstance(literal, str) or bool(literal.strip()))
