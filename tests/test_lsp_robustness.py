"""The language server keeps answering whatever the client sends: malformed messages,
unknown methods, changes to documents that are not open, a 5 MB document, a burst of
200 edits, a failing request.  After every abuse a real request must still be answered."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    capabilities,
    change_document,
    make_client,
    open_document,
    published,
    server_env,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SQL = "def f(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n"


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env()))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    lsp_client.folder = tmp_path_factory.mktemp("robust")
    await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities()))
    yield
    await lsp_client.shutdown_session()
    assert lsp_client._server.returncode == 0  # shutdown + exit: a clean exit


async def still_answers(client, name: str) -> None:
    """Open a fresh document and get its finding and a hover, within a few seconds."""
    uri = (client.folder / f"{name}.py").as_uri()
    start = time.monotonic()
    open_document(client, uri, SQL)
    [finding] = await published(client, uri, version=1, timeout=10)
    hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=finding.range.start)), 10)
    assert "AIG101" in hover.contents.value
    assert time.monotonic() - start < 10


def send_raw(client, body: bytes) -> None:
    client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def wait_for_log(client, text: str, kind: types.MessageType) -> types.LogMessageParams:
    for _ in range(500):
        for message in client.log_messages:
            if text in message.message and message.type == kind:
                return message
        await asyncio.sleep(0.02)
    raise AssertionError(f"no log message containing {text!r}")


async def test_malformed_json_is_logged_and_skipped(client):
    send_raw(client, b'{"jsonrpc": "2.0", "id": 1, "method": ')
    send_raw(client, b"[1, 2, 3]")
    await wait_for_log(client, "JSONDecodeError", types.MessageType.Error)
    await still_answers(client, "after_bad_json")


async def test_request_with_invalid_params_gets_an_error_answer(client):
    # The test client never sent this id, so register where its answer lands.
    answer = concurrent.futures.Future()
    client.protocol._request_futures["broken-1"] = answer
    send_raw(client, json.dumps({"jsonrpc": "2.0", "id": "broken-1",
                                 "method": "textDocument/hover",
                                 "params": {"textDocument": 5, "position": "here"}}).encode())
    with pytest.raises(JsonRpcException):
        await asyncio.wait_for(asyncio.wrap_future(answer), 10)
    await still_answers(client, "after_bad_params")


async def test_unknown_methods(client):
    with pytest.raises(JsonRpcException) as error:
        await client.protocol.send_request_async("aicodeguard/noSuchRequest", {"x": 1})
    assert error.value.code == -32601  # method not found
    client.protocol.notify("aicodeguard/noSuchNotification", {"x": 1})
    client.protocol.notify("$/somethingOptional", {})
    await still_answers(client, "after_unknown")


async def test_changes_to_documents_that_are_not_open(client):
    uri = (client.folder / "never_opened.py").as_uri()
    change_document(client, uri, 2, (0, 0), (0, 0), "eval(input())\n")
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for_log(client, "not open", types.MessageType.Warning)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    assert hover is None
    await still_answers(client, "after_unopened")


async def test_a_failing_request_is_logged_and_answered_with_an_error(client):
    with pytest.raises(JsonRpcException):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="aicodeguard.showDocumentation", arguments=[1, 2, 3]))
    await wait_for_log(client, "Expected 1 arguments", types.MessageType.Error)
    await still_answers(client, "after_failure")


async def test_a_document_over_max_file_size_gets_one_notice_and_no_hang(client):
    folder = client.folder / "limited"
    folder.mkdir()
    (folder / ".aicodeguard.toml").write_text("max-file-size = 5242880\n")
    uri = (folder / "generated.py").as_uri()
    text = "value = 'abcdefghijklmnopqrstuvwxyz'\n" * 150_000 + SQL  # 5.6 MB
    assert len(text) > 5 * 1024 * 1024
    open_document(client, uri, text)
    [notice] = await published(client, uri, version=1, timeout=20)
    assert notice.severity == types.DiagnosticSeverity.Information
    assert "did not check this file" in notice.message and "max-file-size" in notice.message
    await still_answers(client, "beside_the_big_one")
    # Shrinking it below the limit (a change at the start) gets it checked.
    change_document(client, uri, 2, (0, 0), (150_000, 0), "")
    [finding] = await published(client, uri, version=2, timeout=20)
    assert finding.code == "AIG101"


async def test_a_burst_of_200_edits(client):
    uri = (client.folder / "burst.py").as_uri()
    open_document(client, uri, "def f(cursor, name):\n    pass\n")
    await published(client, uri, version=1)
    seen = len(client.published)
    for version in range(2, 202):
        change_document(client, uri, version, (1, 8), (1, 8), " " if version % 2 else "#")
    change_document(client, uri, 202, (1, 4), (1, 4),
                    "cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n    ")
    started = time.monotonic()
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 20)))
    assert time.monotonic() - started < 5
    assert "AIG101" in hover.contents.value  # the hover saw the text after all 201 changes
    [finding] = await published(client, uri, version=202)
    assert finding.range.start == types.Position(1, 19)
    assert len([p for p in client.published[seen:] if p.uri == uri]) <= 2
