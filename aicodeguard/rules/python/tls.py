"""Python checks for transport security: TLS verification (AIG201, AIG202), old
protocol versions (AIG203), SSH host keys (AIG212), cleartext protocols (AIG213)."""

from __future__ import annotations

import re

from ...model import PATTERN, Confidence, Fix, Severity
from ..crypto import (
    CLEARTEXT_PROTOCOL,
    INSECURE_TLS_VERSION,
    SSH_HOST_KEY_NOT_VERIFIED,
    TLS_VERIFICATION_DISABLED,
    UNVERIFIED_SSL_CONTEXT,
)
from .checks import on
from .crypto_values import (
    bound_call,
    constant_name,
    methods_called_in,
    receiver,
    replace_edit,
)

# -- AIG201 / AIG202: certificate and hostname verification -------------------------------

# Packages whose calls take `verify=`/`ssl=` to mean certificate checking.
HTTP_PACKAGES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "boto3", "botocore",
                           "treq", "grequests", "niquests", "httpcore", "hvac",
                           "requests_oauthlib", "requests_toolbelt"})
# Method names of HTTP client sessions (`session.get(url, verify=False)`).
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request",
                          "send", "stream", "ws_connect", "client", "resource"})
# Keywords that exist only to switch checks off: name -> (value that disables, fixed text, rule).
INSECURE_KEYWORDS = {
    "verify_ssl": (False, "True", TLS_VERIFICATION_DISABLED),
    "ssl_verify": (False, "True", TLS_VERIFICATION_DISABLED),
    "verify_certs": (False, "True", TLS_VERIFICATION_DISABLED),
    "validate_certs": (False, "True", TLS_VERIFICATION_DISABLED),
    "assert_hostname": (False, None, TLS_VERIFICATION_DISABLED),
    "disable_ssl_certificate_validation": (True, "False", TLS_VERIFICATION_DISABLED),
    "disableSslCertValidation": (True, "False", TLS_VERIFICATION_DISABLED),
    "tlsAllowInvalidCertificates": (True, "False", TLS_VERIFICATION_DISABLED),
    "tlsAllowInvalidHostnames": (True, "False", TLS_VERIFICATION_DISABLED),
    "tlsInsecure": (True, "False", TLS_VERIFICATION_DISABLED),
    "ssl_check_hostname": (False, "True", TLS_VERIFICATION_DISABLED),
    "check_hostname": (False, "True", UNVERIFIED_SSL_CONTEXT),
}
CERT_REQS_NAMES = ("cert_reqs", "ssl_cert_reqs")
_CERT_NONE_STRINGS = frozenset({"CERT_NONE", "none", "NONE"})
UNVERIFIED_CONTEXT_CALLS = ("ssl._create_unverified_context", "ssl._create_stdlib_context")


def _is_http_call(ctx, call) -> bool:
    qualname = call.qualname or ""
    if qualname.partition(".")[0] in HTTP_PACKAGES or qualname.startswith("pip._vendor"):
        return True
    made = bound_call(ctx, receiver(call))
    if made is not None and (made.qualname or "").partition(".")[0] in HTTP_PACKAGES:
        return True
    return call.method in HTTP_METHODS


def _flip_fix(ctx, value, text: str | None, title: str, safe: bool = True):
    """Rewrite a literal `False`/`True` that switches a check off."""
    if text is None or value.type not in ("true", "false"):
        return None
    return Fix(title, (replace_edit(ctx, value, text),), safe=safe)


@on.keyword("verify")
def http_verify_false(ctx, call, value) -> None:
    if ctx.literal(value) is not False or not _is_http_call(ctx, call):
        return
    ctx.report(TLS_VERIFICATION_DISABLED, value.parent,
               f"`verify=False` makes `{call.name}` accept any certificate, so anyone on the "
               "network path can read and change the traffic; remove it, or pass the path of "
               "a CA bundle for private certificates",
               fix=_flip_fix(ctx, value, "True", "Verify certificates (verify=True)"))


@on.keyword("ssl")
def aiohttp_ssl_false(ctx, call, value) -> None:
    if ctx.literal(value) is not False:
        return
    qualname = call.qualname or ""
    made = bound_call(ctx, receiver(call))
    aiohttp = qualname.startswith("aiohttp.") or (
        made is not None and (made.qualname or "").startswith("aiohttp."))
    if not aiohttp and not (made is None and call.method in HTTP_METHODS):
        return
    ctx.report(TLS_VERIFICATION_DISABLED, value.parent,
               f"`ssl=False` makes `{call.name}` skip certificate checks; remove it or pass an "
               "`ssl.SSLContext` that trusts your private CA",
               fix=_flip_fix(ctx, value, "True", "Verify certificates (ssl=True)"))


@on.keyword(*INSECURE_KEYWORDS)
def insecure_keyword(ctx, call, value) -> None:
    name = ctx.text(value.parent.child_by_field_name("name"))
    bad, fixed, rule = INSECURE_KEYWORDS[name]
    if ctx.literal(value) is not bad or call.qualname in UNVERIFIED_CONTEXT_CALLS:
        return
    ctx.report(rule, value.parent,
               f"`{name}={bad}` passed to `{call.name}` turns off TLS certificate or hostname "
               "verification; remove it",
               fix=_flip_fix(ctx, value, fixed, f"Keep verification on ({name}={fixed})"))


def _is_cert_none(ctx, value) -> bool:
    literal = ctx.literal(value)
    if isinstance(literal, str):
        return literal in _CERT_NONE_STRINGS
    return constant_name(ctx, value).endswith("CERT_NONE")


def _cert_required_fix(ctx, value):
    text = ctx.text(value)
    if "CERT_NONE" in text:
        return Fix("Require a valid certificate (CERT_REQUIRED)",
                   (replace_edit(ctx, value, text.replace("CERT_NONE", "CERT_REQUIRED")),),
                   safe=False)
    return None


@on.keyword(*CERT_REQS_NAMES)
def cert_reqs_none(ctx, call, value) -> None:
    if _is_cert_none(ctx, value):
        _report_cert_none(ctx, call, value, value.parent)


def _report_cert_none(ctx, call, value, node) -> None:
    rule = UNVERIFIED_SSL_CONTEXT if (call.qualname or "").startswith("ssl.") \
        else TLS_VERIFICATION_DISABLED
    ctx.report(rule, node,
               f"`{call.name}` is told not to check certificates (`CERT_NONE`); use "
               "`CERT_REQUIRED` with a CA bundle", fix=_cert_required_fix(ctx, value))


_OPTION_VALUE_TYPES = frozenset({"true", "false", "attribute", "identifier", "string"})
_OPTION_KEYS = frozenset({*CERT_REQS_NAMES, "verify_mode", *INSECURE_KEYWORDS})


@on.node("pair")
def insecure_option_in_dict(ctx, node) -> None:
    """`sslopt={"cert_reqs": ssl.CERT_NONE}` and other option dictionaries."""
    value = node.child_by_field_name("value")
    if value is None or value.type not in _OPTION_VALUE_TYPES:
        return
    key_node = node.child_by_field_name("key")
    if key_node is None or key_node.type != "string":
        return
    key = ctx.literal(key_node)
    if not isinstance(key, str) or key not in _OPTION_KEYS:
        return
    if key in CERT_REQS_NAMES or key == "verify_mode":
        if _is_cert_none(ctx, value):
            ctx.report(TLS_VERIFICATION_DISABLED, node,
                       f"option `{key}` set to `CERT_NONE` turns off certificate checks",
                       fix=_cert_required_fix(ctx, value))
    elif key in INSECURE_KEYWORDS:
        bad, fixed, rule = INSECURE_KEYWORDS[key]
        if ctx.literal(value) is bad:
            ctx.report(rule, node, f"option `{key}: {bad}` turns off TLS verification",
                       fix=_flip_fix(ctx, value, fixed, f"Keep verification on ({fixed})"))


@on.assign("verify")
def session_verify_false(ctx, node, name, value) -> None:
    left = node.child_by_field_name("left")
    if left.type != "attribute" or ctx.literal(value) is not False:
        return
    owner = left.child_by_field_name("object")
    made = bound_call(ctx, owner)
    if made is not None:
        if (made.qualname or "").partition(".")[0] not in HTTP_PACKAGES:
            return
    elif not any(hint in ctx.text(owner).lower() for hint in ("session", "client", "http")):
        return
    ctx.report(TLS_VERIFICATION_DISABLED, node,
               f"`{ctx.text(left)} = False` turns off certificate checks for every request of "
               "this session; remove it",
               fix=_flip_fix(ctx, value, "True", "Verify certificates (verify = True)"))


@on.call(*UNVERIFIED_CONTEXT_CALLS)
def unverified_context(ctx, call) -> None:
    fix = None
    if call.func.type == "attribute" and not call.positional and not call.keywords:
        fix = Fix("Use ssl.create_default_context()", (replace_edit(
            ctx, call.func.child_by_field_name("attribute"), "create_default_context"),),
            safe=False)
    ctx.report(UNVERIFIED_SSL_CONTEXT, call.node,
               f"`{call.name}()` makes a context that checks neither certificates nor host "
               "names; use `ssl.create_default_context()`", fix=fix)


@on.assign("_create_default_https_context")
def global_unverified_https(ctx, node, name, value) -> None:
    if constant_name(ctx, value).rpartition(".")[2] == "create_default_context":
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, node,
               "replacing `ssl._create_default_https_context` turns off certificate checks "
               "for every HTTPS connection of the process; remove this line")


# A condition about verification itself (`if not self.validate_cert:`, `if cert_reqs ==
# ssl.CERT_NONE:`, `if not server_hostname:`): switching checks off in its arm is the
# caller's explicit opt-out, carried out.
_OPT_OUT_CONDITION = re.compile(r"verif|validat|cert|hostname|insecure", re.IGNORECASE)
OPT_OUT = "opt-out"  # evidence context: low confidence


def _opt_out_evidence(ctx, node) -> str | None:
    """"pattern+opt-out" when `node` sits in an `if`/`elif`/`else` arm of the function
    whose condition is about verification (see `_OPT_OUT_CONDITION`).  An `else` arm
    needs no case of its own: walking up from it reaches its `if`."""
    current = node.parent
    while current is not None and current.type not in ("function_definition", "module"):
        if current.type in ("if_statement", "elif_clause"):
            condition = current.child_by_field_name("condition")
            if condition is not None and _OPT_OUT_CONDITION.search(ctx.text(condition)):
                return f"{PATTERN}+{OPT_OUT}"
        current = current.parent
    return None


WRAPPER = "wrapper"  # evidence context: a class's own attribute, low confidence


def _enclosing_class(node):
    current = node.parent
    while current is not None and current.type != "module":
        if current.type == "class_definition":
            return current
        current = current.parent
    return None


def _own_attribute_evidence(ctx, node) -> str | None:
    """"pattern+wrapper" for `self.check_hostname = False` in a class that is not an
    `SSLContext`: the default of the class's own attribute (a wrapper translating another
    TLS library's interface), which does not switch off any context's checks by itself."""
    target = node.child_by_field_name("left")
    if target is None or not ctx.text(target).startswith("self."):
        return None
    owner = _enclosing_class(node)
    bases = owner.child_by_field_name("superclasses") if owner is not None else None
    if owner is None or (bases is not None and "SSLContext" in ctx.text(bases)):
        return None
    return f"{PATTERN}+{WRAPPER}"


@on.assign("check_hostname")
def check_hostname_false(ctx, node, name, value) -> None:
    if ctx.literal(value) is not False:
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, node,
               "`check_hostname = False` accepts a valid certificate of any other site; "
               "keep host name checking on",
               fix=_flip_fix(ctx, value, "True", "Check host names", safe=False),
               evidence=_opt_out_evidence(ctx, node) or _own_attribute_evidence(ctx, node))


@on.assign("verify_mode")
def verify_mode_none(ctx, node, name, value) -> None:
    if not _is_cert_none(ctx, value):
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, node,
               "`verify_mode = CERT_NONE` accepts any certificate, including an attacker's; "
               "use `CERT_REQUIRED`", fix=_cert_required_fix(ctx, value),
               evidence=_opt_out_evidence(ctx, node))


@on.call("ssl.wrap_socket")
def legacy_wrap_socket(ctx, call) -> None:
    cert = call.arg(4, "cert_reqs")
    server = ctx.literal(call.arg(3, "server_side"))
    if cert is not None:
        if "cert_reqs" not in call.keywords and _is_cert_none(ctx, cert):
            _report_cert_none(ctx, call, cert, cert)
        return
    if server is True or call.star_kwargs:
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, call.node,
               "`ssl.wrap_socket()` checks no certificate by default and was removed in "
               "Python 3.12; use `ssl.create_default_context().wrap_socket(sock, "
               "server_hostname=host)`", severity=Severity.MEDIUM)


@on.method("set_verify")
def openssl_verify_none(ctx, call) -> None:
    mode = call.arg(0, "mode")
    if constant_name(ctx, mode).endswith("VERIFY_NONE"):
        ctx.report(UNVERIFIED_SSL_CONTEXT, call.node,
                   "`set_verify(VERIFY_NONE)` turns off certificate checks; use "
                   "`VERIFY_PEER` and load trusted CAs")


@on.call("OpenSSL.SSL.Context")
def openssl_context_without_verify(ctx, call) -> None:
    """pyOpenSSL contexts verify nothing until `set_verify(VERIFY_PEER, ...)` is called:
    in this function, or — for a context kept on `self` — in any method of its class."""
    if "set_verify" in methods_called_in(ctx, call.node):
        return
    owner = _enclosing_class(call.node)
    statement = call.node.parent
    kept = statement is not None and statement.type == "assignment" \
        and ctx.text(statement.child_by_field_name("left")).startswith("self.")
    if kept and owner is not None and "set_verify" in methods_called_in(ctx, owner, whole=True):
        return
    ctx.report(UNVERIFIED_SSL_CONTEXT, call.node,
               "an `OpenSSL.SSL.Context` checks no certificate until `set_verify(VERIFY_PEER, "
               "...)` is called, and this function never calls it; set it and load trusted CAs",
               severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)


# -- AIG203: protocol versions ---------------------------------------------------------------

# Qualified constant -> (protocol shown to the user, severity).
OLD_PROTOCOLS: dict[str, tuple[str, Severity]] = {}
for _prefix, _names in (
    ("ssl.PROTOCOL_", ("SSLv2", "SSLv3", "TLSv1", "TLSv1_1")),
    ("ssl.TLSVersion.", ("SSLv3", "TLSv1", "TLSv1_1")),
    ("OpenSSL.SSL.", ("SSLv2_METHOD", "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD")),
):
    for _name in _names:
        _shown = _name.removesuffix("_METHOD").replace("TLSv1_1", "TLS 1.1").replace("TLSv1", "TLS 1.0")
        OLD_PROTOCOLS[_prefix + _name] = (_shown, Severity.HIGH if "SSL" in _shown else Severity.MEDIUM)
VERSION_KEYWORDS = ("ssl_version", "version", "protocol", "method", "ssl_method", "ssl_protocol",
                    "tls_version", "minimum_version", "maximum_version", "min_version")
# Calls taking the protocol positionally: qualified name -> argument index.
VERSION_POSITIONS = {"ssl.SSLContext": 0, "OpenSSL.SSL.Context": 0,
                     "ssl.get_server_certificate": 1, "ssl.wrap_socket": 5}


def _report_old_protocol(ctx, value, where: str) -> None:
    name = constant_name(ctx, value)
    found = OLD_PROTOCOLS.get(name)
    if found is None:
        return
    shown, severity = found
    fix = None
    if name.startswith("ssl.TLSVersion.") and value.type == "attribute":
        fix = Fix("Require TLS 1.2 or later", (replace_edit(
            ctx, value.child_by_field_name("attribute"), "TLSv1_2"),), safe=False)
    ctx.report(INSECURE_TLS_VERSION, value,
               f"{shown} selected {where}: it has known attacks and is disabled by modern "
               "servers; use TLS 1.2 or later (`ssl.PROTOCOL_TLS_CLIENT`, "
               "`minimum_version = ssl.TLSVersion.TLSv1_2`)", severity=severity, fix=fix)


@on.keyword(*VERSION_KEYWORDS)
def old_protocol_keyword(ctx, call, value) -> None:
    _report_old_protocol(ctx, value, f"for `{call.name}`")


@on.call(*VERSION_POSITIONS)
def old_protocol_positional(ctx, call) -> None:
    index = VERSION_POSITIONS[call.qualname]
    if index < len(call.positional):
        _report_old_protocol(ctx, call.positional[index], f"for `{call.name}`")


@on.assign("minimum_version", "maximum_version")
def old_protocol_bound(ctx, node, name, value) -> None:
    _report_old_protocol(ctx, value, f"as `{name}`")


@on.node("default_parameter", "typed_default_parameter")
def old_protocol_default(ctx, node) -> None:
    value = node.child_by_field_name("value")
    if value is not None and value.type == "attribute":
        _report_old_protocol(ctx, value, "as a parameter default")


# -- AIG212: SSH host keys -----------------------------------------------------------------

ACCEPTING_POLICIES = frozenset({"AutoAddPolicy", "WarningPolicy"})
ASYNCSSH_CONNECT = ("asyncssh.connect", "asyncssh.connect_reverse", "asyncssh.create_connection",
                    "asyncssh.SSHClientConnectionOptions", "asyncssh.listen_reverse")


@on.method("set_missing_host_key_policy")
def ssh_accepts_unknown_hosts(ctx, call) -> None:
    policy = call.arg(0, "policy")
    if policy is None:
        return
    named = policy.child_by_field_name("function") if policy.type == "call" else policy
    tail = constant_name(ctx, named).rpartition(".")[2]
    if tail not in ACCEPTING_POLICIES:
        return
    fix = None
    if named is not None and named.type == "attribute":
        fix = Fix("Reject unknown host keys (RejectPolicy)", (replace_edit(
            ctx, named.child_by_field_name("attribute"), "RejectPolicy"),), safe=False)
    ctx.report(SSH_HOST_KEY_NOT_VERIFIED, call.node,
               f"`{tail}` accepts any host key, so the first connection to a spoofed host "
               "goes through; load known hosts (`client.load_system_host_keys()`) and use "
               "`RejectPolicy`", fix=fix)


@on.call(*ASYNCSSH_CONNECT)
def asyncssh_no_known_hosts(ctx, call) -> None:
    value = call.keywords.get("known_hosts")
    if value is not None and value.type == "none":
        ctx.report(SSH_HOST_KEY_NOT_VERIFIED, value.parent,
                   f"`known_hosts=None` makes `{call.name}` accept any host key; pass a "
                   "known_hosts file")


# -- AIG213: cleartext protocols -------------------------------------------------------------

# Client class -> (protocol, method that upgrades to TLS or None, what to use instead).
CLEARTEXT_CLIENTS = {
    "telnetlib.Telnet": ("Telnet", None, "SSH (paramiko or asyncssh)"),
    "ftplib.FTP": ("FTP", None, "`ftplib.FTP_TLS` (then `prot_p()`) or SFTP"),
    "smtplib.SMTP": ("SMTP", "starttls", "`smtplib.SMTP_SSL`, or call `starttls()` before `login()`"),
    "imaplib.IMAP4": ("IMAP", "starttls", "`imaplib.IMAP4_SSL`"),
    "poplib.POP3": ("POP3", "stls", "`poplib.POP3_SSL`"),
}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


@on.call(*CLEARTEXT_CLIENTS)
def cleartext_client(ctx, call) -> None:
    protocol, upgrade, instead = CLEARTEXT_CLIENTS[call.qualname]
    host = ctx.literal(call.arg(0, "host"))
    if isinstance(host, str) and host in LOCAL_HOSTS:
        return
    if upgrade is not None:
        called = methods_called_in(ctx, call.node)
        if upgrade in called or "login" not in called:
            return
    ctx.report(CLEARTEXT_PROTOCOL, call.node,
               f"`{call.name}` speaks {protocol} without encryption: passwords and data cross "
               f"the network readable by anyone on the path; use {instead}")


@on.call("xmlrpc.client.ServerProxy", "xmlrpclib.ServerProxy")
def cleartext_xmlrpc(ctx, call) -> None:
    url = ctx.literal(call.arg(0, "uri"))
    if not isinstance(url, str) or not url.startswith("http://"):
        return
    host = url[len("http://"):].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    if host in LOCAL_HOSTS:
        return
    ctx.report(CLEARTEXT_PROTOCOL, call.node,
               f"`{call.name}` to an `http://` URL sends calls and credentials unencrypted; "
               "use `https://`", severity=Severity.LOW)
