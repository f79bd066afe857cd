"""aicodeguard: a security linter for AI-written code."""

__version__ = "0.1.0"
