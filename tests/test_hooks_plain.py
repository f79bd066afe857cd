"""The plain git hook (hooks/pre-commit) and `aicodeguard install-hooks`, driven by real
`git commit` runs in temporary repositories."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time

import pytest

from aicodeguard.install_hooks import hook_text
from tests.test_hooks_helpers import (
    FIXED,
    INSECURE,
    REPO,
    SUPPRESSED,
    GitRepo,
    finding_lines,
)

HEADLINE = "db.py:2:17: AIG101 [high/medium] SQL built with an f-string"
HINT = "To accept a finding, add `# aicodeguard: ignore[ID] reason`"


@pytest.fixture
def repo(tmp_path):
    return GitRepo(tmp_path / "project", env={"AICODEGUARD_OFFLINE": "1"})


def installed(repo: GitRepo) -> GitRepo:
    done = repo.aicodeguard("install-hooks")
    assert done.returncode == 0, done.out
    return repo


def hook_path(repo: GitRepo, name: str = "pre-commit") -> str:
    return os.path.join(repo.path, ".git", "hooks", name)


def test_blocks_an_insecure_commit_and_passes_once_fixed(repo):
    installed(repo)
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    blocked = repo.commit()
    assert blocked.returncode == 1 and repo.commit_count() == 0
    assert [line[:len(HEADLINE)] for line in finding_lines(blocked.out)] == [HEADLINE]
    assert "Found 1 finding (1 high) in 1 of 1 file" in blocked.out and HINT in blocked.out
    assert "\x1b[" not in blocked.out  # not a terminal: no colours
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.commit().returncode == 0 and repo.commit_count() == 1


def test_a_suppression_with_a_reason_passes_and_one_without_does_not(repo):
    installed(repo)
    repo.write("db.py", SUPPRESSED)
    repo.stage("db.py")
    assert repo.commit().returncode == 0
    repo.write("db.py", SUPPRESSED.replace(" n is an enum member name, never user input", ""))
    repo.stage("db.py")
    blocked = repo.commit()
    assert blocked.returncode == 1
    assert [line.split(": ")[1].split()[0] for line in finding_lines(blocked.out)] == ["AIG002"]


def test_judges_the_staged_content_not_the_working_tree(repo):
    installed(repo)
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    repo.write("db.py", FIXED)  # fixed on disk, but the fix is not staged
    blocked = repo.commit()
    assert blocked.returncode == 1 and HEADLINE in blocked.out
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    repo.write("db.py", FIXED + INSECURE.replace("def q", "def r"))  # unstaged: not committed
    assert repo.commit().returncode == 0
    assert repo.git("show", "HEAD:db.py").out == FIXED
    assert repo.read("db.py").endswith(INSECURE.replace("def q", "def r"))  # left untouched


def test_partially_staged_hunks_of_one_file(repo):
    """`git add -p` style: the index holds only one of the file's two new hunks."""
    installed(repo)
    header = "import sqlite3\n\n\n"
    repo.write("db.py", header + FIXED)
    repo.stage("db.py")
    assert repo.commit().returncode == 0
    insecure_r = INSECURE.replace("def q", "def r")
    safe_s = "\n\ndef s():\n    return 1\n"
    repo.write("db.py", header + insecure_r + "\n\n" + FIXED + safe_s)
    staged = header + FIXED + safe_s  # what `git add -p` gives when only `s` is taken
    repo.git("update-index", "--cacheinfo", f"100644,{_blob(repo, staged)},db.py")
    assert repo.commit().returncode == 0
    assert "def r" not in repo.git("show", "HEAD:db.py").out
    repo.stage("db.py")  # now the insecure hunk is staged too
    assert repo.commit().returncode == 1


def _blob(repo: GitRepo, text: str) -> str:
    path = repo.write(".blob-input", text)
    blob = repo.git("hash-object", "-w", path).out.strip()
    os.remove(path)
    return blob


def test_blocks_a_hallucinated_requirement_from_the_index(repo):
    installed(repo)
    repo.write("requirements.txt", "requests>=2.31\nflask-sqlalchemy-secure-sessionz\n")
    repo.stage("requirements.txt")
    repo.write("requirements.txt", "requests>=2.31\n")  # removed on disk only: still staged
    blocked = repo.commit()
    assert blocked.returncode == 1
    assert [line.split("`")[:2] for line in finding_lines(blocked.out)] == [
        ["requirements.txt:2:1: AIG601 [high/high] ", "flask-sqlalchemy-secure-sessionz"]]


def test_git_commit_with_paths_checks_what_that_commit_records(repo):
    """`git commit db.py` commits db.py from the working tree through a temporary index."""
    installed(repo)
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    repo.write("db.py", INSECURE)
    blocked = repo.commit("only db.py", "db.py")
    assert blocked.returncode == 1 and HEADLINE in blocked.out


def test_uses_the_baseline_file_when_the_repository_has_one(repo):
    installed(repo)
    repo.write("db.py", INSECURE)
    assert repo.aicodeguard("baseline", "create", "db.py").returncode == 0
    before = repo.read(".aicodeguard-baseline.json")
    repo.stage("db.py", ".aicodeguard-baseline.json")
    assert repo.commit().returncode == 0
    repo.write("db.py", INSECURE + INSECURE.replace("def q", "def r"))
    repo.stage("db.py")
    blocked = repo.commit()
    assert blocked.returncode == 1
    assert [line.split(":")[1] for line in finding_lines(blocked.out)] == ["4"]
    assert "1 in the baseline" in blocked.out
    assert repo.read(".aicodeguard-baseline.json") == before  # the hook never rewrites it


def test_the_configured_baseline_wins_over_the_default_file(repo):
    """`baseline = "..."` in the configuration is the hook's baseline even when a (here
    stale, empty) .aicodeguard-baseline.json is there too."""
    installed(repo)
    repo.write(".aicodeguard.toml", 'baseline = "security/accepted.json"\n')
    repo.write("db.py", INSECURE)
    repo.write("security/README", "accepted findings\n")
    assert repo.aicodeguard("baseline", "create", "db.py").returncode == 0
    repo.write("clean.py", "x = 1\n")
    stale = repo.aicodeguard("baseline", "create", "--output", ".aicodeguard-baseline.json",
                             "clean.py")
    assert "wrote 0 findings" in stale.out
    repo.stage(".")
    assert repo.commit().returncode == 0, "the configured baseline was not used"
    repo.write("db.py", INSECURE + INSECURE.replace("def q", "def r"))
    repo.stage("db.py")
    blocked = repo.commit()
    assert blocked.returncode == 1 and "1 in the baseline" in blocked.out
    assert [line.split(":")[1] for line in finding_lines(blocked.out)] == ["4"]


def test_install_keeps_an_existing_hook_runs_it_first_and_uninstall_restores_it(repo):
    original = "#!/bin/sh\necho previous-hook-ran >> \"$(git rev-parse --git-dir)/ran\"\n" \
               "exit \"${PREVIOUS_EXIT:-0}\"\n"
    path = hook_path(repo)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(original)
    os.chmod(path, 0o750)

    done = repo.aicodeguard("install-hooks")
    assert done.returncode == 0 and "kept your existing hook" in done.out
    again = repo.aicodeguard("install-hooks")  # a second install must not chain to itself
    assert again.returncode == 0 and "kept your existing hook" not in again.out
    with open(path + ".pre-aicodeguard") as handle:
        assert handle.read() == original

    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    assert repo.commit().returncode == 1  # aicodeguard blocks ...
    ran = os.path.join(repo.path, ".git", "ran")
    with open(ran) as handle:
        assert handle.read() == "previous-hook-ran\n"  # ... after the previous hook ran once
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    previous_fails = repo.run("git", "commit", "-m", "x", env={"PREVIOUS_EXIT": "3"})
    assert previous_fails.returncode != 0 and repo.commit_count() == 0  # its verdict counts
    assert repo.commit().returncode == 0

    done = repo.aicodeguard("install-hooks", "--uninstall")
    assert done.returncode == 0 and "restored" in done.out
    with open(path) as handle:
        assert handle.read() == original
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
    assert not os.path.exists(path + ".pre-aicodeguard")


def test_install_refuses_when_both_a_foreign_hook_and_a_saved_one_exist(repo):
    folder = os.path.dirname(hook_path(repo))
    os.makedirs(folder, exist_ok=True)
    for name in ("pre-commit", "pre-commit.pre-aicodeguard"):
        with open(os.path.join(folder, name), "w") as handle:
            handle.write("#!/bin/sh\nexit 0\n")
    done = repo.aicodeguard("install-hooks")
    assert done.returncode == 2 and "move one of them away" in done.out
    with open(hook_path(repo)) as handle:
        assert handle.read() == "#!/bin/sh\nexit 0\n"


def test_uninstall_leaves_a_foreign_hook_alone(repo):
    path = hook_path(repo)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write("#!/bin/sh\nexit 0\n")
    done = repo.aicodeguard("install-hooks", "--uninstall")
    assert done.returncode == 0 and "not aicodeguard's" in done.out and os.path.exists(path)


def test_install_honours_core_hooks_path(repo):
    repo.git("config", "core.hooksPath", ".githooks")
    installed(repo)
    assert os.path.exists(os.path.join(repo.path, ".githooks", "pre-commit"))
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    assert repo.commit().returncode == 1


def test_install_outside_a_repository_is_a_usage_error(tmp_path):
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "aicodeguard", "install-hooks"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "aicodeguard: error: git" in done.stderr


def test_the_shipped_hook_is_the_installed_one_and_works_when_copied_by_hand(repo):
    for name in ("pre-commit", "post-commit", "commit-msg"):
        shipped = os.path.join(REPO, "hooks", name)
        with open(shipped) as handle:
            assert handle.read() == hook_text(name, None), \
                f"hooks/{name} is out of date: write install_hooks.hook_text({name!r}, None)"
        assert os.access(shipped, os.X_OK)
    shipped = os.path.join(REPO, "hooks", "pre-commit")
    shutil.copy2(shipped, hook_path(repo))
    bin_folder = os.path.dirname(sys.executable)  # where pip put the console script
    assert os.path.exists(os.path.join(bin_folder, "aicodeguard"))
    with_tool = {"PATH": bin_folder + os.pathsep + os.environ.get("PATH", "")}
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    blocked = repo.run("git", "commit", "-m", "x", env=with_tool)
    assert blocked.returncode == 1 and HEADLINE in blocked.out
    # Without aicodeguard on PATH the hook fails closed and says why.
    without = {"PATH": os.path.dirname(shutil.which("git"))}
    refused = repo.run("git", "commit", "-m", "x", env=without)
    assert refused.returncode == 1 and "aicodeguard: not installed" in refused.out


def test_online_look_ups_happen_within_the_deadline(repo, tmp_path):
    """Not offline: names the snapshot cannot settle go to the configured index (here a
    real server on 127.0.0.1), and a slow index costs at most `network-deadline`."""
    from tests.registry_server import RegistryServer

    installed(repo)
    repo.write(".aicodeguard.toml", "network-deadline = 1.0\n")
    online = {"AICODEGUARD_OFFLINE": "", "PIP_CONFIG_FILE": os.devnull,
              "HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
    name = "acme-internal-billing-sdk"  # absent from the snapshot, present on this index
    with RegistryServer() as server:
        server.add_pypi(name, {"1.0": "2019-03-01T00:00:00Z", "2.0": "2021-06-01T00:00:00Z"})
        env = {**online, "PIP_INDEX_URL": server.simple_url}
        repo.write("requirements.txt", f"{name}==2.0\n")
        repo.stage("requirements.txt", ".aicodeguard.toml")
        passed = repo.run("git", "commit", "-m", "x", env=env)
        assert passed.returncode == 0, passed.out
        assert server.requested(name)

        server.delay = 10.0  # an index that does not answer in time
        repo.write("requirements.txt", f"{name}==2.0\nflask-sqlalchemy-secure-sessionz\n")
        repo.stage("requirements.txt")
        started = time.monotonic()
        blocked = repo.run("git", "commit", "-m", "y", env=env)
        elapsed = time.monotonic() - started
    assert blocked.returncode == 1 and "flask-sqlalchemy-secure-sessionz" in blocked.out
    assert elapsed < 6.0, f"the hook waited {elapsed:.1f} s on a 1 s deadline"


def test_opt_in_git_notes_record_which_version_checked_each_commit(repo):
    from aicodeguard import __version__

    done = repo.aicodeguard("install-hooks", "--notes")
    assert done.returncode == 0 and "refs/notes/aicodeguard" in done.out
    repo.write("db.py", SUPPRESSED)
    repo.stage("db.py")
    assert repo.commit().returncode == 0
    note = repo.git("notes", "--ref=aicodeguard", "show", "HEAD").out
    assert note.startswith(f"Checked by aicodeguard {__version__}: passed.\n")
    assert "Found 0 findings in 1 file; 1 suppressed." in note

    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    assert repo.commit().returncode == 1
    assert repo.commit("unchecked", "--no-verify").returncode == 0
    assert repo.git("notes", "--ref=aicodeguard", "show", "HEAD", check=False).returncode != 0
    assert repo.commit_count() == 2

    assert repo.aicodeguard("install-hooks", "--uninstall").returncode == 0
    assert not os.path.exists(hook_path(repo, "post-commit"))
    assert repo.git("config", "--get", "aicodeguard.notes", check=False).out == ""


def test_without_notes_no_note_is_written(repo):
    installed(repo)
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.commit().returncode == 0
    assert repo.git("notes", "--ref=aicodeguard", "list", check=False).out == ""
    assert not os.path.exists(hook_path(repo, "post-commit"))


def test_chains_to_a_pre_commit_framework_hook(repo, tmp_path):
    """The most common existing hook: the one `pre-commit install` writes."""
    repo.write(".pre-commit-config.yaml",
               "repos:\n- repo: local\n  hooks:\n  - id: no-todo\n    name: no TODO\n"
               "    entry: sh -c 'if grep -n TODO \"$@\"; then exit 1; fi' --\n"
               "    language: system\n    types: [python]\n")
    repo.stage(".pre-commit-config.yaml")
    framework = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert repo.run(sys.executable, "-m", "pre_commit", "install", env=framework,
                    check=True).returncode == 0
    done = repo.aicodeguard("install-hooks")
    assert done.returncode == 0 and "pre-commit framework" in done.out

    repo.write("db.py", FIXED + "# TODO: pagination\n")
    repo.stage("db.py")
    todo = repo.run("git", "commit", "-m", "x", env=framework)
    assert todo.returncode == 1 and "no TODO" in todo.out and "Failed" in todo.out
    repo.write("db.py", INSECURE)
    repo.stage("db.py")
    insecure = repo.run("git", "commit", "-m", "x", env=framework)
    assert insecure.returncode == 1 and "Passed" in insecure.out and HEADLINE in insecure.out
    repo.write("db.py", FIXED)
    repo.stage("db.py")
    assert repo.run("git", "commit", "-m", "x", env=framework).returncode == 0
