"""Text pass for AIG302–AIG307: credentials found by format in every file, and by name in
configuration files.

Speed: the file is mapped once (`bytes.translate`) to token / joiner / other bytes, and
only tokens holding a run of 20+ token characters with mixed case or digits are matched
against the provider formats; private keys and URLs are found from rare literals
(`PRIVATE KEY`, `://`).  Where a format finding and AIG301 (found by name in code) hit
the same line, the format finding is kept and AIG301's dropped: it says what the value
is.  Values appear only redacted (message and echoed line).
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from ...analysis.secret_names import (
    is_hard_coded_secret,
    is_password_name,
    is_placeholder,
    is_secret_name,
    looks_like_real_secret,
    may_hold_secret,
    shannon_entropy,
)
from ...analysis.source import SourceFile, redact
from ...model import Confidence, FileResult, Severity
from ..secret_formats import (
    CONFIG_SECRET,
    JWT_LITERAL,
    KNOWN_FORMAT,
    PLACEHOLDER,
    PRIVATE_KEY,
    URL_PASSWORD,
)
from ..secrets import HARD_CODED_SECRET
from .key_formats import (
    AWS_SECRET_DISTANCE,
    AWS_SECRET_PATTERN,
    EXAMPLE_VALUES,
    FORMATS,
    JWT,
)
from .placeholders import is_fill_in_placeholder
from .settings import is_reference, settings

_TOKEN, _JOINER, _OTHER = b"a", b"b", b" "
_MAP = bytes(
    _TOKEN[0] if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in "_-")
    else _JOINER[0] if chr(byte) in ".:/+=@" else _OTHER[0]
    for byte in range(256))
_RUN = _TOKEN * 20
_DIGIT = re.compile(rb"[0-9]")
_TOKEN_END = rb"(?![A-Za-z0-9_-])"
_FORMATS = tuple(re.compile(f.start + b"(?:" + f.pattern + b")" + _TOKEN_END) for f in FORMATS)
# First two bytes of a token -> the formats that can start so.
_BY_START: dict[bytes, tuple[int, ...]] = {}
for _index, _format in enumerate(FORMATS):
    for _two in _format.starts:
        _BY_START[_two] = (*_BY_START.get(_two, ()), _index)
_BOT_PATH = b"/bot"  # Telegram bot tokens sit inside API URLs: .../bot<token>/sendMessage
_AWS_SECRET = re.compile(AWS_SECRET_PATTERN)
_PRIVATE_KEY = re.compile(rb"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
# A key's body: lines of base64 right after its header, written as real line breaks or
# as `\n` escapes inside a string.
_KEY_LINE_BREAK = re.compile(rb"\\[nr]|\r?\n")
_KEY_BODY = re.compile(rb"^[A-Za-z0-9+/=]{40,}")
_KEY_LINE_NOISE = b" \t\"'`+,;(#*"
_KEY_WINDOW = 800
_KEY_LINES = 4  # the header's own line, PEM headers (Proc-Type, DEK-Info), a blank line
_URL = re.compile(rb"://([^\s:/?#@\"'`<>]{0,128}):([^\s/?#@\"'`<>]{1,256})@"
                  rb"([^\s/?#:\"'`<>,;)\\]{1,253})")
_SCHEME = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]{0,30}$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]",
                          "host.docker.internal"})
_EXAMPLE_HOST_SUFFIXES = ("example.com", "example.org", "example.net", ".example", ".test",
                          ".invalid", ".localhost")
# Passwords that only make sense on a developer's machine or in a throw-away container.
_TRIVIAL_PASSWORDS = frozenset({
    "password", "pass", "passwd", "pwd", "pw", "secret", "changeme", "postgres", "root",
    "admin", "user", "test", "example", "mysql", "redis", "guest", "dev", "local", "demo",
    "mongo", "rabbitmq", "sa", "default",
})
# User names that only appear in documentation of the URL syntax, or in test vectors.
_EXAMPLE_USERS = frozenset({"user", "username", "login", "name", "usr", "myuser", "youruser",
                            "test", "testuser", "demo", "dummy", "fake"})
# Whole credentials known from documentation and tutorials (SQLAlchemy's and Oracle's
# scott/tiger), whatever the host.
_EXAMPLE_CREDENTIALS = frozenset({("scott", "tiger"), ("foo", "bar"), ("john", "doe"),
                                  ("jane", "doe")})
RANDOM_ENTROPY = 3.5  # bits per character of a generated token body
# Kinds whose settings are read by name (AIG306) and those where a placeholder is
# reported (AIG307; .env files are the environment itself).
_SETTING_KINDS = frozenset(CONFIG_SECRET.languages)
_PLACEHOLDER_KINDS = frozenset({"config"})
_DOCUMENT_KINDS = frozenset({"markdown", "ai-instructions"})
# How comments (and docstrings) are written per language: a URL there documents the
# syntax (`# e.g. postgresql://user:secret@localhost/app`), so a local or example host or a
# demo credential alone is enough to stay quiet there.
_COMMENT_SYNTAX = {
    "python": (b"#", (b'"""', b"'''")),
    **dict.fromkeys(("javascript", "typescript", "tsx"), (b"//", ())),
}


def analyze_text(source: SourceFile, language: str, result: FileResult) -> None:
    data = source.data
    findings = []
    findings.extend(_known_formats(source))
    if b"PRIVATE KEY" in data:
        findings.extend(_private_keys(source))
    if b"://" in data:
        findings.extend(_url_passwords(source, findings, language in _DOCUMENT_KINDS,
                                       _COMMENT_SYNTAX.get(language)))
    lines = {finding.location.line for finding in findings}
    if language in _SETTING_KINDS:
        findings.extend(_settings(source, language, lines))
    if not findings:
        return
    if lines:
        result.findings[:] = [f for f in result.findings
                              if f.rule_id != HARD_CODED_SECRET.id or f.location.line not in lines]
    result.findings.extend(findings)


def _token_starts(data: bytes):
    """(position, end of its token) where a credential could begin: the start of each
    whitespace-delimited token holding a long random-ish run, and each place after a
    joiner (`.:/+=@`) inside it."""
    mapped = data.translate(_MAP)
    find = mapped.find
    index = find(_RUN)
    while index != -1:
        start = mapped.rfind(_OTHER, 0, index) + 1
        end = find(_OTHER, index)
        if end == -1:
            end = len(data)
        region = data[start:end]
        if not ((region.islower() or region.isupper()) and not _DIGIT.search(region)):
            position = start
            while position != -1:
                yield position, end
                if position and data.startswith(_BOT_PATH, position - 1):
                    yield position + len(_BOT_PATH) - 1, end
                joiner = find(_JOINER, position, end)
                position = joiner + 1 if joiner != -1 else -1
        index = find(_RUN, end)


def _format_matches(data: bytes):
    matched_to = 0
    for position, end in _token_starts(data):
        if position < matched_to:
            continue  # inside a token already matched (a JWT's payload, SendGrid's parts)
        for index in _BY_START.get(data[position:position + 2], ()):
            match = _FORMATS[index].match(data, position, end)
            if match is not None:
                matched_to = match.end()
                yield FORMATS[index], match
                break


def _known_formats(source: SourceFile):
    data = source.data
    for key_format, match in _format_matches(data):
        token = match.group().decode("ascii")
        if token in EXAMPLE_VALUES or is_placeholder(token):
            continue
        if key_format.must_look_random and not _random_enough(token):
            continue
        location = source.offset_location(*match.span())
        if key_format.rule_id == JWT:
            finding = _jwt(source, location, token)
            if finding is not None:
                yield finding
            continue
        yield source.finding(
            KNOWN_FORMAT, location,
            f"{key_format.provider} (`{redact(token)}`) is written into the file: anyone "
            "who can read it, or its git history, can use it; revoke it and load the new "
            "one from the environment or a secret manager", secret=token)
        if key_format.provider == "AWS access key ID":
            yield from _aws_secret_near(source, match.start())


def shape_spans(data: bytes, is_fill_in):
    """Byte spans of every secret-shaped value in `data`, for redaction (redaction.py):
    provider tokens and JWTs (not the published examples), URL passwords (not those
    `is_fill_in` calls a slot for one, nor references) and private key bodies.  Broader
    than the rules: masking a value that is no finding costs nothing."""
    for _, match in _format_matches(data):
        token = match.group().decode("ascii")
        if token not in EXAMPLE_VALUES and not is_placeholder(token):
            yield match.span()
    if b"://" in data:
        for match in _URL.finditer(data):
            password = match.group(2).decode("utf-8", "replace")
            if not (is_fill_in(password) or is_reference(password)):
                yield match.span(2)
    if b"PRIVATE KEY" in data:
        for match in _PRIVATE_KEY.finditer(data):
            end = data.find(b"-----END", match.end())
            end = len(data) if end == -1 else end
            if data[match.end():end].strip():
                yield match.end(), end


def _random_enough(token: str) -> bool:
    """For formats whose prefix is short and common: the body must look generated."""
    mixed = (any(c.isupper() for c in token) and any(c.islower() for c in token)) or any(
        c.isdigit() for c in token)
    return mixed and shannon_entropy(token) >= RANDOM_ENTROPY


def _aws_secret_near(source: SourceFile, offset: int):
    row = source.row_of(offset)
    starts = source.line_starts
    first = starts[max(0, row - AWS_SECRET_DISTANCE)]
    last_row = row + AWS_SECRET_DISTANCE + 1
    last = starts[last_row] if last_row < len(starts) else len(source.data)
    for match in _AWS_SECRET.finditer(source.data, first, last):
        value = match.group().decode("ascii")
        if not (any(c.isupper() for c in value) and any(c.islower() for c in value)
                and any(c.isdigit() for c in value)) or value in EXAMPLE_VALUES \
                or is_placeholder(value):
            continue
        yield source.finding(
            KNOWN_FORMAT, source.offset_location(*match.span()),
            f"AWS secret access key (`{redact(value)}`) next to its access key ID: together "
            "they sign requests as that AWS identity; deactivate the key pair and use an "
            "IAM role or the environment", secret=value)


def _jwt(source: SourceFile, location, token: str):
    header_part, payload_part, _ = token.split(".", 2)
    header = _base64_json(header_part)
    if not isinstance(header, dict) or str(header.get("alg", "none")).lower() == "none" \
            or not isinstance(_base64_json(payload_part), dict):
        return None
    return source.finding(
        JWT_LITERAL, location,
        f"signed JSON Web Token (`{redact(token)}`, alg {header.get('alg')}) is written into "
        "the file: until it expires it is a credential for whoever reads it; obtain tokens at "
        "run time and keep test tokens short-lived", secret=token)


def _base64_json(part: str):
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return None


def _private_keys(source: SourceFile):
    data = source.data
    for match in _PRIVATE_KEY.finditer(data):
        if not _has_key_body(data[match.end():match.end() + _KEY_WINDOW]):
            continue  # a header without a key: parsing code, a placeholder
        kind = match.group(1).decode("ascii")
        encrypted = "ENCRYPTED" in kind or b"ENCRYPTED" in data[match.end():match.end() + 120]
        row = source.row_of(match.start())
        line = source.line_bytes(row)
        column = match.start() - source.line_starts[row]
        secret = line[column:].decode("utf-8", "replace").rstrip()
        yield source.finding(
            PRIVATE_KEY, source.offset_location(*match.span()),
            f"{kind.lower()} block is written into the file: whoever reads the repository can "
            "sign, decrypt or log in as its owner; replace the key and keep private keys in a "
            "secret manager or a file outside the repository"
            + (" (it is passphrase-encrypted, which only slows an attacker down)"
               if encrypted else ""),
            severity=Severity.MEDIUM if encrypted else None,
            secret=secret if len(secret) > len(match.group()) else None)


def _has_key_body(after_header: bytes) -> bool:
    lines = _KEY_LINE_BREAK.split(after_header.split(b"-----END", 1)[0])[:_KEY_LINES + 1]
    return any(_KEY_BODY.match(line.strip(_KEY_LINE_NOISE)) for line in lines)


def _url_passwords(source: SourceFile, found: list, document: bool, comments=None):
    """`document`: prose explains URL syntax with made-up passwords (`mypassword`), so only
    generated-looking passwords count there.  `comments`: the language's comment syntax
    (see `_COMMENT_SYNTAX`), for URLs in comments and docstrings."""
    data = source.data
    taken = {(f.location.line, f.location.column) for f in found}
    for match in _URL.finditer(data):
        scheme = _SCHEME.search(data, max(0, match.start() - 31), match.start())
        if scheme is None:
            continue
        user, password, host = (part.decode("utf-8", "replace") for part in match.groups())
        if is_placeholder(password) or is_reference(password) or \
                _is_example_url(user, password, host.lower()) or \
                (document and not looks_like_real_secret(password)) or \
                (comments is not None and _in_prose(data, scheme.start(), comments)
                 and _is_documentation_url(user, password, host.lower())):
            continue
        start, end = match.span(2)
        location = source.offset_location(start, end)
        if any(line == location.line and location.column <= column
               for line, column in taken):
            continue  # a known-format token is the password: reported as that
        local = _is_local(host.lower())
        yield source.finding(
            URL_PASSWORD, location,
            f"`{scheme.group().decode()}://` URL carries the password of "
            f"`{user or '(no user)'}@{host}` (`{redact(password)}`): it ends up in logs, "
            "error messages and the repository; read the password (or the whole URL) from "
            "the environment or a secret manager",
            severity=Severity.MEDIUM if local else None,
            confidence=Confidence.HIGH if looks_like_real_secret(password) else None,
            secret=password)


def _is_local(host: str) -> bool:
    return host in _LOCAL_HOSTS or host.startswith("127.") or "." not in host


def _in_prose(data: bytes, offset: int, comments) -> bool:
    """Whether `offset` is inside a comment or a triple-quoted string (a docstring)."""
    line_comment, triple_quotes = comments
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset]
    marker = prefix.find(line_comment)
    if marker >= 0 and (marker == 0 or prefix[marker - 1:marker].isspace()) and \
            prefix.count(b'"', 0, marker) % 2 == 0 and prefix.count(b"'", 0, marker) % 2 == 0:
        return True
    if line_comment == b"//":  # JS block comments, and their ` * ` continuation lines
        return data.rfind(b"/*", 0, offset) > data.rfind(b"*/", 0, offset)
    return any(data.count(quote, 0, offset) % 2 for quote in triple_quotes)


def _is_documentation_url(user: str, password: str, host: str) -> bool:
    """In a comment or docstring: a local or example host, or a demo credential."""
    return _is_local(host) or host.endswith(_EXAMPLE_HOST_SUFFIXES) \
        or password.lower() in _TRIVIAL_PASSWORDS or password == user \
        or user.lower() in _EXAMPLE_USERS


def _is_example_url(user: str, password: str, host: str) -> bool:
    """Documentation (example hosts, `username:password@`, `[user:pass@]` notation) and
    the default passwords of local development databases."""
    if host.endswith(_EXAMPLE_HOST_SUFFIXES) or "[" in user or host.startswith("]") \
            or (user.lower(), password.lower()) in _EXAMPLE_CREDENTIALS:
        return True
    trivial = password.lower() in _TRIVIAL_PASSWORDS or password == user
    return trivial and (_is_local(host) or user.lower() in _EXAMPLE_USERS)


def _settings(source: SourceFile, language: str, taken_lines: set[int]):
    for setting in settings(source.data):
        name, value = setting.name, setting.value.strip()
        if not may_hold_secret(name) or is_reference(value):
            continue
        location = source.offset_location(setting.start, setting.end)
        if location.line in taken_lines:
            continue
        if is_fill_in_placeholder(value):
            if language in _PLACEHOLDER_KINDS and is_secret_name(name):
                yield source.finding(
                    PLACEHOLDER, location,
                    f"`{name}` is set to a placeholder (`{redact(value)}`): the real credential "
                    "gets pasted here next; reference an environment variable or your "
                    "platform's secret store instead", secret=value)
            continue
        if not is_hard_coded_secret(name, value):
            continue
        if looks_like_real_secret(value):
            what, confidence = "a real-looking secret", Confidence.HIGH
        elif is_password_name(name) and len(value) >= 6:
            what, confidence = "a literal password", None
        else:
            continue
        where = ("keep `.env` files out of git and commit a `.env.example` with placeholders"
                 if language == "dotenv" else
                 "keep the value in the environment or a secret manager and reference it here")
        yield source.finding(
            CONFIG_SECRET, location,
            f"`{name}` holds {what} (`{redact(value)}`) in a file that gets committed; {where}",
            confidence=confidence, secret=value)
