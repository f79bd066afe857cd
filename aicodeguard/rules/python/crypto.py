"""Python checks for AIG2xx cryptographic primitives: hashes (AIG204, AIG210),
ciphers and modes (AIG205, AIG206), key sizes (AIG207), constant IVs and salts
(AIG208).  Transport security lives in `tls`, randomness in `randomness`, JWT
verification (AIG211) in `jwt_tokens`."""

from __future__ import annotations

from ...analysis.secret_names import (
    PASSWORD_WORDS,
    is_password_name,
    is_security_name,
    words,
)
from ...model import Confidence, Fix, Severity
from ..crypto import (
    ECB_MODE,
    FAST_PASSWORD_HASH,
    STATIC_IV_OR_SALT,
    WEAK_CIPHER,
    WEAK_HASH,
    WEAK_KEY_SIZE,
)
from .checks import on
from .crypto_values import (
    append_keyword_edit,
    bound_call,
    constant_name,
    destination,
    is_constant,
    lookup,
    names_in,
    receiver,
    replace_edit,
    with_bare_names,
)

PYCRYPTO = ("Crypto", "Cryptodome")
CRYPTOGRAPHY = "cryptography.hazmat.primitives"

# -- hashes ----------------------------------------------------------------------------------

BROKEN_HASHES = frozenset({"md5", "sha1", "md4", "md2"})
HASHLIB_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b",
                      "blake2s", "sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128",
                      "shake_256")
# Hash constructor -> (algorithm, position of the data argument or None).
HASH_CALLS: dict[str, tuple[str, int | None]] = {
    f"hashlib.{name}": (name, 0) for name in HASHLIB_ALGORITHMS}
for _pkg in PYCRYPTO:
    for _module, _algorithm in (("MD5", "md5"), ("MD4", "md4"), ("MD2", "md2"), ("SHA", "sha1"),
                                ("SHA1", "sha1"), ("SHA224", "sha224"), ("SHA256", "sha256"),
                                ("SHA384", "sha384"), ("SHA512", "sha512")):
        HASH_CALLS[f"{_pkg}.Hash.{_module}.new"] = (_algorithm, 0)
HASH_CALLS[f"{CRYPTOGRAPHY}.hashes.MD5"] = ("md5", None)
HASH_CALLS[f"{CRYPTOGRAPHY}.hashes.SHA1"] = ("sha1", None)
HASH_CALLS = with_bare_names(HASH_CALLS)
# Words that make a destination a stored password hash (`hashed_password`, `hash_password()`).
_HASHING_WORDS = frozenset({"hash", "hashed", "hashes", "digest", "encrypt", "encrypted",
                            "crypt", "hashing", "check", "verify"})


def _algorithm(ctx, call) -> tuple[str, int | None] | None:
    if call.qualname == "hashlib.new":
        name = ctx.literal(call.arg(0, "name"))
        if not isinstance(name, str):
            return None
        return name.lower().replace("-", "").replace("_", "") \
            .replace("sha3", "sha3_").replace("shake", "shake_"), 1
    return lookup(ctx, call, HASH_CALLS)


def _password_hashed(ctx, data, dest) -> bool:
    if data is not None and any(is_password_name(name) for name in names_in(ctx, data)):
        return True
    if dest is None or dest.kind not in ("assign", "return", "keyword", "key"):
        return False
    parts = words(dest.name)
    return bool(PASSWORD_WORDS.intersection(parts) and _HASHING_WORDS.intersection(parts))


@on.call(*HASH_CALLS, "hashlib.new")
def hash_call(ctx, call) -> None:
    found = _algorithm(ctx, call)
    if found is None or ctx.literal(call.keywords.get("usedforsecurity")) is False:
        return
    algorithm, data_position = found
    data = call.arg(data_position, "data") or call.keywords.get("string") \
        if data_position is not None else None
    dest = destination(ctx, call.node)
    if data_position is not None and _password_hashed(ctx, data, dest):
        ctx.report(FAST_PASSWORD_HASH, call.node,
                   f"password hashed with `{call.name}`: a fast hash lets an attacker who "
                   "gets the hashes try billions of guesses per second; use a password hash "
                   "(argon2-cffi, bcrypt, `hashlib.scrypt`, or `hashlib.pbkdf2_hmac` with "
                   "600,000+ iterations) with a random salt per password")
        return
    if algorithm not in BROKEN_HASHES:
        return
    security = _security_use(ctx, data, dest)
    shown = algorithm.upper().replace("SHA", "SHA-")
    keyed = security and _keyed_use(ctx, call, dest)
    if keyed:
        ctx.report(WEAK_HASH, call.node,
                   f"{shown} (`{call.name}`) {keyed} from {security}; collisions do not break "
                   "that, but a named construction (HMAC-SHA-256, HKDF) says what it is",
                   severity=Severity.LOW, confidence=Confidence.LOW)
        return
    if security:
        ctx.report(WEAK_HASH, call.node,
                   f"{shown} (`{call.name}`) protects {security}, but {shown} collisions can "
                   "be computed; use SHA-256 (or HMAC-SHA-256 to sign)",
                   severity=Severity.HIGH, confidence=Confidence.MEDIUM,
                   fix=_stronger_hash_fix(ctx, call))
        return
    fix = None
    if call.qualname.startswith("hashlib."):
        edit = append_keyword_edit(ctx, call, "usedforsecurity=False")
        fix = Fix("Mark as not used for security (usedforsecurity=False, Python 3.9+)",
                  (edit,), safe=False) if edit else None
    ctx.report(WEAK_HASH, call.node,
               f"{shown} (`{call.name}`) is broken for security use; fine for checksums and "
               "cache keys: say so with `usedforsecurity=False`, otherwise use SHA-256", fix=fix)


# Functions of protocols that fix the hash themselves (POP3 APOP, SASL CRAM-MD5, HTTP
# Digest, NTLM): the code cannot choose another algorithm and still talk to the server.
PROTOCOL_MANDATED_FUNCTIONS = frozenset({"apop", "cram_md5", "digest_auth", "http_digest",
                                         "ntlm", "ntlm_response", "get_authorization"})
# Last word of a destination that holds derived key material (`self._key`, `hmac_key`);
# handed-out credentials (`api_key`, `access_key`) are tokens, not derived keys.
_KEY_WORDS = frozenset({"key", "subkey", "kek"})
_CREDENTIAL_WORDS = frozenset({"api", "access", "license", "licence", "session", "reset"})


def _keyed_use(ctx, call, dest) -> str:
    """'derives `_key`' / 'answers the APOP challenge' when a secret is hashed for a use
    that rests on pre-image resistance (a derived key, a protocol's challenge-response),
    which MD5 and SHA-1 still have; '' otherwise."""
    parts = words(dest.name) if dest is not None and dest.kind == "assign" else ()
    if parts and parts[-1] in _KEY_WORDS and not _CREDENTIAL_WORDS.intersection(parts):
        return f"derives `{dest.name}`"
    function = ctx.function_of(call.node)
    name = function.child_by_field_name("name") if function is not None and \
        function.type == "function_definition" else None
    if name is not None and ctx.text(name).lower().strip("_") in PROTOCOL_MANDATED_FUNCTIONS:
        return f"answers the `{ctx.text(name)}` challenge (the protocol fixes the hash)"
    return ""


def _security_use(ctx, data, dest) -> str:
    """What security-relevant value the hash protects ('`token`'), or ''."""
    if data is not None:
        for name in names_in(ctx, data):
            if is_security_name(name):
                return f"`{name}`"
    if dest is not None and is_security_name(dest.name, function=dest.kind == "return"):
        return f"`{dest.name}()`" if dest.kind == "return" else f"`{dest.name}`"
    return ""


def _stronger_hash_fix(ctx, call):
    if call.qualname == "hashlib.new":
        name = call.arg(0, "name")
        if name is not None and name.type == "string":
            return Fix("Use SHA-256", (replace_edit(ctx, name, '"sha256"'),), safe=False)
        return None
    if call.qualname.startswith("hashlib.") and call.func.type == "attribute":
        return Fix("Use SHA-256", (replace_edit(
            ctx, call.func.child_by_field_name("attribute"), "sha256"),), safe=False)
    return None


@on.method("update")
def password_fed_to_hash(ctx, call) -> None:
    made = bound_call(ctx, receiver(call))
    if made is None or made.node.id == call.node.id or _algorithm(ctx, made) is None:
        return
    data = call.arg(0)
    if data is not None and any(is_password_name(n) for n in names_in(ctx, data)):
        ctx.report(FAST_PASSWORD_HASH, call.node,
                   f"password fed to a `{made.name}` hash: a fast hash lets an attacker try "
                   "billions of guesses per second; use argon2-cffi, bcrypt, `hashlib.scrypt` "
                   "or `hashlib.pbkdf2_hmac` with 600,000+ iterations")


# Password-hash work factor: call -> (position, keyword, minimum, default when omitted).
KDF_WORK = {
    "hashlib.pbkdf2_hmac": (3, "iterations", 10_000, None),
    f"{CRYPTOGRAPHY}.kdf.pbkdf2.PBKDF2HMAC": (3, "iterations", 10_000, None),
    "bcrypt.gensalt": (0, "rounds", 10, None),
    **{f"{pkg}.Protocol.KDF.PBKDF2": (3, "count", 10_000, 1000) for pkg in PYCRYPTO},
}


@on.call(*KDF_WORK)
def weak_work_factor(ctx, call) -> None:
    position, keyword, minimum, default = KDF_WORK[call.qualname]
    node = call.arg(position, keyword)
    value = ctx.literal(node) if node is not None else default
    if not isinstance(value, int) or isinstance(value, bool) or value >= minimum or call.star_kwargs:
        return
    ctx.report(FAST_PASSWORD_HASH, node or call.node,
               f"`{call.name}` with {keyword}={value} is fast enough to brute-force; use at "
               f"least {minimum:,} (OWASP suggests 600,000 PBKDF2-SHA256 iterations, bcrypt "
               "rounds of 12)", severity=Severity.MEDIUM)


# -- ciphers and modes -----------------------------------------------------------------------

# Cipher constructor -> (cipher shown to the user, severity).
WEAK_CIPHERS: dict[str, tuple[str, Severity]] = {"pyDes.des": ("DES", Severity.HIGH),
                                                 "pyDes.triple_des": ("Triple DES", Severity.MEDIUM)}
for _pkg in PYCRYPTO:
    for _module, _shown, _severity in (
            ("DES", "DES", Severity.HIGH), ("DES3", "Triple DES", Severity.MEDIUM),
            ("ARC2", "RC2", Severity.HIGH), ("ARC4", "RC4", Severity.HIGH),
            ("Blowfish", "Blowfish", Severity.MEDIUM), ("CAST", "CAST5", Severity.MEDIUM),
            ("XOR", "XOR", Severity.HIGH)):
        WEAK_CIPHERS[f"{_pkg}.Cipher.{_module}.new"] = (_shown, _severity)
for _module in (f"{CRYPTOGRAPHY}.ciphers.algorithms", "cryptography.hazmat.decrepit.ciphers.algorithms"):
    for _name, _shown, _severity in (
            ("ARC4", "RC4", Severity.HIGH), ("TripleDES", "Triple DES", Severity.MEDIUM),
            ("Blowfish", "Blowfish", Severity.MEDIUM), ("IDEA", "IDEA", Severity.MEDIUM),
            ("CAST5", "CAST5", Severity.MEDIUM), ("SEED", "SEED", Severity.MEDIUM)):
        WEAK_CIPHERS[f"{_module}.{_name}"] = (_shown, _severity)
WEAK_CIPHERS = with_bare_names(WEAK_CIPHERS)

BLOCK_CIPHER_NEW = with_bare_names({f"{pkg}.Cipher.{name}.new": name for pkg in PYCRYPTO
                                    for name in ("AES", "DES", "DES3", "Blowfish", "CAST", "ARC2")})
ECB_CLASS = f"{CRYPTOGRAPHY}.ciphers.modes.ECB"


@on.call(*WEAK_CIPHERS)
def weak_cipher(ctx, call) -> None:
    found = lookup(ctx, call, WEAK_CIPHERS)
    if found is None:
        return
    shown, severity = found
    ctx.report(WEAK_CIPHER, call.node,
               f"{shown} (`{call.name}`) is broken or obsolete (short key or 64-bit block); "
               "use AES-GCM or ChaCha20-Poly1305 (`cryptography` AEAD classes)",
               severity=severity)


@on.call(*BLOCK_CIPHER_NEW)
def ecb_mode(ctx, call) -> None:
    if lookup(ctx, call, BLOCK_CIPHER_NEW) is None:
        return
    mode = call.arg(1, "mode")
    if mode is None:
        if len(call.positional) == 1 and not call.star_args and not call.star_kwargs:
            ctx.report(ECB_MODE, call.node,
                       f"`{call.name}(key)` without a mode is ECB in PyCrypto (and an error in "
                       "PyCryptodome); choose an authenticated mode such as `MODE_GCM`",
                       confidence=Confidence.MEDIUM)
        return
    if constant_name(ctx, mode).endswith("MODE_ECB"):
        ctx.report(ECB_MODE, mode,
                   f"ECB mode for `{call.name}` encrypts equal blocks to equal ciphertext, "
                   "leaking the plaintext's structure; use `MODE_GCM` (or CBC/CTR with a MAC)")


@on.call(ECB_CLASS)
def ecb_mode_class(ctx, call) -> None:
    ctx.report(ECB_MODE, call.node,
               "`modes.ECB()` encrypts equal blocks to equal ciphertext, leaking the "
               "plaintext's structure; use `AESGCM` or `modes.GCM(nonce)`")


# -- key sizes -------------------------------------------------------------------------------

_ASYMMETRIC = f"{CRYPTOGRAPHY}.asymmetric"
# Key generator -> (position, keyword, algorithm, size used when the argument is omitted).
KEY_GENERATORS: dict[str, tuple[int, str, str, int | None]] = {
    f"{_ASYMMETRIC}.rsa.generate_private_key": (1, "key_size", "RSA", None),
    f"{_ASYMMETRIC}.dsa.generate_private_key": (0, "key_size", "DSA", None),
    f"{_ASYMMETRIC}.dsa.generate_parameters": (0, "key_size", "DSA", None),
    "rsa.newkeys": (0, "nbits", "RSA", None),
    "paramiko.RSAKey.generate": (0, "bits", "RSA", None),
    "paramiko.rsakey.RSAKey.generate": (0, "bits", "RSA", None),
    "paramiko.DSSKey.generate": (0, "bits", "DSA", 1024),
    "paramiko.dsskey.DSSKey.generate": (0, "bits", "DSA", 1024),
    **{f"{pkg}.PublicKey.{alg}.generate": (0, "bits", alg, None)
       for pkg in PYCRYPTO for alg in ("RSA", "DSA")},
}
KEY_GENERATORS = with_bare_names(KEY_GENERATORS)
WEAK_CURVES = {f"{_ASYMMETRIC}.ec.{name}": name for name in ("SECP192R1", "SECT163K1", "SECT163R2")}
WEAK_CURVE_NAMES = frozenset({"p192", "p-192", "nist p-192", "secp192r1", "prime192v1"})
MIN_BITS = 2048


def _report_key_size(ctx, node, algorithm: str, bits: int, where: str) -> None:
    if bits >= MIN_BITS:
        return
    fix = None
    if node.type == "integer":
        fix = Fix("Use a 3072-bit key", (replace_edit(ctx, node, "3072"),), safe=False)
    ctx.report(WEAK_KEY_SIZE, node,
               f"{bits}-bit {algorithm} key from `{where}` can be factored or broken with "
               "today's means; use at least 2048 bits (3072 for use beyond 2030)",
               severity=Severity.HIGH if bits < 1024 else Severity.MEDIUM, fix=fix)


@on.call(*KEY_GENERATORS)
def weak_key_size(ctx, call) -> None:
    found = lookup(ctx, call, KEY_GENERATORS)
    if found is None:
        return
    position, keyword, algorithm, default = found
    node = call.arg(position, keyword)
    bits = ctx.literal(node) if node is not None else default
    if isinstance(bits, int) and not isinstance(bits, bool) and not call.star_args:
        _report_key_size(ctx, node or call.node, algorithm, bits, call.name)


@on.method("generate_key")
def openssl_weak_key(ctx, call) -> None:
    kind = constant_name(ctx, call.arg(0, "type")).rpartition(".")[2]
    if kind not in ("TYPE_RSA", "TYPE_DSA"):
        return
    node = call.arg(1, "bits")
    bits = ctx.literal(node)
    if isinstance(bits, int) and not isinstance(bits, bool):
        _report_key_size(ctx, node, kind[5:], bits, call.name)


@on.call(*WEAK_CURVES)
def weak_curve(ctx, call) -> None:
    ctx.report(WEAK_KEY_SIZE, call.node,
               f"elliptic curve {WEAK_CURVES[call.qualname]} is smaller than 224 bits; use "
               "SECP256R1 (P-256) or X25519/Ed25519")


@on.call(*(f"{pkg}.PublicKey.ECC.generate" for pkg in PYCRYPTO))
def weak_curve_name(ctx, call) -> None:
    curve = call.keywords.get("curve")
    name = ctx.literal(curve)
    if isinstance(name, str) and name.lower() in WEAK_CURVE_NAMES:
        ctx.report(WEAK_KEY_SIZE, curve,
                   f"curve {name} is under 224 bits; use P-256 or Ed25519")


# -- constant IVs, nonces and salts ----------------------------------------------------------

_IV = ((2, "iv"), (2, "IV"), (None, "nonce"))
_MODES = f"{CRYPTOGRAPHY}.ciphers.modes"
# Call -> where its IV/nonce goes: ((position, keyword), ...).
IV_ARGUMENTS: dict[str, tuple] = {name: _IV for name in BLOCK_CIPHER_NEW}
IV_ARGUMENTS.update({f"{_MODES}.{mode}": ((0, "initialization_vector"),)
                     for mode in ("CBC", "CFB", "CFB8", "OFB", "GCM")})
IV_ARGUMENTS[f"{_MODES}.CTR"] = ((0, "nonce"),)
for _pkg in PYCRYPTO:
    IV_ARGUMENTS[f"{_pkg}.Cipher.ChaCha20.new"] = ((None, "nonce"),)
    IV_ARGUMENTS[f"{_pkg}.Cipher.ChaCha20_Poly1305.new"] = ((None, "nonce"),)
    IV_ARGUMENTS[f"{_pkg}.Cipher.Salsa20.new"] = ((1, "nonce"),)
IV_ARGUMENTS = with_bare_names(IV_ARGUMENTS)
AEAD_CLASSES = frozenset(f"{CRYPTOGRAPHY}.ciphers.aead.{name}" for name in (
    "AESGCM", "ChaCha20Poly1305", "AESCCM", "AESOCB3", "AESGCMSIV"))
_KDF = f"{CRYPTOGRAPHY}.kdf"
# Key-derivation call -> (position, keyword) of its salt.
SALT_ARGUMENTS: dict[str, tuple[int | None, str]] = {
    "hashlib.pbkdf2_hmac": (2, "salt"),
    "hashlib.scrypt": (None, "salt"),
    "bcrypt.hashpw": (1, "salt"),
    "bcrypt.kdf": (1, "salt"),
    "argon2.low_level.hash_secret": (1, "salt"),
    "argon2.low_level.hash_secret_raw": (1, "salt"),
    "nacl.pwhash.argon2id.kdf": (2, "salt"),
    f"{_KDF}.pbkdf2.PBKDF2HMAC": (2, "salt"),
    f"{_KDF}.scrypt.Scrypt": (0, "salt"),
    f"{_KDF}.argon2.Argon2id": (None, "salt"),
    **{f"{pkg}.Protocol.KDF.{name}": (1, "salt") for pkg in PYCRYPTO
       for name in ("PBKDF2", "scrypt")},
}
SALT_ARGUMENTS = with_bare_names(SALT_ARGUMENTS)
BCRYPT_SALT_LENGTH = 29  # `$2b$12$` + 22 characters; a full hash (60) means "check a password"


def _first_argument(call, places):
    for position, keyword in places:
        node = call.arg(position, keyword)
        if node is not None:
            return node
    return None


def _report_constant_iv(ctx, call, node, what: str) -> None:
    ctx.report(STATIC_IV_OR_SALT, node,
               f"constant {what} passed to `{call.name}`: with a fixed {what} equal plaintexts "
               "encrypt alike and stream/GCM modes reveal the plaintext; generate a fresh one "
               "for every message (`os.urandom(16)`, `secrets.token_bytes(12)`) and send it "
               "with the ciphertext")


@on.call(*IV_ARGUMENTS)
def constant_iv(ctx, call) -> None:
    places = lookup(ctx, call, IV_ARGUMENTS)
    node = _first_argument(call, places) if places is not None else None
    if node is not None and is_constant(ctx, node):
        keyword = node.parent.child_by_field_name("name") if node.parent.type == "keyword_argument" else None
        what = ctx.text(keyword) if keyword is not None else "IV"
        _report_constant_iv(ctx, call, node, "nonce" if what == "nonce" else "IV")


@on.method("encrypt")
def constant_aead_nonce(ctx, call) -> None:
    made = bound_call(ctx, receiver(call))
    if made is None or made.qualname not in AEAD_CLASSES:
        return
    node = call.arg(0, "nonce")
    if node is not None and is_constant(ctx, node):
        _report_constant_iv(ctx, call, node, "nonce")


@on.call(*SALT_ARGUMENTS)
def constant_salt(ctx, call) -> None:
    position, keyword = SALT_ARGUMENTS[call.qualname]
    node = call.arg(position, keyword)
    if node is None or lookup(ctx, call, SALT_ARGUMENTS) is None or not is_constant(ctx, node):
        return
    value = ctx.literal(node)
    if call.qualname == "bcrypt.hashpw" and isinstance(value, str) and len(value) > BCRYPT_SALT_LENGTH:
        return
    ctx.report(STATIC_IV_OR_SALT, node,
               f"constant salt passed to `{call.name}`: every password then shares one salt, "
               "so one precomputed table cracks them all; use a random salt per password "
               "(`os.urandom(16)`, `bcrypt.gensalt()`) stored next to the hash",
               severity=Severity.MEDIUM)
