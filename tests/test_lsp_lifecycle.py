"""Starting and stopping `aicodeguard lsp`: exit codes, a client that disappears, the TCP
transport, and the scan path staying free of the server's heavy imports."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

from lsprotocol import types

from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    make_client,
    open_document,
    published,
    server_env,
)

SQL = "def f(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n"
INITIALIZE = types.InitializeParams(capabilities=types.ClientCapabilities())


async def started():
    client = make_client()
    await client.start_io(*SERVER_COMMAND, env=server_env())
    await client.initialize_session(INITIALIZE)
    return client


async def test_exit_without_shutdown_exits_with_1():
    client = await started()
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), 20) == 1
    await client.stop()


async def test_the_server_ends_when_the_client_goes_away():
    client = await started()
    client._server.stdin.close()
    assert await asyncio.wait_for(client._server.wait(), 20) == 1
    await client.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_tcp_transport(tmp_path):
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *SERVER_COMMAND, "--tcp", f"127.0.0.1:{port}", env=server_env(),
        stderr=asyncio.subprocess.PIPE)
    try:
        client = make_client()
        for _ in range(200):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        await client.initialize_session(INITIALIZE)
        uri = (tmp_path / "app.py").as_uri()
        open_document(client, uri, SQL)
        assert [d.code for d in await published(client, uri, version=1)] == ["AIG101"]
        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.wait_for(process.wait(), 20) == 0
        await client.stop()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_bad_tcp_address_is_a_usage_error():
    result = subprocess.run([*SERVER_COMMAND, "--tcp", "localhost"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2 and "HOST:PORT" in result.stderr


def test_scan_never_imports_the_language_server(tmp_path):
    (tmp_path / "app.py").write_text(SQL)
    probe = ("import sys\nfrom aicodeguard.cli import main\n"
             f"main(['scan', '--no-cache', {str(tmp_path)!r}])\n"
             "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'pygls', 'lsprotocol'})\n"
             "print('LOADED', loaded)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, env=server_env(), check=False)
    assert "AIG101" in result.stdout  # the scan ran...
    assert "LOADED []" in result.stdout  # ...without pygls or lsprotocol
