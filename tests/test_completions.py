"""`aicodeguard completions bash|zsh|fish`: scripts generated from the argument parser."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess

import pytest

from aicodeguard.cli import build_parser
from aicodeguard.completions import SHELLS, script, walk

from .conftest import run_cli


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


COMMANDS = sorted(_subparsers(build_parser()).choices)
SCAN_OPTIONS = sorted(flag for action in _subparsers(build_parser()).choices["scan"]._actions
                      for flag in action.option_strings if action.help != argparse.SUPPRESS)


@pytest.fixture(scope="module", params=SHELLS)
def completion(request):
    """(shell, script) as the real command prints it: one process per shell."""
    result = run_cli("completions", request.param)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert text == script(request.param)
    return request.param, text


def test_the_parser_is_walked_whole():
    assert {"scan", "baseline", "lsp", "completions", "advisories"} <= set(COMMANDS)
    paths = {command.path for command in walk(build_parser())}
    assert ("baseline", "create") in paths and ("advisories", "update") in paths
    assert {"--format", "--fail-on", "--baseline", "--offline"} <= set(SCAN_OPTIONS)


def test_script_names_every_command_and_every_scan_option(completion):
    shell, text = completion
    for command in COMMANDS:
        assert re.search(rf"(?<![\w-]){re.escape(command)}(?![\w-])", text), (shell, command)
    for flag in SCAN_OPTIONS:
        spelled = {"fish": f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"}
        assert spelled.get(shell, flag) in text, (shell, flag)
    for choice in ("sarif", "critical"):  # --format and --fail-on values
        assert choice in text


def test_scripts_parse(completion):
    shell, text = completion
    program = shutil.which(shell)
    if program is None:
        if shell == "bash":
            pytest.fail("bash is required")
        pytest.skip(f"{shell} is not installed")
    result = subprocess.run([program, "-n"], input=text, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("words, expected", [
    (["aicodeguard", "sc"], {"scan"}),
    (["aicodeguard", "scan", "--fail-on", "h"], {"high"}),
    (["aicodeguard", "scan", "--format", "sa"], {"sarif"}),
    (["aicodeguard", "baseline", ""], {"create"}),
    (["aicodeguard", "completions", ""], {"bash", "zsh", "fish"}),
    (["aicodeguard", "lsp", "--t"], {"--tcp"}),
])
def test_bash_completes_commands_options_and_choices(words, expected):
    words_text = " ".join(f"'{word}'" for word in words)
    program = (f"{script('bash')}\nCOMP_WORDS=({words_text}); COMP_CWORD={len(words) - 1}\n"
               "_aicodeguard; printf '%s\\n' \"${COMPREPLY[@]}\"")
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", program],
                            capture_output=True, text=True, timeout=30,
                            env={**os.environ, "LC_ALL": "C"})
    assert result.returncode == 0, result.stderr
    assert set(filter(None, result.stdout.splitlines())) == expected
