"""AIG1xx: injection — SQL, shell, code, XPath, LDAP, headers, logs, regular expressions."""

from ..model import Confidence, RuleInfo, Severity

SQL_INJECTION = RuleInfo(
    id="AIG101",
    name="sql-built-from-strings",
    summary="SQL query built from strings at run time is passed to the database",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(89,),
    languages=("python",),
    tags=("injection",),
)

RULES = (SQL_INJECTION,)
