"""Registry look-ups never hold up the editor: the offline verdict is published at once,
and the registry's answer (a real index on 127.0.0.1 that answers slowly) replaces it
when it arrives."""

from __future__ import annotations

import os
import time

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.registry_server import RegistryServer

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    capabilities,
    make_client,
    open_document,
    published,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEW_PACKAGE = "fresh-ai-helper-pkg"  # on the test index, not in the offline snapshot
INDEX_DELAY = 4.0  # seconds the index takes to answer about NEW_PACKAGE


@pytest.fixture(scope="module")
def registry():
    with RegistryServer() as server:
        server.add_pypi(NEW_PACKAGE, {"1.0": "2019-01-01T00:00:00Z", "1.1": "2019-06-01T00:00:00Z",
                                      "2.0": "2020-01-01T00:00:00Z"}, summary="helpers")
        server.delays[NEW_PACKAGE] = INDEX_DELAY
        yield server


@pytest.fixture(scope="module")
def online_env(registry, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home),
            "XDG_CONFIG_DIRS": str(home / "xdg"), "PIP_CONFIG_FILE": os.devnull,
            "PIP_INDEX_URL": registry.simple_url, "npm_config_registry": registry.npm_url,
            "npm_config_globalconfig": str(home / "npmrc"),
            "AICODEGUARD_CACHE_DIR": str(home / "cache")}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(online_env):
    client = make_client()
    await client.start_io(*SERVER_COMMAND, env=online_env)
    await client.initialize_session(types.InitializeParams(capabilities=capabilities()))
    yield client
    await client.shutdown_session()
    await client.stop()


async def test_offline_verdict_first_then_the_registry_answer(client, registry, tmp_path):
    (tmp_path / ".aicodeguard.toml").write_text("network-deadline = 20\n")
    uri = (tmp_path / "app.py").as_uri()
    started = time.monotonic()
    open_document(client, uri, f"import {NEW_PACKAGE.replace('-', '_')}\n")
    offline = await published(client, uri, version=1)
    assert time.monotonic() - started < INDEX_DELAY  # not held up by the slow index
    assert [d.code for d in offline] == ["AIG601"]  # not in the snapshot: "does not exist"
    seen = len(client.published)
    online = await published(client, uri, version=1, after=seen, timeout=30)
    assert "AIG601" not in [d.code for d in online]  # the index knows it
    assert registry.requested(NEW_PACKAGE)
