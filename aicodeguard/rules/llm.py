"""AIG8xx: LLM applications — model output used as code, commands or SQL; unsafe model loading."""

from ..model import Confidence, RuleInfo, Severity

LLM_OUTPUT_TO_CODE = RuleInfo(
    id="AIG801",
    name="llm-output-executed-as-code",
    summary="LLM output reaches eval/exec or another code-execution sink",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(94, 95),
    languages=("python",),
    tags=("llm", "injection"),
)
LLM_OUTPUT_TO_SHELL = RuleInfo(
    id="AIG802",
    name="llm-output-run-as-shell-command",
    summary="LLM output reaches a shell or process-spawning call",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(78,),
    languages=("python",),
    tags=("llm", "injection"),
)
LLM_OUTPUT_TO_SQL = RuleInfo(
    id="AIG803",
    name="llm-output-run-as-sql",
    summary="LLM output is executed as (part of) an SQL query",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(89,),
    languages=("python",),
    tags=("llm", "injection"),
)

RULES = (LLM_OUTPUT_TO_CODE, LLM_OUTPUT_TO_SHELL, LLM_OUTPUT_TO_SQL)
