"""Shared test set-up: run the CLI in-process or as a real subprocess, isolated caches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

# Rule fixtures are code to be scanned, not tests to be run (some are named test_*.py).
collect_ignore_glob = ["fixtures/*", "lsp_fixtures/*"]

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "tests", "fixtures")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty cache folder and no user configuration."""
    monkeypatch.setenv("AICODEGUARD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("AICODEGUARD_OFFLINE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def run_cli(*args: str, cwd=None, stdin: bytes | None = None, env=None):
    """Run `python -m aicodeguard ARGS` as a real process; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "aicodeguard", *args],
        cwd=cwd, input=stdin, capture_output=True, env=full_env, timeout=300,
    )


@pytest.fixture
def cli():
    def invoke(*args, **kwargs):
        result = run_cli(*args, **kwargs)
        result.out = result.stdout.decode("utf-8", "replace")
        result.err = result.stderr.decode("utf-8", "replace")
        return result
    return invoke


# The pre-commit framework's environment is slow to build (a virtualenv with this package):
# one per test session, shared by every test that drives the real pre-commit.
@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory) -> tuple[str, str]:
    """(path, commit) of a one-commit copy of this checkout as it is now."""
    from tests.test_hooks_helpers import REPO, GitRepo, clean_env

    listed = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, check=True,
                            env=clean_env()).stdout
    target = str(tmp_path_factory.mktemp("hook-repository"))
    for name in filter(None, os.fsdecode(listed).split("\0")):
        source = os.path.join(REPO, name)
        if os.path.isfile(source):
            os.makedirs(os.path.join(target, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, name))
    snapshot = GitRepo(target)
    snapshot.git("add", "-A")
    snapshot.git("commit", "-q", "-m", "snapshot of the working tree")
    return target, snapshot.git("rev-parse", "HEAD").out.strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory, hook_repository) -> str:
    """One pre-commit store for the session, with the hook environment already built."""
    home = str(tmp_path_factory.mktemp("pre-commit-home"))
    from tests.test_hooks_helpers import GitRepo, write_config

    scratch = GitRepo(tmp_path_factory.mktemp("env-builder"), env={"PRE_COMMIT_HOME": home})
    write_config(scratch, hook_repository)
    built = scratch.run(sys.executable, "-m", "pre_commit", "install-hooks")
    assert built.returncode == 0, f"building the hook environment failed:\n{built.out}"
    return home
