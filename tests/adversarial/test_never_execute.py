"""Never execute what is scanned: no face of aicodeguard imports a module of the
repository it checks.

The repository holds files named after standard-library modules (and a
`sitecustomize.py`); each one, when imported, appends the importing process's
command line to a marker file outside the repository, then puts the real module in
its place so the program goes on.  Every entry point is started the way users start
it, in that repository: the plain git hook (installed and copied by hand), `python -m
aicodeguard`, the console script, the pre-commit framework and the language server.
The finding of a file with a NUL byte belongs to the engine; here only that the
pre-commit hooks are given such a file at all.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from aicodeguard.install_hooks import hook_text
from tests.test_hooks_helpers import INSECURE, REPO, GitRepo, finding_lines, write_config
from tests.test_hooks_precommit import hook_status

SHADOWED = ("json", "hashlib", "fnmatch", "re", "typing", "argparse", "subprocess", "tomllib")
STAGED_SHADOWS = ("json", "hashlib")  # the rest stay untracked: nothing is committed

SHADOW = '''\
import os as _os
import sys as _sys

with open({marker!r}, "a", encoding="utf-8") as _out:
    _out.write(repr((__name__, list(getattr(_sys, "orig_argv", _sys.argv)))) + "\\n")

# Become the real module, so the program that imported this file goes on.
_here = _os.path.dirname(_os.path.realpath(__file__))
_path = list(_sys.path)
_sys.path[:] = [p for p in _path if _os.path.realpath(p or ".") != _here]
del _sys.modules[__name__]
try:
    import importlib as _importlib
    _sys.modules[__name__] = _importlib.import_module(__name__)
finally:
    _sys.path[:] = _path
'''
RECORD_ONLY = '''\
import sys
with open({marker!r}, "a", encoding="utf-8") as out:
    out.write(repr((__name__, list(getattr(sys, "orig_argv", sys.argv)))) + "\\n")
'''

BIN = os.path.dirname(sys.executable)
CONSOLE_SCRIPT = os.path.join(BIN, "aicodeguard")
OFFLINE = {"AICODEGUARD_OFFLINE": "1"}
DIRENV = {"PYTHONPATH": "."}  # what a repository's .envrc may export


def plant(repo: GitRepo, marker: str, customize: bool = True) -> None:
    for name in SHADOWED:
        repo.write(f"{name}.py", SHADOW.format(marker=marker))
    if customize:  # loaded by `site` only when the repository is on PYTHONPATH
        repo.write("sitecustomize.py", RECORD_ONLY.format(marker=marker))


def imports(marker: str) -> list[tuple[str, list[str]]]:
    """(module, command line) of every import of a planted file."""
    if not os.path.exists(marker):
        return []
    with open(marker, encoding="utf-8") as handle:
        return [ast.literal_eval(line) for line in handle if line.strip()]


def is_aicodeguard(argv: list[str]) -> bool:
    """The command line of an aicodeguard process (console script or -m)."""
    return any(os.path.basename(arg) == "aicodeguard" or arg == "-maicodeguard"
               for arg in argv)


@pytest.fixture
def marker(tmp_path) -> str:
    return str(tmp_path / "imported.txt")  # outside the repository


@pytest.fixture
def repo(tmp_path, marker) -> GitRepo:
    repo = GitRepo(tmp_path / "project", env=OFFLINE)
    plant(repo, marker)
    repo.write("db.py", INSECURE)
    repo.stage("db.py", *(f"{name}.py" for name in STAGED_SHADOWS))
    return repo


def scan_ran(done: subprocess.CompletedProcess) -> bool:
    return done.returncode == 1 and any("db.py:2:17: AIG101" in line
                                        for line in finding_lines(done.out))


# (a) the plain git hooks

def test_the_installed_hooks_import_nothing_from_the_repository(repo, marker):
    done = repo.aicodeguard("install-hooks", "--notes")  # also the post-commit hook
    assert done.returncode == 0, done.out
    with open(os.path.join(repo.path, ".git", "hooks", "pre-commit")) as handle:
        assert handle.read() == hook_text("pre-commit", sys.executable)  # `python -I -m`
    blocked = repo.commit()
    assert scan_ran(blocked), blocked.out
    blocked = repo.run("git", "commit", "-m", "x", env=DIRENV)
    assert scan_ran(blocked), blocked.out
    repo.write("db.py", "x = 1\n")
    repo.stage("db.py")
    passed = repo.run("git", "commit", "-m", "x", env=DIRENV)  # post-commit runs too
    assert passed.returncode == 0, passed.out
    assert repo.git("notes", "--ref=aicodeguard", "show", "HEAD").out.startswith("Checked by")
    assert imports(marker) == []


def test_the_hook_copied_by_hand_runs_the_console_script_without_pythonpath(repo, marker):
    shutil.copy2(os.path.join(REPO, "hooks", "pre-commit"),
                 os.path.join(repo.path, ".git", "hooks", "pre-commit"))
    path = {"PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    blocked = repo.run("git", "commit", "-m", "x", env={**path, **DIRENV})
    assert scan_ran(blocked), blocked.out
    assert imports(marker) == []


def test_install_falls_back_to_the_console_script_when_python_dash_i_finds_another_copy(
        repo, tmp_path):
    """`python -I` hides the user's site-packages (and PYTHONPATH): when it would import
    another aicodeguard than the one installing, the hook uses the command on PATH."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(os.path.join(REPO, "aicodeguard"), copy / "aicodeguard",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = repo.run(sys.executable, "-m", "aicodeguard", "install-hooks",  # the copy
                    cwd=str(copy), env={"GIT_DIR": os.path.join(repo.path, ".git")})
    assert done.returncode == 0, done.out
    assert "runs the `aicodeguard` command found on PATH" in done.out
    with open(os.path.join(repo.path, ".git", "hooks", "pre-commit")) as handle:
        assert handle.read() == hook_text("pre-commit", None)


# (b), (c) the command line

def test_python_dash_m_in_the_repository_imports_nothing_from_it(repo, marker):
    done = repo.aicodeguard("scan", ".")
    assert done.returncode == 1 and "db.py:2:17: AIG101" in done.out, done.out
    assert imports(marker) == []


def test_the_console_script_in_the_repository_imports_nothing_from_it(repo, marker):
    done = repo.run(CONSOLE_SCRIPT, "scan", ".")
    assert done.returncode == 1 and "db.py:2:17: AIG101" in done.out, done.out
    assert imports(marker) == []


@pytest.mark.parametrize("command", [[CONSOLE_SCRIPT], [sys.executable, "-m", "aicodeguard"]],
                         ids=["console-script", "python-m"])
def test_a_module_already_imported_from_the_repository_stops_the_run(tmp_path, marker,
                                                                      command):
    """PYTHONPATH=. lets Python import sitecustomize.py before aicodeguard can act: that
    code has run, so aicodeguard refuses to report anything (fail closed)."""
    repo = GitRepo(tmp_path / "project", env=OFFLINE)
    repo.write("sitecustomize.py", RECORD_ONLY.format(marker=marker))
    repo.write("db.py", INSECURE)
    done = repo.run(*command, "scan", ".", env=DIRENV)
    assert done.returncode == 2, done.out
    assert done.out.startswith("aicodeguard: error: refusing to run: ")
    assert "'sitecustomize'" in done.out and len(done.out.splitlines()) == 1
    assert [module for module, _ in imports(marker)] == ["sitecustomize"]


def test_imported_as_a_library_aicodeguard_leaves_sys_path_alone(tmp_path):
    probe = "import sys; import aicodeguard.api; print(sys.path[0] == '')"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.strip() == "True", done.stderr


# (d) the pre-commit framework

@pytest.mark.slow
def test_the_pre_commit_hooks_import_nothing_from_the_repository(
        repo, marker, hook_repository, pre_commit_home):  # noqa: F811
    repo.env["PRE_COMMIT_HOME"] = pre_commit_home
    write_config(repo, hook_repository)
    repo.stage(".pre-commit-config.yaml")
    installed = repo.run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.out
    blocked = repo.commit()
    assert blocked.returncode == 1 and "db.py:2:17: AIG101" in blocked.out, blocked.out
    # pre-commit's own git hook starts `python -mpre_commit` in the repository, so
    # pre-commit itself may import the planted files: not aicodeguard's to prevent.
    assert [record for record in imports(marker) if is_aicodeguard(record[1])] == []


# (e) the language server

def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _read(stream) -> dict:
    length = 0
    while (line := stream.readline().strip()):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def _until(stream, wanted) -> dict:
    while not wanted(message := _read(stream)):
        pass
    return message


@pytest.mark.parametrize("command", [[CONSOLE_SCRIPT], [sys.executable, "-m", "aicodeguard"]],
                         ids=["console-script", "python-m"])
def test_the_language_server_imports_nothing_from_the_workspace(repo, marker, command):
    root = os.path.realpath(repo.path)
    uri = "file://" + os.path.join(root, "db.py")
    server = subprocess.Popen([*command, "lsp"], cwd=root, env=repo.env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    try:
        send = server.stdin
        send.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": "file://" + root, "capabilities": {}}}))
        send.flush()
        _until(server.stdout, lambda message: message.get("id") == 1)
        send.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        send.write(_frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1,
                             "text": INSECURE}}}))
        send.flush()
        published = _until(server.stdout, lambda message: message.get("method") ==
                           "textDocument/publishDiagnostics")
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["AIG101"]
        send.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        send.flush()
        _until(server.stdout, lambda message: message.get("id") == 2)
        send.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        send.flush()
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert imports(marker) == []


# a file with a NUL byte reaches the pre-commit hooks

def test_no_pre_commit_hook_filters_out_binary_files():
    with open(os.path.join(REPO, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hooks = yaml.safe_load(handle)
    # identify tags a file with a NUL byte `binary`, never `text`: any type filter would
    # keep such a file away from aicodeguard, which must read it or fail on it.
    assert {hook["id"]: hook.get("types", []) + hook.get("types_or", []) for hook in hooks} \
        == {hook["id"]: [] for hook in hooks}


@pytest.mark.slow
def test_a_file_with_a_nul_byte_is_given_to_the_pre_commit_hooks(
        tmp_path, hook_repository, pre_commit_home):  # noqa: F811
    repo = GitRepo(tmp_path / "project", env={**OFFLINE, "PRE_COMMIT_HOME": pre_commit_home})
    write_config(repo, hook_repository)
    token = "ghp_" + "Zq8" * 12  # a GitHub token's shape; fake
    repo.write("app.js", 'const cp = require("child_process");\n// \0\n'
                         'cp.exec("ls " + req.query.dir);\n')
    repo.write(".env", f"DEBUG=1\0\nGITHUB_TOKEN={token}\n")
    repo.stage(".pre-commit-config.yaml", "app.js", ".env")
    done = repo.run(sys.executable, "-m", "pre_commit", "run", "--hook-stage", "manual")
    for hook in ("aicodeguard (insecure code)", "aicodeguard (secrets"):
        assert hook_status(done.out, hook) in ("Passed", "Failed"), done.out  # not Skipped
    assert token not in done.out


def test_scan_with_bandit_imports_nothing_from_the_repository(repo, marker):
    done = repo.run(CONSOLE_SCRIPT, "scan", "--bandit", ".")
    assert done.returncode == 1, done.out
    assert imports(marker) == []
