"""Fail closed: a file the gate was asked to check is checked, or the run fails naming it.

Each trick that used to pass a file unchecked (a warning and exit 0, a silently skipped
folder, a crash that lost every finding) is run through the real CLI, and the tricks a
commit could carry also through `scan --staged --hook` in a real git repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from aicodeguard.config import Config
from tests.conftest import run_cli

EXPRESS_EXEC = ('const cp = require("child_process");\n'
                'const express = require("express");\n'
                "const app = express();\n"
                "// harmless\0 comment\n"
                'app.get("/ls", (req, res) => {\n'
                '  cp.exec("ls " + req.query.dir);\n'
                "});\n").encode()
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"  # 36 characters after the prefix
DOTENV = b"# settings\0\nGITHUB_TOKEN=" + TOKEN.encode() + b"\n"
SHELL_PY = 'import os\nos.system("ls " + input())\n'


def staircase_docstring(lines: int = 450) -> str:
    """A docstring whose lines are indented one space deeper each, then a finding."""
    body = "".join(" " * (5 + depth) + "step\n" for depth in range(lines))
    return ('import os\n\n\ndef ping():\n    """Ping a host.\n' + body + '    """\n'
            '    os.system("ping " + input())\n')


def padded_eval() -> bytes:
    return b"# padding\n" * (6 * 1024 * 1024 // 10) + b"eval(input())\n"  # > 5 MiB


def write(path, data: bytes | str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())


def scan_json(cli, folder, *args):
    result = cli("scan", "--format", "json", "--no-cache", *args, cwd=folder)
    assert result.out, result.err
    return result, json.loads(result.out)


def found(document) -> list[tuple[str, str]]:
    return sorted((f["location"]["path"], f["rule_id"]) for f in document["findings"])


def notes(document, level: str) -> dict[str, str]:
    return {n["path"]: n["message"] for n in document["notes"] if n["level"] == level}


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "dev@example.com")
    git(tmp_path, "config", "user.name", "Dev")
    return tmp_path


def staged_hook(cli, repo, files: dict[str, bytes | str]):
    for name, content in files.items():
        write(repo / name, content)
    git(repo, "add", "--", *files)
    return cli("scan", "--staged", "--hook", "--no-cache", cwd=repo)


# --- a file that used to be skipped with a warning (exit 0) ---------------------------

def test_nul_byte_in_a_javascript_comment_does_not_hide_the_file(cli, tmp_path):
    write(tmp_path / "server.js", EXPRESS_EXEC)
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    assert found(document) == [("server.js", "AIG102")]
    finding = document["findings"][0]
    assert (finding["location"]["line"], finding["location"]["column"]) == (6, 3 + 8)
    assert "NUL byte" in notes(document, "info")["server.js"]


def test_nul_byte_in_a_javascript_comment_blocks_the_commit(cli, repo):
    result = staged_hook(cli, repo, {"server.js": EXPRESS_EXEC})
    assert result.returncode != 0
    assert "server.js:6:" in result.out and "AIG102" in result.out


def test_staircase_docstring_is_not_mistaken_for_deep_nesting(cli, tmp_path):
    write(tmp_path / "ping.py", staircase_docstring())
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    assert found(document) == [("ping.py", "AIG102")]
    assert document["notes"] == []


def test_staircase_docstring_blocks_the_commit(cli, repo):
    result = staged_hook(cli, repo, {"ping.py": staircase_docstring()})
    assert result.returncode != 0
    assert "ping.py:" in result.out and "AIG102" in result.out


def test_real_deep_nesting_is_still_refused_and_fails_the_run(cli, tmp_path):
    """~500 nested blocks and an open string crash tree-sitter-python: refused, exit 2."""
    nested = "def f():\n" + "".join(" " * depth + "if x:\n" for depth in range(1, 600))
    write(tmp_path / "abyss.py", nested + " " * 600 + "s = 'open\n")
    write(tmp_path / "other.py", SHELL_PY)
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 2, result.err
    assert found(document) == [("other.py", "AIG102")]
    assert "indentation nested 600 levels deep" in notes(document, "error")["abyss.py"]


def test_file_past_five_mib_is_checked_or_fails(cli, tmp_path):
    write(tmp_path / "big.py", padded_eval())
    result, document = scan_json(cli, tmp_path)
    assert result.returncode != 0, result.err
    if Config().max_file_size >= 6 * 1024 * 1024:
        assert found(document) == [("big.py", "AIG103")]
    else:  # the configuration's default has not followed reading.DEFAULT_MAX_FILE_SIZE
        assert result.returncode == 2 and "max-file-size" in notes(document, "error")["big.py"]


def test_file_past_five_mib_is_analysed_up_to_the_limit(cli, tmp_path):
    write(tmp_path / ".aicodeguard.toml", f"max-file-size = {16 * 1024 * 1024}\n")
    write(tmp_path / "big.py", padded_eval())
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    assert found(document) == [("big.py", "AIG103")]


def test_file_past_the_limit_is_an_error_naming_it(cli, tmp_path):
    write(tmp_path / ".aicodeguard.toml", "max-file-size = 1048576\n")
    write(tmp_path / "big.py", padded_eval())
    write(tmp_path / "other.py", SHELL_PY)
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 2, result.err
    assert found(document) == [("other.py", "AIG102")]
    assert notes(document, "error")["big.py"] == ("larger than the 1 MiB limit (max-file-size); "
                                                  "not checked")


def test_padded_file_blocks_the_commit(cli, repo):
    result = staged_hook(cli, repo, {"big.py": padded_eval()})
    assert result.returncode != 0
    assert "big.py" in result.out


def test_nul_byte_in_a_dotenv_file_does_not_hide_a_token(cli, tmp_path):
    write(tmp_path / ".env", DOTENV)
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    assert found(document) == [(".env", "AIG302")]
    assert TOKEN not in result.out


def test_nul_byte_in_a_dotenv_file_blocks_the_commit(cli, repo):
    result = staged_hook(cli, repo, {".env": DOTENV})
    assert result.returncode != 0
    assert ".env:2:" in result.out and "AIG302" in result.out and TOKEN not in result.out


# --- folders that used to be dropped by name at any depth ------------------------------

LOOKALIKES = ("build", "dist", "venv", "coverage", ".cache", "_build", "site-packages",
              ".venv", "buck-out", ".next")


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_folders_named_like_tool_output_are_scanned(cli, tmp_path, in_git):
    if in_git:
        git(tmp_path, "init", "-q")
    for name in LOOKALIKES:
        write(tmp_path / "src" / name / "mod.py", SHELL_PY)
    write(tmp_path / "lib" / "venv" / "__init__.py", SHELL_PY)  # like the stdlib's own venv
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    expected = sorted([(f"src/{name}/mod.py", "AIG102") for name in LOOKALIKES]
                      + [("lib/venv/__init__.py", "AIG102")])
    assert found(document) == expected


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_recognised_tool_folders_are_skipped_and_counted(cli, tmp_path, in_git):
    if in_git:
        git(tmp_path, "init", "-q")
    write(tmp_path / "app.py", SHELL_PY)
    write(tmp_path / "env" / "pyvenv.cfg", "home = /usr/bin\n")
    write(tmp_path / "env" / "lib" / "python3.11" / "site-packages" / "pkg.py", SHELL_PY)
    write(tmp_path / "prefix" / "lib" / "python3.12" / "site-packages" / "pkg.py", SHELL_PY)
    write(tmp_path / "web" / "node_modules" / "left-pad" / "index.js", "eval(process.argv[2]);\n")
    write(tmp_path / "pkg" / "__pycache__" / "mod.py", SHELL_PY)
    write(tmp_path / "vendor" / "mod.py", SHELL_PY)
    write(tmp_path / ".aicodeguard.toml", 'exclude = ["vendor/"]\n')
    result = cli("scan", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.err
    assert "app.py:2:" in result.out and "pkg.py" not in result.out
    assert "index.js" not in result.out and "vendor" not in result.out
    assert "4 tool folders (virtual environments, node_modules, VCS data, caches)" in result.out
    assert "excluded by configuration" in result.out


def test_staged_files_in_lookalike_folders_block_the_commit(cli, repo):
    files = {f"{name}/mod.py": SHELL_PY for name in ("build", "dist", "venv", "coverage",
                                                       ".cache")}
    result = staged_hook(cli, repo, files)
    assert result.returncode == 1, result.err
    for name in files:
        assert f"{name}:2:" in result.out


def test_staged_virtual_environment_and_excludes_are_counted(cli, repo):
    write(repo / ".aicodeguard.toml", 'exclude = ["vendor/"]\n')
    result = staged_hook(cli, repo, {"env/pyvenv.cfg": "home = /usr/bin\n",
                                     "env/lib/python3.11/site-packages/pkg.py": SHELL_PY,
                                     "vendor/mod.py": SHELL_PY,
                                     "node_modules/pkg/index.js": "eval(process.argv[2]);\n"})
    assert result.returncode == 0, result.out + result.err
    report = cli("scan", "--staged", "--no-cache", cwd=repo)
    assert "Not scanned: 1 file excluded by configuration, 2 tool folders" in report.out


def test_untracked_repository_inside_the_work_tree_is_scanned(cli, repo):
    inner = repo / "inner"
    write(inner / "mod.py", SHELL_PY)
    git(inner, "init", "-q")
    result, document = scan_json(cli, repo)
    assert result.returncode == 1, result.err
    assert found(document) == [("inner/mod.py", "AIG102")]


# --- a crash in one file used to end the whole run -------------------------------------

@pytest.mark.parametrize("cookie, literal", [
    ("utf-7", b"'+2AA-'"),
    ("unicode_escape", b"'\\ud800'"),
])
def test_codec_producing_lone_surrogates_does_not_end_the_run(cli, tmp_path, cookie, literal):
    source = b"# coding: " + cookie.encode() + b"\nx = " + literal + b"\nimport os\n" \
             b"os.system('ls ' +- input())\n"
    if cookie == "unicode_escape":
        source = source.replace(b"+-", b"+")
    write(tmp_path / "trick.py", source)
    write(tmp_path / "other.py", SHELL_PY)
    result, document = scan_json(cli, tmp_path)
    assert "internal error" not in result.err
    assert result.returncode == 1, result.err
    assert found(document) == [("other.py", "AIG102"), ("trick.py", "AIG102")]


def test_undecodable_cookie_file_is_an_error_and_the_rest_is_reported(cli, tmp_path):
    write(tmp_path / "bad.py", b"# coding: utf-7\nx = '+\xff'\n")
    write(tmp_path / "other.py", SHELL_PY)
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 2, result.err
    assert found(document) == [("other.py", "AIG102")]
    assert "utf-7" in notes(document, "error")["bad.py"]


def _crashing_analyzer(monkeypatch, victim: str):
    from aicodeguard.rules.python import analyzer

    original = analyzer.analyze

    def analyze(source, tree, result):
        if source.path.endswith(victim):
            raise RuntimeError("rule bug")
        original(source, tree, result)

    monkeypatch.setattr(analyzer, "analyze", analyze)


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "pool"])
def test_rule_crash_is_an_error_on_that_file_only(tmp_path, monkeypatch, jobs):
    from aicodeguard.discovery import Discovery
    from aicodeguard.engine import Scanner, ScanSettings

    padding = "# padding\n" * 2000
    for index in range(20):  # enough files and bytes for the process pool
        write(tmp_path / f"m{index:02}.py", padding + SHELL_PY)
    _crashing_analyzer(monkeypatch, "m07.py")
    targets = Discovery(respect_gitignore=False).run([str(tmp_path)])
    results = Scanner(ScanSettings(jobs=jobs, use_cache=False)).scan(targets)
    by_name = {os.path.basename(result.path): result for result in results}
    [note] = by_name["m07.py"].notes
    assert note.level.value == "error" and "RuntimeError: rule bug" in note.message
    assert all(len(by_name[f"m{i:02}.py"].findings) == 1 for i in range(20) if i != 7)


def test_dead_pool_worker_is_an_error_on_that_file_only(tmp_path, monkeypatch):
    from aicodeguard.discovery import Discovery
    from aicodeguard.engine import Scanner, ScanSettings
    from aicodeguard.rules.python import analyzer

    padding = "# padding\n" * 2000
    for index in range(20):
        write(tmp_path / f"m{index:02}.py", padding + SHELL_PY)
    original = analyzer.analyze

    def analyze(source, tree, result):
        if source.path.endswith("m03.py"):
            os._exit(139)  # what a crash in a grammar looks like from the pool
        original(source, tree, result)

    monkeypatch.setattr(analyzer, "analyze", analyze)
    targets = Discovery(respect_gitignore=False).run([str(tmp_path)])
    results = Scanner(ScanSettings(jobs=2, use_cache=False)).scan(targets)
    by_name = {os.path.basename(result.path): result for result in results}
    assert [n.level.value for n in by_name["m03.py"].notes] == ["error"]
    assert all(len(by_name[f"m{i:02}.py"].findings) == 1 for i in range(20) if i != 3)


def test_rule_crash_on_standard_input_is_an_error_note(monkeypatch):
    from aicodeguard import api

    _crashing_analyzer(monkeypatch, "app.py")
    outcome = api.scan_bytes("app.py", SHELL_PY.encode(), Config(offline=True))
    [note] = outcome.notes
    assert note.level.value == "error" and note.path == "app.py" and "rule bug" in note.message
    assert outcome.has_errors and outcome.skipped == {"unscannable": 1}


# --- smaller ones ----------------------------------------------------------------------

def test_fifo_named_on_the_command_line_is_an_error(cli, tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    write(tmp_path / "other.py", SHELL_PY)
    result, document = scan_json(cli, tmp_path, "pipe.py", "other.py")
    assert result.returncode == 2
    assert found(document) == [("other.py", "AIG102")]
    assert "not a regular file" in notes(document, "error")["pipe.py"]


def test_fifo_found_in_a_folder_is_a_warning_and_counted(cli, tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "tool")  # no extension: the shebang probe must not block on it
    write(tmp_path / "other.py", SHELL_PY)
    result = cli("scan", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.err
    assert "warning: pipe.py: not a regular file" in result.out
    assert "1 FIFO or device" in result.out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_unicode_files_with_a_byte_order_mark_are_read(cli, tmp_path, encoding):
    def encode(text: str) -> bytes:  # "utf-16"/"utf-32" write a BOM; "-be" does not
        return (b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding)

    write(tmp_path / "wide.py", encode(SHELL_PY))
    write(tmp_path / ".env", encode("GITHUB_TOKEN=" + TOKEN + "\n"))
    result, document = scan_json(cli, tmp_path)
    assert result.returncode == 1, result.err
    assert found(document) == [(".env", "AIG302"), ("wide.py", "AIG102")]
    line = next(f for f in document["findings"] if f["rule_id"] == "AIG102")["location"]
    assert (line["line"], line["column"]) == (2, 11)


def test_summary_counts_what_was_not_scanned(cli, tmp_path):
    write(tmp_path / ".aicodeguard.toml", 'exclude = ["generated/", "*.gen.py"]\n')
    write(tmp_path / "generated" / "a.py", SHELL_PY)
    write(tmp_path / "x.gen.py", SHELL_PY)
    write(tmp_path / "broken.py", b"x = '\xff'\n")
    write(tmp_path / "ok.py", "x = 1\n")
    result = cli("scan", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert "error: broken.py: not valid UTF-8" in result.out
    assert ("Found 0 findings in 2 files. Not scanned: 1 file could not be checked (see the "
            "errors), 1 file excluded by configuration, 1 folder excluded by configuration."
            in result.out)


def test_files_that_steer_the_gate_are_never_blocking_reads(tmp_path):
    """A repository's configuration may name its baseline and Rego policies: a FIFO there
    must not hang the run, and is an error naming it (exit 2)."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "app.py").write_text("print('hello')\n")
    os.mkfifo(project / "baseline.json")
    os.mkfifo(project / "ci.rego")
    (project / ".aicodeguard.toml").write_text('baseline = "baseline.json"\n')
    started = time.monotonic()
    done = run_cli("scan", "--offline", ".", cwd=project)
    assert done.returncode == 2 and b"baseline.json" in done.stderr, done.stderr
    (project / ".aicodeguard.toml").write_text('[policy]\nrego = ["ci.rego"]\n')
    done = run_cli("scan", "--offline", ".", cwd=project)
    assert done.returncode == 2 and b"ci.rego" in done.stderr + done.stdout, done.stderr
    assert time.monotonic() - started < 60


BROKEN_CHECK = ("import sys\n"
                "import aicodeguard.rules.python.crypto as crypto\n"
                "def broken(*args):\n"
                "    raise RuntimeError('check broke')\n"
                "crypto._algorithm = broken\n"
                "from aicodeguard.cli import main\n"
                "sys.exit(main(sys.argv[1:]))\n")


def test_a_check_that_breaks_fails_the_run_and_keeps_the_other_findings(tmp_path):
    """A check that raises leaves its file not fully checked: an error naming the file
    (exit 2), while the other checks' findings on it are still reported."""
    (tmp_path / "app.py").write_text("import hashlib\nimport os\n\n"
                                     "digest = hashlib.md5(b'x').hexdigest()\n"
                                     "os.system('ls ' + input())\n")
    result = subprocess.run([sys.executable, "-c", BROKEN_CHECK, "scan", "--no-cache",
                             "-f", "json", "app.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    report = json.loads(result.stdout)
    assert result.returncode == 2, result.stderr
    assert [f["rule_id"] for f in report["findings"]] == ["AIG102"]
    errors = [n for n in report["notes"] if n["level"] == "error"]
    assert errors and errors[0]["path"] == "app.py" and "not fully checked" in errors[0]["message"]
