"""The chain of custody: AI-assisted commits recognised from their messages, and
`audit` over a real git history (dependencies, waivers, the gate's own files, blame)."""

from __future__ import annotations

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
        "control_file_changes": 1}
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
