"""The chain of custody: AI-assisted commits recognised from their messages, and
`audit` over a real git history (dependencies, waivers, the gate's own files, blame)."""

from __future__ import annotations

import os

import pytest

from aicodeguard.custody.audit import AuditOptions, audit, render_text
from aicodeguard.custody.trailers import read, trailers
from tests.test_hooks_helpers import GitRepo


@pytest.mark.parametrize("message, tools", [
    ("Fix login\n\nCo-Authored-By: Claude <noreply@anthropic.com>", ("Claude",)),
    ("Add x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
     ("GitHub Copilot",)),
    ("Add x\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>", ("Cursor",)),
    ("Add x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
     "Co-Authored-By: Claude <noreply@anthropic.com>", ("Claude",)),
    ("aider: add x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>", ("Aider",)),
    ("Add x\n\nAssisted-by: Gemini Code Assist", ("Gemini",)),
    ("Add x\n\nAI-assisted: yes", ("unnamed assistant",)),
    ("Add x\n\nAI-assisted: no", ()),
    ("Add x\n\nCo-authored-by: Jane Doe <jane@corp.example>", ()),
    ("Mention Claude in the subject only", ()),
    ("Add x\n\nCo-authored-by: Claude\nnot a trailer line", ()),  # git's rule: all or none
])
def test_ai_assistance_is_recognised_from_trailers_and_generated_lines(message, tools):
    assert read(message).ai_tools == tools


def test_team_markers_and_prompt_references():
    custody = read("Add x\n\n[ai] drafted by the bot\n\nAI-Prompt-Ref: PROMPT-42",
                   extra_markers=(r"^\[ai\]",))
    assert custody.ai_assisted and custody.prompt_refs == ("PROMPT-42",)
    assert custody.evidence == ("[ai] drafted by the bot",)


def test_folded_trailer_values_are_joined():
    assert trailers("s\n\nAssisted-by: a very\n  long tool name") == [
        ("Assisted-by", "a very long tool name")]


@pytest.fixture
def history(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.write("requirements.txt", "flask==2.0.1\n")
    repo.write("app.py", "print('hi')\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Start")
    repo.write("requirements.txt", "flask==2.3.3\nrequests==2.19.0\n")
    repo.write("db.py", "def q(cur, n):\n    cur.execute(f'SELECT {n}')  "
               "# aicodeguard: ignore[AIG101] until=2027-03-01 owner=@sec-team n is a column\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Add the query helper\n\n"
             "Co-Authored-By: Claude <noreply@anthropic.com>\nAI-Prompt-Ref: session-7\n"
             "Checked-by: aicodeguard 0.1.0; policy 1a2b3c; findings 0; waivers AIG101:db.py")
    repo.write(".aicodeguard.toml", 'ignore = ["AIG517"]\n')
    repo.write("requirements.txt", "flask==2.3.3\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Loosen the gate")
    return repo


def test_audit_tells_assisted_checked_dependencies_waivers_and_gate_changes(history):
    report = audit(history.path, AuditOptions(blame=("db.py:2", "app.py:1")))
    loosen, helper, start = report["commits"]
    assert report["summary"] == {
        "commits": 3, "ai_assisted": 1, "ai_assisted_share": 0.333, "checked": 1,
        "ai_assisted_unchecked": 0, "ai_assisted_without_prompt_ref": 0, "waivers_added": 1,
        "control_file_changes": 1, "waivers": 1, "waivers_expired": 0,
        "waivers_without_owner": 0}
    assert helper["ai_tools"] == ["Claude"] and helper["prompt_refs"] == ["session-7"]
    assert helper["checked_by"].startswith("aicodeguard 0.1.0; policy 1a2b3c")
    assert helper["dependencies"] == [
        {"name": "flask", "version": "==2.3.3", "path": "requirements.txt", "ecosystem": "pypi",
         "change": "changed", "from": "==2.0.1"},
        {"name": "requests", "version": "==2.19.0", "path": "requirements.txt",
         "ecosystem": "pypi", "change": "added"}]
    [waiver] = helper["waivers"]
    assert (waiver["rules"], waiver["owner"], waiver["until"]) == (
        ["AIG101"], "@sec-team", "2027-03-01")
    assert loosen["control_files_changed"] == [".aicodeguard.toml"]
    assert [d["change"] for d in loosen["dependencies"]] == ["removed"]
    assert start["ai_assisted"] is False and start["checked"] is False
    by_target = {item["target"]: item for item in report["blame"]}
    assert by_target["db.py:2"]["commit"] == helper["sha"] and by_target["db.py:2"]["ai_assisted"]
    assert by_target["app.py:1"]["ai_assisted"] is False
    text = render_text(report)
    assert "1 AI-assisted (33%)" in text and "waiver AIG101 in db.py: @sec-team, 2027-03-01" in text


def test_a_range_limits_the_audit(history):
    report = audit(history.path, AuditOptions(revisions=("HEAD~1..HEAD",)))
    assert [c["subject"] for c in report["commits"]] == ["Loosen the gate"]


def test_custody_settings_are_validated_with_the_nearest_key(tmp_path):
    from aicodeguard.config import ConfigError
    from aicodeguard.custody.settings import load_custody

    (tmp_path / "pyproject.toml").write_text(
        "[tool.aicodeguard.custody]\nai-markers = ['^\\[bot\\]']\n"
        "ai-identities = [{tool = 'Acme Bot', pattern = 'acme-bot@'}]\n"
        "require-waiver-owner = true\n")
    settings = load_custody(str(tmp_path))
    assert settings.ai_markers == (r"^\[bot\]",) and settings.require_waiver_owner
    assert read("x\n\nCo-authored-by: acme <acme-bot@corp.example>", (),
                settings.ai_identities).ai_tools == ("Acme Bot",)
    (tmp_path / ".aicodeguard.toml").write_text(
        "[custody]\nrequire-prompt-refs = true\nai-identities = [{tool = 'x'}]\n")
    with pytest.raises(ConfigError) as raised:
        load_custody(str(tmp_path))
    assert "unknown key 'require-prompt-refs' (did you mean 'require-prompt-ref'?)" in \
        str(raised.value) and "ai-identities entry 1" in str(raised.value)


def test_audit_lists_every_waiver_at_head_with_age_owner_and_expiry(history):
    import datetime

    history.write(".aicodeguard-waivers.toml",
                  '[[waiver]]\nfingerprint = "0123456789abcdef:1"\nrule = "AIG601"\n'
                  'path = "requirements.txt"\nreason = "internal mirror name"\n'
                  'until = 2026-01-01\napprover = "@lead"\n')
    history.write("CODEOWNERS", "/.aicodeguard.toml @sec-team\n")
    history.git("add", "-A")
    history.git("commit", "-q", "-m", "Waive the mirror name")
    on = datetime.date(2027, 3, 2)
    report = audit(history.path, AuditOptions(today=on))
    inline, entry = report["waivers"][1], report["waivers"][0]
    assert (inline["kind"], inline["path"], inline["rules"], inline["owner"]) == (
        "inline", "db.py", ["AIG101"], "@sec-team")
    assert inline["until"] == "2027-03-01" and inline["expired"] is True
    assert inline["ai_assisted"] is True and inline["age_days"] >= 0
    assert (entry["kind"], entry["waived_path"], entry["owner"], entry["expired"]) == (
        "file", "requirements.txt", None, True)
    assert report["summary"]["waivers_expired"] == 2
    assert report["summary"]["waivers_without_owner"] == 1
    [waived] = report["commits"][0]["waivers"]
    assert (waived["rules"], waived["until"]) == (["AIG601"], "2026-01-01")
    owners = {item["path"]: item["owners"] for item in report["gate_files"]}
    assert owners == {".aicodeguard.toml": ["@sec-team"], ".aicodeguard-waivers.toml": [],
                      "CODEOWNERS": []}
    text = render_text(report)
    assert "AIG101 db.py:2: @sec-team, EXPIRED" in text
    assert "Gate files no CODEOWNERS entry covers: .aicodeguard-waivers.toml, CODEOWNERS" in text


def test_blame_a_dependency_by_name_and_a_stale_trailer(history):
    history.git("commit", "-q", "--allow-empty", "-m", "Claim\n\nChecked-by: aicodeguard "
                "0.1.0; policy default; findings 0; waivers none; tree 000000000000")
    report = audit(history.path, AuditOptions(blame=("Flask",)))
    [item] = report["blame"]
    assert (item["target"], item["dependency"], item["subject"]) == (
        "requirements.txt:1", "Flask", "Add the query helper")
    assert item["ai_assisted"] is True
    claim = report["commits"][0]
    assert claim["checked"] is False and claim["check_stale"] is True
    assert audit(history.path, AuditOptions(blame=("nonexistent-pkg",)))["blame"][0][
        "commit"] is None


def test_the_audit_command_writes_json(history, cli):
    import json

    out = os.path.join(history.path, "audit.json")
    done = cli("audit", "HEAD~1..HEAD", "--blame", "db.py:2", "--format", "json", "-o", out,
               cwd=history.path, env={"AICODEGUARD_TODAY": "2027-03-02"})
    assert done.returncode == 0, done.err
    with open(out) as handle:
        report = json.load(handle)
    assert report["today"] == "2027-03-02" and len(report["commits"]) == 1
    assert report["blame"][0]["ai_assisted"] is True
    bad = cli("audit", "no-such-rev", cwd=history.path)
    assert bad.returncode == 2 and "aicodeguard: error:" in bad.err
