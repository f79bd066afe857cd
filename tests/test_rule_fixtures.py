"""Every rule against its fixture files: marked lines fire, every other line stays quiet.

Markers (at the end of a line, in the file's comment syntax: `#`, `//`, `/*`, `<!--`, `;`;
in JSON files without comments, inside a string on the line):
  expect: AIG101[, AIG102]   the line must produce these findings
  expect: AIG301 medium      ... with this severity (`medium/low`: and this confidence);
                             required on every `expect:` of a rule whose severity varies
                             (DYNAMIC_SEVERITY), optional elsewhere
  ok: AIG101                 a safe look-alike: must stay quiet (every unmarked line must too)
  todo-expect: AIG101        a known miss, written down (not asserted)
  todo-ok: AIG101            a known false alarm, written down (tolerated)
"""

from __future__ import annotations

import functools
import os
import re

import pytest

from aicodeguard.engine import analyze_source, languages_with_rules
from aicodeguard.languages import language_for_name
from aicodeguard.rules import ALL_RULES

from .conftest import FIXTURES

LEVEL = r"(?:low|medium|high|critical)"
ITEM = rf"[A-Z]+[0-9]+(?:[ \t]+{LEVEL}(?:/{LEVEL})?)?"
MARKER = re.compile(r"(?:#|//|<!--|/\*|;)\s*(todo-expect|todo-ok|expect|ok):\s*"
                    rf"({ITEM}(?:\s*,\s*{ITEM})*)")
NOT_FROM_FIXTURES = ("AIG0", "AIG6")  # suppression rules: CLI tests; supply: tests/test_supply_*
# Rules whose findings' severity differs from RuleInfo.severity somewhere in the fixtures
# (the check depends on the sink, the input's origin, a fallback, ...): every `expect:` of
# theirs names the severity, so a change to how it is chosen shows up as a failing line.
DYNAMIC_SEVERITY = frozenset({
    "AIG101", "AIG102", "AIG103", "AIG104", "AIG105", "AIG106", "AIG107", "AIG110", "AIG111",
    "AIG114", "AIG202", "AIG203", "AIG204", "AIG205", "AIG207", "AIG208", "AIG209", "AIG210", "AIG211",
    "AIG213", "AIG301", "AIG304", "AIG401", "AIG402", "AIG403", "AIG404", "AIG405", "AIG406",
    "AIG501", "AIG503", "AIG506", "AIG504", "AIG505", "AIG507", "AIG509", "AIG510", "AIG512", "AIG514",
    "AIG516", "AIG519", "AIG530", "AIG712", "AIG804", "AIG805",
})


def parse_item(item: str) -> tuple[str, str | None, str | None]:
    """"AIG301 medium/low" -> ("AIG301", "medium", "low"); levels are None when absent."""
    rule_id, _, levels = item.strip().partition(" ")
    severity, _, confidence = levels.strip().partition("/")
    return rule_id, severity or None, confidence or None


def fixture_files():
    found = []
    for folder, _, files in os.walk(FIXTURES):
        for name in sorted(files):
            path = os.path.join(folder, name)
            if language_for_name(path) in languages_with_rules():
                found.append(path)
    return sorted(found)


def marker_items(path: str):
    """(kind, line, rule id, severity or None, confidence or None) for every marker."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            for kind, items in MARKER.findall(line):
                for item in items.split(","):
                    if item.strip():
                        yield (kind, number, *parse_item(item))


def markers(path: str) -> dict[str, dict[int, set[str]]]:
    table: dict[str, dict[int, set[str]]] = {"expect": {}, "ok": {}, "todo-expect": {},
                                             "todo-ok": {}}
    for kind, number, rule_id, _, _ in marker_items(path):
        table[kind].setdefault(number, set()).add(rule_id)
    return table


def expected_levels(path: str) -> dict[tuple[int, str], tuple[set[str], set[str]]]:
    """(line, rule id) -> (severities, confidences) an `expect:` names there."""
    levels: dict[tuple[int, str], tuple[set[str], set[str]]] = {}
    for kind, number, rule_id, severity, confidence in marker_items(path):
        if kind == "expect" and severity:
            severities, confidences = levels.setdefault((number, rule_id), (set(), set()))
            severities.add(severity)
            if confidence:
                confidences.add(confidence)
    return levels


@functools.lru_cache(maxsize=None)
def analyze_fixture(path: str) -> tuple:
    with open(path, "rb") as handle:
        data = handle.read()
    result = analyze_source(os.path.relpath(path, FIXTURES), data, language_for_name(path))
    errors = [n.message for n in result.notes if "internal error" in n.message]
    assert not errors, errors
    return tuple(result.findings)


def findings_by_line(path: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for finding in analyze_fixture(path):
        found.setdefault(finding.location.line, set()).add(finding.rule_id)
    return found


def level_problems(path: str) -> list[str]:
    """Lines whose findings' severity or confidence differ from what `expect:` names."""
    found: dict[tuple[int, str], tuple[set[str], set[str]]] = {}
    for finding in analyze_fixture(path):
        severities, confidences = found.setdefault(
            (finding.location.line, finding.rule_id), (set(), set()))
        severities.add(finding.severity.label)
        confidences.add(finding.confidence.label)
    problems = []
    for (line, rule_id), (severities, confidences) in sorted(expected_levels(path).items()):
        got_severities, got_confidences = found.get((line, rule_id), (set(), set()))
        if not got_severities:
            continue  # a missing finding is reported by test_fixture_lines
        if got_severities != severities:
            problems.append(f"line {line}: {rule_id} severity {'/'.join(sorted(got_severities))}"
                            f", expected {'/'.join(sorted(severities))}")
        if confidences and got_confidences != confidences:
            problems.append(f"line {line}: {rule_id} confidence "
                            f"{'/'.join(sorted(got_confidences))}, expected "
                            f"{'/'.join(sorted(confidences))}")
    return problems


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: os.path.relpath(p, FIXTURES))
def test_fixture_lines(path):
    marks = markers(path)
    found = findings_by_line(path)
    problems = []
    lines = sorted(set(found) | set(marks["expect"]))
    for line in lines:
        expected = marks["expect"].get(line, set())
        got = found.get(line, set())
        missing = expected - got
        extra = got - expected - marks["todo-ok"].get(line, set())
        if missing:
            problems.append(f"line {line}: expected {sorted(missing)} did not fire")
        if extra:
            problems.append(f"line {line}: unexpected {sorted(extra)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: os.path.relpath(p, FIXTURES))
def test_fixture_severity_and_confidence(path):
    problems = level_problems(path)
    for kind, line, rule_id, severity, _ in marker_items(path):
        if kind == "expect" and rule_id in DYNAMIC_SEVERITY and not severity:
            problems.append(f"line {line}: {rule_id} sets its severity per finding: write "
                            f"`expect: {rule_id} <severity>`")
        if kind != "expect" and severity:
            problems.append(f"line {line}: a severity belongs on `expect:` only")
    assert not problems, "\n".join(sorted(problems, key=lambda p: int(p.split()[1][:-1])))


def test_dynamic_severity_list_is_complete():
    """A rule that reports a severity other than its RuleInfo's anywhere in the fixtures
    belongs in DYNAMIC_SEVERITY, so that all its `expect:` lines must name severities."""
    default = {rule.id: rule.severity for rule in ALL_RULES}
    varying = {finding.rule_id for path in fixture_files() for finding in analyze_fixture(path)
               if finding.severity != default[finding.rule_id]}
    assert not varying - DYNAMIC_SEVERITY, sorted(varying - DYNAMIC_SEVERITY)


def test_every_rule_has_positive_and_negative_fixtures():
    covered: dict[str, set[str]] = {}
    for path in fixture_files():
        language = language_for_name(path)
        marks = markers(path)
        for kind in ("expect", "ok"):
            for ids in marks[kind].values():
                for rule_id in ids:
                    covered.setdefault(f"{rule_id}:{language}", set()).add(kind)
    missing = []
    for rule in ALL_RULES:
        if rule.id.startswith(NOT_FROM_FIXTURES):
            continue
        for language in rule.languages:
            if language not in languages_with_rules():
                continue
            kinds = covered.get(f"{rule.id}:{language}", set())
            if kinds != {"expect", "ok"}:
                missing.append(f"{rule.id} ({language}): has {sorted(kinds) or 'nothing'}")
    assert not missing, "rules without positive and negative fixtures:\n" + "\n".join(missing)
