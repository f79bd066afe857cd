"""Every rule against its fixture files: marked lines fire, every other line stays quiet.

Markers (at the end of a line, in the file's comment syntax: `#`, `//`, `/*`, `<!--`, `;`;
in JSON files without comments, inside a string on the line):
  expect: AIG101[, AIG102]   the line must produce these findings
  ok: AIG101                 a safe look-alike: must stay quiet (every unmarked line must too)
  todo-expect: AIG101        a known miss, written down (not asserted)
  todo-ok: AIG101            a known false alarm, written down (tolerated)
"""

from __future__ import annotations

import os
import re

import pytest

from aicodeguard.engine import analyze_source, languages_with_rules
from aicodeguard.languages import language_for_name
from aicodeguard.rules import ALL_RULES

from .conftest import FIXTURES

MARKER = re.compile(r"(?:#|//|<!--|/\*|;)\s*(todo-expect|todo-ok|expect|ok):\s*([A-Z0-9, ]+)")
NOT_FROM_FIXTURES = ("AIG0", "AIG6")  # suppression rules: CLI tests; supply: tests/test_supply_*


def fixture_files():
    found = []
    for folder, _, files in os.walk(FIXTURES):
        for name in sorted(files):
            path = os.path.join(folder, name)
            if language_for_name(path) in languages_with_rules():
                found.append(path)
    return sorted(found)


def markers(path: str) -> dict[str, dict[int, set[str]]]:
    table: dict[str, dict[int, set[str]]] = {"expect": {}, "ok": {}, "todo-expect": {},
                                             "todo-ok": {}}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            for kind, ids in MARKER.findall(line):
                table[kind].setdefault(number, set()).update(
                    part.strip() for part in ids.split(",") if part.strip())
    return table


def findings_by_line(path: str) -> dict[int, set[str]]:
    with open(path, "rb") as handle:
        data = handle.read()
    result = analyze_source(os.path.relpath(path, FIXTURES), data, language_for_name(path))
    errors = [n.message for n in result.notes if "internal error" in n.message]
    assert not errors, errors
    found: dict[int, set[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.location.line, set()).add(finding.rule_id)
    return found


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
