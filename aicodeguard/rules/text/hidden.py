"""Text pass for AIG701–AIG704 (hidden characters) and, through lookalikes.py, AIG705–AIG706.

What stays quiet, and why: right-to-left text in strings and comments that closes every
embedding and isolate it opens (it only displays Arabic or Hebrew), bidirectional marks
inside strings and prose, a joiner between emoji or inside a word of a script that needs
it, one variation selector after an emoji or ideograph, and the tag sequences of
subdivision flag emoji.  Everything else that hides is reported where it starts, with
tag and variation-selector payloads decoded into the message.
"""

from __future__ import annotations

from ...analysis.source import SourceFile
from ...model import Edit, FileResult, Fix
from ..hidden_text import (
    BIDI_CONTROL,
    INVISIBLE_CHARACTER,
    TAG_CHARACTERS,
    VARIATION_SELECTOR_PAYLOAD,
)
from . import lookalikes
from .code_map import CodeMap
from .unicode_data import (
    BIDI,
    BIDI_CLOSERS,
    BIDI_MARKS,
    BIDI_OPENERS,
    BLACK_FLAG,
    CANCEL_TAG,
    CLOSER_OF,
    HIDDEN_BYTES,
    JOINERS,
    OVERRIDES,
    describe,
    is_tag,
    variation_byte,
)

PREVIEW = 80  # characters of a decoded payload shown in a message
# A run of this many invisible characters is a payload (zero-width steganography), not a typo.
INVISIBLE_RUN = 2
# One character repeated (U+FE0F twice after an emoji, U+200B twice in a translation: what
# editors, keyboards and translators leave) carries no message; longer runs of it still count.
REPEATED_CHARACTER = 8
# Emoji and other pictographs: joiners and variation selectors belong next to them.
_PICTOGRAPHS = ((0x2600, 0x27BF), (0x1F000, 0x1FAFF), (0x2300, 0x23FF), (0x2B00, 0x2BFF))


_ASCII = bytes(range(128))


def analyze_text(source: SourceFile, language: str, result: FileResult) -> None:
    if source.is_ascii:
        return
    # The non-ASCII bytes alone, in order: a character's bytes stay together, so a file
    # without hidden characters is rejected after scanning only this (usually tiny) rest.
    rest = source.data.translate(None, _ASCII)
    code = CodeMap(source, language)
    if HIDDEN_BYTES.search(rest):
        result.findings.extend(_hidden_runs(source, code))
    if lookalikes.may_hold_lookalikes(rest):
        lookalikes.check(source, code, result)


def _hidden_runs(source: SourceFile, code: CodeMap):
    data = source.data
    for match in HIDDEN_BYTES.finditer(data):
        start, end = match.span()
        if start == 0 and data.startswith(b"\xef\xbb\xbf"):
            start += 3  # a byte-order mark opening the file
            if start == end:
                continue
        run = data[start:end].decode("utf-8")
        codes = [ord(char) for char in run]
        before = _char_before(data, start)
        after = _char_after(data, end)
        if any(is_tag(c) for c in codes):
            finding = _tags(source, start, end, codes, before)
            if finding is not None:
                yield finding
        selectors = [c for c in codes if variation_byte(c) is not None]
        if len(selectors) >= 2 and _carries_data(selectors):
            yield _variation_payload(source, start, end, codes)
        yield from _bidi(source, code, start, codes)
        finding = _invisible(source, code, start, codes, before, after)
        if finding is not None:
            yield finding




def _carries_data(run: list[int]) -> bool:
    """Whether a run of invisible characters can spell anything (see REPEATED_CHARACTER)."""
    return len(set(run)) > 1 or len(run) > REPEATED_CHARACTER


def _char_before(data: bytes, offset: int) -> str:
    begin = offset - 1
    while begin > 0 and begin > offset - 4 and 0x80 <= data[begin] < 0xC0:
        begin -= 1
    return data[max(begin, 0):offset].decode("utf-8", "replace")[-1:]


def _char_after(data: bytes, offset: int) -> str:
    return data[offset:offset + 4].decode("utf-8", "ignore")[:1]


def _remove(source: SourceFile, start: int, end: int, safe: bool) -> Fix:
    location = source.offset_location(start, end)
    return Fix("Remove the hidden characters",
               (Edit(location.line, location.column, location.end_line, location.end_column,
                     ""),), safe=safe)


def _preview(text: str) -> str:
    """Decoded hidden text as a message can show it: non-printing characters escaped."""
    shown = "".join(char if char.isprintable() else char.encode("unicode_escape").decode()
                    for char in text[:PREVIEW])
    return shown.replace("`", "'") + ("…" if len(text) > PREVIEW else "")


def _tags(source: SourceFile, start: int, end: int, codes: list[int], before: str):
    if before and ord(before) == BLACK_FLAG and codes and codes[-1] == CANCEL_TAG and all(
            is_tag(c) and (chr(c - 0xE0000).isalnum() or c == CANCEL_TAG) for c in codes):
        return None  # a subdivision flag emoji (🏴 + gbeng + cancel tag)
    hidden = "".join(chr(c - 0xE0000) for c in codes if 0xE0020 <= c <= 0xE007E)
    count = sum(1 for c in codes if is_tag(c))
    return source.finding(
        TAG_CHARACTERS, source.offset_location(start, end),
        f"{count} invisible Unicode tag characters spell out hidden text: `{_preview(hidden)}`; "
        "people see nothing but AI assistants and other programs read it; remove them",
        fix=_remove(source, start, end, safe=True))


def _variation_payload(source: SourceFile, start: int, end: int, codes: list[int]):
    payload = bytes(b for b in (variation_byte(c) for c in codes) if b is not None)
    text = payload.decode("utf-8", "replace")
    return source.finding(
        VARIATION_SELECTOR_PAYLOAD, source.offset_location(start, end),
        f"{len(payload)} variation selectors in a row carry hidden bytes (they decode to "
        f"`{_preview(text)}`); one selector picks a glyph, a run of them is a smuggled "
        "message: remove them", fix=_remove(source, start, end, safe=True))


def _bidi(source: SourceFile, code: CodeMap, start: int, codes: list[int]):
    """Bidirectional controls that reorder code, or that stay open past their string,
    comment or line."""
    offset = start
    for char_code in codes:
        if char_code in BIDI:
            why = _bidi_problem(source, code, offset, char_code)
            if why:
                size = len(chr(char_code).encode("utf-8"))
                yield source.finding(
                    BIDI_CONTROL, source.offset_location(offset, offset + size),
                    f"{describe(char_code)} {why}: the text displays in a different order "
                    "than it is read (Trojan Source, CVE-2021-42574); remove it, or write it "
                    "as an escape sequence",
                    fix=_remove(source, offset, offset + size, safe=False))
                return  # one finding per run
        offset += len(chr(char_code).encode("utf-8"))


def _bidi_problem(source: SourceFile, code: CodeMap, offset: int, char_code: int) -> str:
    if code.is_code:
        token = code.text_token(offset)
        if token is None:
            return "sits in code, outside any string or comment"
        if char_code in BIDI_MARKS:
            return ""
        return "is not closed within its string or comment" \
            if _unpaired(source.data, offset, token) else ""
    if char_code in BIDI_MARKS:
        return ""
    if char_code in OVERRIDES:
        return "reverses the text that follows it"
    row = source.row_of(offset)
    line_start = source.line_starts[row]
    line_end = line_start + len(source.line_bytes(row))
    return "is not closed on its line" if _unpaired(source.data, offset,
                                                     (line_start, line_end)) else ""


def _unpaired(data: bytes, offset: int, span: tuple[int, int]) -> bool:
    """Is the control at `offset` left open or closing nothing, within `span` and its line?"""
    start = max(span[0], data.rfind(b"\n", 0, offset) + 1)
    end = data.find(b"\n", offset)
    end = span[1] if end == -1 else min(end, span[1])
    text = data[start:end].decode("utf-8", "replace")
    target = len(data[start:offset].decode("utf-8", "replace"))
    stack: list[tuple[int, int]] = []  # (position, opener)
    for position, char in enumerate(text):
        value = ord(char)
        if value in BIDI_OPENERS:
            stack.append((position, value))
        elif value in BIDI_CLOSERS:
            if stack and CLOSER_OF[stack[-1][1]] == value:
                stack.pop()
            elif position == target:
                return True  # closes nothing
    return any(position == target for position, _ in stack)


def _invisible(source: SourceFile, code: CodeMap, start: int, codes: list[int],
               before: str, after: str):
    """Invisible characters that split a word, form a payload run, or sit in code."""
    invisible = [c for c in codes if c not in BIDI and not is_tag(c)
                 and variation_byte(c) is None]
    if not invisible:
        return None
    if len(invisible) >= INVISIBLE_RUN and _carries_data(invisible):
        why = (f"starts a run of {len(invisible)} invisible characters, enough to encode "
               "hidden data")
    elif before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        why = "splits a word, so it reads differently from how it looks"
    elif invisible[0] in JOINERS and (_beside_pictograph(before, after)
                                      or not (before.isascii() and after.isascii())):
        return None
    elif code.is_code and code.text_token(start) is None:
        why = "sits in code, where it makes names that look the same differ"
    else:
        return None
    end = start + sum(len(chr(c).encode("utf-8")) for c in codes)
    return source.finding(
        INVISIBLE_CHARACTER, source.offset_location(start, end),
        f"invisible {describe(invisible[0])} {why}; remove it",
        fix=_remove(source, start, end, safe=False))


def _beside_pictograph(before: str, after: str) -> bool:
    return any(low <= ord(char) <= high for char in (before, after) if char
               for low, high in _PICTOGRAPHS)
