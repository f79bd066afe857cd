"""The `Checked-by` trailer and the custody requirements, through real `git commit`s: the
plain hooks (`install-hooks --trailer`) and the pre-commit framework (`aicodeguard-trailer`
on the commit-msg stage)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from aicodeguard import __version__
from aicodeguard.config import KEYS
from tests.test_hooks_helpers import FIXED, HOOK_IDS, INSECURE, SUPPRESSED, GitRepo, write_config

CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "project", env={"AICODEGUARD_OFFLINE": "1"})
    done = repo.aicodeguard("install-hooks", "--trailer")
    assert done.returncode == 0 and "Checked-by" in done.out, done.out
    return repo


def message(repo: GitRepo) -> str:
    return repo.git("log", "-1", "--format=%B").out.strip()


def checked_by(repo: GitRepo) -> str | None:
    lines = [line for line in message(repo).splitlines() if line.startswith("Checked-by:")]
    assert len(lines) <= 1
    return lines[0].removeprefix("Checked-by: ") if lines else None


def test_a_checked_commit_gets_the_trailer_with_its_findings_and_waivers(repo):
    repo.write("db.py", SUPPRESSED)
    repo.stage("db.py")
    done = repo.commit(f"Add the query helper\n\n{CLAUDE}")
    assert done.returncode == 0, done.out
    tree = repo.git("rev-parse", "HEAD^{tree}").out.strip()
    assert checked_by(repo) == (f"aicodeguard {__version__}; policy default; findings 0; "
                                f"waivers AIG101:db.py; tree {tree[:12]}")
    assert message(repo).startswith(f"Add the query helper\n\n{CLAUDE}\nChecked-by:")
    # The record is used up, and without --notes no note record is left behind.
    git_dir = os.path.join(repo.path, ".git")
    assert not {"aicodeguard-check", "aicodeguard-check.json"} & set(os.listdir(git_dir))


def test_the_policy_hash_follows_the_configuration(repo):
    repo.write(".aicodeguard.toml", "fail-on = 'high'\n")
    repo.write("a.py", FIXED)
    repo.stage("a.py", ".aicodeguard.toml")
    assert repo.commit("one").returncode == 0
    first = checked_by(repo)
    repo.write(".aicodeguard.toml", "fail-on = 'critical'\n")
    repo.write("b.py", FIXED)
    repo.stage("b.py", ".aicodeguard.toml")
    assert repo.commit("two").returncode == 0
    policies = [value.split("; ")[1] for value in (first, checked_by(repo))]
    assert policies[0] != policies[1] and "default" not in policies[0]


def test_no_trailer_without_the_check_or_for_content_changed_after_it(repo):
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    assert repo.commit("blocked").returncode == 1
    assert repo.commit("skipped", "--no-verify").returncode == 0
    assert checked_by(repo) is None

    # Checked, then the index changes before the commit-msg step: the record does not fit.
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.aicodeguard("scan", "--staged", "--hook", "--record-check").returncode == 0
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    msg = repo.write(".msg", "Change db\n")
    assert repo.aicodeguard("commit-msg", msg).returncode == 0
    assert "Checked-by" not in repo.read(".msg")


def test_a_hand_written_or_stale_trailer_is_removed(repo):
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    msg = repo.write(".msg", "Fake it\n\nChecked-by: aicodeguard 9.9; policy x; findings 0\n")
    assert repo.aicodeguard("commit-msg", msg).returncode == 0  # no record: no claim
    assert "Checked-by" not in repo.read(".msg")
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.commit("Fixed\n\nChecked-by: aicodeguard 9.9; policy x; findings 0").returncode == 0
    assert checked_by(repo).startswith(f"aicodeguard {__version__}; policy default; findings 0")


def test_disclosure_and_prompt_references_are_enforced_by_the_commit_msg_step(repo):
    # The scan's own configuration keys belong to config.py; this test exercises the
    # commit-msg step alone, so the pre-commit hook is taken out.
    os.remove(os.path.join(repo.path, ".git", "hooks", "pre-commit"))
    repo.write(".aicodeguard.toml", "[custody]\nrequire-ai-disclosure = true\n"
                                    "require-prompt-ref = true\nai-markers = ['^\\[bot\\]']\n")
    repo.write("a.py", FIXED)
    repo.stage("a.py", ".aicodeguard.toml")
    refused = repo.commit("Add a")
    assert refused.returncode == 1 and repo.commit_count() == 0
    assert "require-ai-disclosure" in refused.out and "AI-assisted: no" in refused.out
    no_ref = repo.commit(f"Add a\n\n{CLAUDE}")
    assert no_ref.returncode == 1 and "AI-Prompt-Ref" in no_ref.out
    assert repo.commit("[bot] Add a").returncode == 1  # a team marker is a disclosure too
    assert repo.commit(f"Add a\n\n{CLAUDE}\nAI-Prompt-Ref: session-7").returncode == 0
    repo.write("b.py", FIXED)
    repo.stage("b.py")
    assert repo.commit("Add b\n\nAI-assisted: no").returncode == 0
    assert checked_by(repo) is None  # nothing checked this commit


def test_a_typo_in_the_custody_table_is_an_error_naming_the_key(repo):
    repo.write(".aicodeguard.toml", "[custody]\nrequire-ai-disclosur = true\n")
    msg = repo.write(".msg", "x\n")
    done = repo.aicodeguard("commit-msg", msg)
    assert done.returncode == 2
    assert "unknown key 'require-ai-disclosur' (did you mean 'require-ai-disclosure'?)" in done.out


@pytest.mark.skipif("custody" not in KEYS, reason="config.py does not accept [custody] yet")
def test_both_hooks_with_the_custody_table(repo):
    repo.write(".aicodeguard.toml", "[custody]\nrequire-ai-disclosure = true\n")
    repo.write("a.py", FIXED)
    repo.stage("a.py", ".aicodeguard.toml")
    assert repo.commit("Add a").returncode == 1
    assert repo.commit("Add a\n\nAI-assisted: no").returncode == 0
    assert checked_by(repo) is not None


def test_notes_and_trailer_together(repo):
    assert repo.aicodeguard("install-hooks", "--notes", "--trailer").returncode == 0
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.commit("x").returncode == 0
    note = repo.git("notes", "--ref=aicodeguard", "show", "HEAD").out
    assert note.startswith(f"Checked by aicodeguard {__version__}: passed.\n")
    assert f"Checked-by: {checked_by(repo)}" in note
    assert repo.aicodeguard("install-hooks", "--uninstall").returncode == 0
    assert not os.path.exists(os.path.join(repo.path, ".git", "hooks", "commit-msg"))
    assert repo.git("config", "--get", "aicodeguard.trailer", check=False).out == ""


def test_audit_reads_the_trailers_the_hooks_wrote(repo):
    repo.write("db.py", SUPPRESSED)
    repo.stage("db.py")
    assert repo.commit(f"Add db\n\n{CLAUDE}").returncode == 0
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.commit("Fix db by hand", "--no-verify").returncode == 0
    done = repo.aicodeguard("audit", "--format", "json")
    assert done.returncode == 0, done.out
    report = json.loads(done.out)
    assert [(c["ai_assisted"], c["checked"]) for c in report["commits"]] == [
        (False, False), (True, True)]
    assert report["summary"]["ai_assisted_unchecked"] == 0


# ---------------------------------------------------------------- the pre-commit framework

@pytest.mark.slow
def test_pre_commit_framework_hooks_hand_over_to_the_trailer(tmp_path, hook_repository,
                                                             pre_commit_home):
    project = GitRepo(tmp_path / "project",
                      env={"PRE_COMMIT_HOME": pre_commit_home, "AICODEGUARD_OFFLINE": "1"})
    write_config(project, hook_repository, (*HOOK_IDS, "aicodeguard-trailer"))
    project.stage(".pre-commit-config.yaml")
    installed = project.run(sys.executable, "-m", "pre_commit", "install",
                            "--hook-type", "pre-commit", "--hook-type", "commit-msg")
    assert installed.returncode == 0, installed.out
    project.write("db.py", SUPPRESSED)
    project.write("requirements.txt", "requests>=2.31\n")
    project.stage("db.py", "requirements.txt")
    done = project.commit(f"Add db\n\n{CLAUDE}")
    assert done.returncode == 0, done.out
    value = checked_by(project)
    assert value is not None, message(project)
    # Two hooks (code, dependencies) checked parts of one commit: one trailer for both.
    assert value.startswith(f"aicodeguard {__version__}; policy default; findings 0; "
                            "waivers AIG101:db.py; tree ")

    project.write("db.py", INSECURE)
    project.stage("db.py")
    assert project.commit("blocked").returncode == 1
    assert project.commit("skipped", "--no-verify").returncode == 0
    assert checked_by(project) is None
