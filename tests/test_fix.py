"""`scan --fix`: every fixable rule's fix on its own fixtures leaves a file that parses and
no longer fires for that rule; `--fix --diff` writes nothing; overlapping edits, files
changed during the run and fixes that break the syntax are refused, and said so."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from aicodeguard import cli, fixes
from aicodeguard.engine import analyze_source
from aicodeguard.languages import GRAMMARS, language_for_name
from aicodeguard.model import Confidence, Edit, Finding, Fix, Location, Severity
from aicodeguard.rules import ALL_RULES

from .conftest import FIXTURES

# Fixes that remove the finding's shape but leave the rule a reason to fire, by design.
PARTIAL = {
    # `subprocess.call([command], shell=True)`: dropping shell=True removes the shell, but
    # the program itself still comes from the request, which AIG102 reports on its own.
    ("AIG102", "python/AIG102_shell_injection.py"): 1,
}


def _positive_fixtures():
    cases = []
    rules = [rule.id for rule in ALL_RULES if rule.fixable]
    for folder, _, names in os.walk(FIXTURES):
        for name in sorted(names):
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            for rule_id in rules:
                if re.search(rf"(?<![-\w])expect:[^\n]*?\b{rule_id}\b", text):
                    cases.append((rule_id, os.path.relpath(path, FIXTURES).replace(os.sep, "/")))
    return sorted(cases)


CASES = _positive_fixtures()


def _rule_findings(path: str, rule_id: str) -> list[Finding]:
    with open(path, "rb") as handle:
        data = handle.read()
    result = analyze_source(path, data, language_for_name(path))
    return [finding for finding in result.findings if finding.rule_id == rule_id]


def test_every_fixable_rule_has_a_positive_fixture():
    covered = {rule_id for rule_id, _ in CASES}
    fixable = {rule.id for rule in ALL_RULES if rule.fixable}
    assert fixable - covered <= {"AIG609", "AIG610"}  # pins: tests/test_vulnerable_deps*


@pytest.mark.parametrize(("rule_id", "fixture"), CASES, ids=[f"{r}-{f}" for r, f in CASES])
def test_fix_parses_and_rescans_clean(rule_id, fixture, tmp_path, monkeypatch, capsys):
    target = tmp_path / fixture
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(os.path.join(FIXTURES, fixture), target)
    before = _rule_findings(str(target), rule_id)
    unfixable = sum(1 for finding in before if finding.fix is None)
    original = target.read_bytes()
    monkeypatch.chdir(tmp_path)
    status = cli.main(["scan", "--fix", "--unsafe-fixes", "--select", rule_id, "--no-cache",
                       "--exit-zero", fixture])
    out = capsys.readouterr().out
    assert status == 0
    language = language_for_name(str(target))
    if language in GRAMMARS:
        assert fixes.syntax_errors(language, target.read_bytes()) <= \
            fixes.syntax_errors(language, original)
    after = _rule_findings(str(target), rule_id)
    assert len(after) == unfixable + PARTIAL.get((rule_id, fixture), 0)
    if any(finding.fix is not None for finding in before):
        assert target.read_bytes() != original
        assert re.search(r"^Fixed \d+ findings? \(1 file\); \d+ left$", out, re.M)


SHELL = 'import subprocess\n\ndef run(cmd):\n    subprocess.call([cmd], shell=True)\n'
HASH = "import hashlib\n\ndef key(data):\n    return hashlib.md5(data).hexdigest()\n"


def test_fix_diff_writes_nothing(cli, tmp_path):
    (tmp_path / "app.py").write_text(SHELL)
    result = cli("scan", "--fix", "--unsafe-fixes", "--diff", "app.py", cwd=tmp_path)
    assert (tmp_path / "app.py").read_text() == SHELL
    assert result.returncode == 1
    assert result.out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "+    subprocess.call([cmd])\n" in result.out
    assert "Would fix 1 finding (1 file)" in result.err
    again = cli("scan", "--fix", "--diff", "--select", "AIG204", "app.py", cwd=tmp_path)
    assert again.returncode == 0 and again.out == ""


def test_only_safe_fixes_without_unsafe_fixes(cli, tmp_path):
    (tmp_path / "app.py").write_text(HASH)
    result = cli("scan", "--fix", "--select", "AIG204", "app.py", cwd=tmp_path)
    assert (tmp_path / "app.py").read_text() == HASH  # its fix is marked unsafe
    assert "Fixed 0 findings (0 files); 1 left" in result.out
    result = cli("scan", "--fix", "--unsafe-fixes", "--select", "AIG204", "app.py",
                 cwd=tmp_path)
    assert "hashlib.md5(data, usedforsecurity=False)" in (tmp_path / "app.py").read_text()
    assert "Fixed 1 finding (1 file); 0 left" in result.out
    assert result.returncode == 0


def test_fix_usage_errors(cli, tmp_path):
    (tmp_path / "app.py").write_text(SHELL)
    assert cli("scan", "--unsafe-fixes", "app.py", cwd=tmp_path).returncode == 2
    assert cli("scan", "--fix", "--staged", cwd=tmp_path).returncode == 2
    done = cli("scan", "--fix", "-", "--stdin-filename", "a.py", cwd=tmp_path, stdin=b"")
    assert done.returncode == 2 and "--fix works on files on disk" in done.err


def _finding(path, line, column, end_column, new_text, rule_id="AIG999", snippet=""):
    edit = Edit(line, column, line, end_column, new_text)
    return Finding(rule_id, Severity.HIGH, Confidence.HIGH, "m",
                   Location(str(path), line, column, line, end_column), snippet=snippet,
                   fix=Fix("t", (edit,)))


def test_overlapping_edits_keep_the_first_and_name_the_skipped(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("value = call(1, 2)\n")
    first = _finding(path, 1, 9, 19, "other(1, 2)", "AIG201")
    second = _finding(path, 1, 14, 15, "9", "AIG202")  # inside the first edit
    third = _finding(path, 1, 1, 6, "result", "AIG203")
    result = fixes.write(fixes.plan([second, first, third]))
    assert path.read_text() == "result = other(1, 2)\n"
    assert [f.rule_id for f in result.fixed] == ["AIG203", "AIG201"]
    assert result.problems() == [f"{path}:1:14: AIG202 fix skipped: {fixes.OVERLAP}"]


def test_file_changed_during_the_run_is_not_overwritten(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    planned = fixes.plan([_finding(path, 1, 5, 6, "2")])
    path.write_text("x = 1\ny = 2\n")  # someone saves the file meanwhile
    result = fixes.write(planned)
    assert path.read_text() == "x = 1\ny = 2\n"
    assert result.written == [] and "changed on disk" in result.problems()[0]


def test_a_fix_that_breaks_the_syntax_is_refused(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = f(1)\n")
    result = fixes.write(fixes.plan([_finding(path, 1, 5, 9, "f((1")]))
    assert path.read_text() == "x = f(1)\n"
    assert "would not parse" in result.problems()[0]


def test_a_stale_line_is_not_fixed(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    result = fixes.plan([_finding(path, 1, 5, 6, "2", snippet="y = 1")])
    assert result.fixed == [] and fixes.STALE in result.problems()[0]


def test_summary_wording():
    assert fixes.summary(1, 1, 0) == "Fixed 1 finding (1 file); 0 left"
    assert fixes.summary(3, 2, 5) == "Fixed 3 findings (2 files); 5 left"
    assert fixes.summary(2, 1, 1, preview=True) == "Would fix 2 findings (1 file); 1 left"


def test_pre_commit_hooks_do_not_fix():
    manifest = os.path.join(os.path.dirname(FIXTURES), "..", ".pre-commit-hooks.yaml")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as handle:
            assert "--fix" not in handle.read()
    hook = os.path.join(os.path.dirname(FIXTURES), "..", "hooks", "pre-commit")
    with open(hook, encoding="utf-8") as handle:
        assert "--fix" not in handle.read()
