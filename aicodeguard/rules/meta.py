"""AIG0xx: rules about the suppression comments themselves."""

from ..model import Confidence, RuleInfo, Severity

ALL_LANGUAGES = ("python", "javascript", "typescript", "tsx")

BLANKET_SUPPRESSION = RuleInfo(
    id="AIG001",
    name="blanket-suppression",
    summary="Suppression comment without a rule id silences every rule on the line",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=ALL_LANGUAGES,
    tags=("suppression",),
)
SUPPRESSION_WITHOUT_REASON = RuleInfo(
    id="AIG002",
    name="suppression-without-reason",
    summary="Suppression comment does not say why the finding is safe",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=ALL_LANGUAGES,
    tags=("suppression",),
)
UNUSED_SUPPRESSION = RuleInfo(
    id="AIG003",
    name="unused-suppression",
    summary="Suppression comment no longer matches any finding",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=ALL_LANGUAGES,
    tags=("suppression",),
)

RULES = (BLANKET_SUPPRESSION, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION)

BANDIT_FINDING = RuleInfo(
    id="AIG090",
    name="bandit-finding",
    summary="Finding reported by bandit (scan --bandit) that no native rule covers",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(710,),
    languages=("python",),
    tags=("bandit",),
)

RULES = (*RULES, BANDIT_FINDING)
