"""Baselines: `aicodeguard baseline create` and `scan --baseline FILE`, through the real CLI.

Accepted findings are hidden and counted, new ones fail, and the file does not change
when code around an accepted finding moves (no line numbers, no timestamps, sorted)."""

from __future__ import annotations

import json
import os

import pytest

from aicodeguard.baseline import Baseline, BaselineError
from tests.test_hooks_helpers import INSECURE, GitRepo, finding_lines

SECOND = INSECURE.replace("def q", "def r")
BASELINE = ".aicodeguard-baseline.json"


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "project", env={"AICODEGUARD_OFFLINE": "1"})
    repo.write("app/db.py", INSECURE)
    repo.write("app/z_other.py", "import pickle\n\n\ndef load(b):\n    return pickle.loads(b)\n")
    return repo


def create(repo: GitRepo, *args: str) -> str:
    done = repo.aicodeguard("baseline", "create", *args)
    assert done.returncode == 0, done.out
    return done.out


def test_the_file_is_sorted_and_free_of_line_numbers_and_timestamps(repo):
    assert "wrote 2 findings from 2 files" in create(repo)
    document = json.loads(repo.read(BASELINE))
    entries = document["findings"]
    assert [(e["path"], e["rule"]) for e in entries] == [("app/db.py", "AIG101"),
                                                         ("app/z_other.py", "AIG401")]
    assert all(set(entry) == {"path", "rule", "fingerprint"} for entry in entries)
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    assert set(document) == {"aicodeguard_baseline", "comment", "findings"}
    assert "cur.execute" not in repo.read(BASELINE)  # no code text (it may hold secrets)


def test_accepted_findings_are_hidden_and_new_ones_fail(repo):
    create(repo)
    accepted = repo.aicodeguard("scan", "--baseline", BASELINE)
    assert accepted.returncode == 0 and "2 in the baseline" in accepted.out
    repo.write("app/db.py", INSECURE + "\n\n" + SECOND)
    new = repo.aicodeguard("scan", "--hook", "--baseline", BASELINE)
    assert new.returncode == 1
    assert [line.split(": ")[0] for line in finding_lines(new.out)] == ["app/db.py:6:17"]
    assert "2 in the baseline" in new.out


def test_unrelated_edits_do_not_churn_it(repo):
    create(repo)
    before = repo.read(BASELINE)
    repo.write("app/db.py", '"""Database helpers."""\nimport logging\n\n\n'
               + INSECURE.replace("    cur.execute", "        cur.execute")
               .replace("def q(cur, n):\n", "def q(cur, n):\n    if n:\n"))
    assert repo.aicodeguard("scan", "--baseline", BASELINE).returncode == 0
    create(repo)
    assert repo.read(BASELINE) == before


def test_one_more_identical_line_is_new(repo):
    create(repo)
    repo.write("app/db.py", INSECURE + "    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n")
    done = repo.aicodeguard("scan", "--hook", "--baseline", BASELINE)
    assert done.returncode == 1 and len(finding_lines(done.out)) == 1


def test_paths_are_relative_to_the_baseline_file_not_to_the_working_directory(repo):
    create(repo)
    inside = repo.aicodeguard("scan", "--baseline", os.path.join("..", BASELINE), ".",
                              cwd=os.path.join(repo.path, "app"))
    assert inside.returncode == 0 and "2 in the baseline" in inside.out


def test_a_fixed_finding_leaves_the_file_on_recreate(repo):
    create(repo)
    repo.write("app/z_other.py", "import json\n\n\ndef load(b):\n    return json.loads(b)\n")
    create(repo, "-o", "other-name.json")
    assert [e["path"] for e in json.loads(repo.read("other-name.json"))["findings"]] == [
        "app/db.py"]


@pytest.mark.parametrize("content, message", [
    (None, "cannot read the baseline"),
    ("{not json", "not a valid baseline file"),
    ('{"findings": []}', "not an aicodeguard baseline"),
    ('{"aicodeguard_baseline": 1, "findings": [{"path": "a.py"}]}', "entry 1 needs"),
])
def test_a_broken_baseline_is_a_usage_error(repo, content, message):
    if content is not None:
        repo.write(BASELINE, content)
    done = repo.aicodeguard("scan", "--baseline", BASELINE)
    assert done.returncode == 2 and message in done.out
    with pytest.raises(BaselineError):
        Baseline.load(os.path.join(repo.path, BASELINE))
