"""JavaScript checks for AIG2xx: hashes, ciphers, IVs and salts, key sizes.

TLS settings are in `tls.py`, JWT handling in `jwt.py`, randomness in `randomness.py`.
"""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import is_password_name
from ...model import Edit, Fix
from ..crypto import (
    ECB_MODE,
    FAST_PASSWORD_HASH,
    STATIC_IV_OR_SALT,
    WEAK_CIPHER,
    WEAK_HASH,
    WEAK_KEY_SIZE,
)
from ..javascript_only import DEPRECATED_CREATE_CIPHER
from .checks import on
from .places import destination

WEAK_HASHES = frozenset({"md5", "md4", "md2", "sha1", "sha-1", "ripemd", "ripemd160", "rmd160",
                         "sha", "md5-sha1"})
WEAK_CIPHERS = ("des", "rc2", "rc4", "bf", "blowfish", "cast", "idea", "seed", "rc5", "arcfour")
# crypto-js and similar: callee -> hash name.
HASH_FUNCTIONS = {"crypto-js.MD5": "md5", "crypto-js.SHA1": "sha1", "crypto-js/md5": "md5",
                  "crypto-js/sha1": "sha1", "md5": "md5", "sha1": "sha1",
                  "crypto-js.SHA256": "sha256", "crypto-js.SHA512": "sha512",
                  "js-md5": "md5", "blueimp-md5": "md5"}
CIPHER_FUNCTIONS = {"crypto-js.DES.encrypt": "DES", "crypto-js.TripleDES.encrypt": "3DES",
                    "crypto-js.RC4.encrypt": "RC4", "crypto-js.Rabbit.encrypt": "Rabbit"}
KDF_CALLS = {"crypto.pbkdf2": 1, "crypto.pbkdf2Sync": 1, "crypto.scrypt": 1,
             "crypto.scryptSync": 1, "crypto.hkdf": 2, "crypto.hkdfSync": 2}
_CONSTANT_BUFFERS = frozenset({"Buffer.from", "Buffer.alloc", "Uint8Array", "Buffer.allocUnsafe",
                               "crypto-js.enc.Utf8.parse", "crypto-js.enc.Hex.parse",
                               "TextEncoder.encode"})


@on.call("crypto.createHash", "crypto.subtle.digest", *HASH_FUNCTIONS)
def hash_call(ctx, call) -> None:
    if call.qualname in HASH_FUNCTIONS:
        algorithm, node = HASH_FUNCTIONS[call.qualname], call.func
    else:
        node = call.arg(0)
        algorithm = ctx.literal(node)
        if not isinstance(algorithm, str):
            return
        algorithm = algorithm.lower()
    password = _password_input(ctx, call)
    if password:
        ctx.report(FAST_PASSWORD_HASH, call.node,
                   f"{password} is hashed with {algorithm.upper()}, which attackers test at "
                   "billions of guesses per second; use bcrypt, scrypt or argon2 "
                   "(`crypto.scrypt` with a random salt)")
        return
    if algorithm not in WEAK_HASHES:
        return
    fix = None
    if node is not None and node.type == "string" and call.qualname == "crypto.createHash":
        loc = ctx.location(node)
        quote = ctx.text(node)[0]
        fix = Fix("Use SHA-256", (Edit(loc.line, loc.column, loc.end_line, loc.end_column,
                                       f"{quote}sha256{quote}"),), safe=False)
    ctx.report(WEAK_HASH, call.node,
               f"{algorithm.upper()} is broken (collisions can be made on a laptop); use "
               "SHA-256 or better, and a password hash for passwords", fix=fix)


def _password_input(ctx, call) -> str:
    """'`password`' when a password goes into the hash or its result is stored as one."""
    node = call.node
    for _ in range(4):  # createHash(...).update(pw).digest(...)
        parent = node.parent
        if parent is None or parent.type != "member_expression" or parent.parent is None \
                or parent.parent.type != "call_expression":
            break
        node = parent.parent
        inner = ctx.call(node)
        if inner.method == "update" and inner.args:
            name = _name_of(ctx, inner.args[0])
            if name and is_password_name(name):
                return f"`{name}`"
    if call.qualname in HASH_FUNCTIONS and call.args:
        name = _name_of(ctx, call.args[0])
        if name and is_password_name(name):
            return f"`{name}`"
    place = destination(ctx, node)
    if place is not None and place.kind in ("assign", "key", "return") and \
            is_password_name(place.name):
        return f"the value stored as {place.describe()}"
    return ""


def _name_of(ctx, node) -> str | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        return ctx.text(node)
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return ctx.text(prop) if prop is not None else None
    return None


@on.call("crypto.createCipheriv", "crypto.createDecipheriv")
def cipher_call(ctx, call) -> None:
    algorithm = ctx.literal(call.arg(0))
    if not isinstance(algorithm, str):
        return
    lowered = algorithm.lower()
    if lowered.startswith(WEAK_CIPHERS):
        ctx.report(WEAK_CIPHER, call.arg(0),
                   f"`{algorithm}` is an obsolete cipher that can be broken; use "
                   "`aes-256-gcm` with a random 12-byte IV")
    elif lowered.endswith("ecb"):
        ctx.report(ECB_MODE, call.arg(0),
                   f"`{algorithm}` encrypts equal blocks to equal ciphertext, so patterns of the "
                   "data show through; use `aes-256-gcm` with a random IV")
    elif call.qualname == "crypto.createCipheriv":
        _check_constant(ctx, call.arg(2), "IV", call.qualname)


@on.call(*CIPHER_FUNCTIONS)
def crypto_js_cipher(ctx, call) -> None:
    ctx.report(WEAK_CIPHER, call.node,
               f"{CIPHER_FUNCTIONS[call.qualname]} is an obsolete cipher that can be broken; "
               "use AES-GCM (WebCrypto or Node `crypto`)")


@on.property("mode")
def crypto_js_ecb(ctx, node, key, value) -> None:
    if value is not None and ctx.text(value).replace(" ", "").endswith("mode.ECB"):
        ctx.report(ECB_MODE, value,
                   "ECB mode encrypts equal blocks to equal ciphertext, so patterns of the data "
                   "show through; use an authenticated mode (GCM) with a random IV")


@on.call("crypto.createCipher", "crypto.createDecipher")
def cipher_from_password(ctx, call) -> None:
    ctx.report(DEPRECATED_CREATE_CIPHER, call.node,
               f"`{call.qualname}` derives key and IV from the password with one round of MD5 "
               "and no salt, so the same password always gives the same IV (and it is removed "
               "in Node 22); use `crypto.createCipheriv` with a key from `crypto.scrypt` and a "
               "random IV")


@on.property("iv", "nonce", "counter")
def constant_iv_option(ctx, node, key, value) -> None:
    obj = node.parent
    call = obj.parent.parent if obj is not None and obj.parent is not None \
        and obj.parent.type == "arguments" else None
    if call is None or call.type not in ("call_expression", "new_expression"):
        return
    name = ctx.call(call).name
    if "encrypt" in name.lower() or "cipher" in name.lower():
        _check_constant(ctx, value, key.upper() if key == "iv" else key, name)


@on.call(*KDF_CALLS)
def constant_salt(ctx, call) -> None:
    _check_constant(ctx, call.arg(KDF_CALLS[call.qualname]), "salt", call.qualname)


def _check_constant(ctx, node, what: str, name: str) -> None:
    if node is None or not _is_constant_bytes(ctx, node):
        return
    ctx.report(STATIC_IV_OR_SALT, node,
               f"the {what} passed to `{name}` is a constant: every message (or password) gets "
               f"the same one, which leaks equal plaintexts and for GCM/CTR breaks the cipher; "
               f"use `crypto.randomBytes()` for each call and store it with the result")


def _is_constant_bytes(ctx, node) -> bool:
    if ctx.is_literal(node):
        return ctx.literal(node) is not None
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        scope = ctx.scope_of(node)
        if re.search(rf"[Rr]andom(Fill(Sync)?|Values)\(\s*{re.escape(ctx.text(node))}\b",
                     ctx.text(scope)):
            return False  # filled with random bytes after it was allocated
    value = ctx.value_of(node)
    if value is None or value.type not in ("call_expression", "new_expression"):
        return False
    call = ctx.call(value)
    if (call.qualname or call.method or "").rpartition(".")[2] not in (
            "from", "alloc", "allocUnsafe", "Uint8Array", "parse", "encode"):
        return False
    if call.qualname not in _CONSTANT_BUFFERS and call.method not in ("encode", "parse"):
        return False
    return bool(call.args) and all(ctx.is_literal(arg) for arg in call.args)


@on.property("modulusLength")
def small_rsa_key(ctx, node, key, value) -> None:
    bits = ctx.literal(value)
    if not isinstance(bits, int) or isinstance(bits, bool) or bits >= 2048:
        return
    loc = ctx.location(value)
    ctx.report(WEAK_KEY_SIZE, value,
               f"a {bits}-bit RSA/DSA key can be factored with public resources; use at least "
               "2048 bits (3072 for keys that must last beyond 2030)",
               fix=Fix("Use a 2048-bit key", (Edit(loc.line, loc.column, loc.end_line,
                                                   loc.end_column, "2048"),), safe=False))
