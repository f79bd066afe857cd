"""How AI assistance shows in commit messages: the identities assistants and their
integrations write into `Co-authored-by:` trailers, and the lines tools add.

A team adds its own markers in the configuration (`ai-markers`); these tables are the
conventions seen in the wild, matched case-insensitively.
"""

from __future__ import annotations

import re

# Co-authored-by: Name <email> — a trailer names an assistant when its name or e-mail
# matches one of these patterns.  (tool, pattern)
AI_IDENTITIES: tuple[tuple[str, str], ...] = (
    ("GitHub Copilot", r"\bcopilot\b"),
    ("Claude", r"\bclaude\b|@anthropic\.com"),
    ("Cursor", r"\bcursor\s*agent\b|@cursor\.(?:sh|com)"),
    ("OpenAI Codex", r"\bcodex\b|\bchatgpt\b|@openai\.com"),
    ("Gemini", r"\bgemini\b|\bjules\b"),
    ("Devin", r"\bdevin\b"),
    ("Aider", r"\baider\b"),
    ("Amazon Q", r"\bamazon\s*q\b|\bcodewhisperer\b"),
    ("Sourcegraph Cody", r"@sourcegraph\.com"),
    ("Tabnine", r"\btabnine\b"),
    ("Windsurf", r"\bwindsurf\b|\bcodeium\b"),
    ("Cline", r"\bcline\b"),
    ("OpenHands", r"\bopenhands\b"),
    ("JetBrains Junie", r"\bjunie\b"),
)

# Whole lines that tools write into the message body ("🤖 Generated with [Claude Code]…").
GENERATED_LINE = re.compile(
    r"^\W*(?:generated|created|written|authored|co-?authored)\s+(?:with|by|using)\s+\[?"
    r"(?P<tool>[A-Za-z][\w .-]{1,40}?)\]?(?:\(|\s*$|\s+\()", re.IGNORECASE | re.MULTILINE)

# Trailers that declare assistance outright (their value names the tool, or says yes).
DISCLOSURE_TRAILERS = ("assisted-by", "ai-assisted", "generated-by", "ai-tool", "ai-model",
                       "co-developed-by")
PROMPT_TRAILER = "ai-prompt-ref"
NEGATIVE_VALUES = frozenset({"no", "none", "false", "0", "n/a", "not ai-assisted"})

COMPILED_IDENTITIES = tuple((tool, re.compile(pattern, re.IGNORECASE))
                            for tool, pattern in AI_IDENTITIES)
