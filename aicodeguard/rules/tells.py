"""Assistant tells: security-relevant leftovers AI assistants produce.

AIG004 sits with the suppression rules (AIG0xx): another tool's suppression comment
beside a dangerous line.  AIG550–AIG559 sit with the web rules: a route handler whose
security control is still a TODO, a default account with a literal password.  Checks:
rules/text/tells.py and the Python/JavaScript default-account checks.
"""

from ..model import Confidence, RuleInfo, Severity
from .secret_formats import CODE

SILENCED_WARNING = RuleInfo(
    id="AIG004",
    name="security-warning-silenced",
    summary="nosec, noqa: S…, nosemgrep or eslint-disable comment on a line with a dangerous "
            "call or finding",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=CODE,
    tags=("suppression", "assistant-tell"),
)
TODO_SECURITY_CONTROL = RuleInfo(
    id="AIG550",
    name="route-security-control-left-as-todo",
    summary="TODO/FIXME says authentication, authorization, validation or rate limiting is "
            "still missing at a route handler",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(306, 862, 20, 770),
    languages=CODE,
    tags=("web", "assistant-tell"),
)
DEFAULT_ACCOUNT = RuleInfo(
    id="AIG551",
    name="default-account-with-literal-password",
    summary="Application code creates or accepts a built-in account (admin/admin, a demo "
            "user) with a literal password",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(798, 1392),
    languages=CODE,
    tags=("web", "secrets", "assistant-tell"),
)

RULES = (SILENCED_WARNING, TODO_SECURITY_CONTROL, DEFAULT_ACCOUNT)
