"""Python checks for AIG902 (plain-http-url): `http://` URLs to remote hosts where an HTTP
client sends a request or a webhook/endpoint is configured.  A policy rule: shown only
under `require-https` (policy/native.py), so it may be broad without being noisy."""

from __future__ import annotations

import re

from ..meta import PLAIN_HTTP_URL
from .checks import on
from .web import is_module, receiver
from .web_http import CLIENT_URL_POSITION, URL_ARGS, http_client

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})
# Settings named like an endpoint a service calls: WEBHOOK_URL, callback_url, API_ENDPOINT.
ENDPOINT_NAME = re.compile(r"(?i)(webhook|callback|endpoint|api_?(base_?)?url|base_?url|"
                           r"server_?url|service_?url|notify_?url|hook_?url)$")
# Callees whose URL argument is the host itself, not a URL.
_HOST_ARGS = frozenset({"http.client.HTTPConnection", "http.client.HTTPSConnection",
                        "ftplib.FTP", "socket.create_connection"})


def remote_http_url(value) -> str | None:
    """`value` when it is an `http://` URL to a host that is not the machine itself."""
    if not isinstance(value, str) or not value[:7].lower() == "http://":
        return None
    authority = value[7:].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    host = authority if authority.startswith("[") else authority.split(":", 1)[0]
    host = host.split("]")[0] + "]" if host.startswith("[") else host
    if not host or host.lower() in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    return value


def _report(ctx, node, url: str, where: str) -> None:
    ctx.report(PLAIN_HTTP_URL, node, f"{where} uses plain `http://` ({url[:80]}): requests and "
               "their credentials cross the network unencrypted; use `https://`")


@on.call(*(name for name in URL_ARGS if name not in _HOST_ARGS))
def http_call_url(ctx, call) -> None:
    position, keyword = URL_ARGS[call.qualname]
    node = call.arg(position, keyword)
    url = remote_http_url(ctx.literal(node)) if node is not None else None
    if url:
        _report(ctx, node, url, f"`{call.name}`")


@on.call("http.client.HTTPConnection")
def cleartext_connection(ctx, call) -> None:
    node = call.arg(0, "host")
    host = ctx.literal(node) if node is not None else None
    if isinstance(host, str) and remote_http_url(f"http://{host}"):
        _report(ctx, node, f"http://{host}", f"`{call.name}`")


@on.method(*CLIENT_URL_POSITION)
def client_method_url(ctx, call) -> None:
    target = receiver(call)
    if call.qualname in URL_ARGS or is_module(ctx, target) or http_client(ctx, target) is None:
        return
    node = call.arg(CLIENT_URL_POSITION[call.method], "url")
    url = remote_http_url(ctx.literal(node)) if node is not None else None
    if url:
        _report(ctx, node, url, f"`{call.name}`")


@on.keyword("base_url", "webhook_url", "callback_url", "endpoint_url", "api_url", "url")
def endpoint_keyword(ctx, call, value) -> None:
    if call.qualname in URL_ARGS:
        return  # the call's own URL argument: `http_call_url`
    url = remote_http_url(ctx.literal(value))
    keyword = ctx.text(value.parent.child_by_field_name("name"))
    if url and (keyword != "url" or http_client(ctx, receiver(call)) is not None):
        _report(ctx, value, url, f"`{keyword}=` of `{call.name}`")


@on.assign_where(lambda name: bool(ENDPOINT_NAME.search(name)))
def endpoint_setting(ctx, assignment, name, value) -> None:
    url = remote_http_url(ctx.literal(value))
    if url:
        _report(ctx, value, url, f"`{name}`")
