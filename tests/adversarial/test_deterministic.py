"""The same input gives byte-identical reports: with or without the result cache, in one
process or in the pool, whatever the hash seed of the process (issue 9, guarantee 9)."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

# One nonexistent package imported from several files and declared in the manifest: the
# supply-chain check must pick the same lines every time, whichever file it meets first.
APP = '''\
import os
import subprocess

import flask
import zqxjv_quantum_helper

app = flask.Flask(__name__)


@app.route("/run")
def run():
    name = flask.request.args.get("name", "")
    subprocess.run("echo " + name, shell=True)
    return os.path.basename(name)
'''

HELPER = '''\
import pickle
import zqxjv_quantum_helper
from zqxjv_quantum_helper import tools


def load(blob):
    return pickle.loads(blob)


def query(db, user):
    return db.execute(f"SELECT * FROM users WHERE name = '{user}'")
'''


def _project(root):
    root.mkdir()
    (root / "requirements.txt").write_text("flask==3.0.0\nzqxjv-quantum-helper==1.0\n")
    for index in range(12):  # enough files and bytes for the process pool to be used
        (root / f"app_{index:02d}.py").write_text(APP + "\n" + "# padding\n" * 1100)
        (root / f"helper_{index:02d}.py").write_text(HELPER + "\n" + "# padding\n" * 1100)
    return root


def _report(project, cache, report, options, seed):
    env = {"PYTHONHASHSEED": seed, "AICODEGUARD_CACHE_DIR": str(cache)}
    done = run_cli("scan", "--offline", "--format", report, *options, ".", cwd=project, env=env)
    assert done.returncode == 1, done.stderr.decode()
    return done.stdout


@pytest.mark.slow
def test_reports_are_byte_identical_across_runs(tmp_path):
    project = _project(tmp_path / "project")
    cache = tmp_path / "cache"
    runs = {
        "no cache, hash seed 1": (["--no-cache"], "1"),
        "cold cache, hash seed 2": ([], "2"),
        "warm cache, hash seed 3": ([], "3"),
        "one process, hash seed 4": (["--no-cache", "--jobs", "1"], "4"),
        "two processes, hash seed 5": (["--no-cache", "--jobs", "2"], "5"),
    }
    outputs = {label: _report(project, cache, "json", options, seed)
               for label, (options, seed) in runs.items()}
    first_label, first = next(iter(outputs.items()))
    assert b"zqxjv" in first  # the supply-chain finding is part of what is compared
    for label, output in outputs.items():
        assert output == first, f"{label!r} differs from {first_label!r}"
    for report in ("sarif", "text"):  # the other renderers: without and with the cache
        assert _report(project, cache, report, ["--no-cache"], "6") \
            == _report(project, cache, report, [], "7"), report
