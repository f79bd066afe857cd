"""The per-file analyzer for text kinds without a grammar (`.env`, configuration files,
AI instruction files): the text passes do the checking, this only reads package names.

An instruction file that tells the assistant to `pip install` or `npm install` something
is read like a Markdown file, so the supply-chain checks see those names.
"""

from __future__ import annotations

from ...analysis.source import SourceFile
from ...model import FileResult
from ...supply.shell import markdown_refs


def analyze(source: SourceFile, tree, result: FileResult) -> None:
    if result.language == "ai-instructions":
        result.imports.extend(markdown_refs(source))
