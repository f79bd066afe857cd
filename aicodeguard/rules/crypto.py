"""AIG2xx: cryptography and TLS — weak hashes, ciphers and modes, disabled verification, weak randomness."""

RULES = ()
