"""The language server's document text: LSP changes in UTF-8/16/32 units, and the
tree-sitter edits they become (an incrementally re-parsed tree must equal a fresh parse)."""

from __future__ import annotations

import pytest

from aicodeguard.languages import parser
from aicodeguard.lsp_server.text import (
    UTF8,
    UTF16,
    UTF32,
    Buffer,
    byte_column,
    split_lines,
    to_client_column,
)

LINE = 'x = "é😀漢"  # café'


def units(text: str, encoding: str) -> int:
    """Independent reference: how the client counts `text`."""
    if encoding == UTF16:
        return len(text.encode("utf-16-le")) // 2
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text)


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_columns_round_trip_on_non_ascii_line(encoding):
    for codepoints in range(len(LINE) + 1):
        client = to_client_column(LINE, codepoints, encoding)
        assert client == units(LINE[:codepoints], encoding)
        assert byte_column(LINE.encode(), client, encoding) == len(LINE[:codepoints].encode())


def test_position_inside_a_character_rounds_down():
    content = "a😀b".encode()
    assert byte_column(content, 2, UTF16) == 1  # between the two halves of the emoji
    assert byte_column(content, 3, UTF16) == 5
    assert byte_column(content, 3, UTF8) == 1  # inside the 4-byte sequence
    assert byte_column(content, 99, UTF16) == len(content)  # past the end: clamped


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_incremental_changes_match_the_text_and_the_tree(encoding):
    text = 'def f(a):\n    s = "é😀"\n    return a\r\n\nprint(f(1))\n'
    buffer = Buffer(text, encoding)
    tree = parser("python").parse(buffer.data)
    changes = [  # (start line, start code point, end line, end code point, new text)
        (1, 10, 1, 10, "漢字"),                   # insert before the emoji
        (1, 8, 1, 9, ""),                         # delete the opening quote
        (0, 6, 2, 4, "b):\n    return 'ü'\n   "),  # replace across lines, CRLF line included
        (4, 0, 4, 0, "x = 1\n"),                  # insert a line
        (9, 0, 9, 0, "# end"),                    # past the last line: appended at the end
    ]
    for start_line, start_cp, end_line, end_cp, new in changes:
        lines = text.split("\n")
        start_line_clamped = min(start_line, len(lines) - 1)
        start = (start_line, units(lines[start_line_clamped][:start_cp], encoding)
                 if start_line < len(lines) else 0)
        end = (end_line, units(lines[min(end_line, len(lines) - 1)][:end_cp], encoding)
               if end_line < len(lines) else 0)
        offset = (sum(len(line) + 1 for line in lines[:start_line]) + start_cp
                  if start_line < len(lines) else len(text))
        end_offset = (sum(len(line) + 1 for line in lines[:end_line]) + end_cp
                      if end_line < len(lines) else len(text))
        text = text[:offset] + new + text[end_offset:]
        edit = buffer.replace(start, end, new)
        assert buffer.data == text.encode()
        assert buffer.lines == split_lines(buffer.data)  # one entry per line, always
        tree.edit(*edit)
        tree = parser("python").parse(buffer.data, tree)
        assert str(tree.root_node) == str(parser("python").parse(buffer.data).root_node)


def test_full_replacement_and_reversed_range():
    buffer = Buffer("a = 1\n", UTF16)
    edit = buffer.replace_all("b = 2\nc = 3")
    assert buffer.data == b"b = 2\nc = 3"
    assert (edit.start_byte, edit.old_end_byte, edit.new_end_byte) == (0, 6, 11)
    buffer.replace((1, 3), (0, 1), "X")  # end before start: an insertion at the start
    assert buffer.data == b"b = 2\nc =X 3"
