"""Proposed tests/test_secret_names.py (py-crypto): the shared name/value heuristics, and
that a hard-coded secret never reaches any output format unredacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aicodeguard.analysis.secret_names import (
    is_hard_coded_secret,
    is_password_name,
    is_placeholder,
    is_public_key,
    is_secret_name,
    is_security_name,
    looks_like_real_secret,
    words,
)


@pytest.mark.parametrize("name, expected", [
    ("PASSWORD", True), ("dbPassword", True), ("api_key", True), ("apiKey", True),
    ("SECRET_KEY", True), ("aws_secret_access_key", True), ("client_secret", True),
    ("password_field", False), ("PASSWORD_MIN_LENGTH", False), ("token_type", False),
    ("TOKEN_URL", False), ("cache_key", False), ("pad_token", False), ("public_key", False),
    ("tokenizer", False), ("max_tokens", False), ("secret_word", False),
])
def test_secret_names(name, expected):
    assert is_secret_name(name) is expected


@pytest.mark.parametrize("value", ["", "  ", "changeme", "your-api-key-here", "xxxxxxxx",
                                   "<TOKEN>", "${DB_PASSWORD}", "%(password)s", "sk-xxxxxxxx"])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("name, value, expected", [
    ("PASSWORD", "hunter2", True), ("SECRET_KEY", "super-secret-key", True),
    ("password", "password", False), ("api_key", "X-API-Key", False),
    ("password", "Enter your password:", False), ("PRIVATE_KEY", "keys/private.pem", False),
    ("api_key", "OPENAI_API_KEY", False), ("token", "lambda", False),
    ("key", "created_at_desc_ordering", False),
    ("key", "vQF6J15Kuh3Y6ut1Vh247dlVEIpTEbMnWq7lRKjD", True),
])
def test_hard_coded_secret(name, value, expected):
    assert is_hard_coded_secret(name, value) is expected


def test_passed_value_that_repeats_the_name_still_counts():
    assert not is_hard_coded_secret("password", "password")
    assert is_hard_coded_secret("password", "password", passed=True)


def test_security_and_password_names():
    assert words("getAPIKey") == ("get", "api", "key")
    assert is_security_name("reset_code") and not is_security_name("country_code")
    assert is_security_name("generate_key", function=True)
    assert not is_security_name("get_key", function=True)
    assert is_password_name("hashed_password") and not is_password_name("password_reset_token")
    assert looks_like_real_secret("sk_live_51HxYzAbCdEfGhIjKlMnOp")
    assert not looks_like_real_secret("created_at_desc_ordering")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_secret_value_never_printed(tmp_path, fmt):
    secret = "Zq8vW2nR5tY1uI3o"
    (tmp_path / "settings.py").write_text(
        f'DB_PASSWORD = "{secret}"\nclient.connect(password="{secret}")\n', encoding="utf-8")
    env = dict(os.environ, AICODEGUARD_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run(
        [sys.executable, "-m", "aicodeguard", "scan", "--format", fmt, "--select", "AIG301",
         "settings.py"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert secret not in result.stdout + result.stderr
    if fmt == "json":
        findings = json.loads(result.stdout)["findings"]
        assert [f["rule_id"] for f in findings] == ["AIG301", "AIG301"]
        assert all(f"…({len(secret)} chars)" in f["snippet"] for f in findings)


EC_PUBLIC = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC21xJCEmW1dv5WpSrMHtG7alTAvQju856I6J0d7UBP8SVl1DeDhHqyVoEOWZUpjonOmuXW4y0vYggsn8bRmZyg=="
ED25519_PUBLIC = "MCowBQYDK2VwAyEA9Kyygaqz8SyG7wpbHQeT8sHFkg6mCdVDBfkxq68+xmI="
EC_PRIVATE_PKCS8 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrDp2TMsHQxUVOpAZJWvAp4Xnu8gZYVebNWFmkomAHmChRANCAAQLbXEkISZbV2/lalKswe0btqVMC9CO7znojonR3tQE/xJWXUN4OEerJWgQ5ZlSmOic6a5dbjLS9iCCyfxtGZnK"


@pytest.mark.parametrize("value, public", [
    (EC_PUBLIC, True), (ED25519_PUBLIC, True),  # SubjectPublicKeyInfo, base64 DER
    ("-----BEGIN PUBLIC KEY-----" + ED25519_PUBLIC, True),
    ("-----BEGIN CERTIFICATE-----\nMIIB...", True),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq2 deploy@ci", True),
    (EC_PRIVATE_PKCS8, False),  # starts with a version INTEGER
    ("-----BEGIN PRIVATE KEY-----" + EC_PRIVATE_PKCS8, False),
    (EC_PUBLIC[:-8], False),  # cut short: not one whole DER element
    ("MvQF6J15KxT2bq9LmZ4wR8yN3cH7dJ0sA1eU6iO5pG", False),  # random, not DER
])
def test_public_keys_are_not_secrets(value, public):
    assert is_public_key(value) is public
    if public:
        assert not is_hard_coded_secret("key", value)
        assert not looks_like_real_secret(value)
