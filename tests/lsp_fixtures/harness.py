"""A recording LSP client for the language-server tests, and small helpers.

The client is pytest-lsp's, with two additions: it keeps every
publishDiagnostics (with its version), and it reads a code action that carries
a command as a CodeAction (lsprotocol's client-side hook takes any object with
a "command" key for a bare Command, which loses the CodeAction).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Union

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "aicodeguard", "lsp"]
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["AICODEGUARD_OFFLINE"] = "1"  # tests never reach the internet
    env.update(extra)
    return env


def _converter():
    converter = default_converter()

    def command_or_action(data, _):
        kind = types.Command if isinstance(data.get("command"), str) else types.CodeAction
        return converter.structure(data, kind)

    # The key must be the typing.Union lsprotocol registered its hook under.
    converter.register_structure_hook(Union[types.Command, types.CodeAction],  # noqa: UP007
                                      command_or_action)
    return converter


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=_converter)
    client.published = []  # every PublishDiagnosticsParams, in order

    @client.feature(PUBLISH)
    def publish(params: types.PublishDiagnosticsParams):
        client.published.append(params)
        client.diagnostics[params.uri] = params.diagnostics

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        client.registrations = [*getattr(client, "registrations", []), *params.registrations]

    register_lsp_features(client, {method: handler for method, handler
                                   in DEFAULT_CLIENT_FEATURES.items() if method != PUBLISH})
    return client


def capabilities(*, pull: bool = False, configuration: bool = True) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True)),
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(
                dynamic_registration=False),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)),
        window=types.WindowClientCapabilities(
            show_document=types.ShowDocumentClientCapabilities(support=True)),
    )


def open_document(client: LanguageClient, uri: str, text: str, language_id: str = "python",
                  version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)))


def change_document(client: LanguageClient, uri: str, version: int, start, end, text: str):
    """One incremental change; `start`/`end` are (line, UTF-16 character) pairs."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=text)]))


def replace_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def published(client: LanguageClient, uri: str, version: int | None = None,
                    timeout: float = 15.0, after: int = 0) -> list[types.Diagnostic]:
    """The diagnostics the server published for `uri` (at `version`, when given), among
    the publications from index `after` on."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        for params in reversed(client.published[after:]):
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} version {version} within {timeout}s")
        await asyncio.sleep(0.02)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def apply_text_edits(text: str, edits) -> str:
    """Apply LSP TextEdits (UTF-16 positions) the way a client does, last edit first."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        encoded = line.encode("utf-16-le")[: 2 * position.character]
        return sum(len(item) + 1 for item in lines[: position.line]) + \
            len(encoded.decode("utf-16-le"))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text
