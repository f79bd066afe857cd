"""The language server survives any frame (issue 9): a bad header block or body is
dropped with one line on stderr, the server finds the next frame and answers it, and
it still honours shutdown and exit.

The server runs as a real process spoken to in raw bytes; one process serves every
bad-frame case in turn (each case its own test, named after the frame it sends), and a
final test shuts it down.  Every wait has a timeout, so a server that stops answering
fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest

SERVER_COMMAND = [sys.executable, "-m", "aicodeguard", "lsp"]
ANSWER_SECONDS = 10
LOG_PREFIX = "aicodeguard lsp: "
SQL = "def f(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n"


def frame(body: bytes | dict) -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def request(msg_id, method: str, params=None) -> bytes:
    return frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})


def notification(method: str, params=None) -> bytes:
    return frame({"jsonrpc": "2.0", "method": method, "params": params})


class RawServer:
    """`aicodeguard lsp` as a process; frames in as bytes, messages out on a queue."""

    def __init__(self, cwd) -> None:
        env = dict(os.environ, AICODEGUARD_OFFLINE="1",
                   AICODEGUARD_CACHE_DIR=str(cwd / ".cache"))
        self.process = subprocess.Popen(SERVER_COMMAND, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue = queue.Queue()
        self.answers: dict = {}  # id -> response, for every response read so far
        self.stderr: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if not line or length is None:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace").rstrip("\n"))

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answer(self, msg_id, timeout: float = ANSWER_SECONDS) -> dict:
        """The response to request `msg_id`; fails (with the server's stderr) on timeout."""
        deadline = time.monotonic() + timeout
        while msg_id not in self.answers:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no answer to request {msg_id!r} within {timeout} s; "
                                     f"stderr: {self.stderr[-5:]}") from None
            if "method" not in message:  # a response (server requests and notes are skipped)
                self.answers[message.get("id")] = message
        return self.answers[msg_id]

    def wait_for_stderr(self, text: str, since: int, timeout: float = 5) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stderr[since:]:
                if text in line:
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no stderr line containing {text!r}; got {self.stderr[since:]}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self, timeout: float = 10) -> int:
        """Close stdin and wait for the process; its exit code."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the server did not exit within {timeout} s") from None


def start(folder, first: bytes = b"") -> RawServer:
    """A server in `folder`, sent `first` and then initialize, which it must answer."""
    server = RawServer(folder)
    server.folder = folder
    server.send(first + request("init", "initialize", {
        "processId": None, "rootUri": folder.as_uri(), "capabilities": {}}))
    assert "capabilities" in server.answer("init", timeout=30)["result"]
    server.send(notification("initialized", {}))
    return server


def assert_clean_stderr(server: RawServer) -> None:
    assert not any("Traceback" in line for line in server.stderr), server.stderr
    assert all(line.startswith(LOG_PREFIX) for line in server.stderr), server.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # A bad frame before anything else: initialize must still be answered.
    server = start(tmp_path_factory.mktemp("frames"), first=b"Content-Length: abc\r\n\r\n")
    yield server
    server.kill()


# A request inside a dropped frame must not run.
DROPPED = {"jsonrpc": "2.0", "id": "dropped", "method": "textDocument/hover",
           "params": {"textDocument": {"uri": "file:///x.py"},
                      "position": {"line": 0, "character": 0}}}
DROPPED_BODY = json.dumps(DROPPED).encode()

BAD_FRAMES = {
    "content-length-abc": (b"Content-Length: abc\r\n\r\n" + DROPPED_BODY, "not a byte count"),
    "no-content-length": (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
                          + DROPPED_BODY, "without Content-Length"),
    "negative-content-length": (b"Content-Length: -5\r\n\r\n" + DROPPED_BODY,
                                "not a byte count"),
    "huge-content-length": (b"Content-Length: 1000000000000\r\n\r\n" + DROPPED_BODY,
                            "over the 64 MiB limit"),
    "digits-beyond-int-parsing": (b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n",
                                  "over the 64 MiB limit"),
    "header-line-over-64-KiB": (b"X-Junk: " + b"j" * 200_000 + b"\r\n\r\n",
                                "a header line over 64 KiB"),
    "a-line-that-is-not-a-header": (b"hello there\r\n\r\n", "not a header"),
    "bytes-before-a-header": (b"hello there", "bytes that are not a frame"),
    "dropped-body-with-blank-lines": (b"Content-Length: abc\r\n\r\n{\r\n\r\n \"a\": 1\r\n}\r\n",
                                      "not a byte count"),
    "zero-content-length": (b"Content-Length: 0\r\n\r\n", "not JSON"),
    "body-not-json": (frame(b'{"jsonrpc": "2.0", "id": "dropped", "method": '), "not JSON"),
    "body-json-array": (frame(b"[]"), "a JSON list, not an object"),
    "body-json-number": (frame(b"5"), "a JSON int, not an object"),
    "body-json-string": (frame(b'"x"'), "a JSON str, not an object"),
    "body-nested-too-deeply": (frame(b"[" * 100_000), "not JSON"),
    "body-invalid-utf8": (frame(b'{"jsonrpc": "2.0", "id": "dropped", "method": "x\xff\xfe"}'),
                          "not UTF-8"),
    "object-without-jsonrpc": (frame({"id": "dropped", "method": "shutdown"}),
                               '"jsonrpc": "2.0"'),
    "object-without-method-or-id": (frame({"jsonrpc": "2.0", "params": {}}),
                                    "neither a request, a notification nor a response"),
    "object-with-id-only": (frame({"jsonrpc": "2.0", "id": "dropped"}),
                            "neither a request, a notification nor a response"),
    "did-open-with-params-of-the-wrong-shape": (
        notification("textDocument/didOpen", {"textDocument": 5}), "textDocument/didOpen"),
    "did-open-without-params": (notification("textDocument/didOpen"), "textDocument/didOpen"),
}


@pytest.mark.parametrize("case", list(BAD_FRAMES))
def test_a_bad_frame_is_dropped_and_the_next_request_answered(server, case):
    data, logged = BAD_FRAMES[case]
    since = len(server.stderr)
    server.send(data)
    probe = f"after-{case}"
    server.send(request(probe, "textDocument/hover", {
        "textDocument": {"uri": (server.folder / "never_opened.py").as_uri()},
        "position": {"line": 0, "character": 0}}))
    assert server.answer(probe) == {"jsonrpc": "2.0", "id": probe, "result": None}
    line = server.wait_for_stderr(logged, since)
    assert server.stderr[since:] == [line]  # one line per dropped frame
    assert line.startswith(LOG_PREFIX + "WARNING aicodeguard.lsp_server.framing: ")
    # The request inside a dropped frame never ran (it may get an Invalid Request error).
    assert "result" not in server.answers.pop("dropped", {})


def test_unknown_method_gets_method_not_found(server):
    server.send(request("unknown-1", "aicodeguard/noSuchMethod", {"x": 1}))
    assert server.answer("unknown-1")["error"]["code"] == -32601


def test_a_request_whose_method_is_not_a_string_gets_invalid_request(server):
    server.send(frame({"jsonrpc": "2.0", "id": "bad-method", "method": 5}))
    assert server.answer("bad-method")["error"]["code"] == -32600


def test_a_request_with_params_of_the_wrong_shape_gets_invalid_params(server):
    server.send(request("bad-params", "textDocument/hover", {"textDocument": 5}))
    assert server.answer("bad-params")["error"]["code"] == -32602


def test_several_bad_frames_in_one_write_then_a_request(server):
    data = b"".join(frame for frame, _ in BAD_FRAMES.values())
    server.send(data + request("after-all", "aicodeguard/noSuchMethod"))
    assert server.answer("after-all")["error"]["code"] == -32601


def test_the_server_still_works_and_shuts_down_cleanly(server):
    uri = (server.folder / "app.py").as_uri()
    server.send(notification("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": SQL}}))
    server.send(request("hover", "textDocument/hover", {
        "textDocument": {"uri": uri}, "position": {"line": 1, "character": 20}}))
    assert "AIG101" in server.answer("hover")["result"]["contents"]["value"]
    server.send(request("shutdown", "shutdown"))
    assert server.answer("shutdown")["result"] is None
    server.send(notification("exit"))
    assert server.close(timeout=5) == 0
    assert_clean_stderr(server)


@pytest.mark.parametrize("tail", [b"Content-Length: 100\r\n\r\n{\"jsonrpc\"",
                                  b"Content-Length: 100\r\nContent-Ty"],
                         ids=["inside-the-body", "inside-the-headers"])
def test_a_frame_cut_by_the_end_of_input(tmp_path, tail):
    server = start(tmp_path)
    try:
        server.send(request("shutdown", "shutdown"))
        assert server.answer("shutdown")["result"] is None
        since = len(server.stderr)
        server.send(tail)
        assert server.close(timeout=5) == 0  # shut down before: a clean end
        server.wait_for_stderr("the input ended inside a frame", since)
        assert_clean_stderr(server)
    finally:
        server.kill()
