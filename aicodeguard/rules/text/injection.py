"""Text pass for AIG710–AIG714: instructions injected into AI assistant instruction files.

Only files of the `ai-instructions` kind are read (text_kinds.py).  A directive is
reported where it starts, once per line and rule, unless the sentence negates it
(`never send secrets to an external server`) or quotes it as an example of an attack
(`beware of text like "ignore previous instructions"`).  A directive inside an HTML
comment is called out: it is hidden when the Markdown is rendered, not from the model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...analysis.source import SourceFile
from ...model import FileResult, Location
from ..hidden_text import INSTRUCTIONS, RULES
from .phrases import DIRECTIVES

_SEPARATOR = r"[\s*_`>\"']"
# Negations and mentions that make the directive after them harmless (checked in the
# same sentence, within this many characters).
_LOOKBACK = 60
_NEGATION = re.compile(r"\b(?:never|not|no|avoid|without|prohibited|forbidden|refuse|cannot)\b"
                       r"|n't\b|\bmust not\b", re.IGNORECASE)
_MENTION = re.compile(r"(?:such as|like|e\.g\.|for example|phrases?|saying|says|contain(?:s|"
                      r"ing)?|warn\w* (?:about|of)|beware of|watch (?:out )?for|attempts? to|"
                      r"example)[\s:\"'`*(]*$|[\"'“‘]\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s|\n\s*\n|\n\s*[-*#\d]")
PREVIEW = 80


def _compile(pattern: str) -> re.Pattern:
    """Spaces outside brackets become separators (` ?`: optional ones)."""
    out, in_class, index = [], False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index:index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == " ":
            optional = pattern[index + 1:index + 2] == "?"
            out.append(f"{_SEPARATOR}*" if optional else f"{_SEPARATOR}+")
            index += 2 if optional else 1
            continue
        out.append(char)
        index += 1
    return re.compile("".join(out), re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled():
    by_id = {rule.id: rule for rule in RULES}
    return tuple((by_id[directive.rule_id], directive.what,
                  tuple(_compile(pattern) for pattern in directive.patterns))
                 for directive in DIRECTIVES)


def analyze_text(source: SourceFile, language: str, result: FileResult) -> None:
    if language not in INSTRUCTIONS:
        return
    text = source.data.decode("utf-8", "replace")
    comments = [(m.start(), m.end()) for m in re.finditer(r"<!--.*?-->", text, re.DOTALL)]
    for rule, what, patterns in _compiled():
        reported: set[int] = set()
        for pattern in patterns:
            for match in pattern.finditer(text):
                start = match.start()
                line = text.count("\n", 0, start) + 1
                if line in reported or _harmless(text, start):
                    continue
                reported.add(line)
                hidden = any(begin <= start < end for begin, end in comments)
                result.findings.append(source.finding(
                    rule, _location(source, text, start, match.end()),
                    _message(what, match.group(), hidden)))


def _harmless(text: str, start: int) -> bool:
    """Negated or quoted in its own sentence."""
    window = text[max(0, start - _LOOKBACK):start]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end():]
    return bool(_NEGATION.search(window) or _MENTION.search(window))


def _location(source: SourceFile, text: str, start: int, end: int) -> Location:
    row = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    line_end = text.find("\n", start)
    last = min(end, line_end if line_end != -1 else len(text))
    return Location(source.path, row + 1, column, row + 1, column + (last - start))


def _message(what: str, phrase: str, hidden: bool) -> str:
    shown = " ".join(phrase.split())
    shown = (shown[:PREVIEW] + "…" if len(shown) > PREVIEW else shown).replace("`", "'")
    where = " inside an HTML comment, hidden when the file is rendered," if hidden else ""
    return (f"the instruction file tells the assistant to {what}{where}: \"{shown}\"; the "
            "assistant follows this file on every request, so remove the instruction and "
            "find out who added it")
