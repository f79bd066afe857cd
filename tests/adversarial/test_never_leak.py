"""A secret is never printed or stored in full, whichever finding echoes its line.

Each shape puts a credential on a line that another rule family also reports (a
hallucinated package, bandit, a suppression comment) or that only a shape can
recognise, then scans it through the real CLI in every format and with `baseline
create`, and searches every output, the baseline file and every byte of the cache
folder ($AICODEGUARD_CACHE_DIR, per test: tests/conftest.py) for the full value.  Each
shape also asserts that its findings are there, so a scan that found nothing cannot
pass.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from aicodeguard.analysis.source import redact

from ..conftest import run_cli

# Built from parts so this file is not itself a leak report.
TOKEN = "ghp_" + "Q7dLm2VxT9kRb4NcW8zHj3YpF6sAe1GuK5oZ"
TOKEN_2 = "ghp_" + "Zr4Kp8Wm2Nq6Tv1Xb5Hc9Jd3Lf7Gs0Ya2EuM"
NAMED = "Zk4qLm9v" + "R2xTw7pB"
INDEX_PASSWORD = "Qz8vLp" + "3mXk"
API_PASSWORD = "s3cr3t" + "Pw9"
JS_PASSWORD = "Pw7xq2" + "Lm9"
DB_PASSWORD = "Xy7pq9" + "Lm4"
DOC_PASSWORD = "mypass" + "word1"  # plain enough that AIG304 leaves it alone in a document
REASON_NAMED = "Hunter2" + "Xq9Lm"
MISSING = "nonexistentpkg123"  # not on PyPI, per the offline snapshot


@dataclass
class Shape:
    files: dict[str, str]
    secrets: tuple[str, ...]
    rules: set[str]  # findings the JSON output must hold
    args: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()  # values whose redacted form must appear in the text output


SHAPES = {
    "token-on-a-requirements-line": Shape(
        {"requirements.txt": f"hallucinated-pkg-xyz  # token {TOKEN}\n"},
        (TOKEN,), {"AIG601", "AIG302"}, shown=(TOKEN,)),
    "token-on-an-import-line": Shape(
        {"app.py": f'import {MISSING}; TOKEN = "{TOKEN_2}"\n'},
        (TOKEN_2,), {"AIG601", "AIG302"}, shown=(TOKEN_2,)),
    "named-secret-on-an-import-line": Shape(  # no shape: only the recorded value masks it
        {"app.py": f'import {MISSING}; db_password = "{NAMED}"\n'},
        (NAMED,), {"AIG601", "AIG301"}),
    "index-url-in-a-dockerfile": Shape(
        {"Dockerfile": "FROM python:3.12-slim\nRUN pip install --index-url "
                       f"https://deploy:{INDEX_PASSWORD}@pypi.acme-corp.io/simple {MISSING}\n"},
        (INDEX_PASSWORD,), {"AIG304", "AIG601"}, shown=(INDEX_PASSWORD,)),
    "index-url-in-a-shell-script": Shape(
        {"install.sh": "#!/bin/sh\npip install --index-url "
                       f"https://deploy:{INDEX_PASSWORD}@pypi.acme-corp.io/simple {MISSING}\n"},
        (INDEX_PASSWORD,), {"AIG304", "AIG601"}),
    "url-password-in-python": Shape(
        {"client.py": f"import {MISSING}\nimport requests\n\n"
                      f'requests.get("https://admin:{API_PASSWORD}@api.acme-corp.io/x"); '
                      f"{MISSING}.run()\n"},
        (API_PASSWORD,), {"AIG304", "AIG517"}),
    "url-password-in-javascript": Shape(
        {"client.js": f'fetch("https://u:{JS_PASSWORD}@api.acme-corp.io/x");\n'},
        (JS_PASSWORD,), {"AIG304"}),
    "url-password-in-configuration": Shape(
        {".env": f"DATABASE_URL=postgres://app:{DB_PASSWORD}@db/prod\n",
         "config.yaml": f"db:\n  url: postgres://app:{DB_PASSWORD}@db.acme-corp.io/prod\n",
         "settings.toml": f'[db]\nurl = "postgres://app:{DB_PASSWORD}@db.acme-corp.io/prod"\n',
         "settings.ini": f"[db]\nurl = postgres://app:{DB_PASSWORD}@db.acme-corp.io/prod\n"},
        (DB_PASSWORD,), {"AIG304"}, shown=(DB_PASSWORD,)),
    "url-password-no-rule-reports": Shape(  # AIG304 skips plain passwords in documents
        {"README.md": "Install:\n\n```sh\npip install --index-url "
                      f"https://ci:{DOC_PASSWORD}@pypi.acme-corp.io/simple {MISSING}\n```\n"},
        (DOC_PASSWORD,), {"AIG601"}, shown=(DOC_PASSWORD,)),
    "secrets-in-suppression-reasons": Shape(
        {"sup.py": f"import os  # aicodeguard: ignore[AIG102] token {TOKEN}\n"
                   f'PASSWORD = "{REASON_NAMED}"  # aicodeguard: ignore[AIG301] '
                   f"{REASON_NAMED} is the staging one\n",
         "README.md": "<!-- aicodeguard: ignore[AIG601] mirrored at "  # no rule: a shape
                      f"https://ci:{DOC_PASSWORD}@pypi.acme-corp.io/simple -->\n"},
        (TOKEN, REASON_NAMED, DOC_PASSWORD), {"AIG003", "AIG302"}),
}


def _leaks(data: bytes, secrets) -> list[str]:
    text = data.decode("utf-8", "replace")
    return [value for value in secrets
            if value in text or json.dumps(value)[1:-1] in text or quote(value) in text]


def _cache_bytes() -> bytes:
    folder = os.environ["AICODEGUARD_CACHE_DIR"]
    stored = b""
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            stored += pathlib.Path(root, name).read_bytes()
    return stored


def _write(project: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_no_output_baseline_or_cache_holds_the_secret(name, tmp_path):
    shape = SHAPES[name]
    project = tmp_path / "project"
    project.mkdir()
    _write(project, shape.files)
    outputs: dict[str, bytes] = {}
    for output_format in ("json", "text", "sarif", "concise", "json"):  # a miss, then hits
        result = run_cli("scan", "--offline", "--format", output_format, *shape.args, ".",
                         cwd=project)
        assert result.returncode in (0, 1), result.stderr.decode()
        label = output_format if output_format not in outputs else f"{output_format} (cached)"
        outputs[label] = result.stdout + result.stderr
    baseline = tmp_path / "baseline.json"
    created = run_cli("baseline", "create", "--offline", "--output", str(baseline), ".",
                      cwd=project)
    assert created.returncode == 0, created.stderr.decode()
    outputs["baseline create"] = created.stdout + created.stderr
    outputs["the baseline file"] = baseline.read_bytes()
    outputs["the result cache"] = _cache_bytes()

    report = json.loads(outputs["json"].decode())
    found = {finding["rule_id"] for finding in report["findings"]}
    assert shape.rules <= found, f"findings missing: {shape.rules - found}"
    assert json.loads(outputs["json (cached)"].decode())["findings"] == report["findings"]
    assert len(json.loads(outputs["the baseline file"])["findings"]) == len(report["findings"])
    if any(rule.startswith("AIG3") for rule in shape.rules):  # a masked line to cache
        masks = (json.dumps("…(")[1:-1].encode(), "…(".encode())  # the cache stores JSON
        assert any(mask in outputs["the result cache"] for mask in masks), "nothing cached"
    for value in shape.shown:
        assert redact(value) in outputs["text"].decode(), f"{redact(value)} not shown"
    leaked = {where: _leaks(data, shape.secrets) for where, data in outputs.items()}
    assert not {where: values for where, values in leaked.items() if values}


@pytest.mark.skipif(importlib.util.find_spec("bandit") is None, reason="bandit is not installed")
def test_bandit_findings_hold_no_secret(tmp_path):
    """Bandit quotes the lines it flags (B101, B108 here); a token and a name-based secret
    on them (masked through the AIG301 finding's own masked copy of the line) stay hidden."""
    _write(tmp_path, {"check.py": f'import os\nassert os.environ.get("T") != "{TOKEN}"\n\n\n\n'
                                  f'db_password = "{NAMED}"; LOG_DIR = "/tmp/app-logs"\n'})
    result = run_cli("scan", "--offline", "--bandit", "--select", "AIG", "--format", "json",
                     ".", cwd=tmp_path)
    report = json.loads(result.stdout)
    bandit_lines = {finding["location"]["line"] for finding in report["findings"]
                    if finding["rule_id"] == "AIG090"}
    assert bandit_lines == {2, 6}
    assert "AIG301" in {finding["rule_id"] for finding in report["findings"]}
    assert not _leaks(result.stdout + result.stderr + _cache_bytes(), (TOKEN, NAMED))
