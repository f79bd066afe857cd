"""An open document's text, and positions in the units each side counts in.

The engine counts 1-based lines and code-point columns; tree-sitter counts bytes
of UTF-8; the client counts in the position encoding negotiated at start-up
(UTF-16 unless the client offers another).  A line here ends at "\\n" (a
"\\r" before it belongs to the line break), as for tree-sitter and the engine.

The text is kept as a list of UTF-8 lines so a keystroke costs a few lines of
work, and every change is also described as a tree-sitter edit so the
document's syntax tree can be re-parsed incrementally.
"""

from __future__ import annotations

from typing import NamedTuple

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def client_units(text: str, encoding: str) -> int:
    """How many code units of `encoding` the client counts in `text`."""
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def to_client_column(line: str, codepoints: int, encoding: str) -> int:
    """Client units before code point `codepoints` (0-based) of `line`."""
    if line.isascii() or encoding == UTF32:
        return min(codepoints, len(line))
    return client_units(line[:codepoints], encoding)


def byte_column(content: bytes, units: int, encoding: str) -> int:
    """Byte offset into a line's `content` of a client column, clamped to the line
    and rounded down to a character boundary (a position inside a surrogate pair
    or a UTF-8 sequence is invalid)."""
    if units <= 0:
        return 0
    if content.isascii():
        return min(units, len(content))
    if encoding == UTF8:
        column = min(units, len(content))
        while column < len(content) and content[column] & 0xC0 == 0x80:
            column -= 1
        return column
    text = content.decode("utf-8", "replace")
    if encoding == UTF16:
        prefix = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
        text = prefix.decode("utf-16-le", "ignore")
    else:
        text = text[:units]
    return len(text.encode("utf-8", "surrogatepass"))


class TreeEdit(NamedTuple):
    """One change in the terms `tree_sitter.Tree.edit` takes."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their "\\n"; the last one has none and may be empty."""
    parts = data.split(b"\n")
    last = parts.pop()
    lines = [part + b"\n" for part in parts]
    lines.append(last)
    return lines


def line_content(line: bytes) -> bytes:
    return line.removesuffix(b"\n").rstrip(b"\r")


class Buffer:
    """The UTF-8 text of an open document, changed in place by LSP content changes."""

    __slots__ = ("encoding", "lines")

    def __init__(self, text: str, encoding: str):
        self.encoding = encoding
        self.lines = split_lines(_utf8(text))

    @property
    def data(self) -> bytes:
        return b"".join(self.lines)

    @property
    def size(self) -> int:
        return sum(map(len, self.lines))

    def point(self, line: int, character: int) -> tuple[int, int]:
        """(row, byte column) of a client position, clamped into the text."""
        last = len(self.lines) - 1
        if line > last:
            return last, len(line_content(self.lines[last]))
        row = max(line, 0)
        return row, byte_column(line_content(self.lines[row]), character, self.encoding)

    def replace_all(self, text: str) -> TreeEdit:
        old_end = (len(self.lines) - 1, len(self.lines[-1]))
        old_size = self.size
        self.lines = split_lines(_utf8(text))
        new_end = (len(self.lines) - 1, len(self.lines[-1]))
        return TreeEdit(0, old_size, self.size, (0, 0), old_end, new_end)

    def replace(self, start: tuple[int, int], end: tuple[int, int], text: str) -> TreeEdit:
        """Replace the text between two client positions ((line, character) pairs)."""
        srow, scol = self.point(*start)
        erow, ecol = self.point(*end)
        erow, ecol = max((erow, ecol), (srow, scol))  # a reversed range is an empty one
        lines = self.lines
        start_byte = sum(map(len, lines[:srow])) + scol
        old_end_byte = start_byte + sum(map(len, lines[srow:erow])) + ecol - scol
        inserted = _utf8(text)
        pieces = split_lines(lines[srow][:scol] + inserted + lines[erow][ecol:])
        if erow < len(lines) - 1:
            pieces.pop()  # the empty rest after the final "\n": the next line follows
        lines[srow:erow + 1] = pieces
        breaks = inserted.count(b"\n")
        if breaks:
            new_end_point = (srow + breaks, len(inserted) - inserted.rfind(b"\n") - 1)
        else:
            new_end_point = (srow, scol + len(inserted))
        return TreeEdit(start_byte, old_end_byte, start_byte + len(inserted),
                        (srow, scol), (erow, ecol), new_end_point)


def _utf8(text: str) -> bytes:
    # A lone surrogate (possible in JSON) cannot be UTF-8: it becomes U+FFFD, which
    # a UTF-16 client counts the same (one unit).
    return text.encode("utf-8", "replace")
