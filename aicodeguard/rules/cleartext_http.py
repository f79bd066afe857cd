"""Is an `http://` URL bound for another machine, and does a request carry credentials
(AIG215)?  Language-neutral: the URL's constant start and header or field names in."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from ..analysis.secret_names import is_password_name, is_secret_name, words

# Hosts that never leave the machine, the private network or documentation examples.
LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::1", "host.docker.internal"})
LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa", ".test",
                  ".example", ".invalid", ".localdomain", ".svc", ".cluster.local")
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
# Header names that carry credentials besides secret-named ones (`X-API-Key`, `X-Auth-Token`).
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def remote_http_host(url: str) -> str | None:
    """The host of an `http://` URL when it is another machine on a public network;
    None for `https://`, loopback, private addresses, single-label service names
    (`http://api:8000`), `.local`/`.internal` names and the example domains."""
    if url[:7].lower() != "http://":
        return None
    authority = url[7:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = authority[1:].split("]", 1)[0] if authority.startswith("[") \
        else authority.split(":", 1)[0]
    host = host.lower().rstrip(".")
    return host if host and _is_remote(host) else None


def _is_remote(host: str) -> bool:
    if host in LOCAL_HOSTS or host.endswith(LOCAL_SUFFIXES) or "." not in host and ":" not in host:
        return False
    if host in EXAMPLE_DOMAINS or host.endswith(tuple("." + d for d in EXAMPLE_DOMAINS)):
        return False
    if any(char in host for char in "{}$<>%"):
        return False  # a template placeholder, not a host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return address.is_global


def url_password(url: str) -> bool:
    """`http://user:pass@host/`: a password in the URL itself."""
    authority = url[7:].split("/", 1)[0]
    return "@" in authority and ":" in authority.rsplit("@", 1)[0]


@lru_cache(maxsize=2048)
def is_credential_key(name: str) -> bool:
    """A header or form field that carries a credential: `Authorization`, `X-API-Key`,
    `password`, `client_secret`, `access_token` (not `token_type`, `password_hint`)."""
    if name.lower() in CREDENTIAL_HEADERS:
        return True
    return bool(words(name)) and (is_secret_name(name) or is_password_name(name))
