"""The README's promises hold: the quick start is two commands and both work as written,
and every install instruction installs from the repository (there is no package on the
public index).

The generated tables (rules, bandit parity) live in docs/rules.md: tests/test_docs.py.
The first quick-start command's install is proven end to end by tests/test_install.py
(build the wheel `pip install .` builds, install it into a fresh venv, scan, serve).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from .conftest import REPO

README = os.path.join(REPO, "README.md")
DOCS = os.path.join(REPO, "docs")
SCAN_COMMAND = "aicodeguard scan --offline bench/samples/ai_app"
QUICK_START = (
    f"python3 -m venv .venv && . .venv/bin/activate && pip install . && {SCAN_COMMAND}",
    ".ci/run",
)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _documents() -> dict[str, str]:
    pages = {"README.md": _read(README)}
    for name in sorted(os.listdir(DOCS)):
        if name.endswith(".md"):
            pages[f"docs/{name}"] = _read(os.path.join(DOCS, name))
    return pages


def test_quick_start_is_exactly_the_two_commands():
    section = _section(_read(README), "Quick start")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    commands = tuple(line for block in blocks for line in block.splitlines() if line.strip())
    assert commands == QUICK_START


def test_quick_start_scan_finds_the_sample_insecure():
    """The first command's scan, from the repository root as the reader runs it."""
    sample = os.path.join(REPO, "bench", "samples", "ai_app")
    assert os.path.isdir(sample)
    result = subprocess.run([sys.executable, "-m", "aicodeguard", *SCAN_COMMAND.split()[1:]],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert re.search(r"^\S+:\d+:\d+: AIG\d{3} ", result.stdout, re.MULTILINE), result.stdout


def test_ci_run_installs_the_test_extras_and_runs_the_whole_suite():
    path = os.path.join(REPO, ".ci", "run")
    assert os.access(path, os.X_OK), ".ci/run must be executable"
    ci = _read(path)
    assert ci.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in ci
    assert "python3 -m venv .venv" in ci and "pip install --quiet -e '.[test]'" in ci
    # The whole suite: no -m/-k filter, so the slow end-to-end tests (the install) run too.
    assert re.search(r"^python -m pytest -q$", ci, re.MULTILINE)


BARE_INSTALL = re.compile(
    r"\bpipx?\s+install\s+(?:-\S+\s+)*[\"']?aicodeguard(?:\[[^\]]*\])?"
    r"(?:[=<>~!]=?[^\s\"'`]*)?[\"']?(?=[\s`)]|$)")


def test_no_install_instruction_names_the_public_index():
    found = [f"{name}: {match.group(0)}" for name, text in _documents().items()
             for match in BARE_INSTALL.finditer(text)]
    assert not found, f"aicodeguard is not on the public index; install from the repository: {found}"
    assert BARE_INSTALL.search("pip install aicodeguard==0.1.0")  # the pattern itself works
    assert not BARE_INSTALL.search("pip install ./aicodeguard")


def test_install_instructions_install_from_the_repository():
    readme = _read(README)
    url = "git+https://github.com/aicodeguard/aicodeguard@main"  # no release tag exists yet
    assert "pip install ." in readme and f'pip install "{url}"' in readme
    assert f'pip install "{url}"' in _read(os.path.join(DOCS, "ci.md"))
    hooks = _read(os.path.join(DOCS, "hooks.md"))
    assert f'pip install "{url}"' in hooks


def test_pre_commit_snippets_name_a_revision_that_exists_and_say_how_to_pin_it():
    for name in ("README.md", "docs/hooks.md"):
        text = _documents()[name]
        revs = re.findall(r"^\s+rev: (\S+)", text, re.MULTILINE)
        assert revs == ["main"], (name, revs)  # no release tag exists yet
        assert "pre-commit autoupdate" in text, name


def test_advisory_attribution_is_reachable_from_the_readme():
    assert "(aicodeguard/supply/data/ADVISORIES-NOTICE.md)" in _read(README)


def test_the_rule_count_is_the_registry_s():
    from aicodeguard.rules import ALL_RULES

    with open(README, encoding="utf-8") as handle:
        assert f"{len(ALL_RULES)} rules over code" in handle.read()
