"""Verdicts: what the snapshot, the index and the look-alike scorer say about each name,
turned into AIG6xx findings that say how they were decided and what to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from ..config import Config
from ..model import Confidence, Finding, Severity
from ..rules import supply as rules
from .import_names import known_distribution, module_lookalike
from .names import NPM, PYPI
from .records import PackageRecord
from .resolve import GUARDED_SOURCES, Subject, matches
from .similarity import is_slip
from .snapshot import SECURITY_HOLDING, Snapshot
from .typosquat import TyposquatScorer

NEW_PACKAGE_DAYS = 60  # younger than this is "brand new"
NPM_POPULAR_DOWNLOADS = 50_000  # a month; fewer and a single release is "unvetted"
INDEX = {PYPI: "PyPI", NPM: "npm"}
# How the registry describes the placeholder it publishes over a package removed as malware.
NPM_PLACEHOLDER = "security holding package"
# At an import of a *declared* package only these are repeated (the manifest line carries
# the rest): the name must not be installed at all.
AT_DECLARED_IMPORTS = frozenset({rules.HALLUCINATED_PACKAGE.id, rules.TYPOSQUAT_PACKAGE.id,
                                 rules.MALICIOUS_PACKAGE.id})
# Distribution names an import name customarily hides (`import linkify_it` from
# linkify-it-py): one of these exists, the import is not made up.
CUSTOMARY_AFFIXES = ("{}-py", "py-{}", "python-{}", "{}-python", "py{}", "{}3", "python-{}3",
                     "{}-py3", "python3-{}", "py3-{}", "{}-python3")
# Common, but also plain words of other projects' names: one of these exists, the import
# probably comes from it; a low finding asks to check the distribution's name.
LOOSER_AFFIXES = ("apache-{}", "{}-client", "{}-python-client", "{}-sdk", "{}-python-sdk",
                  "{}-api", "{}-lib", "lib{}", "{}2", "django-{}", "flask-{}", "pytest-{}")
# An existing name imported in code is called a typosquat only of one of this many most
# downloaded projects, and only for a slip of the fingers or look-alike characters (a
# separator, an affix or an unrelated letter is how real projects differ).
IMPORT_TARGET_RANK = 1000
# Per the index: this old, with this many releases, a name is established in its own right.
ESTABLISHED_DAYS = 2 * 365
ESTABLISHED_RELEASES = 5
_RANK_FINDINGS = frozenset({rules.HALLUCINATED_PACKAGE.id, rules.TYPOSQUAT_PACKAGE.id})


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one (ecosystem, name)."""

    exists: bool | None  # None: nobody could say
    source: str  # how that was decided, for messages
    record: PackageRecord | None
    popular: bool
    removed: bool  # replaced by the registry after a malware report


def listed(subject: Subject, patterns) -> bool:
    """Whether the subject's name (as checked or as written) matches config patterns."""
    return bool(patterns) and (matches(patterns, subject.ecosystem, subject.name) or
                               matches(patterns, subject.ecosystem, subject.written))


def needs_lookup(subject: Subject, scorer: TyposquatScorer, config: Config) -> bool:
    """Whether asking the index could change or complete this subject's verdict: never
    for names settled locally, listed in allow/deny-packages, or popular."""
    if not subject.check_exists or listed(subject, config.allow_packages) or listed(
            subject, config.deny_packages):
        return False
    return not scorer.is_popular(subject.ecosystem, subject.name)


class Judge:
    def __init__(self, snapshot: Snapshot, scorer: TyposquatScorer, config: Config,
                 has_manifest: dict[str, bool],
                 records: dict[tuple[str, str], PackageRecord], offline_reason: str | None):
        self.snapshot = snapshot
        self.has_manifest = has_manifest  # ecosystem -> the project declares dependencies
        self.scorer = scorer
        self.config = config
        self.records = records
        self.offline_reason = offline_reason  # why the index was not asked, if it was not
        self._evidence: dict[tuple[str, str], Evidence] = {}

    def evidence(self, ecosystem: str, name: str) -> Evidence:
        key = (ecosystem, name)
        found = self._evidence.get(key)
        if found is None:
            found = self._evidence[key] = self._gather(ecosystem, name)
        return found

    def _gather(self, ecosystem: str, name: str) -> Evidence:
        snapshot = self.snapshot
        record = self.records.get((ecosystem, name))
        popular = self.scorer.is_popular(ecosystem, name)
        removed = False
        if ecosystem == PYPI:
            known = snapshot.pypi_exists(name)
        else:
            downloads = snapshot.npm_downloads(name)
            removed = downloads == SECURITY_HOLDING
            known = True if downloads is not None else None
        if record is not None and (record.deprecated or "").startswith(NPM_PLACEHOLDER):
            removed = True
        if record is not None and record.exists is not None:
            where = f"the package index {record.index}" if record.index else "the package index"
            if record.source == "cache":
                where += " (cached answer)"
            return Evidence(record.exists, where, record, popular, removed)
        where = f"the offline package snapshot of {snapshot.date}"
        return Evidence(known, where, record, popular, removed)

    def findings(self, subject: Subject) -> list[Finding]:
        if listed(subject, self.config.deny_packages):
            return [self._finding(subject, rules.DENIED_PACKAGE,
                                  f"{self._what(subject)} is on this project's deny list "
                                  f"(deny-packages); remove it or use an approved alternative")]
        verdict = None
        if subject.check_exists and not listed(subject, self.config.allow_packages):
            verdict = self._existence_verdict(subject)
        if verdict is not None and subject.is_import and subject.declared and \
                verdict.rule_id not in AT_DECLARED_IMPORTS:
            verdict = None
        if verdict is not None and subject.ref.source in GUARDED_SOURCES and \
                verdict.rule_id in _RANK_FINDINGS:
            verdict = self._informational(subject, verdict)
        found = [verdict] if verdict is not None else []
        if verdict is None or verdict.rule_id not in ("AIG601", "AIG602"):
            undeclared = self._undeclared(subject)
            if undeclared is not None:
                found.append(undeclared)
        return found

    # -- the verdicts -------------------------------------------------------
    def _existence_verdict(self, subject: Subject) -> Finding | None:
        ecosystem, name = subject.ecosystem, subject.name
        evidence = self.evidence(ecosystem, name)
        if subject.is_import and not subject.declared and ecosystem == PYPI and \
                not evidence.exists:
            if self._affixed_distribution(name, CUSTOMARY_AFFIXES) is not None:
                return None  # `import linkify_it` comes from `linkify-it-py`: not made up
            looser = self._affixed_distribution(name, LOOSER_AFFIXES)
            if looser is not None:
                return self._finding(subject, rules.UNVERIFIED_PACKAGE, (
                    f"{self._what(subject)}: no project named `{name}` exists on PyPI, but "
                    f"`{looser}` does (per {evidence.source}) and may be the distribution "
                    f"that provides it: check the distribution's name, declare it, or add "
                    f"`{looser}` to allow-packages"))
        index = INDEX[ecosystem]
        what = self._what(subject)
        if evidence.removed:
            meant = self.scorer.lookalike(ecosystem, subject.written)
            instead = f"; the name imitates `{meant.target}`" if meant else ""
            return self._finding(subject, rules.MALICIOUS_PACKAGE, (
                f"{what}: {index} took this package down after a malware report and serves "
                f"only a placeholder (per {evidence.source}){instead}. Remove it, and check "
                "whether it was ever installed here"))
        lookalike = self._lookalike(subject)
        if lookalike is not None:
            return lookalike
        if evidence.exists is False:
            return self._finding(subject, rules.HALLUCINATED_PACKAGE,
                                 self._hallucinated_message(subject, evidence),
                                 confidence=Confidence.MEDIUM if subject.is_import else None)
        if evidence.exists is None:
            reason = self._unverified_reason(evidence)
            return self._finding(subject, rules.UNVERIFIED_PACKAGE, (
                f"{what} is not among the {self.snapshot.info[ecosystem]['names']:,} "
                f"{index} packages in the offline snapshot of {self.snapshot.date} "
                f"(it holds the most downloaded ones only) and {reason}: check that it "
                "exists and is the package you mean"))
        record = evidence.record
        if record is not None:
            return self._metadata_verdict(subject, evidence, record)
        return None

    def _affixed_distribution(self, name: str, affixes) -> str | None:
        """An existing distribution that is the import name with one of `affixes`.

        Import names often drop the `py`/`python` that the distribution name carries
        (`linkify_it` from linkify-it-py, `ntlm` from python-ntlm3)."""
        for affix in affixes:
            candidate = affix.format(name)
            if self.snapshot.pypi_exists(candidate):
                return candidate
        return None

    def _informational(self, subject: Subject, finding: Finding) -> Finding:
        """A verdict on an import that may be missing on purpose: low, and saying why."""
        why = ("the import is optional (guarded by `try: ... except ImportError`, "
               "`if TYPE_CHECKING:` or a platform check)")
        return replace(finding, severity=Severity.LOW, confidence=Confidence.LOW,
                       message=f"{finding.message}. Informational: {why}")

    def _established(self, subject: Subject, evidence: Evidence) -> bool:
        """A name that exists and has a standing of its own: popular, named by the
        import-name tables, or (per the index) years old with several releases."""
        if not evidence.exists:
            return False
        if evidence.popular or (subject.ecosystem == PYPI and known_distribution(subject.name)):
            return True
        record = evidence.record
        if record is None or not record.release_count:
            return False
        age = self._age_days(record.first_release)
        return age is not None and age >= ESTABLISHED_DAYS and \
            record.release_count >= ESTABLISHED_RELEASES

    def _hallucinated_message(self, subject: Subject, evidence: Evidence) -> str:
        index = INDEX[subject.ecosystem]
        tail = ("anyone can register this name and have it installed here; remove it or "
                "replace it with the package you meant")
        if subject.is_import and subject.declared:
            return (f"{self._what(subject)}: this project declares `{subject.written}` for it, "
                    f"but no package of that name exists on {index} (per {evidence.source}): "
                    f"the dependency looks hallucinated, and {tail}")
        if subject.is_import and subject.ecosystem == PYPI:
            module = subject.ref.name
            return (f"`import {module}`: no installed distribution provides `{module}`, it "
                    "is not in the standard library or this project, and no project named "
                    f"`{subject.name}` exists on PyPI (per {evidence.source}): the import "
                    f"looks hallucinated, and {tail}")
        return (f"{self._what(subject)} does not exist on {index} (per {evidence.source}): "
                f"the name looks hallucinated, and {tail}")

    def _lookalike(self, subject: Subject) -> Finding | None:
        ecosystem = subject.ecosystem
        evidence = self.evidence(ecosystem, subject.name)
        if self._established(subject, evidence) or evidence.popular:
            return None
        what, index = self._what(subject), INDEX[ecosystem]
        existence = self._existence_sentence(subject, evidence)
        plain_import = subject.is_import and not subject.declared and ecosystem == PYPI
        # An existing name in an import: code that runs it installed that very name.
        strict = plain_import and bool(evidence.exists)
        if plain_import:
            found = module_lookalike(subject.written)
            if found is not None and (not strict or is_slip(found[2])):
                module, dist, how = found
                return self._finding(subject, rules.TYPOSQUAT_PACKAGE, (
                    f"{what} looks like the module `{module}` (from the `{dist}` package) with "
                    f"{how}.{existence} Use `import {module}` if that is what you meant"))
        match = self.scorer.lookalike(ecosystem, subject.written, evidence.exists)
        if match is None:
            return None
        if strict and not (is_slip(match.how) and match.ecosystem == ecosystem and (
                self.snapshot.rank(ecosystem, match.target) or IMPORT_TARGET_RANK + 1
        ) <= IMPORT_TARGET_RANK):
            return None
        if match.ecosystem != ecosystem:
            article = "an" if ecosystem == NPM else "a"
            message = (f"{what} names {match.popularity} (`{match.target}`), not {article} "
                       f"{index} package.{existence} Use the {index} package you meant, or add "
                       f"`{subject.written}` to allow-packages if this is it")
        else:
            message = (f"{what} looks like `{match.target}`, {match.popularity}, with "
                       f"{match.how}: a typosquat (a look-alike name registered to catch "
                       f"slips) or a mistyped name.{existence} Use `{match.target}` if that is "
                       f"what you meant, or add `{subject.written}` to allow-packages if this "
                       "is the package you want")
        return self._finding(subject, rules.TYPOSQUAT_PACKAGE, message)

    def _existence_sentence(self, subject: Subject, evidence: Evidence) -> str:
        index = INDEX[subject.ecosystem]
        if evidence.exists is False:
            return (f" `{subject.name}` does not exist on {index} (per {evidence.source}), so "
                    "anyone can register it.")
        if evidence.exists:
            return f" `{subject.name}` exists on {index} but is far less used."
        return ""

    def _metadata_verdict(self, subject: Subject, evidence: Evidence,
                          record: PackageRecord) -> Finding | None:
        what = self._what(subject)
        index = INDEX[subject.ecosystem]
        if record.yanked:
            return self._finding(subject, rules.DEPRECATED_PACKAGE, (
                f"{what}: every release is yanked or unpublished on {index} (per "
                f"{evidence.source}); pick a maintained alternative"))
        if record.deprecated:
            return self._finding(subject, rules.DEPRECATED_PACKAGE, (
                f"{what} is marked deprecated on {index}: \"{record.deprecated}\" (per "
                f"{evidence.source}); follow that advice or pick a maintained alternative"))
        if evidence.popular or self._npm_popular(subject):
            return None
        age = self._age_days(record.first_release)
        reasons = []
        if age is not None and age < NEW_PACKAGE_DAYS:
            reasons.append(f"was first published {age} days ago ({record.first_release[:10]})")
        if record.release_count == 1:
            reasons.append("has a single release")
        if not reasons:
            return None
        return self._finding(subject, rules.UNVETTED_PACKAGE, (
            f"{what} exists on {index} but {' and '.join(reasons)}, and few people use it "
            f"(per {evidence.source}): brand-new names are how slopsquatting attacks arrive; "
            "read its project page and source before installing it, then add it to "
            "allow-packages"))

    def _undeclared(self, subject: Subject) -> Finding | None:
        if not subject.is_import or subject.declared or subject.ref.source == "optional-import":
            return None
        if not self.has_manifest.get(subject.ecosystem):
            return None
        evidence = self.evidence(subject.ecosystem, subject.name)
        if subject.check_exists and evidence.exists is not True:
            return None
        manifest = "requirements.txt or pyproject.toml" if subject.ecosystem == PYPI else (
            "package.json")
        dist = subject.suggestion or subject.name
        return self._finding(subject, rules.UNDECLARED_IMPORT, (
            f"{self._what(subject)}: no manifest of this project declares `{dist}`, so an "
            f"environment built from them lacks it (or gets whatever owns the name); add "
            f"`{dist}` to {manifest}"))

    # -- helpers --------------------------------------------------------------
    def _npm_popular(self, subject: Subject) -> bool:
        if subject.ecosystem != NPM:
            return False
        downloads = self.snapshot.npm_downloads(subject.name)
        return bool(downloads) and downloads >= NPM_POPULAR_DOWNLOADS

    def _age_days(self, iso: str | None) -> int | None:
        if not iso:
            return None
        try:
            return (datetime.date.today() - datetime.date.fromisoformat(iso[:10])).days
        except ValueError:
            return None

    def _unverified_reason(self, evidence: Evidence) -> str:
        if self.offline_reason:
            return f"was not looked up online ({self.offline_reason})"
        note = evidence.record.note if evidence.record is not None else None
        return f"the registry did not answer ({note})" if note else "the registry did not answer"

    @staticmethod
    def _what(subject: Subject) -> str:
        if not subject.is_import:
            return f"`{subject.written}`"
        if subject.ecosystem == PYPI:
            return f"`import {subject.ref.name}`"
        return f"the import of `{subject.ref.name}`"

    @staticmethod
    def _finding(subject: Subject, rule, message: str,
                 confidence: Confidence | None = None) -> Finding:
        """The finding at the reference (its snippet is added by the caller, if kept)."""
        return Finding(rule.id, rule.severity, confidence or rule.confidence, message,
                       subject.ref.location)
