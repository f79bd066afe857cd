"""Python checks for AIG4xx: unsafe deserialization, unsafe model loading and XML external entities."""

from .checks import on  # noqa: F401
