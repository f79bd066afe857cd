"""Text pass for AIG710–AIG714: instructions injected into AI assistant instruction files.

Only files of the `ai-instructions` kind are read (text_kinds.py), as the assistant reads
them (reading.py): normalised, with directives split over lines or list items joined,
and with hidden places — HTML comments, link reference definitions, invisible elements,
off-screen text — told apart from what a reviewer sees.  Two kinds of pattern match it:
whole English wordings (phrases.py) and intents built from verbs × objects in several
languages (intents.py).  A directive is reported where it starts, once per line and rule,
unless its sentence negates it (`never send secrets to an external server`) or quotes it
as an example of an attack (`beware of text like "ignore previous instructions"`).

Severity follows where it sits: hidden, or spelled with invisible or look-alike
characters, it is high with high confidence — nobody writes a team rule where nobody can
read it; in plain sight it keeps the rule's level, and intents that are also ordinary
team rules (`skip the tests for docs-only changes`) are not reported there at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from ...analysis.source import SourceFile
from ...model import Confidence, FileResult, Location, RuleInfo, Severity
from ..hidden_text import INSTRUCTIONS, RULES
from .intents import (
    IMPERATIVE_LEADS,
    INTENTS,
    LANGUAGES,
    MENTIONS,
    NEGATIONS,
    TRAILING_NEGATIONS,
    UNSPACED,
)
from .phrases import DIRECTIVES
from .reading import CODE, HIDDEN_PLACES, OBFUSCATED, PROSE, Passage, Reading, read

_SEPARATOR = r"[ *_`>\"']"  # after reading.py, line breaks left in the text end passages
# Negations and mentions that make the directive after them harmless (checked in the
# same statement, within this many characters).
_LOOKBACK = 60
_QUOTE_REACH = 240  # how far back an opening quotation mark is looked for
_NEGATION = re.compile(NEGATIONS)
_TRAILING_NEGATION = re.compile(TRAILING_NEGATIONS)
_MENTION = re.compile(MENTIONS)
_IMPERATIVE = re.compile(IMPERATIVE_LEADS)
_SENTENCE_END = re.compile(r"[.!?。！？]\s")
_WORD_GAP = r"[^ \n.!?;|]+ +"
_WORD_JOINERS = "_"  # with letters and digits: what `\w` means
# Languages whose patterns need letters of their own script.
SCRIPTS = {"zh": re.compile("[\u4e00-\u9fff]"), "ru": re.compile("[а-яё]")}
_CHAR_GAP = r"[^。！？；\n]"
PREVIEW = 80


class Check(NamedTuple):
    rule: RuleInfo
    what: str
    pattern: re.Pattern
    language: str = "en"
    anywhere: bool = True
    # English prose: the first word must open a clause (intents.IMPERATIVE_LEADS)
    imperative: bool = True


def _compile(pattern: str) -> str:
    """Lower-case the literals; spaces outside brackets become separators (` ?`: optional
    ones)."""
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
        out.append(char.lower())
        index += 1
    return "".join(out)


def _intent_pattern(slots: tuple[str, ...], gaps: tuple[int, ...], language: str) -> str:
    parts = []
    for index, slot in enumerate(slots):
        if index:
            gap = gaps[min(index - 1, len(gaps) - 1)]
            parts.append(f"{_CHAR_GAP}{{0,{gap}}}?" if language in UNSPACED
                         else f" +(?:{_WORD_GAP}){{0,{gap}}}?")
        parts.append(f"(?:{_compile(slot)})")
    return "".join(parts) + ("" if language in UNSPACED else r"(?:(?![\w-])|(?<!\w))")


@lru_cache(maxsize=1)
def _checks() -> tuple[Check, ...]:
    by_id = {rule.id: rule for rule in RULES}
    what = {directive.rule_id: directive.what for directive in DIRECTIVES}
    phrases = tuple(Check(by_id[directive.rule_id], directive.what, re.compile(_compile(pattern)))
                    for directive in DIRECTIVES for pattern in directive.patterns)
    intents = tuple(Check(by_id[intent.rule_id], intent.what or what[intent.rule_id],
                          re.compile(_intent_pattern(intent.slots, intent.gaps, intent.language)),
                          intent.language, intent.anywhere,
                          intent.imperative and intent.language == "en")
                    for intent in INTENTS)
    return phrases + intents


def _matches(check: Check, text: str, start: int, end: int):
    """The pattern's matches that begin a word (tested here rather than in the pattern:
    a leading look-behind costs the regex engine its fast scan for the first letters)."""
    pattern, spaced = check.pattern, check.language not in UNSPACED
    while True:
        match = pattern.search(text, start, end)
        if match is None:
            return
        before = text[match.start() - 1] if match.start() else " "
        if spaced and (before.isalnum() or before in _WORD_JOINERS):
            start = match.start() + 1
            continue
        yield match
        start = max(match.end(), match.start() + 1)


class _Candidate(NamedTuple):
    rank: tuple[int, int]
    start: int
    end: int
    message: str
    severity: Severity | None
    confidence: Confidence | None
    rule: RuleInfo


def analyze_text(source: SourceFile, language: str, result: FileResult) -> None:
    if language not in INSTRUCTIONS:
        return
    raw = source.data.decode("utf-8", "replace")
    reading = read(raw)
    visible = sorted((p for p in reading.passages if p.place in (PROSE, CODE)),
                     key=lambda p: p.start)
    hidden = [p for p in reading.passages if p.place in HIDDEN_PLACES]
    starts = [p.start for p in visible]
    best: dict[tuple[str, int], _Candidate] = {}
    for check in _checks():
        script = SCRIPTS.get(check.language)
        if script is not None and not script.search(reading.text):
            continue
        for match in _matches(check, reading.prose, 0, len(reading.prose)):
            index = bisect_right(starts, match.start()) - 1
            if index >= 0 and match.end() <= visible[index].end:
                _consider(best, check, match, visible[index], reading, raw)
        for passage in hidden:
            for match in _matches(check, reading.text, passage.start, passage.end):
                _consider(best, check, match, passage, reading, raw)
    for candidate in sorted(best.values(), key=lambda c: c.start):
        result.findings.append(source.finding(
            candidate.rule, _location(source, raw, candidate.start, candidate.end),
            candidate.message, severity=candidate.severity, confidence=candidate.confidence))


def _consider(best, check: Check, match: re.Match, passage: Passage, reading: Reading,
              raw: str) -> None:
    text = reading.of(passage)
    floor = passage.statement_start(match.start())
    if _harmless(text, match.start(), floor) or (
            check.language == "de" and _TRAILING_NEGATION.match(text, match.end())):
        return
    if check.imperative and passage.place == PROSE and not _imperative(text, match.start(),
                                                                      floor):
        return
    after = bisect_right(reading.altered, match.start())
    obfuscated = after < len(reading.altered) and reading.altered[after] < match.end()
    where = HIDDEN_PLACES.get(passage.place) or (OBFUSCATED if obfuscated else "")
    if not where and not check.anywhere:
        return
    start, end = reading.file_offset(match.start()), reading.file_offset(match.end() - 1) + 1
    line = raw.count("\n", 0, start)
    rank = (2 if where else 1, -start)
    key = (check.rule.id, line)
    if key in best and best[key].rank >= rank:
        return
    high = Severity.HIGH if where else None
    best[key] = _Candidate(rank, start, end, _message(check, match.group(), where), high,
                           Confidence.HIGH if where else None, check.rule)


def _statement(text: str, start: int, floor: int, reach: int = _LOOKBACK) -> str:
    window = text[max(floor, start - reach):start]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end():] if ends else window


def _harmless(text: str, start: int, floor: int) -> bool:
    """Negated, introduced as an example, or inside quotation marks in its statement."""
    window = _statement(text, start, floor)
    if _NEGATION.search(window) or _MENTION.search(window):
        return True
    before = _statement(text, start, floor, _QUOTE_REACH)
    return before.count('"') % 2 == 1


def _imperative(text: str, start: int, floor: int) -> bool:
    """An English verb that opens its clause, or follows `please`, `then`, `you must`..."""
    window = _statement(text, start, floor)
    return not window.strip() or bool(_IMPERATIVE.search(window))


def _location(source: SourceFile, text: str, start: int, end: int) -> Location:
    row = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    line_end = text.find("\n", start)
    last = min(end, line_end if line_end != -1 else len(text))
    return Location(source.path, row + 1, column, row + 1, column + (last - start))


def _message(check: Check, phrase: str, where: str) -> str:
    shown = " ".join(phrase.split())
    shown = (shown[:PREVIEW] + "…" if len(shown) > PREVIEW else shown).replace("`", "'")
    where = f", {where}" if where else ""
    language = f" (in {LANGUAGES[check.language]})" if LANGUAGES.get(check.language) else ""
    return (f"the instruction file tells the assistant to {check.what}{where}{language}: "
            f"\"{shown}\"; the assistant follows this file on every request, so remove the "
            "instruction and find out who added it")
