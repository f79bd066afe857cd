"""JavaScript checks for TLS: verification switched off (AIG201), hostname checks
skipped (AIG202) and obsolete protocol versions (AIG203)."""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ...model import Edit, Fix
from ..crypto import (
    INSECURE_TLS_VERSION,
    TLS_VERIFICATION_DISABLED,
    UNVERIFIED_SSL_CONTEXT,
)
from .checks import on

OLD_PROTOCOL_METHODS = frozenset({
    "SSLv2_method", "SSLv3_method", "TLSv1_method", "TLSv1_1_method", "SSLv23_method",
    "SSLv2_client_method", "SSLv3_client_method", "TLSv1_client_method",
    "TLSv1_1_client_method", "SSLv2_server_method", "SSLv3_server_method",
    "TLSv1_server_method", "TLSv1_1_server_method",
})
OLD_VERSIONS = frozenset({"SSLv3", "TLSv1", "TLSv1.1"})


def _replace(ctx, node, text: str, title: str) -> Fix:
    loc = ctx.location(node)
    return Fix(title, (Edit(loc.line, loc.column, loc.end_line, loc.end_column, text),),
               safe=False)


@on.property("rejectUnauthorized")
def reject_unauthorized_false(ctx, node, key, value) -> None:
    if value is None or ctx.literal(value) not in (False, 0):
        return
    ctx.report(TLS_VERIFICATION_DISABLED, node,
               "`rejectUnauthorized: false` accepts any certificate, so anyone on the network "
               "path can read and change the traffic; keep verification on and pass the "
               "server's CA with the `ca` option if it is private",
               fix=_replace(ctx, value, "true", "Verify certificates (rejectUnauthorized: true)"))


@on.property("strictSSL")
def strict_ssl_false(ctx, node, key, value) -> None:
    if value is not None and ctx.literal(value) is False:
        ctx.report(TLS_VERIFICATION_DISABLED, node,
                   "`strictSSL: false` accepts any certificate; keep it on and pass the CA "
                   "with the `ca` option if it is private",
                   fix=_replace(ctx, value, "true", "Verify certificates (strictSSL: true)"))


@on.assign("NODE_TLS_REJECT_UNAUTHORIZED")
@on.property("NODE_TLS_REJECT_UNAUTHORIZED")
def tls_reject_env(ctx, node, name, value) -> None:
    if value is None or str(ctx.literal(value)) != "0":
        return
    ctx.report(TLS_VERIFICATION_DISABLED, node,
               "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every HTTPS "
               "connection of the process; remove it and trust a private CA with "
               "NODE_EXTRA_CA_CERTS instead")


@on.property("checkServerIdentity")
def hostname_check_skipped(ctx, node, key, value) -> None:
    function = unwrap(value)
    if function is None or function.type not in ("arrow_function", "function_expression"):
        return
    body = function.child_by_field_name("body")
    if body is None:
        return
    text = ctx.text(body).strip()
    if body.type == "statement_block":
        if "throw" in text or "return new Error" in text or "Error(" in text:
            return
    elif text not in ("undefined", "null", "void 0", "true"):
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, node,
               "`checkServerIdentity` accepts every host name, so a valid certificate for any "
               "site is enough to impersonate the server; remove the override")


@on.property("secureProtocol")
def old_secure_protocol(ctx, node, key, value) -> None:
    method = ctx.literal(value)
    if method in OLD_PROTOCOL_METHODS:
        ctx.report(INSECURE_TLS_VERSION, value,
                   f"`{method}` selects an obsolete protocol version with known attacks; "
                   "remove it and set `minVersion: 'TLSv1.2'`")


@on.property("minVersion")
@on.assign("DEFAULT_MIN_VERSION")
def old_min_version(ctx, node, name, value) -> None:
    version = ctx.literal(value)
    if version not in OLD_VERSIONS:
        return
    quote = ctx.text(value)[0] if value.type == "string" else "'"
    ctx.report(INSECURE_TLS_VERSION, value,
               f"accepting {version} allows protocol versions with known attacks; require "
               "TLS 1.2 or newer",
               fix=_replace(ctx, value, f"{quote}TLSv1.2{quote}", "Require TLS 1.2")
               if value.type == "string" else None)
