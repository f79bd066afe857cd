"""Bad input never crashes a run or loses findings elsewhere (issue: engine, item 8).

Every case is scanned next to a file with a known finding; the test asserts the
one-line note naming the file, the exit status, and that the finding is still there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

FINDING = "def q(cur, name):\n    cur.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n"


def scan_json(cli, folder, *extra):
    result = cli("scan", "--format", "json", *extra, cwd=folder)
    return result, json.loads(result.out)


def write(path, data: bytes | str):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as handle:
        handle.write(data)


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "known.py", FINDING)
    return tmp_path


def assert_finding_kept(document):
    assert [f["location"]["path"] for f in document["findings"]] == ["known.py"]


def notes_for(document, path):
    return [(n["level"], n["message"]) for n in document["notes"] if n["path"] == path]


CASES = {
    # name: (file content, expected note level or None, words in the note, exit status)
    "empty.py": (b"", None, "", 1),
    # NUL bytes are read as spaces (tree-sitter would take one for the end of the file).
    "nul.py": (b"x = 1\x00\nprint(x)\n", "info", "contains a NUL byte", 1),
    "elf.py": (b"\x7fELF\x00\x01\x02\x00import os", "info", "contains 2 NUL bytes", 1),
    # A binary file is not valid UTF-8: it could not be checked, so the run fails.
    "binary.py": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "error", "not valid UTF-8", 2),
    "undecodable.py": (b"name = 'caf\xe9'\n", "error", "not valid UTF-8", 2),
    "syntax.py": (b"def f(:\n    return\n", "info", "syntax error near line 1", 1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gets_a_note_and_other_findings_survive(cli, project, name):
    content, level, words, status = CASES[name]
    write(project / name, content)
    result, document = scan_json(cli, project)
    assert result.returncode == status, result.err
    assert_finding_kept(document)
    notes = notes_for(document, name)
    if level is None:
        assert notes == []
    else:
        assert any(note_level == level and words in message for note_level, message in notes)
        assert all(note_level != "error" for note_level, _ in notes) or status == 2


def test_coding_cookie_is_honoured(cli, project):
    source = "# -*- coding: latin-1 -*-\ndef q(cur, name):\n" \
             "    cur.execute(\"SELECT * FROM caf\xe9 WHERE n = '%s'\" % name)\n"
    write(project / "latin.py", source.encode("latin-1"))
    result, document = scan_json(cli, project)
    assert notes_for(document, "latin.py") == []
    lines = sorted((f["location"]["path"], f["location"]["line"]) for f in document["findings"])
    assert lines == [("known.py", 2), ("latin.py", 3)]
    latin = next(f for f in document["findings"] if f["location"]["path"] == "latin.py")
    assert "caf\xe9" in latin["snippet"]


def test_file_over_the_size_limit_is_an_error(cli, project):
    write(project / ".aicodeguard.toml", "max-file-size = 1048576\n")
    write(project / "huge.py", b"x = 1\n" * 200_000)  # 1.2 MB > 1 MiB
    result, document = scan_json(cli, project)
    assert result.returncode == 2
    assert_finding_kept(document)
    [(level, message)] = notes_for(document, "huge.py")
    assert level == "error" and "max-file-size" in message


def nested_ifs(levels: int) -> str:
    body = "def f(cur, name):\n" + "".join("    " * depth + "if name:\n"
                                           for depth in range(1, levels))
    return body + "    " * levels + "cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"


def test_million_character_line_and_deep_nesting_are_analysed(cli, project):
    write(project / "long.py", "x = '" + "a" * 1_000_000 + "'\n" + FINDING)
    write(project / "deep.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + FINDING)
    write(project / "nested.py", nested_ifs(300))
    result, document = scan_json(cli, project)
    assert result.returncode == 1, result.err
    found = sorted((f["location"]["path"], f["location"]["line"]) for f in document["findings"])
    assert found == [("deep.py", 3), ("known.py", 2), ("long.py", 3), ("nested.py", 301)]
    long_line = next(f for f in document["findings"] if f["location"]["path"] == "long.py")
    assert len(long_line["snippet"]) <= 300


def test_indentation_too_deep_for_the_grammar_is_an_error_not_a_crash(cli, project):
    """tree-sitter-python's scanner overflows near 500 open indentation levels."""
    write(project / "abyss.py", nested_ifs(1000))
    result, document = scan_json(cli, project)
    assert result.returncode == 2, result.err
    assert_finding_kept(document)
    [(level, message)] = notes_for(document, "abyss.py")
    assert level == "error" and "indentation nested 1000 levels deep" in message


def test_missing_path_exits_2_but_scans_the_rest(cli, project):
    result, document = scan_json(cli, project, "known.py", "nope.py")
    assert result.returncode == 2
    assert_finding_kept(document)
    assert notes_for(document, "nope.py") == [("error", "no such file or directory")]


def test_symlink_loops_and_links_out_of_the_tree(cli, project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.py"
    write(outside, FINDING)
    os.symlink("loop_b.py", project / "loop_a.py")
    os.symlink("loop_a.py", project / "loop_b.py")
    os.symlink(outside, project / "escape.py")
    os.symlink("gone.py", project / "dangling.py")
    result, document = scan_json(cli, project)
    assert result.returncode == 1
    assert_finding_kept(document)
    assert notes_for(document, "loop_a.py") == [("info", "symlink loop; skipped")]
    assert notes_for(document, "escape.py") == [
        ("info", "symlink leads outside the scanned folder; not followed")]
    assert notes_for(document, "dangling.py") == [("info", "broken symlink; skipped")]


def test_fifo_never_blocks(cli, project):
    os.mkfifo(project / "pipe.py")
    result, document = scan_json(cli, project)  # found by the walk: a warning
    assert result.returncode == 1
    assert_finding_kept(document)
    assert notes_for(document, "pipe.py") == [
        ("warning", "not a regular file (FIFO, socket or device); not read")]
    result, document = scan_json(cli, project, "known.py", "pipe.py")  # named: an error
    assert result.returncode == 2
    assert_finding_kept(document)
    assert notes_for(document, "pipe.py") == [
        ("error", "not a regular file (FIFO, socket or device); not checked")]


def test_unreadable_file(cli, project):
    write(project / "locked.py", FINDING)
    os.chmod(project / "locked.py", 0)
    command = [sys.executable, "-m", "aicodeguard", "scan", "--format", "json", "--no-cache"]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that allow it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, cwd=project, capture_output=True, timeout=120)
    document = json.loads(result.stdout)
    assert result.returncode == 2, result.stderr
    assert_finding_kept(document)
    assert notes_for(document, "locked.py") == [("error", "permission denied")]


def test_file_vanishing_mid_scan_is_a_note(tmp_path):
    """A target that disappears between discovery and reading (race) is reported, not fatal."""
    from aicodeguard.discovery import Discovery
    from aicodeguard.engine import Scanner, ScanSettings

    write(tmp_path / "known.py", FINDING)
    write(tmp_path / "brief.py", FINDING)
    targets = Discovery(respect_gitignore=False).run([str(tmp_path)])
    os.remove(tmp_path / "brief.py")
    results = Scanner(ScanSettings(use_cache=False)).scan(targets)
    by_name = {os.path.basename(r.path): r for r in results}
    assert [n.message for n in by_name["brief.py"].notes] == ["vanished before it could be read"]
    assert len(by_name["known.py"].findings) == 1


def test_deeply_nested_javascript_and_long_concatenations(cli, project):
    write(project / "deep.js", "const x = " + "(" * 5000 + "1" + ")" * 5000 + ";\n"
          "const q = " + " + ".join(['"a"'] * 10000) + ";\n"
          "db.query('SELECT * FROM t WHERE a = ' + req.query.a + q);\n")
    write(project / "nested.js", "function f(req) {" * 3000 + "eval(req.query.x)" + "}" * 3000
          + "\n")
    write(project / "chain.py", "q = " + " + ".join(['"a"'] * 20000) + "\n" + FINDING)
    result, document = scan_json(cli, project)
    assert result.returncode == 1, result.err
    found = sorted((f["location"]["path"], f["rule_id"]) for f in document["findings"])
    assert found == [("chain.py", "AIG101"), ("deep.js", "AIG101"), ("known.py", "AIG101"),
                     ("nested.js", "AIG103")]
    assert not [n for n in document["notes"] if "internal error" in n["message"]]
