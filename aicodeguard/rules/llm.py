"""AIG8xx: LLM applications — model output used as code, commands or SQL; unsafe model loading."""

from ..model import Confidence, RuleInfo, Severity

LLM_OUTPUT_TO_CODE = RuleInfo(
    id="AIG801",
    name="llm-output-executed-as-code",
    summary="LLM output reaches eval/exec or another code-execution sink",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(94, 95),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("llm", "injection"),
)
LLM_OUTPUT_TO_SHELL = RuleInfo(
    id="AIG802",
    name="llm-output-run-as-shell-command",
    summary="LLM output reaches a shell or process-spawning call",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(78,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("llm", "injection"),
)
LLM_OUTPUT_TO_SQL = RuleInfo(
    id="AIG803",
    name="llm-output-run-as-sql",
    summary="LLM output is executed as (part of) an SQL query",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(89,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("llm", "injection"),
)

# AIG804–AIG819: LLM-application configuration (model loading, agents, prompts).
# AIG808 is reserved for "LLM output rendered as HTML" (see AIG509 for now).
TRUST_REMOTE_CODE = RuleInfo(
    id="AIG804",
    name="model-loaded-with-trust-remote-code",
    summary="Model or dataset is loaded with trust_remote_code=True, running Python from its repository",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(494,),
    languages=("python",),
    fixable=True,
    tags=("llm", "ml", "supply-chain"),
)
DANGEROUS_DESERIALIZATION = RuleInfo(
    id="AIG805",
    name="langchain-dangerous-deserialization-allowed",
    summary="LangChain unpickles a stored index (allow_dangerous_deserialization=True) "
            "or rebuilds objects from outside data",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(502,),
    languages=("python",),
    tags=("llm", "deserialization"),
)
AGENT_CODE_EXECUTION = RuleInfo(
    id="AIG806",
    name="llm-agent-with-code-execution",
    summary="LLM agent is given a Python REPL, a shell or unsandboxed code execution",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(94, 78),
    languages=("python",),
    tags=("llm", "agents"),
)
SYSTEM_PROMPT_INJECTION = RuleInfo(
    id="AIG807",
    name="request-data-in-system-prompt",
    summary="Request data is placed in the system prompt, where it carries the developer's authority",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(1427,),
    languages=("python", "javascript", "typescript", "tsx"),
    tags=("llm", "prompt-injection", "taint"),
)
AGENT_UNRESTRICTED_REQUESTS = RuleInfo(
    id="AIG809",
    name="llm-agent-with-unrestricted-requests",
    summary="LLM agent may send HTTP requests to any URL it chooses (allow_dangerous_requests=True)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(918,),
    languages=("python",),
    tags=("llm", "agents", "network"),
)

RULES = (LLM_OUTPUT_TO_CODE, LLM_OUTPUT_TO_SHELL, LLM_OUTPUT_TO_SQL, TRUST_REMOTE_CODE,
         DANGEROUS_DESERIALIZATION, AGENT_CODE_EXECUTION, SYSTEM_PROMPT_INJECTION,
         AGENT_UNRESTRICTED_REQUESTS)
