"""An AI instruction file as the assistant reads it: normalised text cut into passages.

The directive checks (injection.py) match this reading, not the raw file, so spelling
tricks and Markdown structure do not hide a directive:
  - invisible and bidirectional characters are dropped (`ign<ZWSP>ore` reads `ignore`),
    look-alike letters inside Latin words read as Latin (`іgnore` with a Cyrillic і),
    curly quotes as straight ones, and case is folded;
  - emphasis marks, list and quote markers and line breaks become spaces, so a
    directive split over lines or list items reads as one sentence.
Each passage says where its text sits, and so whether a person reading the rendered file
sees it: prose and code blocks are visible; HTML comments, link reference definitions
(`[//]: # (...)`), elements styled invisible and text pushed off-screen by a long run of
spaces are not.  Characters keep their offsets (`origin` maps them back when invisible
characters were dropped), so findings point at the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from .confusables import LOOKS_LATIN
from .unicode_data import BIDI, INVISIBLE, TAG_FIRST, TAG_LAST, VS_FIRST, VS_LAST

# Where text sits -> how a message says so ("" for text in plain sight).
PROSE, CODE = "prose", "code"
EXAMPLE = "example"  # a code block presented as an example (of an attack): not read as orders
HIDDEN_PLACES = {
    "comment": "inside an HTML comment, hidden when the file is rendered",
    "link": "in a link reference definition, which is never rendered",
    "element": "inside an HTML element styled to be invisible",
    "offscreen": "after a long run of spaces that pushes it out of view",
}
OBFUSCATED = "spelled with invisible or look-alike characters"

OFFSCREEN_RUN = 40  # spaces before text that an editor shows far right of the line
_DROPPED = re.compile("[" + "".join(f"\\U{code:08x}" for code in (*INVISIBLE, *BIDI)) +
                      f"\\U{VS_FIRST:08x}-\\U{VS_LAST:08x}\\U{TAG_FIRST:08x}-\\U{TAG_LAST:08x}]+")
_LOOKALIKE = re.compile("[" + "".join(LOOKS_LATIN) + "]")
_LOOKALIKE_WORD = re.compile(r"\w*[" + "".join(LOOKS_LATIN) + r"]\w*")
# A letter of another script that does not look Latin: the words around are that script.
_FOREIGN_LETTER = re.compile("(?![" + "".join(LOOKS_LATIN) + r"])[^\W\d_a-zA-Z\u00c0-\u024f]")
_NEIGHBOURHOOD = 20
_MARKS = str.maketrans({"*": " ", "\u00a0": " ", "\u3000": " ",
                        "\t": " ", "\u2018": "'", "\u2019": "'", "\u02bc": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                        "\u00bb": '"'})
_EDGE_UNDERSCORES = re.compile(r"(?<!\w)_+|_+(?!\w)")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_INVISIBLE_STYLE = (r"(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])"
                    r"|opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*(?:white|transparent|#fff(?:fff)?\b))")
_HIDDEN_ELEMENT = re.compile(
    r"<(\w+)\b[^>]*?(?:\sstyle\s*=\s*[\"'][^\"']*" + _INVISIBLE_STYLE + r"|\shidden\b)[^>]*>"
    r"(.*?)</\1\s*>", re.DOTALL)
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]\n]+\]: *\S+(?: +(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))? *$")
_LIST_MARKER = re.compile(r" {0,8}(?:(?:> ?)+|(?:[-+*]|\d{1,3}[.)]) +)+")
_OFFSCREEN = re.compile(r"[ \t]{%d,}(?=\S)" % OFFSCREEN_RUN)
_STATEMENT_END = re.compile(r"[.!?:;。！？；]\s*$")
# A line before a code block that presents it as an example or an attack to recognise.
_EXAMPLE_LEAD = re.compile(r"\b(?:examples?|e\.g\.|such as|like this|attacks?|injections?"
                           r"|malicious|adversarial|beware|watch (?:out )?for)\b")


class Passage(NamedTuple):
    start: int
    end: int
    place: str  # PROSE, CODE, EXAMPLE or a key of HIDDEN_PLACES
    # Where list items and statements on new lines begin: a negation before one of them
    # does not reach the words after it.
    breaks: tuple[int, ...] = ()

    def statement_start(self, offset: int) -> int:
        index = bisect_right(self.breaks, offset) - 1
        return self.breaks[index] if index >= 0 else self.start


class Reading(NamedTuple):
    text: str  # normalised; one character per character of the file, less dropped ones
    prose: str  # the same with hidden regions blanked and paragraphs joined into lines
    passages: list[Passage]
    origin: list[int] | None  # file offset of each character of `text`; None: the same
    altered: tuple[int, ...]  # sorted: where an invisible character was dropped or a
    # look-alike letter swapped

    def of(self, passage: Passage) -> str:
        return self.text if passage.place in HIDDEN_PLACES else self.prose

    def file_offset(self, offset: int) -> int:
        return offset if self.origin is None else self.origin[min(offset, len(self.origin) - 1)]


def read(raw: str) -> Reading:
    cased, origin, altered = _without_invisible(raw)
    if _LOOKALIKE.search(cased):
        cased, swapped = _as_latin(cased)
        altered |= swapped
    folded = cased.lower()
    if len(folded) != len(cased):  # a few letters lower to two characters (İ)
        folded = "".join(char if len(char.lower()) != 1 else char.lower() for char in cased)
    text = _EDGE_UNDERSCORES.sub(lambda m: " " * len(m.group()), folded.translate(_MARKS))
    chars = list(text)
    passages: list[Passage] = []
    fenced = _fenced(cased)
    for pattern, group, place in ((_COMMENT, 1, "comment"), (_HIDDEN_ELEMENT, 2, "element")):
        for match in pattern.finditer(text):
            if chars[match.start()] == "\x00" or _span_at(fenced, match.start()):
                continue  # inside an earlier hidden region, or code shown as it is
            passages.append(Passage(match.start(group), match.end(group), place))
            _blank(chars, match.start(), match.end())
    passages.extend(_blocks(cased, "".join(chars), chars, fenced))
    if passages and passages[0].place in HIDDEN_PLACES:  # join their lines too
        hidden = list(text)
        for passage in passages:
            if passage.place in HIDDEN_PLACES:
                hidden[passage.start:passage.end] = text[passage.start:passage.end].replace(
                    "\n", " ")
        text = "".join(hidden)
    return Reading(text, "".join(chars).replace("\x00", " "), passages, origin,
                   tuple(sorted(altered)))


def _fenced(cased: str) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (found before the structure is read, because a
    comment inside one is shown, not hidden)."""
    spans, fence, opened = [], "", 0
    for line in _FENCE_LINE.finditer(cased):
        mark = line.group(1)
        if not fence:
            fence, opened = mark, line.start()
        elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.group(2).strip():
            spans.append((opened, line.end()))
            fence = ""
    if fence:  # open to the end of the file
        spans.append((opened, len(cased) + 1))
    return spans


def _span_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    index = bisect_right(spans, (offset, float("inf"))) - 1
    return spans[index] if index >= 0 and offset < spans[index][1] else None


def _without_invisible(raw: str) -> tuple[str, list[int] | None, set[int]]:
    if not _DROPPED.search(raw):
        return raw, None, set()
    pieces, origin, altered, last = [], [], set(), 0
    for match in _DROPPED.finditer(raw):
        pieces.append(raw[last:match.start()])
        origin.extend(range(last, match.start()))
        altered.add(len(origin))
        last = match.end()
    pieces.append(raw[last:])
    origin.extend(range(last, len(raw)))
    return "".join(pieces), origin, altered


def _as_latin(text: str) -> tuple[str, set[int]]:
    """Swap look-alike letters in words that mix them with Latin letters, or consist of
    them only amid Latin words; words of Cyrillic or Greek prose keep their letters."""
    chars, swapped = list(text), set()
    for word in _LOOKALIKE_WORD.finditer(text):
        letters = word.group()
        lookalikes = [i for i, char in enumerate(letters) if char in LOOKS_LATIN]
        if (any(char.isascii() and char.isalpha() for char in letters) or (
                len(lookalikes) == len(letters) and not _FOREIGN_LETTER.search(
                    text, max(0, word.start() - _NEIGHBOURHOOD), word.end() + _NEIGHBOURHOOD))):
            for index in lookalikes:
                chars[word.start() + index] = LOOKS_LATIN[letters[index]]
                swapped.add(word.start() + index)
    return "".join(chars), swapped


def _blank(chars: list[str], start: int, end: int) -> None:
    """Remove a hidden region from the prose, keeping its line breaks and offsets."""
    for index in range(start, end):
        if chars[index] != "\n":
            chars[index] = "\x00"


def _blocks(cased: str, shown: str, chars: list[str], fenced: list[tuple[int, int]]):
    """Paragraphs, headings, table rows, code lines, link definitions and off-screen text.

    `cased` is the text before case folding (for Markdown syntax and capitals), `shown`
    the folded text without hidden regions; line breaks and list markers inside a
    paragraph become spaces in `chars`."""
    offset, paragraph, previous, code = 0, None, "", CODE
    for line in cased.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = shown[start:end].strip(" \x00\t")
        block = _span_at(fenced, start)
        if block is not None:
            if start == block[0]:  # the opening fence
                if paragraph is not None:
                    yield paragraph
                paragraph = None
                code = EXAMPLE if _EXAMPLE_LEAD.search(previous) else CODE
            elif stripped and end != block[1]:  # not the closing fence
                yield Passage(start, end, code)
            continue
        if not stripped or _LINK_DEFINITION.match(shown[start:end].rstrip(" \x00")):
            if paragraph is not None:
                yield paragraph
            paragraph = None
            if stripped:
                yield Passage(start, end, "link")
            continue
        far = _OFFSCREEN.search(line)
        if far:
            yield Passage(start + far.end(), end, "offscreen")
            _blank(chars, start + far.start(), end)
            end = start + far.start()
        marker = _LIST_MARKER.match(line)
        if marker:
            chars[start:start + marker.end()] = " " * marker.end()
        alone = stripped.startswith(("#", "|"))
        if paragraph is not None and not alone:
            chars[start - 1] = " "
            if marker or _STATEMENT_END.search(previous) or line.lstrip()[:1].isupper():
                paragraph = paragraph._replace(breaks=paragraph.breaks + (start,))
            paragraph = paragraph._replace(end=end)
        else:
            if paragraph is not None:
                yield paragraph
            paragraph = Passage(start, end, PROSE)
            if alone:
                yield paragraph
                paragraph = None
        previous = stripped
    if paragraph is not None:
        yield paragraph
