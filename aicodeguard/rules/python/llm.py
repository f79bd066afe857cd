"""Python checks for AIG8xx: LLM applications (output-to-sink flows live with their sinks)."""

from .checks import on  # noqa: F401
