"""AIG6xx: supply chain — hallucinated, typosquatted, unvetted and undeclared packages;
known-vulnerable and stale versions.

These rules are decided once per run over the whole project (`aicodeguard.supply.check`
for names, `aicodeguard.supply.vulnerable` for versions), not per file: they need the
project's manifests, the package snapshot, the advisory data and the index.
"""

from ..model import Confidence, RuleInfo, Severity

# Files where package names are read: code imports, manifests, install instructions.
SUPPLY_LANGUAGES = ("python", "javascript", "typescript", "tsx", "requirements", "pyproject",
                    "setup-cfg", "pipfile", "package-json", "shell", "dockerfile", "markdown",
                    "notebook")

HALLUCINATED_PACKAGE = RuleInfo(
    id="AIG601",
    name="hallucinated-package",
    summary="Package does not exist on the index: anyone can register the name",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(829,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain", "slopsquatting"),
)
TYPOSQUAT_PACKAGE = RuleInfo(
    id="AIG602",
    name="typosquat-package",
    summary="Package name is a near-miss of a much more popular package",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(829,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain", "typosquatting"),
)
UNVETTED_PACKAGE = RuleInfo(
    id="AIG603",
    name="unvetted-package",
    summary="Package is brand new or has a single release and few users",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(1357,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain", "slopsquatting"),
)
UNDECLARED_IMPORT = RuleInfo(
    id="AIG604",
    name="undeclared-import",
    summary="Third-party import that no manifest of the project declares",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(1357,),
    languages=("python", "javascript", "typescript", "tsx", "notebook"),
    tags=("supply-chain",),
)
DEPRECATED_PACKAGE = RuleInfo(
    id="AIG605",
    name="deprecated-or-yanked-package",
    summary="Package is deprecated, archived or has every release yanked",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(1104,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain",),
)
DENIED_PACKAGE = RuleInfo(
    id="AIG606",
    name="denied-package",
    summary="Package is on the project's deny list",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(1357,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain", "policy"),
)
UNVERIFIED_PACKAGE = RuleInfo(
    id="AIG607",
    name="unverified-package",
    summary="Package could not be verified offline or online",
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    cwe=(1357,),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain",),
)
MALICIOUS_PACKAGE = RuleInfo(
    id="AIG608",
    name="removed-malicious-package",
    summary="Package was taken down by the registry after a malware report",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(506, 829),
    languages=SUPPLY_LANGUAGES,
    tags=("supply-chain", "malware"),
)

# Files where versions are written: manifests and lock files.
PIN_LANGUAGES = ("requirements", "pyproject", "setup-cfg", "pipfile", "package-json",
                 "lockfile")

VULNERABLE_DEPENDENCY = RuleInfo(
    id="AIG609",
    name="vulnerable-dependency",
    summary="Pinned version has a known vulnerability",
    severity=Severity.HIGH,  # per finding: from the advisories' CVSS score
    confidence=Confidence.HIGH,
    cwe=(1395,),
    languages=PIN_LANGUAGES,
    fixable=True,
    tags=("supply-chain", "vulnerability"),
)
ALLOWS_VULNERABLE_VERSIONS = RuleInfo(
    id="AIG610",
    name="allows-vulnerable-versions",
    summary="Version range allows versions with a known vulnerability",
    severity=Severity.MEDIUM,  # per finding: one step below what the pin would be
    confidence=Confidence.HIGH,
    cwe=(1395,),
    languages=PIN_LANGUAGES[:-1],
    fixable=True,
    tags=("supply-chain", "vulnerability"),
)
STALE_PIN = RuleInfo(
    id="AIG611",
    name="stale-pin",
    summary="Pinned version is several releases behind the latest known one",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(1104,),
    languages=PIN_LANGUAGES[:-1],
    tags=("supply-chain",),
)

# Decided from names (supply/check.py) and from versions (supply/vulnerable.py).
NAME_RULES = (HALLUCINATED_PACKAGE, TYPOSQUAT_PACKAGE, UNVETTED_PACKAGE, UNDECLARED_IMPORT,
              DEPRECATED_PACKAGE, DENIED_PACKAGE, UNVERIFIED_PACKAGE, MALICIOUS_PACKAGE)
VERSION_RULES = (VULNERABLE_DEPENDENCY, ALLOWS_VULNERABLE_VERSIONS, STALE_PIN)
RULES = NAME_RULES + VERSION_RULES
