"""AIG705 and AIG706: look-alike letters from other scripts in names (called by hidden.py).

A name is reported when it mixes Latin letters with letters of another script that
all imitate Latin ones (`pаypal` with a Cyrillic а), or when it is written entirely in
such letters and reads as a Latin name the same file uses.  Names in one script that
look like nothing else (`сумма`, `σ_max`, `名前`) stay quiet, and so do strings and
comments of code: only identifiers, import names and the words of AI instruction files
are read.  Each distinct name is reported once per file, where it first appears.
"""

from __future__ import annotations

import re
import unicodedata

from ...analysis.source import SourceFile
from ...model import Edit, FileResult, Fix, Location
from ..hidden_text import CONFUSABLE_IDENTIFIER, CONFUSABLE_IMPORT
from .code_map import CodeMap
from .confusables import CANDIDATE_BYTES, LOOKS_LATIN, skeleton

MIN_WHOLE_SCRIPT = 3  # shorter all-look-alike names (`α`, `ρ`) are maths, not disguises
_WORD = re.compile(r"\w+")
_PYTHON_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([^\s;]+)[ \t]+import\b|import[ \t]+([^\n#;]+))",
                            re.MULTILINE)
_JS_IMPORT = re.compile(r"""(?:\bfrom[ \t]*|\brequire\([ \t]*|\bimport\([ \t]*"""
                        r"""|^[ \t]*import[ \t]+)"""
                        r"""(['"])([^'"\n]+)\1""", re.MULTILINE)


def may_hold_lookalikes(non_ascii: bytes) -> bool:
    """Cheap test on the file's non-ASCII bytes: any Greek, Cyrillic, Armenian or Cherokee?"""
    return CANDIDATE_BYTES.search(non_ascii) is not None


def check(source: SourceFile, code: CodeMap, result: FileResult) -> None:
    if not (code.is_code or code.language == "ai-instructions"):
        return
    text = source.data.decode("utf-8", "replace")
    lines = _Lines(source, text)
    imported: set[int] = set()  # offsets of import names
    import_lines: set[int] = set()  # lines already reported as AIG706
    if code.is_code:
        for name, start in _import_names(text, code.language):
            if not name.isascii() and any(char in LOOKS_LATIN for char in name):
                finding = _import_finding(source, lines, name, start)
                result.findings.append(finding)
                import_lines.add(finding.location.line)
            imported.update(range(start, start + len(name)))
    seen: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii() or word in seen or match.start() in imported:
            continue
        if import_lines and lines.location(match.start(), 0).line in import_lines:
            seen.add(word)  # the name an AIG706 import binds: that finding says it
            continue
        kind = _disguise(word, text) if code.is_code else _mixed(word) and "mixed"
        if not kind:
            continue
        if code.is_code and code.text_token(lines.byte_offset(match.start())) is not None:
            continue
        seen.add(word)
        result.findings.append(source.finding(
            CONFUSABLE_IDENTIFIER, lines.location(match.start(), len(word)),
            _identifier_message(word, kind)))


class _Lines:
    """Positions in the decoded text as locations and byte offsets."""

    def __init__(self, source: SourceFile, text: str):
        self.source = source
        self.text = text

    def location(self, start: int, length: int) -> Location:
        row = self.text.count("\n", 0, start)
        column = start - (self.text.rfind("\n", 0, start) + 1) + 1
        return Location(self.source.path, row + 1, column, row + 1, column + length)

    def byte_offset(self, start: int) -> int:
        line_start = self.text.rfind("\n", 0, start) + 1
        row = self.text.count("\n", 0, start)
        return self.source.line_starts[row] + len(self.text[line_start:start].encode("utf-8"))


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _mixed(word: str) -> bool:
    """Latin letters plus other-script letters that all imitate Latin ones."""
    latin = other = False
    for char in word:
        if not char.isalpha():
            continue
        if _script(char) == "LATIN":
            latin = True
        elif char in LOOKS_LATIN:
            other = True
        else:
            return False
    return latin and other


def _disguise(word: str, text: str) -> str:
    """'mixed', 'whole' (all look-alikes, reading as a Latin name used in `text`) or ''."""
    if _mixed(word):
        return "mixed"
    letters = [char for char in word if char.isalpha()]
    if len(letters) < MIN_WHOLE_SCRIPT or not all(char in LOOKS_LATIN for char in letters):
        return ""
    latin = skeleton(word)
    return "whole" if re.search(rf"(?<!\w){re.escape(latin)}(?!\w)", text) else ""


def _details(word: str) -> str:
    shown = []
    for char in dict.fromkeys(char for char in word if char in LOOKS_LATIN):
        name = unicodedata.name(char, "").title().replace("Small ", "").replace("Letter ", "")
        shown.append(f"{char} (U+{ord(char):04X} {name}) looks like {LOOKS_LATIN[char]}")
        if len(shown) == 2:
            break
    return "; ".join(shown)


def _identifier_message(word: str, kind: str) -> str:
    latin = skeleton(word)
    if kind == "whole":
        how = f"is written in look-alike letters and reads as `{latin}`, a different name " \
              "used in this file"
    else:
        how = f"mixes Latin with look-alike letters of another script and reads as `{latin}`"
    return (f"`{word}` {how} ({_details(word)}); two names that look the same but differ hide "
            f"what the code calls; use `{latin}`")


def _import_names(text: str, language: str):
    """(module name, start) of each import in the file."""
    if language == "python":
        for match in _PYTHON_IMPORT.finditer(text):
            if match.group(1):
                yield match.group(1), match.start(1)
                continue
            offset = match.start(2)
            for part in match.group(2).split(","):
                name = part.strip().split(" ", 1)[0]
                if name:
                    yield name, offset + part.index(name)
                offset += len(part) + 1
    else:
        for match in _JS_IMPORT.finditer(text):
            if not match.group(2).startswith((".", "/")):
                yield match.group(2), match.start(2)


def _import_finding(source: SourceFile, lines: _Lines, name: str, start: int):
    latin = skeleton(name)
    location = lines.location(start, len(name))
    return source.finding(
        CONFUSABLE_IMPORT, location,
        f"imported module `{name}` reads as `{latin}` but is a different name "
        f"({_details(name)}): a look-alike package can be published under it; import "
        f"`{latin}`",
        fix=Fix(f"Import `{latin}`", (Edit(location.line, location.column, location.end_line,
                                            location.end_column, latin),), safe=False))
