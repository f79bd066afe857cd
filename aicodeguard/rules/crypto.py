"""AIG2xx: cryptography and TLS — weak hashes, ciphers and modes, disabled verification, weak randomness.

AIG201–AIG219 are shared by every language; AIG220–AIG229 are reserved for
JavaScript-only crypto rules.
"""

from ..model import Confidence, RuleInfo, Severity

PYTHON = ("python",)
PYTHON_AND_JS = ("python", "javascript", "typescript", "tsx")

TLS_VERIFICATION_DISABLED = RuleInfo(
    id="AIG201",
    name="tls-verification-disabled",
    summary="HTTP client told not to verify the server's TLS certificate",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(295,),
    languages=PYTHON_AND_JS,
    fixable=True,
    tags=("crypto", "tls"),
)
UNVERIFIED_SSL_CONTEXT = RuleInfo(
    id="AIG202",
    name="unverified-ssl-context",
    summary="SSL context or socket that skips certificate or hostname checks",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(295,),
    languages=PYTHON_AND_JS,
    fixable=True,
    tags=("crypto", "tls"),
)
INSECURE_TLS_VERSION = RuleInfo(
    id="AIG203",
    name="insecure-tls-version",
    summary="SSLv2/SSLv3/TLS 1.0/TLS 1.1 protocol version selected",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(327,),
    languages=PYTHON_AND_JS,
    fixable=True,
    tags=("crypto", "tls"),
)
WEAK_HASH = RuleInfo(
    id="AIG204",
    name="weak-hash-algorithm",
    summary="MD5, SHA-1 or another broken hash function is used",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(327, 328),
    languages=PYTHON_AND_JS,
    fixable=True,
    tags=("crypto",),
)
WEAK_CIPHER = RuleInfo(
    id="AIG205",
    name="weak-cipher",
    summary="Broken or obsolete cipher (DES, 3DES, RC2, RC4, Blowfish, CAST, IDEA, XOR)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(327,),
    languages=PYTHON_AND_JS,
    tags=("crypto",),
)
ECB_MODE = RuleInfo(
    id="AIG206",
    name="ecb-cipher-mode",
    summary="Block cipher used in ECB mode, which leaks patterns of the plaintext",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(327,),
    languages=PYTHON_AND_JS,
    tags=("crypto",),
)
WEAK_KEY_SIZE = RuleInfo(
    id="AIG207",
    name="weak-key-size",
    summary="RSA/DSA key shorter than 2048 bits or elliptic curve under 224 bits",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(326,),
    languages=PYTHON_AND_JS,
    fixable=True,
    tags=("crypto",),
)
STATIC_IV_OR_SALT = RuleInfo(
    id="AIG208",
    name="static-iv-nonce-or-salt",
    summary="Constant IV, nonce or salt passed to a cipher or key-derivation function",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(329, 1204, 760),
    languages=PYTHON_AND_JS,
    tags=("crypto",),
)
INSECURE_RANDOM = RuleInfo(
    id="AIG209",
    name="insecure-random-for-secret",
    summary="Predictable `random` values used for a token, password, key or code",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(330, 338),
    languages=PYTHON_AND_JS,
    tags=("crypto", "randomness"),
)
FAST_PASSWORD_HASH = RuleInfo(
    id="AIG210",
    name="password-hashed-with-fast-hash",
    summary="Password hashed with a fast general-purpose hash instead of a password hash",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(916, 759),
    languages=PYTHON_AND_JS,
    tags=("crypto", "password"),
)
JWT_NOT_VERIFIED = RuleInfo(
    id="AIG211",
    name="jwt-signature-not-verified",
    summary="JWT decoded without verifying its signature, or the `none` algorithm allowed",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(347,),
    languages=PYTHON_AND_JS,
    tags=("crypto", "auth"),
)
SSH_HOST_KEY_NOT_VERIFIED = RuleInfo(
    id="AIG212",
    name="ssh-host-key-not-verified",
    summary="SSH client accepts unknown host keys (AutoAddPolicy, WarningPolicy, known_hosts=None)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(295,),
    languages=PYTHON,
    fixable=True,
    tags=("crypto", "ssh"),
)
CLEARTEXT_PROTOCOL = RuleInfo(
    id="AIG213",
    name="cleartext-protocol",
    summary="Telnet, FTP or unencrypted SMTP/IMAP/POP3 session that sends credentials in the clear",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(319,),
    languages=PYTHON,
    tags=("crypto", "network"),
)
TIMING_UNSAFE_COMPARISON = RuleInfo(
    id="AIG214",
    name="timing-unsafe-comparison",
    summary="Secret, token, password hash or signature compared with `==` instead of a "
            "constant-time comparison",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(208,),
    languages=PYTHON_AND_JS,
    tags=("crypto", "auth"),
)
CLEARTEXT_CREDENTIALS_HTTP = RuleInfo(
    id="AIG215",
    name="cleartext-credentials-http",
    summary="Credentials or an API token sent over plain `http://` to a remote host",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(319, 523),
    languages=PYTHON_AND_JS,
    tags=("crypto", "network"),
)

RULES = (
    TLS_VERIFICATION_DISABLED, UNVERIFIED_SSL_CONTEXT, INSECURE_TLS_VERSION, WEAK_HASH,
    WEAK_CIPHER, ECB_MODE, WEAK_KEY_SIZE, STATIC_IV_OR_SALT, INSECURE_RANDOM,
    FAST_PASSWORD_HASH, JWT_NOT_VERIFIED, SSH_HOST_KEY_NOT_VERIFIED, CLEARTEXT_PROTOCOL,
    TIMING_UNSAFE_COMPARISON, CLEARTEXT_CREDENTIALS_HTTP,
)
