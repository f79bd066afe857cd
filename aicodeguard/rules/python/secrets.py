"""Python checks for AIG3xx: hard-coded secrets."""

from .checks import on  # noqa: F401
