"""The package as users install it, not as the checkout runs it.

Once per session: copy the working tree, build its sdist and, from that sdist, its wheel
(`python -m build`: what `pip install .` and a `git+https://…@tag` install build), then
install the wheel *with its dependencies* into a fresh virtual environment outside the
repository. The tests then run the installed `aicodeguard` from a folder that is not the
checkout, so nothing can be imported from it: the README's quick-start scan, the language
server's start-up and shutdown, and the embedded data the package needs at run time.

Cost: about 30 s on the 2-core development machine with pip's cache warm (build ~5 s,
install with dependencies ~20 s, the checks a few seconds); the first run on a machine
also downloads the dependencies once (pip's own cache is reused). Marked slow; `.ci/run`
runs it with the rest of the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest

from aicodeguard.rules import ALL_RULES

from .conftest import REPO

pytestmark = pytest.mark.slow

SAMPLE = os.path.join(REPO, "bench", "samples", "ai_app")
# Files the package reads at run time besides its modules (paths inside `aicodeguard/`).
EMBEDDED = (
    "supply/data/snapshot.json", "supply/data/pypi-names.bin", "supply/data/pypi-rank.bin",
    "supply/data/pypi-typo.bin", "supply/data/pypi-popular.txt", "supply/data/npm-names.bin",
    "supply/data/npm-rank.bin", "supply/data/npm-typo.bin", "supply/data/npm-popular.txt",
    "supply/data/advisories.tsv.gz", "supply/data/latest-versions.tsv.gz",
    "supply/data/import-names.txt", "supply/data/import-names-popular.txt",
    "supply/data/legit-neighbours.txt", "supply/data/ADVISORIES-NOTICE.md",
    "report/json-schema.json", "report/html_assets/page.css", "report/html_assets/filters.js",
    *(f"rules/docs/{rule.id}.md" for rule in ALL_RULES),
)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(extra)
    return env


def _tracked_package_files() -> list[str]:
    """The package's files as git knows them (tracked, or new and not ignored)."""
    listed = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard", "--", "aicodeguard"],
                            capture_output=True, check=True).stdout
    return sorted(name for name in os.fsdecode(listed).split("\0")
                  if name and os.path.isfile(os.path.join(REPO, name)))


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> dict[str, str]:
    """{"sdist": path, "wheel": path} built from a copy of the working tree."""
    import shutil

    source = tmp_path_factory.mktemp("source")
    listed = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, check=True).stdout
    for name in filter(None, os.fsdecode(listed).split("\0")):
        path = os.path.join(REPO, name)
        if os.path.isfile(path):
            os.makedirs(os.path.join(source, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(path, os.path.join(source, name))
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (setuptools, in the test extras) is already here,
    # so building needs no network; sdist first, then the wheel from the unpacked sdist.
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                            str(out), str(source)], capture_output=True, text=True,
                           env=_clean_env(), timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    names = os.listdir(out)
    sdists = [n for n in names if n.endswith(".tar.gz")]
    wheels = [n for n in names if n.endswith(".whl")]
    assert len(sdists) == 1 and len(wheels) == 1, names
    return {"sdist": str(out / sdists[0]), "wheel": str(out / wheels[0])}


@pytest.fixture(scope="session")
def venv(dist, tmp_path_factory) -> str:
    """A fresh virtual environment outside the repository with the wheel installed."""
    home = tmp_path_factory.mktemp("installed")
    path = str(home / "venv")
    subprocess.run([sys.executable, "-m", "venv", path], check=True, env=_clean_env())
    python = os.path.join(path, "bin", "python")
    installed = subprocess.run([python, "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", dist["wheel"]],
                               capture_output=True, text=True, env=_clean_env(),
                               cwd=str(home), timeout=900)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return path


@pytest.fixture
def elsewhere(tmp_path) -> str:
    """A working folder that is not (inside) the repository."""
    assert not str(tmp_path).startswith(REPO)
    return str(tmp_path)


def _run(venv: str, *args: str, cwd: str, stdin: bytes | None = None):
    return subprocess.run([os.path.join(venv, "bin", "aicodeguard"), *args], cwd=cwd,
                          input=stdin, capture_output=True, timeout=300,
                          env=_clean_env(AICODEGUARD_CACHE_DIR=os.path.join(cwd, "cache")))


def test_wheel_holds_every_package_file_and_the_embedded_data(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
    expected = {name for name in _tracked_package_files() if "__pycache__" not in name}
    missing = sorted(expected - names)
    assert not missing, f"the wheel lacks: {missing}"
    assert not [f"aicodeguard/{name}" for name in EMBEDDED if f"aicodeguard/{name}" not in names]
    assert not [name for name in names if name.startswith(("tests/", "bench/"))]


def test_sdist_holds_the_package_data_and_the_readme(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml"} <= names
    missing = [name for name in EMBEDDED if f"aicodeguard/{name}" not in names]
    assert not missing, f"the sdist lacks: {missing}"


def test_installed_package_is_the_one_that_runs(venv, elsewhere):
    python = os.path.join(venv, "bin", "python")
    probe = "import aicodeguard, os; print(os.path.dirname(aicodeguard.__file__))"
    result = subprocess.run([python, "-c", probe], cwd=elsewhere, capture_output=True,
                            text=True, env=_clean_env())
    root = result.stdout.splitlines()[0]
    assert root.startswith(venv) and not root.startswith(REPO), root
    missing = [name for name in EMBEDDED if not os.path.isfile(os.path.join(root, name))]
    assert not missing, f"installed without: {missing}"


def test_installed_scan_of_the_sample_finds_insecure_code_and_invented_packages(venv,
                                                                                elsewhere):
    result = _run(venv, "scan", "--offline", SAMPLE, cwd=elsewhere)
    out = result.stdout.decode()
    assert result.returncode == 1, out + result.stderr.decode()
    rules = set(re.findall(r"^\S+:\d+:\d+: (AIG\d{3}) ", out, re.MULTILINE))
    # code rules, the PyPI snapshot (AIG601) and secrets all ran from the installed package
    assert {"AIG101", "AIG102", "AIG601", "AIG302"} <= rules, sorted(rules)


def test_installed_data_answers_version_docs_advisories_and_html(venv, elsewhere):
    version = _run(venv, "--version", cwd=elsewhere)
    assert version.returncode == 0 and b"snapshot" in version.stdout, version.stdout
    explain = _run(venv, "explain", "AIG101", cwd=elsewhere)
    assert explain.returncode == 0 and b"## What it does" in explain.stdout
    project = os.path.join(elsewhere, "pinned")
    os.makedirs(project)
    with open(os.path.join(project, "requirements.txt"), "w", encoding="utf-8") as handle:
        handle.write("requests==2.19.0\nclick==7.0\n")  # known-vulnerable; a major behind
    pinned = _run(venv, "scan", "--offline", "--format", "json", project, cwd=elsewhere)
    report = json.loads(pinned.stdout)
    rules = {finding["rule_id"] for finding in report["findings"]}
    assert {"AIG609", "AIG611"} <= rules, (rules, pinned.stderr.decode())
    page = os.path.join(elsewhere, "report.html")
    html = _run(venv, "scan", "--offline", "--format", "html", "-o", page, SAMPLE,
                cwd=elsewhere)
    assert html.returncode == 1, html.stderr.decode()
    with open(page, encoding="utf-8") as handle:
        text = handle.read()
    assert "<style" in text and "<script" in text and "AIG101" in text


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def test_installed_language_server_starts_and_shuts_down(venv, elsewhere):
    session = b"".join(_frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ))
    result = _run(venv, "lsp", cwd=elsewhere, stdin=session)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    bodies, rest = [], result.stdout
    while rest.strip():
        headers, _, rest = rest.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", headers).group(1))
        bodies.append(json.loads(rest[:length]))
        rest = rest[length:]
    answers = {body["id"]: body for body in bodies if "id" in body}
    assert answers[1]["result"]["capabilities"], answers
    assert answers[1]["result"]["serverInfo"]["name"] == "aicodeguard"
    assert "result" in answers[2] and answers[2]["result"] is None
