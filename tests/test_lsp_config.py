"""Configuration in the language server: editor settings (initializationOptions,
workspace/configuration, didChangeConfiguration), the project's file winning for rule
selection, reloads when that file changes, and excluded files."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    capabilities,
    make_client,
    open_document,
    published,
    server_env,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SQL = "def f(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n"
SHELL = "import os\n\n\ndef g(arg):\n    os.system('ls ' + arg)\n"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    plain = root / "plain"  # no project configuration
    project = root / "project"  # .aicodeguard.toml ignores AIG101
    plain.mkdir()
    project.mkdir()
    (project / ".aicodeguard.toml").write_text('ignore = ["AIG101"]\n')
    return plain, project


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env()))
async def client(lsp_client: LanguageClient, folders):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(),
        initialization_options={"settings": {"failOn": "critical"}},
        workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)
                           for folder in folders]))
    yield
    await lsp_client.shutdown_session()


async def settings_changed(client: LanguageClient, settings: dict) -> None:
    """The user edits the settings: the client answers workspace/configuration anew."""
    client.set_configuration({"aicodeguard": settings})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def test_initialization_options_set_the_fail_on_level_shown_as_severity(client, folders):
    uri = (folders[0] / "severity.py").as_uri()
    open_document(client, uri, SQL)
    [sql] = await published(client, uri, version=1)
    assert sql.code == "AIG101"  # high: below fail-on "critical", so a warning, not an error
    assert sql.severity == types.DiagnosticSeverity.Warning


async def test_project_configuration_wins_for_rule_selection(client, folders):
    plain, project = folders
    await settings_changed(client, {"select": ["AIG101"], "failOn": "critical"})
    uri = (project / "selected.py").as_uri()
    open_document(client, uri, SQL + SHELL)
    codes = {d.code for d in await published(client, uri, version=1)}
    assert codes and "AIG101" not in codes  # the project's selection, not the editor's
    plain_uri = (plain / "selected.py").as_uri()
    open_document(client, plain_uri, SQL + SHELL)
    codes = {d.code for d in await published(client, plain_uri, version=1)}
    assert codes == {"AIG101"}  # no project file: the editor's selection applies
    await settings_changed(client, {"failOn": "critical"})


async def test_settings_changes_recheck_open_documents(client, folders):
    uri = (folders[0] / "toggled.py").as_uri()
    open_document(client, uri, SQL)
    assert await published(client, uri, version=1)
    seen = len(client.published)
    await settings_changed(client, {"enable": False})
    assert await published(client, uri, version=1, after=seen) == []
    seen = len(client.published)
    await settings_changed(client, {"enable": True, "ignore": "AIG1", "failOn": "low"})
    assert await published(client, uri, version=1, after=seen) == []
    seen = len(client.published)
    await settings_changed(client, {"failOn": "low"})
    [sql] = await published(client, uri, version=1, after=seen)
    assert sql.severity == types.DiagnosticSeverity.Error
    await settings_changed(client, {"failOn": "critical"})


async def test_project_file_changes_are_picked_up(client, folders, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reload")
    uri = (folder / "app.py").as_uri()
    open_document(client, uri, SQL)
    assert [d.code for d in await published(client, uri, version=1)] == ["AIG101"]
    # Written by another program; the client's file watcher reports it.
    assert [r.method for r in client.registrations] == [
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    config = folder / "pyproject.toml"
    config.write_text('[project]\nname = "x"\n\n[tool.aicodeguard]\nignore = ["AIG101"]\n')
    seen = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    assert await published(client, uri, version=1, after=seen) == []
    # Without a watcher event, saving the document checks the configuration again.
    config.write_text('[project]\nname = "x"\n\n[tool.aicodeguard]\nignore = ["AIG3"]\n')
    seen = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [d.code for d in await published(client, uri, version=1, after=seen)] == ["AIG101"]


async def test_an_invalid_project_file_is_reported_and_defaults_apply(client, tmp_path_factory):
    folder = tmp_path_factory.mktemp("invalid")
    (folder / ".aicodeguard.toml").write_text('ignor = ["AIG101"]\n')
    uri = (folder / "app.py").as_uri()
    open_document(client, uri, SQL)
    assert [d.code for d in await published(client, uri, version=1)] == ["AIG101"]
    [message] = [m for m in client.messages if "ignor" in m.message]
    assert message.type == types.MessageType.Warning
    assert ".aicodeguard.toml" in message.message and "unknown key" in message.message


async def test_tool_folders_get_no_diagnostics_but_lookalike_folders_do(client, folders):
    project = folders[1]
    (project / ".venv").mkdir()
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    for name in ("node_modules/pkg/index.py", ".venv/lib/site.py"):
        uri = (project / name).as_uri()
        open_document(client, uri, SHELL)
        assert await published(client, uri, version=1) == []
    uri = (project / "build" / "steps.py").as_uri()  # a package named build: code like any
    open_document(client, uri, SHELL)
    assert [d.code for d in await published(client, uri, version=1)] == ["AIG102"]


async def test_a_misspelt_rule_id_in_editor_settings_is_named_and_not_applied(client, folders):
    seen = len(client.messages)
    await settings_changed(client, {"select": ["AIG1O1"], "failOn": "critical"})
    uri = (folders[0] / "misspelt.py").as_uri()
    open_document(client, uri, SQL + SHELL)
    codes = {d.code for d in await published(client, uri, version=1)}
    assert codes == {"AIG101", "AIG102"}  # the default selection, not an empty one
    [message] = [m for m in client.messages[seen:] if "AIG1O1" in m.message]
    assert "did you mean AIG101" in message.message
    await settings_changed(client, {"failOn": "critical"})
