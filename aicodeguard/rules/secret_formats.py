"""AIG302–AIG319: secrets found by their format, in every text file aicodeguard reads.

AIG301 (rules/secrets.py) finds credentials in code by the name they are given;
these rules find them by what they look like — a provider's key format, a private key
block, a password inside a connection URL, a signed JWT — in code, configuration,
scripts and documents alike, plus credential-named settings in configuration files
and placeholders left where a credential belongs.  Checks: rules/text/secrets.py and
the Python/JavaScript placeholder checks.  Values appear only redacted.
"""

from ..model import Confidence, RuleInfo, Severity

CODE = ("python", "javascript", "typescript", "tsx")
CONFIG = ("dotenv", "config")
SCRIPTS = ("shell", "dockerfile")
MANIFESTS = ("requirements", "pyproject", "setup-cfg", "pipfile", "package-json")
DOCUMENTS = ("markdown", "notebook", "ai-instructions")
# Every kind of file a scan reads.
ALL_KINDS = (*CODE, *CONFIG, *SCRIPTS, *MANIFESTS, *DOCUMENTS)


def _secret(id, name, summary, severity, confidence, cwe, languages) -> RuleInfo:
    return RuleInfo(id=id, name=name, summary=summary, severity=severity,
                    confidence=confidence, cwe=cwe, languages=languages, tags=("secrets",))


KNOWN_FORMAT = _secret(
    "AIG302", "credential-in-known-format",
    "API key or token in its provider's format (AWS, GitHub, GitLab, OpenAI, Anthropic, "
    "Hugging Face, Stripe, Slack, Google and others)",
    Severity.HIGH, Confidence.HIGH, (798,), ALL_KINDS)
PRIVATE_KEY = _secret(
    "AIG303", "private-key-block",
    "PEM, OpenSSH or PGP private key written into a file",
    Severity.HIGH, Confidence.HIGH, (321, 798), ALL_KINDS)
URL_PASSWORD = _secret(
    "AIG304", "url-with-embedded-password",
    "Database or service URL carries a password (postgres://user:password@host)",
    Severity.HIGH, Confidence.MEDIUM, (798, 259), ALL_KINDS)
JWT_LITERAL = _secret(
    "AIG305", "jwt-literal",
    "Signed JSON Web Token written into a file",
    Severity.MEDIUM, Confidence.MEDIUM, (798,), (*CODE, *CONFIG, *SCRIPTS, "notebook"))
CONFIG_SECRET = _secret(
    "AIG306", "secret-in-configuration-file",
    "Credential-named setting in a configuration, .env or script file holds a real-looking "
    "value",
    Severity.HIGH, Confidence.MEDIUM, (798, 260), (*CONFIG, *SCRIPTS))
PLACEHOLDER = _secret(
    "AIG307", "placeholder-credential",
    "Credential written as a placeholder (your-api-key-here, changeme, <TOKEN>, sk-...) "
    "instead of being read from the environment",
    Severity.LOW, Confidence.MEDIUM, (798, 1393), (*CODE, "config"))

RULES = (KNOWN_FORMAT, PRIVATE_KEY, URL_PASSWORD, JWT_LITERAL, CONFIG_SECRET, PLACEHOLDER)
