"""Shared test set-up: run the CLI in-process or as a real subprocess, isolated caches."""

from __future__ import annotations

import os
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
