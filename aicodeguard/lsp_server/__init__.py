"""`aicodeguard lsp`: the language server (imported only by that command: pygls and
lsprotocol take most of a second to import and have no place on the scan path).

Modules: `text` (document text and position units), `settings` (project
configuration and editor settings), `checking` (one check on the analysis
thread, findings to diagnostics), `suppress` (where an ignore comment goes),
`documents` (open documents, scheduling), `actions` (code actions, hover),
`server` (the LSP handlers).
"""

from __future__ import annotations

import logging
import sys


def serve(tcp: str | None = None, debug: bool = False) -> int:
    """Run until the client says exit (or closes the connection); 0 after a clean shutdown."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr,
                        format="aicodeguard lsp: %(levelname)s %(name)s: %(message)s")
    from .server import create_server

    server = create_server()
    try:
        if tcp:
            host, _, port = tcp.rpartition(":")
            server.start_tcp(host, int(port))
        else:
            server.start_io()
    finally:
        server.checker.close()
    return 0 if server.shutdown_requested else 1
