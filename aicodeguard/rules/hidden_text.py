"""AIG7xx: hidden text and prompt injection.

AIG701–AIG709: characters that make a file read differently from how it displays —
bidirectional controls (Trojan Source), invisible characters, tag and variation-selector
payloads, look-alike letters in identifiers and import names.  AIG710–AIG729:
instructions injected into the files that steer AI coding assistants.  Checks:
rules/text/hidden.py, lookalikes.py and injection.py (which reads files through
reading.py and matches phrases.py and intents.py).
"""

from ..model import Confidence, RuleInfo, Severity
from .secret_formats import ALL_KINDS, CODE

INSTRUCTIONS = ("ai-instructions",)


def _hidden(id, name, summary, severity, confidence, cwe, languages, tags,
            fixable=False) -> RuleInfo:
    return RuleInfo(id=id, name=name, summary=summary, severity=severity,
                    confidence=confidence, cwe=cwe, languages=languages, tags=tags,
                    fixable=fixable)


H, M = Severity.HIGH, Severity.MEDIUM

BIDI_CONTROL = _hidden(
    "AIG701", "bidirectional-control-character",
    "Bidirectional control character reorders how code or text displays (Trojan Source)",
    H, Confidence.HIGH, (838, 451), ALL_KINDS, ("unicode", "trojan-source"), fixable=True)
INVISIBLE_CHARACTER = _hidden(
    "AIG702", "invisible-character",
    "Zero-width or other invisible character inside code, a word or an identifier",
    M, Confidence.HIGH, (1007, 451), ALL_KINDS, ("unicode",), fixable=True)
TAG_CHARACTERS = _hidden(
    "AIG703", "unicode-tag-characters",
    "Invisible Unicode tag characters (U+E0000–U+E007F) spell out hidden ASCII text",
    H, Confidence.HIGH, (1427, 451), ALL_KINDS, ("unicode", "prompt-injection"), fixable=True)
VARIATION_SELECTOR_PAYLOAD = _hidden(
    "AIG704", "variation-selector-payload",
    "Run of invisible variation selectors encodes hidden bytes",
    H, Confidence.HIGH, (1427, 451), ALL_KINDS, ("unicode", "prompt-injection"), fixable=True)
CONFUSABLE_IDENTIFIER = _hidden(
    "AIG705", "confusable-identifier",
    "Identifier mixes scripts with look-alike letters (Cyrillic а in pаypal) or imitates "
    "another name",
    M, Confidence.HIGH, (1007,), (*CODE, *INSTRUCTIONS), ("unicode", "homoglyph"))
CONFUSABLE_IMPORT = _hidden(
    "AIG706", "confusable-import-name",
    "Imported module name contains letters that only look like ASCII",
    H, Confidence.HIGH, (1007, 829), CODE, ("unicode", "homoglyph", "supply-chain"), fixable=True)

INSTRUCTION_OVERRIDE = _hidden(
    "AIG710", "instruction-to-ignore-instructions",
    "AI instruction file tells the assistant to ignore its earlier, system or user "
    "instructions",
    H, Confidence.MEDIUM, (1427,), INSTRUCTIONS, ("prompt-injection",))
INSTRUCTION_FETCH = _hidden(
    "AIG711", "instruction-to-add-code-or-fetch-url",
    "AI instruction file tells the assistant to add a dependency or script, or to fetch "
    "and follow a URL",
    H, Confidence.MEDIUM, (1427, 829), INSTRUCTIONS, ("prompt-injection", "supply-chain"))
INSTRUCTION_DISABLE_SECURITY = _hidden(
    "AIG712", "instruction-to-disable-security",
    "AI instruction file tells the assistant to disable security checks, TLS verification, "
    "hooks or failing tests",
    M, Confidence.MEDIUM, (1427, 693), INSTRUCTIONS, ("prompt-injection",))
INSTRUCTION_EXFILTRATE = _hidden(
    "AIG713", "instruction-to-send-data-out",
    "AI instruction file tells the assistant to send environment variables, keys or files "
    "to an outside address",
    H, Confidence.MEDIUM, (1427, 200), INSTRUCTIONS, ("prompt-injection",))
INSTRUCTION_CONCEAL = _hidden(
    "AIG714", "instruction-to-hide-actions",
    "AI instruction file tells the assistant to hide what it does from the user",
    H, Confidence.MEDIUM, (1427, 451), INSTRUCTIONS, ("prompt-injection",))

RULES = (
    BIDI_CONTROL, INVISIBLE_CHARACTER, TAG_CHARACTERS, VARIATION_SELECTOR_PAYLOAD,
    CONFUSABLE_IDENTIFIER, CONFUSABLE_IMPORT, INSTRUCTION_OVERRIDE, INSTRUCTION_FETCH,
    INSTRUCTION_DISABLE_SECURITY, INSTRUCTION_EXFILTRATE, INSTRUCTION_CONCEAL,
)
