"""Which language a file is in, and the tree-sitter objects for it (loaded lazily).

Only the grammars a run actually needs are imported: each costs start-up time.
"""

from __future__ import annotations

import importlib
import os
import re

from .text_kinds import text_kind

# language -> (grammar module, function returning the language pointer)
GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
}

EXTENSIONS = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    # Kinds without a grammar: install instructions read for package names (supply/).
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".dockerfile": "dockerfile",
    ".md": "markdown", ".markdown": "markdown", ".ipynb": "notebook",
}

# Manifests recognised by their whole file name.
FILE_NAMES = {
    "pyproject.toml": "pyproject", "setup.cfg": "setup-cfg", "Pipfile": "pipfile",
    "package.json": "package-json", "Dockerfile": "dockerfile", "Containerfile": "dockerfile",
    # Lock files: their exact versions are checked for known vulnerabilities (supply/).
    **dict.fromkeys(("Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "package-lock.json",
                     "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"), "lockfile"),
}

_SHEBANG = re.compile(rb"^#![^\n]*?\b(python[0-9.]*|node|nodejs|deno|bun|bash|sh|zsh|dash)\b")
_SHEBANG_LANGUAGE = {"node": "javascript", "nodejs": "javascript", "deno": "typescript",
                     "bun": "javascript", "bash": "shell", "sh": "shell", "zsh": "shell",
                     "dash": "shell"}

_languages: dict = {}
_parsers: dict = {}


def language_for_name(path: str) -> str | None:
    """Language from the file name alone (None: maybe a shebang script)."""
    base = os.path.basename(path)
    kind = FILE_NAMES.get(base)
    if kind is not None:
        return kind
    stem, extension = os.path.splitext(base)
    extension = extension.lower()
    if extension in (".txt", ".in") and (
            stem.lower().startswith(("requirements", "constraints"))
            or os.path.basename(os.path.dirname(path)) == "requirements"):
        return "requirements"
    if base.startswith(("Dockerfile.", "Containerfile.")):
        return "dockerfile"
    language = EXTENSIONS.get(extension)
    if language is None or language == "markdown":  # AGENTS.md is an instruction file
        language = text_kind(path, base, extension) or language
    return language


def language_for_shebang(head: bytes) -> str | None:
    match = _SHEBANG.match(head)
    if match is None:
        return None
    interpreter = match.group(1).decode()
    return "python" if interpreter.startswith("python") else _SHEBANG_LANGUAGE[interpreter]


def ts_language(name: str):
    language = _languages.get(name)
    if language is None:
        from tree_sitter import Language

        module_name, function = GRAMMARS[name]
        module = importlib.import_module(module_name)
        language = _languages[name] = Language(getattr(module, function)())
    return language


def parser(name: str):
    result = _parsers.get(name)
    if result is None:
        from tree_sitter import Parser

        result = _parsers[name] = Parser(ts_language(name))
    return result
