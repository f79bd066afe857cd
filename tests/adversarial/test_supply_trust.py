"""The supply-chain gate cannot be bypassed or turned against its user by the repository
it scans (issue 9; DESIGN.md, "Trust boundary").

Each test runs the real command line against real registries on 127.0.0.1
(tests/registry_server.py): one is the *user's* index (named in the subprocess
environment, as the user's own configuration would), another one is a host the
*repository* names.  HOME is a fresh folder, so no real user configuration leaks in.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from aicodeguard import api
from aicodeguard.config import Config
from aicodeguard.supply.records import PackageRecord
from aicodeguard.supply.registry_cache import RegistryCache
from tests.conftest import run_cli
from tests.registry_server import RegistryServer

IGNORED = ("ignored (the repository does not choose where package names are sent; "
           "--project-indexes to honour it)")


@pytest.fixture(autouse=True)
def _no_inherited_index_settings(monkeypatch):
    """Only what a test sets: no PIP_*, UV_* or npm_config_* from the machine running it."""
    for name in list(os.environ):
        if name.upper().startswith(("PIP_", "UV_", "NPM_CONFIG_")):
            monkeypatch.delenv(name)


@pytest.fixture
def user():
    with RegistryServer() as server:
        yield server


@pytest.fixture
def repo_host():
    with RegistryServer() as server:
        yield server


def user_env(tmp_path, server: RegistryServer, **extra) -> dict[str, str]:
    """The user's own configuration: their index in the environment, an empty HOME."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CONFIG_DIRS": str(tmp_path / "xdg"), "PIP_CONFIG_FILE": os.devnull,
            "PIP_INDEX_URL": server.simple_url, "UV_DEFAULT_INDEX": server.simple_url,
            "NPM_CONFIG_REGISTRY": server.npm_url,
            "npm_config_globalconfig": str(tmp_path / "global-npmrc"), **extra}


def write(root, files: dict[str, str]):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def scan(root, *args, env):
    """`aicodeguard scan -f json ARGS` in `root`: (exit code, report, seconds)."""
    started = time.monotonic()
    done = run_cli("scan", "-f", "json", *args, cwd=str(root), env=env)
    seconds = time.monotonic() - started
    assert done.stdout, done.stderr.decode()
    return done.returncode, json.loads(done.stdout), seconds


def found(report) -> set[tuple[str, int, str]]:
    return {(f["location"]["path"], f["location"]["line"], f["rule_id"])
            for f in report["findings"]}


def notes(report, level: str) -> list[str]:
    return [f"{n['path']}: {n['message']}" for n in report["notes"] if n["level"] == level]


# ---------------------------------------------------------------- 1. includes stay inside

def test_includes_are_followed_only_to_regular_files_inside_the_project(tmp_path, user):
    outside = write(tmp_path / "outside", {"x.txt": "zzq-outside-secret-name\n"})
    root = tmp_path / "proj"
    write(root, {
        "requirements.txt": (
            "-r base.txt\n"                     # 1 inside: followed
            "-r ../outside/x.txt\n"             # 2 outside
            f"--requirement={outside / 'x.txt'}\n"  # 3 absolute, outside
            "-r /dev/zero\n"                    # 4 a device
            "-r pipe.txt\n"                     # 5 a FIFO
            "-c link.txt\n"                     # 6 a symlink leading out
            "-r missing.txt\n"                  # 7 missing: a warning only
            "-e file:../outside\n"),            # 8 a local project: never read
        "base.txt": "zzq-included-inside-name\n",
    })
    os.mkfifo(root / "pipe.txt")
    os.symlink(outside / "x.txt", root / "link.txt")
    code, report, seconds = scan(root, "requirements.txt", env=user_env(tmp_path, user))
    assert seconds < 60  # neither /dev/zero nor the FIFO held the run
    assert code == 2, report  # the gate could not check what it was asked to
    errors = notes(report, "error")
    for line, written in ((2, "../outside/x.txt"), (3, str(outside / "x.txt")),
                          (4, "/dev/zero"), (5, "pipe.txt"), (6, "link.txt")):
        assert any(e.startswith(f"requirements.txt: line {line}: include `{written}` not "
                                "followed") for e in errors), (line, errors)
    assert len(errors) == 5, errors
    assert any("outside the project folder" in e for e in errors)
    assert any("not a regular file" in e for e in errors)
    assert [w for w in notes(report, "warning") if "missing.txt" in w] == [
        "requirements.txt: line 7: include `missing.txt` not found (no such file); pip would "
        "fail on it too"]
    assert ("base.txt", 1, "AIG601") in found(report)
    assert user.requested("zzq-included-inside-name")
    assert not user.requested("zzq-outside-secret-name")


def test_include_depth_is_capped(tmp_path, user):
    files = {f"r{i}.txt": f"-r r{i + 1}.txt\n" for i in range(12)}
    files["r12.txt"] = "zzq-too-deep-name\n"
    files["requirements.txt"] = "-r r0.txt\n"
    root = write(tmp_path / "proj", files)
    code, report, _ = scan(root, "requirements.txt", env=user_env(tmp_path, user))
    assert code == 2
    assert any("nested more than 10 deep" in e for e in notes(report, "error"))
    assert not user.requested("zzq-too-deep-name")


# ---------------------------------------------------------------- 2. the user's index only

PYPI_REPOSITORY_SETTINGS = {
    "uv.toml": ("uv.toml", 'index-url = "{url}"\n'),
    "uv.toml [[index]]": ("uv.toml", '[[index]]\nurl = "{url}"\n'),
    "tool.uv.index": ("pyproject.toml", '[project]\nname = "app"\n\n[[tool.uv.index]]\n'
                                         'name = "theirs"\nurl = "{url}"\ndefault = true\n'),
    "tool.uv index-url": ("pyproject.toml", '[project]\nname = "app"\n\n[tool.uv]\n'
                                            'index-url = "{url}"\n'),
    "tool.uv extra-index-url": ("pyproject.toml", '[project]\nname = "app"\n\n[tool.uv]\n'
                                                  'extra-index-url = ["{url}"]\n'),
}


@pytest.mark.parametrize("kind", sorted(PYPI_REPOSITORY_SETTINGS))
def test_the_repository_cannot_send_python_names_to_its_own_host(tmp_path, user, repo_host,
                                                                 kind):
    name, template = PYPI_REPOSITORY_SETTINGS[kind]
    root = write(tmp_path / "proj", {name: template.format(url=repo_host.simple_url),
                                     "uv.lock": "version = 1\n",
                                     "requirements.txt": "zzq-probe-name\n"})
    # The user's index in their own uv.toml (which a project's settings would outrank).
    env = user_env(tmp_path, user)
    del env["UV_DEFAULT_INDEX"]
    write(tmp_path / "home", {".config/uv/uv.toml": f'index-url = "{user.simple_url}"\n'})
    code, report, _ = scan(root, ".", env=env)
    assert repo_host.requests == []
    assert user.requested("zzq-probe-name")
    assert code == 1 and ("requirements.txt", 1, "AIG601") in found(report)
    ignored = [n for n in notes(report, "info") if IGNORED in n]
    assert len(ignored) == 1 and "names a package index" in ignored[0], report["notes"]


@pytest.mark.parametrize("npmrc", ["registry={url}\n", "@corp:registry={url}\n"],
                         ids=["registry", "scoped"])
def test_the_repository_cannot_send_npm_names_to_its_own_host(tmp_path, user, repo_host, npmrc):
    root = write(tmp_path / "proj", {
        ".npmrc": npmrc.format(url=repo_host.npm_url),
        "package.json": '{"dependencies": {"zzq-probe-js": "1", "@corp/zzq-probe": "1"}}'})
    code, report, _ = scan(root, ".", env=user_env(tmp_path, user))
    assert repo_host.requests == []
    assert user.requested("zzq-probe-js") and user.requested("@corp/zzq-probe")
    assert [n for n in notes(report, "info") if IGNORED in n] == [
        f"{root}: the project's .npmrc names a registry; {IGNORED}"]
    assert code == 1


def test_the_user_can_opt_in_to_the_repositorys_index(tmp_path, user, repo_host, monkeypatch):
    """`--project-indexes` (wired by the CLI) sets Config.project_indexes."""
    root = write(tmp_path / "proj", {"uv.toml": f'[[index]]\nurl = "{repo_host.simple_url}"\n',
                                     "requirements.txt": "zzq-probe-name\n"})
    for key, value in user_env(tmp_path, user).items():
        monkeypatch.setenv(key, value)
    outcome = api.scan_paths([str(root)], Config(project_indexes=True))
    assert repo_host.requested("zzq-probe-name")  # searched before the user's default
    assert not any(IGNORED in n.message for n in outcome.notes)


# ---------------------------------------------------------------- 3. deadline cap

def test_a_huge_network_deadline_cannot_drop_the_findings(tmp_path, user, monkeypatch):
    root = write(tmp_path / "proj", {"requirements.txt": "zzq-probe-name\nreqeusts\n"})
    for key, value in user_env(tmp_path, user).items():
        monkeypatch.setenv(key, value)
    for deadline in (1e12, float("inf"), float("nan"), -5.0):
        user.requests.clear()
        outcome = api.scan_paths([str(root)], Config(network_deadline=deadline, cache=False))
        rules = {(f.location.line, f.rule_id) for f in outcome.findings}
        assert rules == {(1, "AIG601"), (2, "AIG602")}, (deadline, outcome.notes)
        assert not outcome.has_errors, outcome.notes
    # Through the command line too, with the value in the repository's configuration.
    write(root, {".aicodeguard.toml": "network-deadline = 1e12\n"})
    done = run_cli("scan", "-f", "json", ".", cwd=str(root), env=user_env(tmp_path, user))
    if done.returncode == 2 and not done.stdout:  # config.py refuses it: loudly, never silence
        assert b"network-deadline" in done.stderr
    else:
        report = json.loads(done.stdout)
        assert ("requirements.txt", 1, "AIG601") in found(report)
        assert not any("internal error" in n["message"] for n in report["notes"])


# ---------------------------------------------------------------- 4. registry cache rows

def test_unexpected_registry_cache_rows_are_misses_and_get_overwritten(tmp_path, user):
    names = ["zzq-cache-list", "zzq-cache-types", "zzq-cache-missing", "zzq-cache-other"]
    root = write(tmp_path / "proj", {"requirements.txt": "\n".join(names) + "\n"})
    cache = RegistryCache()  # the folder of AICODEGUARD_CACHE_DIR, as the subprocess uses
    cache.put_many((user.simple_url, PackageRecord("pypi", name, True)) for name in names)
    cache.put_setting("default-index:pip", "not a url", 3600)
    path = cache.path
    cache.close()
    bad = {"zzq-cache-list": "[1, 2]",
           "zzq-cache-types": json.dumps({"ecosystem": "pypi", "name": "zzq-cache-types",
                                          "exists": "yes", "release_count": "many"}),
           "zzq-cache-missing": json.dumps({"ecosystem": "pypi", "name": "zzq-cache-missing"}),
           "zzq-cache-other": json.dumps({"ecosystem": "pypi", "name": "requests",
                                          "exists": True})}
    with sqlite3.connect(path) as db:
        for name, payload in bad.items():
            db.execute("UPDATE answers SET payload = ? WHERE name = ?", (payload, name))
    code, report, _ = scan(root, ".", env=user_env(tmp_path, user))
    assert code == 1, report
    assert found(report) == {("requirements.txt", line, "AIG601") for line in (1, 2, 3, 4)}
    assert all(user.requested(name) for name in names)  # misses: asked again
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT name, payload FROM answers"))
    for name in names:  # ... and overwritten with a proper answer
        stored = json.loads(rows[name])
        assert stored["name"] == name and stored["exists"] is False


# ---------------------------------------------------------------- 5. contained failures

def test_a_failing_name_is_an_error_and_the_others_are_still_judged(tmp_path, monkeypatch):
    from aicodeguard.supply import resolve

    root = write(tmp_path / "proj", {"requirements.txt": "zzq-explodes\nzzq-fine-missing\n",
                                     "app.py": "import zzq_other_missing\n"})
    original = resolve.Resolver.resolve

    def resolve_or_fail(self, result, ref):
        if ref.name == "zzq-explodes":
            raise RuntimeError("boom")
        return original(self, result, ref)

    monkeypatch.setattr(resolve.Resolver, "resolve", resolve_or_fail)
    outcome = api.scan_paths([str(root)], Config(offline=True, cache=False))
    assert {(os.path.basename(f.location.path), f.location.line, f.rule_id)
            for f in outcome.findings} == {("requirements.txt", 2, "AIG601"),
                                           ("app.py", 1, "AIG601")}
    errors = [n for n in outcome.notes if n.level.value == "error"]
    assert len(errors) == 1 and outcome.has_errors
    assert errors[0].path.endswith("requirements.txt")
    assert "line 1" in errors[0].message and "zzq-explodes" in errors[0].message


def test_a_failing_project_check_is_an_error_through_the_cli(tmp_path):
    """A crash of the whole check (here: forced in the child through sitecustomize)."""
    hook = write(tmp_path / "hook", {"sitecustomize.py": (
        "import aicodeguard.supply.check as check\n"
        "def broken(*args, **kwargs):\n    raise RuntimeError('forced failure')\n"
        "check._check = broken\n")})
    root = write(tmp_path / "proj", {"requirements.txt": "zzq-fine-missing\n"})
    code, report, _ = scan(root, "--offline", ".", env={"PYTHONPATH": str(hook)})
    assert code == 2
    assert any("supply-chain checks" in e and "forced failure" in e
               for e in notes(report, "error")), report["notes"]


# ---------------------------------------------------------------- 6. declared is not verified

def test_declared_names_are_still_verified_at_every_import(tmp_path, user):
    user.add_pypi("zzq-real-declared", {"1.0": "2019-01-01T00:00:00Z",
                                        "1.1": "2020-01-01T00:00:00Z"})
    user.add_pypi("acme-internal-zzq")
    root = write(tmp_path / "proj", {
        "requirements.txt": ("zzq-ghost-declared\nzzq-real-declared\nrequests\n"
                             "acme-internal-zzq\nzzq-allowed-ghost\n"),
        ".aicodeguard.toml": 'private-packages = ["acme-*"]\n'
                             'allow-packages = ["zzq-allowed-*"]\n',
        "mypkg/__init__.py": "",
        "app.py": ("import zzq_ghost_declared\nimport zzq_real_declared\nimport requests\n"
                   "import acme_internal_zzq\nimport zzq_allowed_ghost\nimport mypkg\n"),
        "other.py": "from zzq_ghost_declared import thing\n",
    })
    env = user_env(tmp_path, user)
    # The hook's case: only the new file is scanned; the manifest was committed earlier.
    code, report, _ = scan(root, "app.py", env=env)
    assert found(report) == {("app.py", 1, "AIG601")}, report["findings"]
    assert code == 1
    assert "declares `zzq-ghost-declared`" in report["findings"][0]["message"]
    code, report, _ = scan(root, ".", env=env)
    assert found(report) == {("requirements.txt", 1, "AIG601"), ("app.py", 1, "AIG601"),
                             ("other.py", 1, "AIG601")}, report["findings"]
    assert not user.requested("acme-internal-zzq")  # private: only indexes you configured...
    assert user.requested("zzq-real-declared")


def test_a_committed_environment_does_not_vouch_for_a_package(tmp_path):
    """A virtual environment or node_modules that git tracks is the repository's own
    content: its metadata must not make a hallucinated import look installed."""
    from tests.test_hooks_helpers import GitRepo

    root = write(tmp_path / "proj", {
        ".venv/pyvenv.cfg": "home = /usr/bin\n",
        ".venv/lib/python3.11/site-packages/zzq_fake_dist-1.0.dist-info/METADATA":
            "Name: zzq-fake-dist\n",
        ".venv/lib/python3.11/site-packages/zzq_fake_dist-1.0.dist-info/top_level.txt":
            "zzq_fake_dist\n",
        "node_modules/zzq-fake-js/package.json": '{"name": "zzq-fake-js"}\n',
        "package.json": '{"name": "app", "dependencies": {}}\n',
        "app.py": "import zzq_fake_dist\n",
        "web.js": 'const fake = require("zzq-fake-js");\n',
    })
    repo = GitRepo(root)
    _, report, _ = scan(root, "--offline", ".", env={})
    assert ("app.py", 1, "AIG601") not in found(report)  # untracked: installed here
    assert ("web.js", 1, "AIG607") not in found(report)
    repo.git("add", "-A", "-f")
    repo.git("commit", "-q", "-m", "vendored environment")
    _, report, _ = scan(root, "--offline", "--no-cache", ".", env={})
    assert {("app.py", 1, "AIG601"), ("web.js", 1, "AIG607")} <= found(report)


# ---------------------------------------------------------------- 7. deterministic output

def test_the_same_scan_gives_the_same_report_byte_for_byte(tmp_path):
    root = write(tmp_path / "proj", {
        "requirements.txt": "requests\n",
        "a.py": "import os\n\nimport zzq_ghost_mod\nimport zzq_ghost_mod.sub\n"
                "def f():\n    import zzq_ghost_mod\n    import zzq_other_ghost\n",
        "b.py": "from zzq_other_ghost import x\nimport zzq_ghost_mod\n",
        "sub/c.py": "import zzq_ghost_mod\nimport reqeusts\n",
    })
    outputs = set()
    for extra in ([], ["--no-cache"], [], ["--no-cache"], [], []):
        done = run_cli("scan", "--offline", "-f", "json", *extra, ".", cwd=str(root))
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    report = json.loads(outputs.pop())
    assert ("a.py", 3, "AIG601") in found(report)  # the first import in the file


# ---------------------------------------------------------------- 8. snippets and secrets

def test_a_package_finding_does_not_echo_a_token_on_its_line(tmp_path):
    token = "ghp_" + "Q7dLm2VxT9kRb4NcW8zHj3YpF6sAe1GuK5oZ"
    root = write(tmp_path / "proj", {"app.py": f'import zzq_ghost_mod; TOKEN = "{token}"\n'})
    done = run_cli("scan", "--offline", "-f", "json", ".", cwd=str(root))
    report = json.loads(done.stdout)
    assert any(f["rule_id"] == "AIG601" for f in report["findings"])
    assert token not in done.stdout.decode()


# ---------------------------------------------------------------- 9. broken notebooks

def test_a_notebook_that_is_not_json_is_an_error(tmp_path):
    root = write(tmp_path / "proj", {"analysis.ipynb": '{"cells": [ "import zzq_ghost_mod"\n'})
    code, report, _ = scan(root, "--offline", ".", env={})
    assert code == 2
    assert notes(report, "error") == [
        "analysis.ipynb: not a valid notebook: not JSON (line 2); its imports and install "
        "commands were not checked"]

