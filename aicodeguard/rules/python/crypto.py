"""Python checks for AIG2xx: cryptography and TLS"""

from .checks import on  # noqa: F401
