"""Find `name = value` settings in configuration-like text without parsing its format.

One pattern covers .env (`API_KEY=...`, `export API_KEY=...`), YAML (`api_key: ...`),
JSON (`"apiKey": "..."`), TOML and HCL (`api_key = "..."`), INI and Java properties
(`db.password=...`), Dockerfile `ENV`/`ARG` and shell assignments.  Only lines that
mention a credential word are matched at all, so a large JSON file costs one
lower-casing and one scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# A line is looked at only when it holds one of these (lower-cased).
_CREDENTIAL_WORD = re.compile(rb"pass|secret|token|key|credential|auth|pwd")
_SETTING = re.compile(rb"""
    (?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)      # the key
    ["']?[ \t]*(?::=|=>|=|:(?!//))[ \t]*       # closing quote of a quoted key, operator
    (?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'#;,{}\[\]]+)
""", re.VERBOSE)
# Values that refer to a secret kept elsewhere: interpolation, shell expansion, YAML tags,
# anchors and aliases, block scalars, encrypted values (sops, ansible-vault).
_REFERENCE = re.compile(r"\$|\{\{|%\(|^[!&*|>]|^ENC\[|^vault:|^AgB[A-Za-z0-9+/]{100}")


class Setting(NamedTuple):
    name: str
    value: str
    start: int  # byte offsets of the value (without its quotes)
    end: int


def settings(data: bytes) -> Iterator[Setting]:
    """Every `name (=|:) value` on a line that mentions a credential word."""
    lowered = data.lower()
    next_line = 0
    for word in _CREDENTIAL_WORD.finditer(lowered):
        if word.start() < next_line:
            continue
        line_start = data.rfind(b"\n", 0, word.start()) + 1
        line_end = data.find(b"\n", word.end())
        next_line = line_end = len(data) if line_end == -1 else line_end
        for match in _SETTING.finditer(data, line_start, line_end):
            start, end = match.span("value")
            raw = match.group("value")
            if raw[:1] in (b'"', b"'"):
                start, end = start + 1, end - 1
            yield Setting(match.group("name").decode("utf-8", "replace"),
                          data[start:end].decode("utf-8", "replace"), start, end)


def is_reference(value: str) -> bool:
    """Does the value point at a secret stored elsewhere instead of holding one?"""
    return bool(_REFERENCE.search(value))
