"""`scan --diff` / `--changed` with `--base REF`: only findings on lines changed since the
merge base fail; checked with real git histories and the real CLI."""

from __future__ import annotations

import pytest

from aicodeguard.gitdiff import WHOLE_FILE, parse_patch
from tests.test_hooks_helpers import FIXED, INSECURE, GitRepo, finding_lines

OLD_CODE = "import os\n\n\n" + INSECURE  # an old finding on line 5


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "project", env={"AICODEGUARD_OFFLINE": "1"})
    repo.write("legacy.py", OLD_CODE)
    repo.write("clean.py", FIXED)
    repo.stage("legacy.py", "clean.py")
    repo.commit("old code")
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def lines_of(done) -> list[str]:
    return [":".join(line.split(":")[:2]) for line in finding_lines(done.out)]


def test_only_findings_on_changed_lines_fail(repo):
    assert repo.aicodeguard("scan", "--hook", "--diff", "--base", "main").returncode == 0
    repo.write("legacy.py", "import os\nimport sys\n\n" + INSECURE + "\n\n"
               + INSECURE.replace("def q", "def added"))
    repo.write("new_file.py", INSECURE)  # untracked: new files count whole
    done = repo.aicodeguard("scan", "--hook", "--changed", "--base", "main")
    assert done.returncode == 1
    assert lines_of(done) == ["legacy.py:9", "new_file.py:2"]
    assert "1 on unchanged lines" in done.out  # the old finding, moved by an unrelated edit


def test_committed_branch_changes_count_and_changes_on_the_base_since_do_not(repo):
    repo.write("feature.py", INSECURE)
    repo.stage("feature.py")
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("main_only.py", INSECURE)  # main moves on after the branch was made
    repo.stage("main_only.py")
    repo.commit("main work")
    repo.git("checkout", "-q", "feature")
    done = repo.aicodeguard("scan", "--format", "concise", "--diff", "--base", "main")
    assert done.returncode == 1 and lines_of(done) == ["feature.py:2"]


def test_a_fix_leaves_nothing_and_the_default_base_is_head(repo):
    repo.write("legacy.py", OLD_CODE.replace(INSECURE, FIXED))
    assert repo.aicodeguard("scan", "--diff").returncode == 0
    repo.write("clean.py", INSECURE)
    done = repo.aicodeguard("scan", "--diff", "--format", "concise")
    assert done.returncode == 1 and lines_of(done) == ["clean.py:2"]


def test_renaming_a_file_does_not_make_its_findings_new(repo):
    repo.git("mv", "legacy.py", "moved.py")
    repo.commit("rename")
    assert repo.aicodeguard("scan", "--diff", "--base", "main").returncode == 0


def test_staged_diff_and_paths_from_a_subfolder(repo):
    repo.write("pkg/mod.py", "x = 1\n")
    repo.stage("pkg/mod.py")
    repo.commit("pkg")
    repo.write("pkg/mod.py", "x = 1\n" + INSECURE)
    assert repo.aicodeguard("scan", "--staged", "--diff").returncode == 0  # nothing staged yet
    repo.stage("pkg/mod.py")
    done = repo.aicodeguard("scan", "--staged", "--diff", "--format", "concise",
                            cwd=f"{repo.path}/pkg")
    assert done.returncode == 1 and lines_of(done) == ["mod.py:3"]


def test_an_unknown_base_is_a_usage_error_with_advice(repo):
    done = repo.aicodeguard("scan", "--diff", "--base", "origin/nope")
    assert done.returncode == 2 and "fetch-depth: 0" in done.out


def test_parse_patch_reads_hunks_new_files_and_quoted_names():
    patch = (b'diff --git a/a.py b/a.py\nindex 1..2 100644\n--- a/a.py\n+++ b/a.py\n'
             b'@@ -3,0 +4,2 @@ def f():\n+x\n+++ looks like a header but is content\n'
             b'@@ -10 +12 @@\n-y\n+z\n@@ -20,3 +22,0 @@\n-gone\n'
             b'diff --git a/n.py b/n.py\nnew file mode 100644\n--- /dev/null\n+++ b/n.py\n'
             b'@@ -0,0 +1,3 @@\n+1\n+2\n+3\n'
             b'diff --git "a/caf\\303\\251 x.py" "b/caf\\303\\251 x.py"\n'
             b'--- "a/caf\\303\\251 x.py"\n+++ "b/caf\\303\\251 x.py"\n@@ -1 +1 @@\n-a\n+b\n'
             b'diff --git a/s p.py b/s p.py\n--- a/s p.py\t\n+++ b/s p.py\t\n@@ -1 +1 @@\n'
             b'diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n'
             b'+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')
    assert parse_patch(patch) == {"a.py": [(4, 5), (12, 12)], "n.py": WHOLE_FILE,
                                  "café x.py": [(1, 1)], "s p.py": [(1, 1)]}
