"""Project configuration: ``[tool.aicodeguard]`` in pyproject.toml or ``.aicodeguard.toml``.

Found by walking up from the scanned path; the nearest file that has a
configuration wins (``.aicodeguard.toml`` before ``pyproject.toml`` in the
same folder).  Unknown keys, unknown rule ids, wrong types and values out of
bounds are errors that name the file and the key (all of them at once), so a typo
never silently turns a check off.

The policy (`[tool.aicodeguard.policy]`, a `policy-file`, `--policy`, `--rego`) is
validated by `policy/native.py`; this module finds its files and decides whom to trust.
"""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass, field, replace

from .model import Confidence, Severity
from .policy.native import (
    MAX_POLICY_FILE_SIZE,
    POLICY_KEYS,
    PolicyError,
    PolicySettings,
    parse_policy,
)
from .reading import DEFAULT_MAX_FILE_SIZE, Unreadable, read_bytes
from .rules import selector_problems
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
    # A finding fails the run only when it is also at least this likely true (see
    # README, "Confidence"); the rest are reported as informational.
    fail_on_confidence: Confidence = Confidence.MEDIUM
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    test_ignore: tuple[str, ...] = DEFAULT_TEST_IGNORE
    offline: bool = False
    strict_suppressions: bool = True
    report_unused_suppressions: bool = True
    respect_gitignore: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache: bool = True
    jobs: int = 0  # 0: one per core
    # Supply-chain policy (see docs/supply-chain.md).
    private_packages: tuple[str, ...] = ()
    allow_packages: tuple[str, ...] = ()
    deny_packages: tuple[str, ...] = ()
    network_deadline: float = 3.0
    # Honour the scanned repository's own index settings (uv.toml, [tool.uv.index], the
    # project .npmrc)?  Only the user can say yes: never a configuration file found in the
    # repository (see docs/threat-model.md).
    project_indexes: bool = False
    # An OSV-compatible API for advisory look-ups of pinned versions, and the OSV exports
    # `advisories update` reads.  User-only: a repository must not choose where its pins
    # are sent, nor what advisory data the scanner trusts.
    advisory_url: str | None = None
    advisory_sources: tuple[str, ...] = ()
    # The chain-of-custody table (custody/settings.py: AI markers, disclosure, waiver
    # owners, CODEOWNERS); None: its defaults.
    custody: object = None
    # Policy as code (see docs/policy.md): gates a policy adds, Rego files to evaluate.
    policy: PolicySettings = PolicySettings()
    # A baseline file of accepted findings (absolute; `baseline = "path"` is relative to
    # the configuration file), used when `--baseline` is not given.
    baseline: str | None = None
    # Where the configuration came from (None: defaults).
    path: str | None = None

    @property
    def root(self) -> str:
        """Folder that relative patterns in the configuration are relative to."""
        return os.path.dirname(self.path) if self.path else os.getcwd()

    def with_overrides(self, **changes) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


MAX_JOBS = 256
MAX_FILE_SIZE_LIMIT = 1024 ** 3  # 1 GiB: larger files are not source code anyone reviews
MAX_NETWORK_DEADLINE = 30.0  # seconds; a commit hook must not wait longer on the network
# Only the user may set these: a configuration found inside the scanned repository is
# untrusted (DESIGN.md, "Trust boundary"), so there they are an error, never ignored.
USER_ONLY_KEYS = {
    "project-indexes": "project-indexes can only be set by you, not by a configuration inside "
                       "the repository being scanned: pass --project-indexes (or "
                       "AICODEGUARD_PROJECT_INDEXES=1), or name your own configuration file "
                       "with --config",
    **{key: f"{key} can only be set by you, not by a configuration inside the repository "
            "being scanned (it would choose where pinned versions are sent, or what "
            "advisory data is trusted): name your own configuration file with --config"
       for key in ("advisory-url", "advisory-sources")},
}


def _kind(value) -> str:
    """How a TOML value reads in an error message."""
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "an array", dict: "a table"}
    return next((name for type_, name in kinds.items() if isinstance(value, type_)),
                type(value).__name__)


def _severity(value, where):
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected one of low, medium, high, critical")
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _confidence(value, where):
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected one of low, medium, high")
    try:
        return Confidence.parse(value)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _string_list(value, where) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return value


def _http_url(value, where):
    if not isinstance(value, str) or not value.startswith(("https://", "http://")) \
            or len(value) > 2048:
        raise ConfigError(f"{where}: expected an http(s) URL")
    return value.rstrip("/")


def _custody(value, where):
    from .custody.settings import parse_custody  # it imports this module

    return parse_custody(value, where)


def _strings(value, where):
    value = _string_list(value, where)
    if any(not item.strip() for item in value):
        raise ConfigError(f"{where}: empty string in the list")
    return tuple(value)


def _ids(value, where):
    ids = tuple(item.upper() for item in _string_list(value, where))
    problems = selector_problems(ids)
    if problems:
        raise ConfigError(f"{where}: {'; '.join(problems)}")
    return ids


def _selection(value, where):
    ids = _ids(value, where)
    if not ids:
        raise ConfigError(f"{where}: empty, so no rule would run; list rules to turn off "
                          "in `ignore` instead")
    return ids


def _boolean(value, where):
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def _whole_number(low: int, high: int, unit: str = ""):
    def validate(value, where):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{where}: expected a whole number{unit} from {low} to {high}, "
                              f"got {value!r}")
        return value
    return validate


def _seconds(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0 < value <= MAX_NETWORK_DEADLINE:
        raise ConfigError(f"{where}: expected a positive number of seconds, at most "
                          f"{MAX_NETWORK_DEADLINE:g}, got {value!r}")
    return float(value)


def _per_file(value, where):
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of glob = [rule ids]")
    problems, table = [], {}
    for pattern, ids in value.items():
        try:
            if not pattern.strip():
                raise ConfigError(f"{where}: empty glob")
            table[pattern] = _ids(ids, f"{where}.{pattern!r}")
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("; ".join(problems))
    return table


# TOML key -> (dataclass field, validator)
KEYS = {
    "select": ("select", _selection),
    "ignore": ("ignore", _ids),
    "fail-on": ("fail_on", _severity),
    "fail-on-confidence": ("fail_on_confidence", _confidence),
    "exclude": ("exclude", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "test-paths": ("test_paths", _strings),
    "test-ignore": ("test_ignore", _ids),
    "offline": ("offline", _boolean),
    "strict-suppressions": ("strict_suppressions", _boolean),
    "report-unused-suppressions": ("report_unused_suppressions", _boolean),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "max-file-size": ("max_file_size", _whole_number(1, MAX_FILE_SIZE_LIMIT, " of bytes")),
    "cache": ("cache", _boolean),
    "jobs": ("jobs", _whole_number(0, MAX_JOBS)),
    "private-packages": ("private_packages", _strings),
    "allow-packages": ("allow_packages", _strings),
    "deny-packages": ("deny_packages", _strings),
    "network-deadline": ("network_deadline", _seconds),
    "project-indexes": ("project_indexes", _boolean),
    "advisory-url": ("advisory_url", _http_url),
    "advisory-sources": ("advisory_sources", _strings),
    "custody": ("custody", _custody),
    # Read by `_policy_settings` (they need the file's folder and whom to trust).
    "policy": ("policy", None),
    "policy-file": ("policy", None),
    # Read by `_baseline_path` (relative to the file's folder).
    "baseline": ("baseline", None),
}


def _unknown_keys(keys: list[str], section: str) -> str:
    """One message for every unknown key, each with the known key it most looks like."""
    hints = []
    for key in keys:
        if key in ("tool", "aicodeguard") and not section:
            hints.append(" (this file takes the keys at its top level)")
            continue
        if key in POLICY_KEYS:
            table = f"{section[:-1]}.policy]" if section else "[policy]"
            hints.append(f" (a policy key: it goes in the {table} table)")
            continue
        guess = difflib.get_close_matches(key.replace("_", "-").lower(), KEYS, n=1, cutoff=0.6)
        hints.append(f" (did you mean {guess[0]!r}?)" if guess else "")
    where = f" in {section}" if section else ""
    known = f"known keys: {', '.join(sorted(KEYS))}"
    if len(keys) == 1:
        return f"unknown key {keys[0]!r}{where}{hints[0]}; {known}"
    described = ", ".join(f"{key!r}{hint}" for key, hint in zip(keys, hints))
    return f"unknown keys{where}: {described}; {known}"


def parse_table(table: dict, path: str, section: str, *, trusted: bool = False) -> Config:
    """Validate every key of `table`; all problems are reported together in one error.

    `trusted`: the file was named by the user (`--config`), so keys in USER_ONLY_KEYS
    are allowed; a file found by walking up from the scanned path is not trusted.
    """
    problems = []
    unknown = [key for key in table if key not in KEYS]
    if unknown:
        problems.append(_unknown_keys(unknown, section))
    values = {}
    for key, value in table.items():
        if key not in KEYS or KEYS[key][1] is None:
            continue
        if key in USER_ONLY_KEYS and not trusted:
            problems.append(USER_ONLY_KEYS[key])
            continue
        where = f"{section} {key}" if section else key
        name, validate = KEYS[key]
        try:
            values[name] = validate(value, where)
        except ConfigError as error:
            problems.append(str(error))
    if "policy" in table or "policy-file" in table:
        values["policy"] = _policy_settings(table, path, section, trusted, problems)
    if "baseline" in table:
        key = f"{section} baseline" if section else "baseline"
        try:
            values["baseline"] = _baseline_path(table["baseline"], path, trusted, key)
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError(f"{path}: {'; '.join(problems)}")
    return Config(path=path, **values)


def _policy_settings(table: dict, path: str, section: str, trusted: bool,
                     problems: list[str]) -> PolicySettings:
    """The `policy` table and the `policy-file` of one configuration, both at once."""
    root = os.path.dirname(os.path.abspath(path))
    where = f"{section[:-1]}.policy]" if section else "[policy]"
    settings = PolicySettings()
    if "policy" in table:
        try:
            settings = _with_rego_paths(parse_policy(table["policy"], where), root, trusted,
                                        where, path)
        except (PolicyError, ConfigError) as error:
            problems.append(str(error))
    if "policy-file" in table:
        key = f"{section} policy-file" if section else "policy-file"
        value = table["policy-file"]
        try:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{key}: expected the path of a policy file (TOML)")
            shared, _ = load_policy_file(_inside(value, root, trusted, key), trusted=trusted)
            settings = settings.stricter(shared)
        except ConfigError as error:
            problems.append(str(error))
    return settings


def _baseline_path(value, path: str, trusted: bool, where: str) -> str:
    """The baseline file a configuration names, absolute.  It need not exist yet
    (`baseline create` writes it); a repository's configuration may only name one inside
    its own folder, as for policy files."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected the path of a baseline file (JSON)")
    root = os.path.dirname(os.path.abspath(path))
    resolved = os.path.normpath(os.path.join(root, os.path.expanduser(value) if trusted
                                             else value))
    if not trusted:
        real_root = os.path.realpath(root)
        if os.path.isabs(value) or os.path.commonpath(
                [os.path.realpath(resolved), real_root]) != real_root:
            raise ConfigError(f"{where}: {value!r} is outside the configuration's folder; a "
                              "configuration inside the repository may only name files "
                              "inside it (pass --baseline FILE)")
    return resolved


def _inside(name: str, root: str, trusted: bool, where: str) -> str:
    """The absolute path of a file a configuration names.  A configuration found inside
    the scanned repository may only name files inside its own folder (DESIGN.md, "Trust
    boundary"); the user's own (`--config`, `--policy`) may name any."""
    resolved = os.path.normpath(os.path.join(root, os.path.expanduser(name) if trusted
                                             else name))
    if not trusted:
        real = os.path.realpath(resolved)
        inside = os.path.commonpath([real, os.path.realpath(root)]) == os.path.realpath(root)
        if os.path.isabs(name) or not inside:
            raise ConfigError(f"{where}: {name!r} is outside the configuration's folder; a "
                              "configuration inside the repository may only name files "
                              "inside it (pass a shared policy with --policy or --rego)")
    if not os.path.isfile(resolved):
        raise ConfigError(f"{where}: {name!r}: no such file")
    return resolved


def _with_rego_paths(settings: PolicySettings, root: str, trusted: bool, where: str,
                     source: str) -> PolicySettings:
    problems, files = [], []
    for name in settings.rego:
        try:
            files.append(_inside(name, root, trusted, f"{where} rego"))
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("; ".join(problems))
    return replace(settings, rego=tuple(files), sources=(source,))


def load_policy_file(path: str, *, trusted: bool) -> tuple[PolicySettings, frozenset[str]]:
    """A standalone policy file (TOML with the policy table's keys at its top level, or in
    a `[policy]` table) and the keys it sets.  `trusted`: named by the user (`--policy`)."""
    try:
        too_large = os.path.getsize(path) > MAX_POLICY_FILE_SIZE
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    if too_large:
        raise ConfigError(f"{path}: policy file larger than {MAX_POLICY_FILE_SIZE // 1024} KiB")
    document = read_toml(path)
    table, where = document, ""
    if set(document) == {"policy"}:
        table, where = document["policy"], "[policy]"
    try:
        settings = parse_policy(table, where)
        settings = _with_rego_paths(settings, os.path.dirname(os.path.abspath(path)), trusted,
                                    where or "rego", os.path.abspath(path))
    except (PolicyError, ConfigError) as error:
        raise ConfigError(f"{path}: {error}") from None
    return settings, frozenset(table) & frozenset(POLICY_KEYS)


def with_user_policy(config: Config, policy_file: str | None,
                     rego_files: list[str] | None) -> Config:
    """The user's `--policy FILE` (its scalar keys replace the repository's, its lists add)
    and `--rego FILE`s (added)."""
    settings = config.policy
    if policy_file:
        user, keys = load_policy_file(os.path.abspath(policy_file), trusted=True)
        settings = settings.overridden_by(user, keys)
    if rego_files:
        paths = []
        for name in rego_files:
            if not os.path.isfile(name):
                raise ConfigError(f"--rego {name}: no such file")
            paths.append(os.path.abspath(name))
        settings = replace(settings, rego=tuple(dict.fromkeys((*settings.rego, *paths))))
    return replace(config, policy=settings) if settings is not config.policy else config


def _pyproject_table(document: dict, path: str) -> dict | None:
    """`[tool.aicodeguard]` of a pyproject.toml; None when it has none.  A table in the
    wrong shape or place is an error: a setting that is never read turns nothing on."""
    if "aicodeguard" in document:
        raise ConfigError(f"{path}: key 'aicodeguard' at the top level is not read; "
                          "aicodeguard's settings go in [tool.aicodeguard]")
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: key 'tool' must be a table ([tool.NAME] sections), "
                          f"found {_kind(tool)}")
    table = tool.get("aicodeguard")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'tool.aicodeguard' must be a table "
                          f"([tool.aicodeguard]), found {_kind(table)}")
    return table


def load_file(path: str, *, trusted: bool = False) -> Config | None:
    """The configuration in `path`; None when it is a pyproject.toml without one.

    `trusted`: the user named this file (`--config`); see `parse_table`.
    """
    document = read_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        table = _pyproject_table(document, path)
        if table is None:
            return None
        section = "[tool.aicodeguard]"
    else:
        table, section = document, ""
    return parse_table(table, os.path.abspath(path), section, trusted=trusted)


def read_settings_file(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE, *,
                       what: str = "") -> bytes:
    """The bytes of a file that steers the gate (configuration, policy, Rego, baseline,
    waivers, CODEOWNERS): a regular file of bounded size, never a FIFO or device that
    would block the run.  A ConfigError naming the file otherwise (exit 2)."""
    cannot = f"{path}: cannot read{' ' + what if what else ''}"
    if not os.path.lexists(path):
        raise ConfigError(f"{cannot} (no such file)")
    try:
        return read_bytes(path, max_size)
    except Unreadable as error:
        raise ConfigError(f"{cannot} ({error})") from None


def read_toml(path: str) -> dict:
    """A TOML file's document; a ConfigError naming the file when it cannot be read."""
    data = read_settings_file(path)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


def nearest(start: str, load, default):
    """`load(path)` of the nearest configuration file walking up from `start` (a file or
    folder) that holds a configuration (`load` returns None for one that does not, such
    as a pyproject.toml without the table); `default` when there is none."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                found = load(candidate)
                if found is not None:
                    return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return default
        folder = parent


def discover(start: str) -> Config:
    """The configuration that applies to `start` (a file or folder), or the defaults."""
    return nearest(start, load_file, Config())
