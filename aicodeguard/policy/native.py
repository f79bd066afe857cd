"""Native policy as code: the `[tool.aicodeguard.policy]` table (or a shared policy file)
and what it makes fail.

A policy only ever adds reasons for a finding to fail the run; it never lets through
what `fail-on` would stop (so a repository's own policy is as safe to honour as the
user's).  Every reason has a name that the outputs show (`failed_by`):

- "fail-on": the ordinary gate (severity and confidence);
- "max-cvss", "deny-unknown-severity": a vulnerable dependency (AIG609/AIG610);
- "require-https": a plain `http://` URL (AIG902) or cleartext protocol (AIG213);
- "preset:NAME": a compliance preset's gate (medium severity and medium confidence);
- "rule:NAME" (or "rule:N", 1-based): a scoped `[[policy.rules]]` gate;
- "rego:FILE": a Rego policy's `deny` (AIG901, see `rego.py`).

Imports nothing that imports `config` (config.py validates the table with this module).
"""

from __future__ import annotations

import difflib
import fnmatch
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..compliance import PRESETS, preset_tags, tags
from ..model import Confidence, Finding, Severity
from ..rules import BY_ID, selector_problems

VULNERABLE_DEPENDENCY_RULES = ("AIG609", "AIG610")
HTTPS_RULES = ("AIG902", "AIG213")  # plain-http-url; cleartext-protocol (CWE-319)
PLAIN_HTTP_URL = "AIG902"
POLICY_DENIED = "AIG901"
# A preset fails every finding in its categories at or above these, whatever fail-on says.
PRESET_GATE = (Severity.MEDIUM, Confidence.MEDIUM)
MAX_POLICY_FILE_SIZE = 1024 * 1024
MAX_SCOPED_RULES = 1000
# `match` selectors besides rule ids and `CWE-n`: prefix -> what it names.
TAG_SELECTORS = ("owasp", "cwe-top25", "pci-dss", "tag")


class PolicyError(ValueError):
    """A policy key or value is invalid; config.py adds the file's name."""


@dataclass(frozen=True)
class ScopedGate:
    """One `[[policy.rules]]` entry: findings it matches fail at its own gate."""

    name: str
    match: tuple[str, ...] = ()  # empty: every finding
    paths: tuple[str, ...] = ()  # empty: everywhere
    fail_on: Severity | None = None  # None: the configuration's fail-on
    fail_on_confidence: Confidence | None = None


@dataclass(frozen=True)
class PolicySettings:
    max_cvss: float | None = None
    deny_unknown_severity: bool = False
    require_https: bool = False
    presets: tuple[str, ...] = ()
    rules: tuple[ScopedGate, ...] = ()
    rego: tuple[str, ...] = ()  # absolute paths of .rego files
    # Where the settings came from (files), for messages.
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        return bool(self.max_cvss is not None or self.deny_unknown_severity
                    or self.require_https or self.presets or self.rules)

    def stricter(self, other: PolicySettings) -> PolicySettings:
        """Both policies at once: the lower max-cvss, every switch either turns on, every
        preset, scoped gate and Rego file of both."""
        limits = [v for v in (self.max_cvss, other.max_cvss) if v is not None]
        return PolicySettings(
            max_cvss=min(limits) if limits else None,
            deny_unknown_severity=self.deny_unknown_severity or other.deny_unknown_severity,
            require_https=self.require_https or other.require_https,
            presets=_union(self.presets, other.presets),
            rules=self.rules + tuple(replace(gate, name=_renamed(gate, len(self.rules)))
                                     for gate in other.rules),
            rego=_union(self.rego, other.rego),
            sources=_union(self.sources, other.sources),
        )

    def overridden_by(self, user: PolicySettings, keys: frozenset[str]) -> PolicySettings:
        """The user's `--policy`: the scalar keys it sets replace ours (`keys`: the keys
        its file wrote); presets, scoped gates and Rego files add to ours."""
        merged = self.stricter(user)
        return replace(
            merged,
            max_cvss=user.max_cvss if "max-cvss" in keys else self.max_cvss,
            deny_unknown_severity=user.deny_unknown_severity
            if "deny-unknown-severity" in keys else self.deny_unknown_severity,
            require_https=user.require_https if "require-https" in keys
            else self.require_https)


def _union(first: tuple, second: tuple) -> tuple:
    return tuple(dict.fromkeys((*first, *second)))


def _renamed(gate: ScopedGate, offset: int) -> str:
    return str(int(gate.name) + offset) if gate.name.isdigit() else gate.name


# -- what fails ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def rule_tags(rule_id: str) -> tuple[str, ...]:
    """The compliance categories a rule's CWEs fall into (every preset, always)."""
    rule = BY_ID.get(rule_id)
    return tags(rule.cwe) if rule else ()


def short_tag(tag: str) -> str:
    """A category as the text output writes it: "A03:2021", "Top25 #2", "PCI injection"."""
    if tag.startswith("CWE Top 25"):
        return "Top25 " + tag.split(")", 1)[1].split(":", 1)[0].strip()
    if tag.startswith("PCI-DSS-6.2.4 "):
        return "PCI " + tag[len("PCI-DSS-6.2.4 "):].split(" (", 1)[0]
    return tag.split(" ", 1)[0]


def _cvss(finding: Finding):
    value = dict(finding.metadata).get("cvss")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def policy_reasons(finding: Finding, settings: PolicySettings, relative_path: str,
                   fail_on: Severity, fail_on_confidence: Confidence) -> list[str]:
    """Why the policy (not fail-on) makes `finding` fail; [] when it does not."""
    reasons = []
    rule_id = finding.rule_id
    if rule_id == POLICY_DENIED:
        source = dict(finding.metadata).get("policy")
        reasons.append(f"rego:{source}" if source else "rego")
    if rule_id in VULNERABLE_DEPENDENCY_RULES:
        score = _cvss(finding)
        if score is not None and settings.max_cvss is not None and score > settings.max_cvss:
            reasons.append("max-cvss")
        if score is None and settings.deny_unknown_severity:
            reasons.append("deny-unknown-severity")
    if settings.require_https and rule_id in HTTPS_RULES:
        reasons.append("require-https")
    if settings.presets and _at(finding, *PRESET_GATE):
        rule = BY_ID.get(rule_id)
        cwes = rule.cwe if rule else ()
        reasons.extend(f"preset:{preset}" for preset in settings.presets
                       if preset_tags(preset, cwes))
    for gate in settings.rules:
        if _at(finding, gate.fail_on or fail_on, gate.fail_on_confidence or fail_on_confidence) \
                and _in_paths(relative_path, gate.paths) and matches(finding, gate.match):
            reasons.append(f"rule:{gate.name}")
    return reasons


def _at(finding: Finding, severity: Severity, confidence: Confidence) -> bool:
    return finding.severity >= severity and finding.confidence >= confidence


def _in_paths(relative: str, patterns: tuple[str, ...]) -> bool:
    """`src/payments/**` matches every file under src/payments; a pattern without `/`
    matches the file name."""
    if not patterns:
        return True
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        if "/" not in pattern:
            if fnmatch.fnmatchcase(name, pattern):
                return True
            continue
        pattern = pattern.lstrip("/")
        if fnmatch.fnmatchcase(relative, pattern) or (
                pattern.endswith("/**") and relative.startswith(pattern[:-2])):
            return True
    return False


def matches(finding: Finding, selectors: tuple[str, ...]) -> bool:
    if not selectors:
        return True
    rule = BY_ID.get(finding.rule_id)
    cwes = rule.cwe if rule else ()
    for selector in selectors:
        kind, _, value = selector.partition(":")
        if selector.startswith("AIG"):
            if finding.rule_id.startswith(selector):
                return True
        elif selector.startswith("CWE-"):
            if int(selector[4:]) in cwes:
                return True
        elif kind == "tag":
            if rule and value in rule.tags:
                return True
        elif kind == "owasp":
            if any(t.startswith(value or "A") for t in preset_tags("owasp-top10-2021", cwes)):
                return True
        elif kind == "cwe-top25":
            if preset_tags("cwe-top25-2025", cwes):
                return True
        elif kind == "pci-dss":
            prefix = "PCI-DSS-6.2.4 " + value
            if any(t.startswith(prefix) for t in preset_tags("pci-dss-4.0-6.2.4", cwes)):
                return True
    return False


# -- validation ---------------------------------------------------------------------------


def _bool(value, where):
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: expected true or false")
    return value


def _score(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0.0 <= value <= 10.0:
        raise PolicyError(f"{where}: expected a CVSS score from 0.0 to 10.0, got {value!r}")
    return float(value)


def _list(value, where) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip()
                                              for item in value):
        raise PolicyError(f"{where}: expected a list of non-empty strings")
    return value


def _presets(value, where):
    names = _list(value, where)
    unknown = [name for name in names if name not in PRESETS]
    if unknown:
        raise PolicyError(f"{where}: unknown preset {_described(unknown, PRESETS)}; known "
                          f"presets: {', '.join(PRESETS)}")
    return tuple(dict.fromkeys(names))


def _paths(value, where):
    return tuple(item.strip() for item in _list(value, where))


def _described(values, known) -> str:
    parts = []
    for value in values:
        guess = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.5)
        parts.append(f"{value!r} (did you mean {guess[0]!r}?)" if guess else repr(value))
    return ", ".join(parts)


def _selector_problem(selector: str) -> str | None:
    """None when `selector` is a rule id or prefix, `CWE-n`, `owasp:A01`..`owasp:A10`,
    `cwe-top25`, `pci-dss[:class]` or `tag:NAME`; else what is wrong with it."""
    upper = selector.upper()
    if upper.startswith("AIG"):
        problems = selector_problems((upper,))
        return "; ".join(problems) if problems else None
    if upper.startswith("CWE-") and not upper.startswith("CWE-TOP"):
        return None if upper[4:].isdigit() else f"{selector!r} is not a CWE id (CWE-89)"
    kind, colon, value = selector.lower().partition(":")
    if kind == "owasp" and (not colon or value in {f"a{n:02d}" for n in range(1, 11)}):
        return None
    if kind == "cwe-top25" and not colon:
        return None
    if kind == "pci-dss":
        classes = [t[len("PCI-DSS-6.2.4 "):].split(" (")[0] for t in PRESETS["pci-dss-4.0-6.2.4"]]
        if not colon or value in classes:
            return None
        return f"unknown PCI DSS class {_described([value], classes)}"
    if kind == "tag" and value:
        return None
    known = ["owasp:A03", "cwe-top25", "pci-dss", "pci-dss:injection", "tag:crypto", "CWE-89",
             "AIG101"]
    return f"unknown selector {_described([selector], known)}; use a rule id, CWE-n, " \
           "owasp:A01..A10, cwe-top25, pci-dss[:class] or tag:NAME"


def _normalised(selector: str) -> str:
    upper = selector.upper()
    if upper.startswith("AIG") or (upper.startswith("CWE-") and upper[4:].isdigit()):
        return upper
    kind, colon, value = selector.lower().partition(":")
    return f"{kind}:{value.upper()}" if kind == "owasp" and colon else selector.lower()


def _match(value, where):
    selectors = _list(value, where)
    problems = [p for p in map(_selector_problem, selectors) if p]
    if problems:
        raise PolicyError(f"{where}: {'; '.join(problems)}")
    return tuple(_normalised(s) for s in selectors)


def _severity(value, where):
    try:
        return Severity.parse(value) if isinstance(value, str) else Severity.parse("?")
    except ValueError as error:
        raise PolicyError(f"{where}: {error}") from None


def _confidence(value, where):
    try:
        return Confidence.parse(value) if isinstance(value, str) else Confidence.parse("?")
    except ValueError as error:
        raise PolicyError(f"{where}: {error}") from None


def _name(value, where):
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise PolicyError(f"{where}: expected a short name without spaces")
    return value


GATE_KEYS = {
    "name": ("name", _name),
    "match": ("match", _match),
    "paths": ("paths", _paths),
    "fail-on": ("fail_on", _severity),
    "fail-on-confidence": ("fail_on_confidence", _confidence),
}


def _gates(value, where):
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PolicyError(f"{where}: expected an array of tables ([[...policy.rules]])")
    if len(value) > MAX_SCOPED_RULES:
        raise PolicyError(f"{where}: at most {MAX_SCOPED_RULES} entries")
    gates, problems = [], []
    for number, table in enumerate(value, start=1):
        here = f"{where}[{number}]"
        fields = {"name": str(number)}
        problems.extend(_table_problems(table, GATE_KEYS, here, fields))
        if "match" not in table and "paths" not in table:
            problems.append(f"{here}: needs `match` (rule ids, CWE-n, tags) or `paths`")
        gates.append(ScopedGate(**fields))
    if problems:
        raise PolicyError("; ".join(problems))
    return tuple(gates)


def _rego(value, where):
    files = _list(value, where)
    wrong = [name for name in files if not name.endswith(".rego")]
    if wrong:
        raise PolicyError(f"{where}: not a .rego file: {', '.join(map(repr, wrong))}")
    return tuple(files)  # resolved against the configuration's folder by config.py


# TOML key -> (PolicySettings field, validator)
POLICY_KEYS = {
    "max-cvss": ("max_cvss", _score),
    "deny-unknown-severity": ("deny_unknown_severity", _bool),
    "require-https": ("require_https", _bool),
    "presets": ("presets", _presets),
    "rules": ("rules", _gates),
    "rego": ("rego", _rego),
}


def _table_problems(table: dict, keys: dict, where: str, values: dict) -> list[str]:
    """Validate `table` against `keys` into `values`; every problem, with suggestions."""
    problems = []
    for key, value in table.items():
        if key not in keys:
            guess = difflib.get_close_matches(str(key).replace("_", "-").lower(), keys, n=1,
                                              cutoff=0.6)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            problems.append(f"{where}: unknown key {key!r}{hint}; known keys: "
                            f"{', '.join(sorted(keys))}")
            continue
        name, validate = keys[key]
        try:
            values[name] = validate(value, f"{where} {key}" if where else key)
        except PolicyError as error:
            problems.append(str(error))
    return problems


def parse_policy(table, where: str) -> PolicySettings:
    """The settings in a policy table; every problem in one PolicyError."""
    if not isinstance(table, dict):
        raise PolicyError(f"{where}: expected a table ([tool.aicodeguard.policy])")
    values: dict = {}
    problems = _table_problems(table, POLICY_KEYS, where, values)
    if problems:
        raise PolicyError("; ".join(problems))
    return PolicySettings(**values)
