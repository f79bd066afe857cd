"""AIG1xx: injection — SQL, shell, code, XPath, LDAP, headers, logs, regular expressions."""

from ..model import LOCAL_INPUT, PARAMETER, REMOTE_INPUT, Confidence, RuleInfo, Severity

SQL_INJECTION = RuleInfo(
    id="AIG101",
    name="sql-built-from-strings",
    summary="SQL query built from strings at run time is passed to the database",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(89,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection",),
)
SHELL_INJECTION = RuleInfo(
    id="AIG102",
    name="shell-command-built-from-strings",
    summary="Shell command (or the program to run) is built from non-constant data",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(78,),
    languages=("python", "javascript", "typescript", "tsx"),
    fixable=True,
    tags=("injection", "shell"),
)
CODE_INJECTION = RuleInfo(
    id="AIG103",
    name="dynamic-code-execution",
    summary="Non-constant text is run as Python code (eval, exec, compile, interpreters)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(94, 95),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "code-execution"),
)
IMPORT_INJECTION = RuleInfo(
    id="AIG104",
    name="module-imported-from-untrusted-name",
    summary="Module name to import comes from request data or user input",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(470, 94),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "code-execution"),
)
XPATH_INJECTION = RuleInfo(
    id="AIG105",
    name="xpath-built-from-strings",
    summary="XPath expression is built from strings at run time",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(643,),
    languages=("python",),
    tags=("injection", "xml"),
)
LDAP_INJECTION = RuleInfo(
    id="AIG106",
    name="ldap-filter-built-from-strings",
    summary="LDAP search filter or base DN is built from unescaped strings",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(90,),
    languages=("python",),
    tags=("injection", "ldap"),
)
HEADER_INJECTION = RuleInfo(
    id="AIG107",
    name="response-header-from-untrusted-data",
    summary="Request data is written into an HTTP response header or cookie",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(113,),
    languages=("python",),
    tags=("injection", "web"),
)
LOG_INJECTION = RuleInfo(
    id="AIG108",
    name="log-entry-from-untrusted-data",
    summary="Request data is written into a log message without removing line breaks",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(117,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "logging"),
)
REGEX_INJECTION = RuleInfo(
    id="AIG109",
    name="regex-from-untrusted-data",
    summary="Regular expression is compiled from request data (ReDoS, pattern injection)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(1333, 730),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "dos"),
)
TEMPLATE_INJECTION = RuleInfo(
    id="AIG110",
    name="template-built-from-strings",
    summary="Server-side template source is built from data at run time (template injection)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(1336, 94),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "web", "code-execution"),
)
NOSQL_INJECTION = RuleInfo(
    id="AIG111",
    name="nosql-query-from-untrusted-data",
    summary="MongoDB query takes operators or JavaScript from request data",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(943,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "nosql"),
)
ARGUMENT_INJECTION = RuleInfo(
    id="AIG112",
    name="command-argument-from-untrusted-data",
    summary="Request data is passed as a program argument where it can be read as an option",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(88,),
    languages=("python", "javascript", "typescript", "tsx"),
    fixable=True,
    tags=("injection", "shell"),
)
XML_INJECTION = RuleInfo(
    id="AIG113",
    name="xml-injection",
    summary="XML document built by string formatting from request data (XML injection)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(91,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "xml"),
)
REDOS_PATTERN = RuleInfo(
    id="AIG114",
    name="redos-pattern",
    summary="Regular expression literal with nested or overlapping quantifiers (ReDoS)",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(1333,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("injection", "dos"),
)

RULES = (SQL_INJECTION, SHELL_INJECTION, CODE_INJECTION, IMPORT_INJECTION, XPATH_INJECTION,
         LDAP_INJECTION, HEADER_INJECTION, LOG_INJECTION, REGEX_INJECTION, TEMPLATE_INJECTION,
         NOSQL_INJECTION, ARGUMENT_INJECTION, XML_INJECTION, REDOS_PATTERN)


def code_read_details(where: str, language: str, runner: str, remote: bool,
                      advice: str) -> tuple[str, dict]:
    """(message, severity and evidence) for code text read from outside and run by
    `runner` (AIG103), the same in every language: from a socket or a URL whoever
    controls the other end runs code (high); from a file or stdin, whoever controls that
    input (medium)."""
    message = (f"{where} is run as {language} code by `{runner}`; whoever controls "
               f"{'the other end' if remote else 'that input'} runs any code in this "
               f"process: {advice}")
    return message, {"severity": Severity.HIGH if remote else Severity.MEDIUM,
                     "evidence": REMOTE_INPUT if remote else LOCAL_INPUT}


def redos_details(pattern: str, reason: str, applier: str, where: str, blocked: str,
                  remote: bool) -> tuple[str, dict]:
    """(message, rating) for a backtracking regular expression (AIG114), the same in every
    language: applied to request data it is a denial of service (medium, high
    confidence); to text of unknown origin, a weakness worth a look (low)."""
    message = (f"the regular expression `{pattern[:80]}` can take exponential time "
               f"({reason}); {applier} applies it to {where}: a crafted input of a few dozen "
               f"characters blocks {blocked}; rewrite it without nested or overlapping "
               "quantifiers, or limit the input length first")
    return message, {"severity": Severity.MEDIUM if remote else Severity.LOW,
                     "confidence": Confidence.HIGH if remote else Confidence.MEDIUM,
                     "evidence": REMOTE_INPUT if remote else PARAMETER}
