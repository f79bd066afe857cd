"""Python checks for AIG5xx: web frameworks and configuration"""

from .checks import on  # noqa: F401
