"""A real editor: headless Neovim (from the system packages) loads the shipped set-up in
lsp/neovim/, opens a file with a known finding, and must show aicodeguard's diagnostic
at the right place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

NVIM = shutil.which("nvim")
LINE = "    label = 'café 😀'; cursor.execute(f\"SELECT * FROM t WHERE id = {user_id}\")"
APP = f"def lookup(cursor, user_id):\n{LINE}\n    return cursor.fetchall()\n"


needs_nvim = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed; .ci/run "
                                "installs it with `apt-get install -y neovim`")
SETUP = os.path.join(REPO, "lsp", "neovim")


def run_nvim(tmp_path, before: list[str], after: list[str]):
    """Open app.py in headless Neovim; returns (diagnostic rows, screen rows, stderr)."""
    app = tmp_path / "app.py"
    app.write_text(APP, encoding="utf-8")
    out = tmp_path / "diagnostics.txt"
    env = dict(os.environ, AICODEGUARD_OFFLINE="1", AICODEGUARD_NVIM_OUT=str(out),
               HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    record = os.path.join(REPO, "tests", "lsp_fixtures", "nvim_record.lua")
    result = subprocess.run(
        [NVIM, "--headless", "--clean", *before, str(app), *after,
         "-c", f"luafile {record}", "-c", "qa!"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.exists(), result.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    diagnostics = [row.split("\t")[1:] for row in rows if row.startswith("DIAGNOSTIC")]
    assert diagnostics, "\n".join(rows) + result.stderr
    return diagnostics, [row for row in rows if row.startswith("SCREEN")]


@needs_nvim
def test_neovim_shows_the_diagnostic(tmp_path):
    legacy = os.path.join(SETUP, "aicodeguard-legacy.lua")
    diagnostics, screen = run_nvim(tmp_path, ["--cmd", f"luafile {legacy}"], [])
    [(line, col, end_line, end_col, severity, source, code, message)] = diagnostics
    start = LINE.index('f"SELECT')
    assert (int(line), int(col)) == (2, len(LINE[:start].encode()))  # Neovim counts bytes
    assert (int(end_line), int(end_col)) == (2, len(LINE[:LINE.index(")", start)].encode()))
    assert (severity, source, code) == ("ERROR", "aicodeguard", "AIG101")
    assert "cursor.execute" in message
    assert any("■ SQL built with" in row for row in screen)


@needs_nvim
def test_neovim_config_table_and_its_settings(tmp_path):
    """The 0.11 config file (lsp/aicodeguard.lua), started with the oldest API there is;
    its `settings` reach the server.  (Neovim 0.7 neither advertises workspace/configuration
    nor sends the settings after start-up; on_init does here what later versions do.)"""
    config = os.path.join(SETUP, "lsp", "aicodeguard.lua")
    start = (f"lua local c = dofile('{config}'); c.name = 'aicodeguard'; "
             "c.root_dir = vim.fn.getcwd(); c.settings.aicodeguard.failOn = 'critical'; "
             "c.on_init = function(client) client.notify('workspace/didChangeConfiguration', "
             "{ settings = client.config.settings }) end; "
             "vim.lsp.buf_attach_client(0, vim.lsp.start_client(c))")
    [(line, _, _, _, severity, _, code, _)] = run_nvim(tmp_path, [], ["-c", start])[0]
    assert (line, code) == ("2", "AIG101")
    assert severity == "WARN"  # high is below fail-on "critical": a warning
