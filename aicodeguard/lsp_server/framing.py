"""Reading LSP frames so that no frame can stop the server (issue 9).

pygls 2 reads frames in a module-level loop, `pygls.io_.run_async`, that
`JsonRPCServer.start_io` and `start_tcp` call; there is no method to override.
That loop knows a `Content-Length` header only at the start of a line, so after
a frame it cannot use (`Content-Length: abc`, no such header) the unread body
runs into the next frame's header and every later frame is lost; it reads
whatever length is announced (10**12 bytes); and it logs a traceback for every
body it cannot parse.

`serve_frames` takes that loop's place: a bad header block or body is dropped
with one log line (and a note in the client's log), the reader resynchronises
on the next `Content-Length:` header, a body over 64 MiB is refused unread, and
pygls is handed only JSON-RPC objects.  `FramedServer` is pygls's
`LanguageServer` with `start_io` and `start_tcp` running it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from threading import Event

from cattrs import transform_error
from cattrs.errors import BaseValidationError
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024 * 1024  # a larger announced body is dropped unread
MAX_LINE_BYTES = 64 * 1024  # header lines are read in pieces of at most this size
CONTENT_LENGTH = b"content-length:"
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name


class FrameError(ValueError):
    """A frame that was dropped, and why; `answer_id` is the id of a request that must
    still get an (error) answer."""

    def __init__(self, message: str, answer_id: int | str | None = None) -> None:
        super().__init__(message)
        self.answer_id = answer_id


class BoundedStdinReader(StdinAsyncReader):
    """pygls's stdin reader, with header lines read in bounded pieces."""

    def readline(self):
        return self.loop.run_in_executor(self.executor, self.stdin.readline, MAX_LINE_BYTES)


def _short(data: bytes | str, limit: int = 40) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "backslashreplace")
    return repr(data[:limit]) + ("..." if len(data) > limit else "")


class FrameReader:
    """Frame bodies from a stream of header blocks and bodies, skipping bad frames."""

    KEEP = len(CONTENT_LENGTH) + 24  # room for a header beginning where a line was cut

    def __init__(self, reader, dropped) -> None:
        self.reader = reader  # readline() and readexactly(n), awaitable
        self.dropped = dropped  # called with a FrameError for each frame skipped
        self._carry = b""

    async def _line(self) -> tuple[bytes, bool]:
        """The next header line (b"" at the end), and whether it is whole, not cut."""
        try:
            piece = await self.reader.readline()
        except ValueError:  # asyncio streams: a line over their limit, already consumed
            return b"", False
        line, self._carry = self._carry + piece, b""
        if len(piece) < MAX_LINE_BYTES or piece.endswith(b"\n"):
            return line, True  # a whole line, or the last bytes of the input
        self._carry = line[-self.KEEP:]
        return line[:-self.KEEP], False

    async def next_body(self) -> bytes | None:
        """The next frame's body, or None at the end of the input."""
        length: int | None = None
        problem: str | None = None
        started = False
        skipping = False  # in the body of a dropped frame: already reported
        while True:
            line, whole = await self._line()
            if not whole:
                started = True
                problem = problem or f"a header line over {MAX_LINE_BYTES // 1024} KiB"
                continue
            if not line:
                if started and not skipping:
                    self.dropped(FrameError("the input ended inside a frame's headers"))
                return None
            if not line.strip():  # the blank line that ends a header block
                if not started:
                    continue  # blank lines between frames are harmless
                if problem is None and length is None:
                    problem = "a header block without Content-Length"
                if problem is None:
                    return await self._body(length)
                if not skipping:
                    self.dropped(FrameError(f"dropped {problem}"))
                length, problem, started, skipping = None, None, False, True
                continue
            at = line.lower().rfind(CONTENT_LENGTH)
            if at > 0 or (at == 0 and (problem is not None or length is not None)):
                # A frame begins here: drop what came before it and resynchronise.
                if not skipping and (started or at > 0):
                    self.dropped(FrameError(f"dropped {problem or 'bytes that are not a frame'}"))
                line, length, problem, skipping = line[at:], None, None, False
            elif at == 0:
                skipping = False
            started = True
            if problem is not None:
                continue  # skip to the end of this block, or to the next Content-Length
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.fullmatch(name):
                problem = f"a header block with a line that is not a header: {_short(line)}"
            elif name.lower() == CONTENT_LENGTH[:-1]:
                length, problem = _content_length(value.strip())

    async def _body(self, length: int) -> bytes | None:
        try:
            body = await self.reader.readexactly(length)
        except asyncio.IncompleteReadError as error:  # asyncio streams
            body = error.partial
        if len(body) < length:
            self.dropped(FrameError(f"the input ended inside a frame: {len(body)} of "
                                    f"{length} bytes"))
            return None
        return body


def _content_length(value: bytes) -> tuple[int | None, str | None]:
    """(length, None), or (None, why the header cannot be used)."""
    if not value.isdigit():  # also refuses a sign
        return None, f"a frame with Content-Length {_short(value)}, not a byte count"
    if len(value) > len(str(MAX_BODY_BYTES)) or int(value) > MAX_BODY_BYTES:
        return None, (f"a frame with Content-Length {_short(value, 20)}, over the "
                      f"{MAX_BODY_BYTES // 2**20} MiB limit")
    return int(value), None


def parse_message(body: bytes) -> dict:
    """The JSON-RPC object in a body; FrameError if it is not one (with the request id
    to answer, when the message has a usable one)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise FrameError(f"dropped a message that is not UTF-8 ({error.reason} at byte "
                         f"{error.start})") from None
    except (ValueError, RecursionError) as error:
        raise FrameError(f"dropped a message that is not JSON ({type(error).__name__}: "
                         f"{error})") from None
    if not isinstance(data, dict):
        raise FrameError(f"dropped a message that is a JSON {type(data).__name__}, "
                         "not an object")
    problem = None
    if data.get("jsonrpc") != "2.0":
        problem = 'without "jsonrpc": "2.0"'
    elif "method" in data:
        if not isinstance(data["method"], str):
            problem = "whose method is not a string"
        elif "id" in data and not _is_id(data["id"]):
            problem = f"whose id is {_short(json.dumps(data['id']))}"
    elif "id" not in data or ("result" not in data and "error" not in data):
        problem = "that is neither a request, a notification nor a response"
    if problem is None:
        return data
    waiting = data["id"] if "method" in data and _is_id(data.get("id")) else None
    raise FrameError(f"dropped a message {problem}", waiting)


def _is_id(value) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _reason(error: Exception) -> str:
    """What was wrong, in one line: the first field that did not parse, if that was it."""
    cause = error.__cause__ or error
    if isinstance(cause, BaseValidationError):
        fields = transform_error(cause)
        more = f" and {len(fields) - 1} more" if len(fields) > 1 else ""
        return f"{fields[0]}{more}" if fields else str(cause)
    return f"{type(cause).__name__}: {(str(cause).splitlines() or [''])[0]}"


def _describe(data: dict) -> str:
    if "method" in data:
        kind = "request" if "id" in data else "notification"
        return f"a {_short(data['method'], 60)} {kind}"
    return f"a response to {_short(json.dumps(data['id']))}"


async def serve_frames(stop_event: Event, reader, protocol, error_handler=None) -> None:
    """`pygls.io_.run_async`, surviving any frame: each dropped frame is one line in
    our log and goes to `error_handler` (the client's log), never a traceback."""

    def dropped(error: Exception) -> None:
        logger.warning("%s", error)
        if error_handler is not None:
            error_handler(error, JsonRpcException)

    frames = FrameReader(reader, dropped)
    while not stop_event.is_set():
        body = await frames.next_body()
        if body is None:
            break
        try:
            data = parse_message(body)
        except FrameError as error:
            dropped(error)
            if error.answer_id is not None:  # a request that says who waits: answer it
                protocol._send_response(error.answer_id, error=JsonRpcInvalidRequest(
                    message=f"Invalid Request: {error}").to_response_error())
            continue
        try:
            protocol.handle_message(protocol.structure_message(data))
        except Exception as error:  # noqa: BLE001 - one message's failure is only its own
            dropped(FrameError(f"dropped {_describe(data)}: {error} ({_reason(error)})"))


class FramedServer(LanguageServer):
    """pygls's language server, reading frames with `serve_frames` on stdio and TCP
    (the two methods follow `JsonRPCServer._start_io_async` and `start_tcp`)."""

    def start_io(self, stdin=None, stdout=None) -> None:
        self._stop_event = Event()  # set by shutdown(), as pygls does
        reader = BoundedStdinReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(serve_frames(self._stop_event, reader, self.protocol,
                                     error_handler=self._report_server_error))
        except BrokenPipeError:
            logger.error("lost the connection to the client")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        self._stop_event = stop_event = Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
            self.protocol.set_writer(writer)
            await serve_frames(stop_event, reader, self.protocol,
                               error_handler=self._report_server_error)
            self.shutdown()

        async def listen():
            self._server = await asyncio.start_server(connection, host, port,
                                                      limit=MAX_LINE_BYTES)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(listen())
        except asyncio.CancelledError:
            pass
