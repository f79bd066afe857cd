"""The `custody` table of the configuration (`[tool.aicodeguard.custody]` in pyproject.toml,
`[custody]` in .aicodeguard.toml): how a team marks AI-assisted commits and what it
requires of them, of waivers and of the gate's own files.

Read here, from the same file `config.discover` picks (the nearest file with an
aicodeguard configuration), so the commit-msg step and `audit` need neither the engine
nor the rest of the configuration.  Unknown keys and wrong types are errors that name
the file and the key, with the key most like a typo.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass

from ..config import ConfigError, nearest, read_toml


@dataclass(frozen=True)
class CustodySettings:
    ai_markers: tuple[str, ...] = ()  # regular expressions that mark a message AI-assisted
    ai_identities: tuple[tuple[str, str], ...] = ()  # (tool, pattern) for Co-authored-by
    require_ai_disclosure: bool = False  # every commit says AI-assisted, or `AI-assisted: no`
    require_prompt_ref: bool = False  # AI-assisted commits carry `AI-Prompt-Ref:`
    require_waiver_owner: bool = False  # every waiver and suppression names an owner
    require_codeowners: bool = False  # AIG007 even without a CODEOWNERS file
    path: str | None = None  # the configuration file (None: defaults)


def _regexes(value, where):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip()
                                              for item in value):
        raise ConfigError(f"{where}: expected a list of regular expressions")
    for item in value:
        _compiles(item, where)
    return tuple(value)


def _compiles(pattern: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ConfigError(f"{where}: {pattern!r} is not a regular expression ({error})") \
            from None


def _identities(value, where):
    if not isinstance(value, list):
        raise ConfigError(f'{where}: expected a list of {{tool = "...", pattern = "..."}}')
    found = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != {"tool", "pattern"} \
                or not all(isinstance(v, str) and v.strip() for v in item.values()):
            raise ConfigError(f'{where} entry {number}: expected {{tool = "...", '
                              'pattern = "..."}} with both keys, non-empty')
        _compiles(item["pattern"], f"{where} entry {number}")
        found.append((item["tool"], item["pattern"]))
    return tuple(found)


def _boolean(value, where):
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


KEYS = {
    "ai-markers": ("ai_markers", _regexes),
    "ai-identities": ("ai_identities", _identities),
    "require-ai-disclosure": ("require_ai_disclosure", _boolean),
    "require-prompt-ref": ("require_prompt_ref", _boolean),
    "require-waiver-owner": ("require_waiver_owner", _boolean),
    "require-codeowners": ("require_codeowners", _boolean),
}


def parse_custody(table, where: str, path: str | None = None) -> CustodySettings:
    """Validate the custody table; `where` names it in messages (`[tool.aicodeguard.custody]`).
    Also usable as config.py's validator for the `custody` key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    problems, values = [], {}
    for key, value in table.items():
        if key not in KEYS:
            guess = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1,
                                              cutoff=0.6)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            problems.append(f"{where}: unknown key {key!r}{hint}; known keys: "
                            f"{', '.join(sorted(KEYS))}")
            continue
        name, validate = KEYS[key]
        try:
            values[name] = validate(value, f"{where} {key}")
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("; ".join(problems))
    return CustodySettings(path=path, **values)


def settings_from_file(path: str) -> CustodySettings | None:
    """The custody settings of one configuration file; None when it is a pyproject.toml
    without `[tool.aicodeguard]` (not a configuration at all)."""
    document = read_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool")
        table = tool.get("aicodeguard") if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            return None
        where = "[tool.aicodeguard.custody]"
    else:
        table, where = document, "[custody]"
    custody = table.get("custody", {})
    try:
        return parse_custody(custody, where, os.path.abspath(path))
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def load_custody(start: str, config_file: str | None = None) -> CustodySettings:
    """The settings for `start` (a file or folder), found as `config.discover` finds the
    configuration; `config_file`: the file named with --config instead."""
    if config_file:
        return settings_from_file(config_file) or CustodySettings()
    return nearest(start, settings_from_file, CustodySettings())
