"""Where the strings and comments of a code file are, for the text passes.

Text passes get no syntax tree; the few that must know whether a character sits in code,
a string or a comment (a bidirectional control, a look-alike letter) ask here, and the
file is parsed then, once — only files holding such characters ever are.
"""

from __future__ import annotations

from ...analysis.source import SourceFile
from ...languages import GRAMMARS, parser

# Node types whose text is displayed data rather than code.
_TEXT_NODES = frozenset({"string", "template_string", "comment", "regex", "jsx_text",
                         "html_comment", "concatenated_string"})
# Code nested inside a string (f-string and template-literal substitutions).
_CODE_IN_TEXT = frozenset({"interpolation", "template_substitution"})


class CodeMap:
    def __init__(self, source: SourceFile, language: str):
        self.source = source
        self.language = language
        self._root = None

    @property
    def is_code(self) -> bool:
        return self.language in GRAMMARS

    def text_token(self, offset: int) -> tuple[int, int] | None:
        """(start, end) bytes of the string or comment around `offset`; None in code."""
        if self._root is None:
            self._root = parser(self.language).parse(self.source.data).root_node
        node = self._root.descendant_for_byte_range(offset, offset + 1)
        token = None
        while node is not None:
            kind = node.type
            if kind in _CODE_IN_TEXT:
                return token
            if kind in _TEXT_NODES:
                token = (node.start_byte, node.end_byte)
            node = node.parent
        return token
