"""AIG3xx: hard-coded secrets.

AIG301 is found by name (a credential-named variable, key, parameter or
argument holding a string literal); AIG302 and up are reserved for
format-based secret rules.
"""

from ..model import Confidence, RuleInfo, Severity

HARD_CODED_SECRET = RuleInfo(
    id="AIG301",
    name="hard-coded-secret",
    summary="Password, token, API key or signing key written into the source as a literal",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(798, 259, 321),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("secrets",),
)

RULES = (HARD_CODED_SECRET,)
