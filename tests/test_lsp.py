"""`aicodeguard lsp` end to end, as a client that has no pull diagnostics sees it:
published diagnostics on open, edit and save, positions on non-ASCII lines, each code
action applied and checked again, hover and the documentation command.

One server process serves the whole module; every test uses its own document URI.
"""

from __future__ import annotations

import re

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from aicodeguard.rules import doc_url

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    apply_text_edits,
    capabilities,
    change_document,
    make_client,
    open_document,
    published,
    replace_document,
    server_env,
    utf16,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = '''import requests
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/search")
def search(cursor):
    term = request.args.get("q")
    cursor.execute("SELECT * FROM t WHERE a = '" + term + "'")
    config = yaml.load(open("settings.yml"))
    requests.get("https://example.com/api", verify=False)
    return config
'''
SQL_LINE = 10  # 0-based line of the cursor.execute call above


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env()))
async def client(lsp_client: LanguageClient, folder):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(),
        workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="workspace")]))
    yield
    await lsp_client.shutdown_session()


def uri_in(folder, name: str) -> str:
    return (folder / name).as_uri()


def by_code(diagnostics, code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == code]


async def code_actions(client, uri: str, diagnostic: types.Diagnostic):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]))) or []


async def test_diagnostics_on_open_carry_rule_link_severity_and_taint_flow(client, folder):
    uri = uri_in(folder, "app_open.py")
    open_document(client, uri, APP)
    diagnostics = await published(client, uri, version=1)
    assert diagnostics, "the fixture has several findings"
    for diagnostic in diagnostics:
        assert diagnostic.source == "aicodeguard"
        assert re.fullmatch(r"AIG\d{3}", diagnostic.code)
        assert diagnostic.code_description.href == doc_url(diagnostic.code)
        assert diagnostic.data["rule"] == diagnostic.code
    [sql] = by_code(diagnostics, "AIG101")
    line = APP.splitlines()[SQL_LINE]
    start = line.index('"SELECT')
    assert sql.range == types.Range(types.Position(SQL_LINE, start),
                                    types.Position(SQL_LINE, line.index(")", start)))
    assert sql.severity == types.DiagnosticSeverity.Error  # request data: critical
    [flow] = sql.related_information
    source_line = APP.splitlines()[SQL_LINE - 1]
    assert flow.location.uri == uri
    assert flow.location.range.start == types.Position(SQL_LINE - 1,
                                                       source_line.index("request.args"))
    assert "request" in flow.message


async def test_positions_on_lines_with_multibyte_characters(client, folder):
    uri = uri_in(folder, "app_unicode.py")
    line = '    note = "naïve café 漢字 😀🎉"; cursor.execute(f"SELECT * FROM t WHERE a = \'{name}\'")  # ✓'
    text = f"def f(cursor, name):\n{line}\n"
    open_document(client, uri, text)
    [sql] = by_code(await published(client, uri, version=1), "AIG101")
    start = line.index('f"SELECT')
    end = line.index(")", start)
    assert sql.range.start == types.Position(1, utf16(line[:start]))
    assert sql.range.end == types.Position(1, utf16(line[:end]))
    assert utf16(line[:start]) == start + 2  # each emoji counts twice in UTF-16
    suppress = sql.data["suppress"]
    assert suppress["range"]["start"] == {"line": 1, "character": utf16(line)}
    # The same finding after an edit before it on the same line (UTF-16 positions in).
    emoji = line.index("😀")
    change_document(client, uri, 2, (1, utf16(line[:emoji])), (1, utf16(line[:emoji + 1])), "")
    [sql] = by_code(await published(client, uri, version=2), "AIG101")
    assert sql.range.start == types.Position(1, utf16(line[:start]) - 2)


async def test_edits_update_diagnostics_after_a_pause(client, folder):
    uri = uri_in(folder, "app_edit.py")
    text = "def f(cursor, name):\n    cursor.execute('SELECT 1')\n"
    open_document(client, uri, text)
    assert await published(client, uri, version=1) == []
    line = "    cursor.execute('SELECT 1')"
    # Make the query dynamic: findings appear...
    change_document(client, uri, 2, (1, line.index("'SELECT")), (1, line.index(")")),
                    "f'SELECT * FROM t WHERE a = {name}'")
    assert [d.code for d in await published(client, uri, version=2)] == ["AIG101"]
    # ...and go away when it is undone (a whole-document change this time).
    replace_document(client, uri, 3, text)
    assert await published(client, uri, version=3) == []


async def test_a_burst_of_edits_is_checked_once_for_the_last_version(client, folder):
    uri = uri_in(folder, "app_burst.py")
    open_document(client, uri, "def f(cursor, name):\n    pass\n")
    await published(client, uri, version=1)
    before = len(client.published)
    for version in range(2, 32):  # typing a comment, one keystroke per change
        change_document(client, uri, version, (1, 8 + version), (1, 8 + version), "x")
    change_document(client, uri, 32, (0, 0), (0, 0),
                    "import os\nos.system('ls ' + input())\n")
    diagnostics = await published(client, uri, version=32)
    assert diagnostics and diagnostics[0].range.start.line == 1
    versions = [p.version for p in client.published[before:] if p.uri == uri]
    assert versions == [32]  # nothing published for the superseded versions


async def test_save_checks_again(client, folder):
    uri = uri_in(folder, "app_save.py")
    open_document(client, uri, APP)
    first = await published(client, uri, version=1)
    seen = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri, version=1, after=seen) == first


async def test_every_fix_is_a_quick_fix_that_removes_its_finding(client, folder):
    uri = uri_in(folder, "app_fix.py")
    text, version = APP, 1
    open_document(client, uri, text)
    diagnostics = await published(client, uri, version=1)
    fixable = [d for d in diagnostics if "fix" in d.data]
    assert any(d.data["fix"]["safe"] for d in fixable), "yaml.load / verify=False have safe fixes"
    for target in fixable:
        current = next(d for d in await published(client, uri, version=version)
                       if d.code == target.code and d.range.start.line == target.range.start.line)
        actions = await code_actions(client, uri, current)
        [fix] = [a for a in actions if a.title.startswith(current.data["fix"]["title"])]
        assert fix.kind == types.CodeActionKind.QuickFix
        assert bool(fix.is_preferred) == current.data["fix"]["safe"]
        assert list(fix.diagnostics) == [current]
        text = apply_text_edits(text, fix.edit.changes[uri])
        version += 1
        replace_document(client, uri, version, text)
        after = await published(client, uri, version=version)
        assert not [d for d in after if d.code == current.code
                    and d.range.start.line == current.range.start.line], text
    assert "yaml.safe_load(" in text and "verify=True" in text


async def test_suppress_action_adds_an_ignore_comment_with_a_reason_placeholder(client, folder):
    uri = uri_in(folder, "app_suppress.py")
    open_document(client, uri, APP)
    [sql] = by_code(await published(client, uri, version=1), "AIG101")
    actions = await code_actions(client, uri, sql)
    [suppress] = [a for a in actions if a.title == "Suppress AIG101 on this line"]
    assert suppress.kind == types.CodeActionKind.QuickFix and not suppress.is_preferred
    text = apply_text_edits(APP, suppress.edit.changes[uri])
    assert text.splitlines()[SQL_LINE] == (APP.splitlines()[SQL_LINE]
                                           + "  # aicodeguard: ignore[AIG101] <reason>")
    replace_document(client, uri, 2, text)
    after = await published(client, uri, version=2)
    # the finding is silenced, and the unedited placeholder is reported as no reason yet
    assert [d.code for d in after if d.range.start.line == SQL_LINE] == ["AIG002"]
    text = text.replace("<reason>", "the name is checked against USERS by the caller")
    replace_document(client, uri, 3, text)
    assert not [d for d in await published(client, uri, version=3)
                if d.range.start.line == SQL_LINE]


async def test_suppress_action_extends_an_ignore_comment_already_there(client, folder):
    uri = uri_in(folder, "app_extend.py")
    text = ("def f(cursor, name):\n"
            "    # aicodeguard: ignore[AIG201] left over from an older version\n"
            "    cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n")
    open_document(client, uri, text)
    diagnostics = await published(client, uri, version=1)
    assert by_code(diagnostics, "AIG003")  # the old comment is unused...
    [sql] = by_code(diagnostics, "AIG101")
    [suppress] = [a for a in await code_actions(client, uri, sql)
                  if a.title.startswith("Suppress")]
    text = apply_text_edits(text, suppress.edit.changes[uri])
    assert "# aicodeguard: ignore[AIG201, AIG101] left over" in text
    replace_document(client, uri, 2, text)
    assert await published(client, uri, version=2) == []  # ...and now it is used


async def test_show_documentation_action_opens_the_rule_page(client, folder):
    uri = uri_in(folder, "app_docs.py")
    open_document(client, uri, APP)
    [sql] = by_code(await published(client, uri, version=1), "AIG101")
    [docs] = [a for a in await code_actions(client, uri, sql)
              if a.title == "Show documentation for AIG101"]
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=docs.command.command, arguments=docs.command.arguments))
    shown = client.shown_documents[-1]
    assert shown.uri == doc_url("AIG101") and shown.external


async def test_hover_shows_the_rule_documentation(client, folder):
    uri = uri_in(folder, "app_hover.py")
    open_document(client, uri, APP)
    [sql] = by_code(await published(client, uri, version=1), "AIG101")
    inside = types.Position(SQL_LINE, sql.range.start.character + 3)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=inside))
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert text.startswith(sql.message)
    for expected in ("**AIG101**", "What it does", "Why is this bad?", "Use instead",
                     "[CWE-89](https://cwe.mitre.org/data/definitions/89.html)",
                     doc_url("AIG101")):
        assert expected in text
    assert hover.range == sql.range
    outside = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    assert outside is None


async def test_unsaved_buffers_are_checked_by_their_language_id(client, folder):
    uri = "untitled:Untitled-1"
    open_document(client, uri, "import os\nos.system('rm -rf ' + input())\n")
    assert [d.range.start.line for d in await published(client, uri, version=1)] == [1]
    open_document(client, "untitled:notes", "eval(input())\n", language_id="plaintext")
    assert await published(client, "untitled:notes", version=1) == []


async def test_closing_a_document_clears_its_diagnostics(client, folder):
    uri = uri_in(folder, "app_close.py")
    open_document(client, uri, APP)
    assert await published(client, uri, version=1)
    seen = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri, after=seen) == []


async def test_typescript_findings_are_suppressed_with_a_slash_comment(client, folder):
    uri = uri_in(folder, "routes.ts")
    text = ('const app = require("express")();\n'
            'app.get("/run", (req, res) => {\n'
            '  eval(req.query.code);  // 😀 run it\n'
            '  res.send("ok");\n'
            '});\n')
    open_document(client, uri, text, language_id="typescript")
    [finding] = await published(client, uri, version=1)
    line = text.splitlines()[2]
    assert finding.range.start == types.Position(2, line.index("req.query"))
    [suppress] = [a for a in await code_actions(client, uri, finding)
                  if a.title.startswith("Suppress")]
    text = apply_text_edits(text, suppress.edit.changes[uri])
    assert text.splitlines()[2] == line + f"  // aicodeguard: ignore[{finding.code}] <reason>"
    replace_document(client, uri, 2, text)
    assert [d.code for d in await published(client, uri, version=2)] == ["AIG002"]
    replace_document(client, uri, 3, text.replace("<reason>", "a demo route, never deployed"))
    assert await published(client, uri, version=3) == []
