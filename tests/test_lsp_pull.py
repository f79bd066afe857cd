"""Pull diagnostics (`textDocument/diagnostic`) for clients that advertise them: nothing
is pushed, results are versioned, and settings changes ask the client to pull again."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    apply_text_edits,
    capabilities,
    change_document,
    make_client,
    open_document,
    server_env,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = "import yaml\n\n\ndef load(path):\n    return yaml.load(open(path))\n"


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env()))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pull")
    lsp_client.folder = folder
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(pull=True),
        workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="pull")]))
    assert result.capabilities.diagnostic_provider.identifier == "aicodeguard"
    yield
    await lsp_client.shutdown_session()


async def pull(client, uri: str, previous: str | None = None):
    return await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous))


async def test_pulled_reports_are_versioned_and_nothing_is_pushed(client):
    uri = (client.folder / "loader.py").as_uri()
    open_document(client, uri, TEXT)
    report = await pull(client, uri)
    assert report.kind == "full" and report.result_id
    [finding] = report.items
    assert finding.range.start.line == 4 and "fix" in finding.data
    unchanged = await pull(client, uri, previous=report.result_id)
    assert unchanged.kind == "unchanged" and unchanged.result_id == report.result_id
    change_document(client, uri, 2, (4, 0), (4, 0), "    # loads settings\n")
    moved = await pull(client, uri, previous=report.result_id)  # no debounce on a pull
    assert moved.kind == "full" and moved.result_id != report.result_id
    assert [d.range.start.line for d in moved.items] == [5]
    await asyncio.sleep(0.5)  # longer than the push debounce
    assert not [p for p in client.published if p.uri == uri]


async def test_quick_fix_on_pulled_diagnostics(client):
    uri = (client.folder / "fixme.py").as_uri()
    open_document(client, uri, TEXT)
    [finding] = (await pull(client, uri)).items
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=finding.range,
        context=types.CodeActionContext(diagnostics=[finding])))
    [fix] = [a for a in actions if a.is_preferred]
    fixed = apply_text_edits(TEXT, fix.edit.changes[uri])
    assert "yaml.safe_load(open(path))" in fixed
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    assert not (await pull(client, uri)).items


async def test_settings_changes_ask_the_client_to_pull_again(client):
    uri = (client.folder / "refresh.py").as_uri()
    open_document(client, uri, TEXT)
    before = await pull(client, uri)
    refreshes = client.diagnostic_refresh_count
    client.set_configuration({"aicodeguard": {"enable": False}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(250):
        if client.diagnostic_refresh_count > refreshes:
            break
        await asyncio.sleep(0.02)
    assert client.diagnostic_refresh_count == refreshes + 1
    after = await pull(client, uri, previous=before.result_id)
    assert after.kind == "full" and not after.items
    client.set_configuration({"aicodeguard": {"enable": True}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(250):
        if client.diagnostic_refresh_count > refreshes + 1:
            break
        await asyncio.sleep(0.02)
    assert (await pull(client, uri)).items


async def test_many_edits_between_pulls(client):
    uri = (client.folder / "long_session.py").as_uri()
    open_document(client, uri, "def f(cursor, name):\n    pass\n")
    assert not (await pull(client, uri)).items
    for version in range(2, 1203):  # more edits than the server keeps for re-parsing
        change_document(client, uri, version, (1, 8), (1, 8), "#" if version % 2 else " ")
    change_document(client, uri, 1203, (1, 4), (1, 4),
                    "cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n    ")
    [finding] = (await pull(client, uri)).items
    assert finding.code == "AIG101" and finding.range.start == types.Position(1, 19)
