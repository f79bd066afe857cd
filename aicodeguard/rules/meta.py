"""AIG0xx: rules about the suppression comments themselves and bridged tools; AIG9xx:
rules that policy as code reports."""

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

# Waivers (`until=` / `owner=` on a suppression, entries of .aicodeguard-waivers.toml) and
# the files that control the gate; raised by waivers.py and custody/codeowners.py.
EXPIRED_WAIVER = RuleInfo(
    id="AIG005",
    name="expired-waiver",
    summary="Waiver past its expiry date no longer hides its finding",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=ALL_LANGUAGES,
    tags=("suppression", "waiver"),
)
WAIVER_WITHOUT_OWNER = RuleInfo(
    id="AIG006",
    name="waiver-without-owner",
    summary="Waiver names no owner who answers for the exception",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=ALL_LANGUAGES,
    tags=("suppression", "waiver"),
)
UNOWNED_GATE_FILE = RuleInfo(
    id="AIG007",
    name="unowned-gate-file",
    summary="Configuration, policy or waiver file has no CODEOWNERS entry to approve changes",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(284,),
    languages=ALL_LANGUAGES,
    tags=("suppression", "custody"),
)

RULES = (BLANKET_SUPPRESSION, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION, EXPIRED_WAIVER,
         WAIVER_WITHOUT_OWNER, UNOWNED_GATE_FILE)

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

# AIG9xx: policy as code (see policy/native.py and policy/rego.py).  No language: they are
# about the change as a whole (AIG901) or shown only when a policy asks (AIG902).
POLICY_DENIED = RuleInfo(
    id="AIG901",
    name="policy-denied",
    summary="A Rego policy (`rego = [...]`, --rego) denied the change",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(710,),
    languages=(),
    tags=("policy",),
)
PLAIN_HTTP_URL = RuleInfo(
    id="AIG902",
    name="plain-http-url",
    summary="Plain `http://` URL to a remote host in an HTTP client call or webhook setting "
            "(shown and failing under `require-https`)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(319,),
    languages=("python",),
    tags=("policy", "network"),
)

RULES = (*RULES, POLICY_DENIED, PLAIN_HTTP_URL)
