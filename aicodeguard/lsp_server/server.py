"""The language server: LSP messages in, the engine's findings out as diagnostics.

Diagnostics are pulled (`textDocument/diagnostic`) when the client says it can,
and pushed otherwise: at once on open and save, and 300 ms after the last edit
of a burst (an edit arriving meanwhile supersedes the pending check).  The
server owns the document text (see `text.py`) instead of pygls's copy, so each
change is applied once and also becomes a tree-sitter edit.
"""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcException, JsonRpcMethodNotFound
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from .. import __version__
from ..config import CONFIG_FILES
from .actions import (
    QUICKFIX,
    SHOW_DOCUMENTATION,
    code_actions,
    contains,
    hover_markdown,
    overlaps,
)
from .documents import Checker, Document, document_path
from .framing import FramedServer
from .settings import SECTION, ClientSettings, Effective, ProjectConfigs, effective

DEBOUNCE_SECONDS = 0.3
SETTINGS_WAIT_SECONDS = 2.0  # the longest a first check waits for the client's settings
MAX_PENDING_EDITS = 1000  # beyond this, the next check re-parses from scratch


class GuardProtocol(LanguageServerProtocol):
    """pygls's protocol, with document sync handed to the server's own store and an
    error answer for requests whose parameters do not parse."""

    _server: GuardServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        self._server.open_document(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        self._server.change_document(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.close_document(params.text_document.uri)

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
            raise


class GuardServer(FramedServer):
    def __init__(self) -> None:
        super().__init__("aicodeguard", __version__, protocol_cls=GuardProtocol)
        self.documents: dict[str, Document] = {}
        self.configs = ProjectConfigs()
        self.client_settings: dict[str, ClientSettings] = {"": ClientSettings()}
        self.checker = Checker(self._effective_for, self.log_error, self.show_update)
        self.pull = False
        self.shutdown_requested = False
        self.settings_known = asyncio.Event()  # set once the client's settings are in
        self._said: set[str] = set()

    # --- messages to the client -------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_error(self, message: str) -> None:
        self.log(f"aicodeguard: {message}", types.MessageType.Error)

    def report_server_error(self, error: Exception, source) -> None:
        """Errors go to the client's log, never to pop-ups, and never stop the server."""
        if isinstance(error, JsonRpcMethodNotFound):  # clients probe optional methods
            self.log(f"aicodeguard: {error}", types.MessageType.Log)
        else:
            self.log_error(f"{type(error).__name__}: {error}")

    def tell_once(self, message: str) -> None:
        """A problem the user must act on (an invalid configuration): shown once."""
        if message not in self._said:
            self._said.add(message)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))
            self.log(message, types.MessageType.Warning)

    # --- documents --------------------------------------------------------------------

    def open_document(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = document_path(item.uri, to_fs_path(item.uri), self.workspace.root_path)
        document = Document(item.uri, path, item.language_id, item.version, item.text,
                            self.workspace.position_encoding or "utf-16")
        self.documents[item.uri] = document
        self.schedule(document, 0)

    def change_document(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            self.log(f"aicodeguard: ignored a change to {params.text_document.uri}, which is "
                     "not open", types.MessageType.Warning)
            return
        buffer = document.buffer
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start, end = change.range.start, change.range.end
                edit = buffer.replace((start.line, start.character), (end.line, end.character),
                                      change.text)
            else:
                edit = buffer.replace_all(change.text)
            if document.edits is not None:
                document.edits.append(edit)
                if len(document.edits) > MAX_PENDING_EDITS:  # nobody asked for a check
                    document.edits = None
        document.version = params.text_document.version
        self.schedule(document, DEBOUNCE_SECONDS)

    def close_document(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is None:
            return
        if document.timer is not None:
            document.timer.cancel()
        if not self.pull:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def schedule(self, document: Document, delay: float) -> None:
        """Push mode: check and publish after `delay`, replacing any pending check."""
        if self.pull:
            return
        if document.timer is not None:
            document.timer.cancel()
        loop = asyncio.get_running_loop()
        document.timer = loop.call_later(delay, lambda: loop.create_task(self.publish(document)))

    async def settings_ready(self) -> None:
        """Checks wait for the client's settings, so the first diagnostics are not shown
        with the defaults and then corrected."""
        if not self.settings_known.is_set():
            try:
                await asyncio.wait_for(self.settings_known.wait(), SETTINGS_WAIT_SECONDS)
            except asyncio.TimeoutError:
                self.settings_known.set()  # a client that never answers gets the defaults

    async def analysis(self, document: Document):
        await self.settings_ready()
        return await self.checker.analysis(document)

    async def publish(self, document: Document) -> None:
        document.timer = None
        await self.settings_ready()
        key = self.checker.key(document)
        try:
            analysis = await self.checker.analysis(document)
        except Exception as error:  # noqa: BLE001 - e.g. the analysis thread stopped at exit
            self.log_error(f"checking {document.path} failed: {error}")
            return
        if self.documents.get(document.uri) is not document or self.checker.key(document) != key:
            return  # closed, edited or reconfigured meanwhile: a newer check will publish
        self.log_notes(document, analysis)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=document.uri, version=document.version, diagnostics=analysis.diagnostics))

    def log_notes(self, document: Document, analysis) -> None:
        for note in analysis.notes:
            if note.message not in document.logged:
                document.logged.add(note.message)
                where = f"{note.path}: " if note.path else ""
                self.log(f"aicodeguard: {where}{note.message}", types.MessageType.Warning)

    def show_update(self, document: Document) -> None:
        """A late result (registry look-ups) replaced what the client shows."""
        if not self.pull:
            asyncio.get_running_loop().create_task(self.publish(document))
        elif _capability(self.client_capabilities, "workspace.diagnostics.refresh_support"):
            self.workspace_diagnostic_refresh(None)

    def refresh_all(self) -> None:
        """Settings or project configuration changed: check every open document again."""
        self.checker.generation += 1
        if self.pull:
            if _capability(self.client_capabilities, "workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        for document in self.documents.values():
            self.schedule(document, 0)

    # --- settings ---------------------------------------------------------------------

    def _effective_for(self, document: Document) -> Effective:
        folder_uri, folder = self._folder_of(document.path)
        client = self.client_settings.get(folder_uri) or self.client_settings[""]
        project, error = self.configs.for_folder(os.path.dirname(document.path))
        if error:
            self.tell_once(f"aicodeguard: {error}; using the default settings until it is fixed")
        return effective(project, client, document.path, folder)

    def _folder_of(self, path: str) -> tuple[str, str | None]:
        """(settings scope, folder path) of the innermost workspace folder holding `path`."""
        holding = []
        for key, folder in self.workspace.folders.items():
            folder_path = to_fs_path(folder.uri)
            if folder_path and (path + os.sep).startswith(folder_path.rstrip(os.sep) + os.sep):
                holding.append((len(folder_path), key, folder_path))
        if holding:
            _, key, folder_path = max(holding)
            return key, folder_path
        return "", self.workspace.root_path

    def set_client_settings(self, scope: str, raw) -> None:
        problems: list[str] = []
        self.client_settings[scope] = ClientSettings.parse(raw, problems)
        for problem in problems:
            self.tell_once(f"aicodeguard: {problem}; ignored")

    async def pull_client_settings(self) -> None:
        if not _capability(self.client_capabilities, "workspace.configuration"):
            return
        scopes = ["", *self.workspace.folders]
        items = [types.ConfigurationItem(section=SECTION, scope_uri=scope or None)
                 for scope in scopes]
        try:
            values = await self.workspace_configuration_async(types.ConfigurationParams(items))
        except Exception as error:  # noqa: BLE001 - a client that cannot answer keeps defaults
            self.log_error(f"workspace/configuration failed: {error}")
            return
        for scope, value in zip(scopes, values or ()):
            if value is not None:
                self.set_client_settings(scope, value)

    async def watch_config_files(self) -> None:
        if not _capability(self.client_capabilities,
                           "workspace.did_change_watched_files.dynamic_registration"):
            return  # project files are still re-checked on every check and on save
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_FILES]
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
        registration = types.Registration(id="aicodeguard-config-files",
                                          method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                          register_options=options)
        try:
            await self.client_register_capability_async(types.RegistrationParams([registration]))
        except Exception as error:  # noqa: BLE001
            self.log_error(f"could not watch configuration files: {error}")


def _capability(capabilities, dotted: str):
    value = capabilities
    for name in dotted.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def is_config_file(uri: str) -> bool:
    return uri.rpartition("/")[2] in CONFIG_FILES


def create_server() -> GuardServer:
    """A server with every feature registered (one per process)."""
    server = GuardServer()
    converter = get_converter()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.pull = bool(_capability(params.capabilities, "text_document.diagnostic"))
        server.set_client_settings("", params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        server.checker.warm_up()
        await server.pull_client_settings()
        if server.settings_known.is_set():  # too late: checks went ahead with the defaults
            server.refresh_all()
        server.settings_known.set()
        await server.watch_config_files()

    @server.feature(types.SHUTDOWN)
    def shutdown(params) -> None:
        server.shutdown_requested = True
        server.checker.close()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        if is_config_file(params.text_document.uri):
            server.refresh_all()
            return
        document = server.documents.get(params.text_document.uri)
        if document is not None:
            document.analysis_key = None  # re-read the project configuration too
            server.schedule(document, 0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        if any(is_config_file(change.uri) for change in params.changes):
            server.configs.forget()
            server.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and SECTION in settings:
            server.set_client_settings("", settings[SECTION])
        await server.pull_client_settings()
        server.refresh_all()

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier=SECTION, inter_file_dependencies=False,
                                            workspace_diagnostics=False))
    async def pull_diagnostics(params: types.DocumentDiagnosticParams):
        document = server.documents.get(params.text_document.uri)
        if document is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        analysis = await server.analysis(document)
        result_id = f"{analysis.version}.{server.checker.generation}.{int(analysis.online)}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        server.log_notes(document, analysis)
        return types.RelatedFullDocumentDiagnosticReport(items=analysis.diagnostics,
                                                         result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(params: types.CodeActionParams):
        document = server.documents.get(params.text_document.uri)
        only = params.context.only
        if document is None or (only and not any(QUICKFIX.startswith(kind) for kind in only)):
            return None  # every action here is a quick fix
        diagnostics = params.context.diagnostics
        actions = code_actions(document.uri, diagnostics, document.version, converter)
        if not actions and diagnostics:  # the client's diagnostics are older than the text
            analysis = await server.analysis(document)
            fresh = [d for d in analysis.diagnostics if overlaps(d.range, params.range)]
            actions = code_actions(document.uri, fresh, document.version, converter)
        return actions or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams):
        document = server.documents.get(params.text_document.uri)
        if document is None:
            return None
        analysis = await server.analysis(document)
        hits = [d for d in analysis.diagnostics
                if d.code is not None and contains(d.range, params.position)]
        if not hits:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                         value=hover_markdown(hits)),
            range=hits[0].range)

    @server.command(SHOW_DOCUMENTATION)
    async def show_documentation(rule_id: str) -> None:
        from ..rules import BY_ID, doc_url

        rule = BY_ID.get(str(rule_id).upper())
        if rule is None:
            server.log_error(f"unknown rule id {rule_id!r}")
            return
        url = doc_url(rule.id)
        if _capability(server.client_capabilities, "window.show_document.support"):
            result = await server.window_show_document_async(
                types.ShowDocumentParams(uri=url, external=True))
            if result is not None and result.success:
                return
        server.window_show_message(types.ShowMessageParams(
            types.MessageType.Info, f"{rule.id} ({rule.name}): {rule.summary}. {url}"))

    return server
