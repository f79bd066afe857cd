"""JavaScript/TypeScript checks for AIG215 (cleartext-credentials-http): `fetch`/`axios`/
`got` to a plain `http://` URL on another machine with credentials: an `auth` option,
an `Authorization`/API-key header, a password or token field, or `user:pass@` in the URL."""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ..cleartext_http import is_credential_key, remote_http_host, url_password
from ..crypto import CLEARTEXT_CREDENTIALS_HTTP
from .checks import on
from .web_values import leading_text

# Callee -> (position of the request body, position of the options); None when absent.
_BODYLESS = ("get", "delete", "head", "options")
REQUEST_CALLS = {
    **dict.fromkeys(("fetch", "node-fetch", "undici.fetch", "got", "ky"), (None, 1)),
    **{f"{lib}.{verb}": (None, 1) for lib in ("got", "ky") for verb in (*_BODYLESS, "post",
                                                                          "put", "patch")},
    **{f"axios.{verb}": (None, 1) for verb in _BODYLESS},
    **{f"axios.{verb}": (1, 2) for verb in ("post", "put", "patch")},
}
# Option keys whose value is sent as credentials outright.
AUTH_OPTIONS = frozenset({"auth", "username", "password"})
# Option keys whose object's keys name what is sent.
FIELD_OPTIONS = ("headers", "json", "form", "searchParams", "params", "data")
# Body builders whose first argument's keys name what is sent.
BODY_BUILDERS = frozenset({"JSON.stringify", "URLSearchParams", "querystring.stringify",
                           "qs.stringify"})


@on.call(*REQUEST_CALLS)
def credentials_over_http(ctx, call) -> None:
    url = call.arg(0)
    text = leading_text(ctx, url) if url is not None else ""
    host = remote_http_host(text)
    if host is None:
        return
    body_at, options_at = REQUEST_CALLS[call.qualname]
    sent = "a password in the URL" if url_password(text) else (
        _options_credentials(ctx, call.arg(options_at))
        or (_fields(ctx, call.arg(body_at), "the body") if body_at is not None else None))
    if sent:
        ctx.report(CLEARTEXT_CREDENTIALS_HTTP, url,
                   f"`{call.name}` sends {sent} to `http://{host}` without TLS: anyone on "
                   "the network path can read and reuse it; use `https://`")


def _options_credentials(ctx, options) -> str | None:
    obj = ctx.object_literal(options) if options is not None else None
    if obj is None:
        return None
    for key in AUTH_OPTIONS:
        value = ctx.property(obj, key)
        if value is not None and ctx.text(value) not in ("undefined", "null", "''", '""'):
            return f"`{key}` credentials"
    for key in FIELD_OPTIONS:
        found = _fields(ctx, ctx.property(obj, key), f"`{key}`")
        if found:
            return found
    return _fields(ctx, ctx.property(obj, "body"), "the body")


def _fields(ctx, node, where: str) -> str | None:
    """A credential-named key in the object `node` is (or that a body builder gets)."""
    node = ctx.value_of(node) if node is not None else None
    if node is not None and node.type in ("call_expression", "new_expression"):
        call = ctx.call(node)
        node = call.arg(0) if call.qualname in BODY_BUILDERS else None
    obj = ctx.object_literal(node) if node is not None else None
    for child in obj.named_children if obj is not None else ():
        key = child.child_by_field_name("key") if child.type == "pair" else (
            child if child.type == "shorthand_property_identifier" else None)
        name = ctx.key_text(key) if key is not None else None
        value = unwrap(child.child_by_field_name("value")) if child.type == "pair" else key
        if name and is_credential_key(name) and value is not None \
                and ctx.text(value) not in ("undefined", "null", "''", '""'):
            return f"`{name}` in {where}"
    return None
