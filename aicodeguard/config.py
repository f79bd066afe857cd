"""Project configuration: ``[tool.aicodeguard]`` in pyproject.toml or ``.aicodeguard.toml``.

Found by walking up from the scanned path; the nearest file that has a
configuration wins (``.aicodeguard.toml`` before ``pyproject.toml`` in the
same folder).  Unknown keys and wrong types are errors that name the file and
the key, so a typo never silently turns a check off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from .model import Severity
from .storage import tomllib

CONFIG_FILES = (".aicodeguard.toml", "pyproject.toml")

DEFAULT_TEST_PATHS = (
    "tests/*", "test/*", "testing/*", "*/tests/*", "*/test/*", "test_*.py", "*_test.py",
    "conftest.py", "*.test.js", "*.test.ts", "*.spec.js", "*.spec.ts", "*.test.tsx",
    "*.spec.tsx", "__tests__/*", "*/__tests__/*",
)
# Rules that are noise in test code: asserts, fake credentials and tokens, placeholder keys,
# demo accounts, temp files, broad excepts.
DEFAULT_TEST_IGNORE = ("AIG209", "AIG301", "AIG305", "AIG307", "AIG502", "AIG504", "AIG505",
                       "AIG513", "AIG514", "AIG551")


class ConfigError(Exception):
    """Invalid configuration; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("AIG",)
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.MEDIUM
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    test_ignore: tuple[str, ...] = DEFAULT_TEST_IGNORE
    offline: bool = False
    strict_suppressions: bool = True
    report_unused_suppressions: bool = True
    respect_gitignore: bool = True
    max_file_size: int = 5 * 1024 * 1024
    cache: bool = True
    jobs: int = 0  # 0: one per core
    # Supply-chain policy (see README, "Supply-chain checks").
    private_packages: tuple[str, ...] = ()
    allow_packages: tuple[str, ...] = ()
    deny_packages: tuple[str, ...] = ()
    network_deadline: float = 3.0
    # Where the configuration came from (None: defaults).
    path: str | None = None

    @property
    def root(self) -> str:
        """Folder that relative patterns in the configuration are relative to."""
        return os.path.dirname(self.path) if self.path else os.getcwd()

    def with_overrides(self, **changes) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _severity(value, where):
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected one of low, medium, high, critical")
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _strings(value, where):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _ids(value, where):
    return tuple(item.upper() for item in _strings(value, where))


def _boolean(value, where):
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def _positive_int(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: expected a non-negative integer")
    return value


def _seconds(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number of seconds")
    return float(value)


def _per_file(value, where):
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of glob = [rule ids]")
    return {pattern: _ids(ids, f"{where}.{pattern!r}") for pattern, ids in value.items()}


# TOML key -> (dataclass field, validator)
KEYS = {
    "select": ("select", _ids),
    "ignore": ("ignore", _ids),
    "fail-on": ("fail_on", _severity),
    "exclude": ("exclude", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "test-paths": ("test_paths", _strings),
    "test-ignore": ("test_ignore", _ids),
    "offline": ("offline", _boolean),
    "strict-suppressions": ("strict_suppressions", _boolean),
    "report-unused-suppressions": ("report_unused_suppressions", _boolean),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "max-file-size": ("max_file_size", _positive_int),
    "cache": ("cache", _boolean),
    "jobs": ("jobs", _positive_int),
    "private-packages": ("private_packages", _strings),
    "allow-packages": ("allow_packages", _strings),
    "deny-packages": ("deny_packages", _strings),
    "network-deadline": ("network_deadline", _seconds),
}


def parse_table(table: dict, path: str, section: str) -> Config:
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(f"{path}: unknown key {key!r} in {section} (known keys: {known})")
        name, validate = KEYS[key]
        values[name] = validate(value, f"{path}: {section} {key}")
    return Config(path=path, **values)


def load_file(path: str) -> Config | None:
    """The configuration in `path`; None when it is a pyproject.toml without one."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    if os.path.basename(path) == "pyproject.toml":
        table = document.get("tool", {}).get("aicodeguard")
        if table is None:
            return None
        section = "[tool.aicodeguard]"
    else:
        table, section = document, "the file"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {section} must be a table")
    return parse_table(table, os.path.abspath(path), section)


def discover(start: str) -> Config:
    """The configuration that applies to `start` (a file or folder), or the defaults."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                config = load_file(candidate)
                if config is not None:
                    return config
        parent = os.path.dirname(folder)
        if parent == folder:
            return Config()
        folder = parent
