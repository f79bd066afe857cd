"""`aicodeguard lsp`: the language server (imported only by that command: pygls and
lsprotocol take most of a second to import and have no place on the scan path).

Modules: `text` (document text and position units), `settings` (project
configuration and editor settings), `checking` (one check on the analysis
thread, findings to diagnostics), `suppress` (where an ignore comment goes),
`documents` (open documents, scheduling), `actions` (code actions, hover),
`framing` (reading frames: no frame stops the server), `server` (the LSP handlers).
"""

from __future__ import annotations

import logging
import sys

LOG_FORMAT = "aicodeguard lsp: %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """One short line per log entry (pygls logs tracebacks for what a client sent): the
    message's first line and the exception's type and message; `--debug` shows all."""

    LIMIT = 500

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().splitlines() or [""]
        text = lines[0] + (" ..." if len(lines) > 1 else "")
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text += f" ({type(error).__name__}: {(str(error).splitlines() or [''])[0]})"
        if len(text) > self.LIMIT:
            text = text[:self.LIMIT] + " ..."
        return super().format(logging.makeLogRecord({
            **record.__dict__, "msg": text, "args": None, "exc_info": None,
            "exc_text": None, "stack_info": None}))


def _not_pygls_deserialize_error(record: logging.LogRecord) -> bool:
    """pygls logs a traceback for a message whose params do not parse; `framing` logs
    the message's method and the field that is wrong instead."""
    return not (record.name == "pygls.protocol.json_rpc"
                and str(record.msg).startswith("Unable to deserialize message"))


def serve(tcp: str | None = None, debug: bool = False) -> int:
    """Run until the client says exit (or closes the connection); 0 after a clean shutdown."""
    handler = logging.StreamHandler(sys.stderr)
    if not debug:
        handler.setFormatter(OneLineFormatter(LOG_FORMAT))
        handler.addFilter(_not_pygls_deserialize_error)
    else:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])
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
