"""Fetch many small documents concurrently under one total deadline.

Worker threads are daemons, every socket wait is bounded by the time left, bodies are
read in small chunks that stop at the deadline, and the caller stops waiting when the
deadline passes: a slow or silent server can make answers late, never the run.  A host
that refuses a connection is not asked again in the same run.  ``requests`` is imported
only here, only when something must go over the network.  file:// URLs are read from disk.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass

from .. import __version__
from ..reading import Unreadable, read_bytes
from .online_parse import LISTING

USER_AGENT = (f"aicodeguard/{__version__} (package existence check; sends package names "
              "only)")
CONNECT_TIMEOUT = 2.0
CHUNK = 8192
MAX_WORKERS = 16
MAX_FILE_BYTES = 64 * 1024 * 1024  # one page of a file:// index


@dataclass(frozen=True)
class Request:
    url: str
    accept: str = "application/json"
    auth: str | None = None  # Authorization header value
    verify: str | None = None  # CA bundle
    max_bytes: int = 4 * 1024 * 1024


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    complete: bool = True  # False: stopped reading at max_bytes


class FetchError(Exception):
    """The request got no answer; str() says why, for the run's notes."""


def _read_file(url: str) -> Response | FetchError:
    """A `file://` index: a folder (its index.html, else its listing) or one page.  Only
    regular files are read (a FIFO or device never blocks a worker), at most MAX_FILE_BYTES."""
    path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    try:
        if os.path.isdir(path):
            page = os.path.join(path, "index.html")
            if os.path.isfile(page):
                return Response(200, "text/html", read_bytes(page, MAX_FILE_BYTES))
            listing = "\n".join(sorted(os.listdir(path)))
            return Response(200, LISTING, listing.encode("utf-8", "replace"))
        if not os.path.lexists(path):
            return Response(404, "", b"")
        return Response(200, "text/html", read_bytes(path, MAX_FILE_BYTES))
    except FileNotFoundError:
        return Response(404, "", b"")
    except Unreadable as error:
        return FetchError(f"cannot read {path} ({error})")
    except OSError as error:
        return FetchError(f"cannot read {path} ({error.strerror or error})")


def _describe(error: Exception) -> str:
    text = str(error)
    for marker, reason in (("refused", "connection refused"), ("resolve", "host name not found"),
                           ("Name or service", "host name not found"),
                           ("unreachable", "network unreachable"),
                           ("CERTIFICATE", "TLS certificate not trusted"), ("SSL", "TLS error")):
        if marker in text:
            return reason
    return type(error).__name__


class Fetcher:
    """Runs `Request`s on a few daemon threads; `run` returns by the deadline, always."""

    def __init__(self, deadline: float):
        self.deadline = deadline  # time.monotonic() value
        self._lock = threading.Condition()
        self._queue: deque[Request] = deque()
        self._results: dict[Request, Response | FetchError] = {}
        self._refused: dict[str, str] = {}  # host -> why it could not be reached
        self._closed = False

    def run(self, requests: list[Request]) -> dict[Request, Response | FetchError]:
        """Answers for every request; those unanswered at the deadline say so."""
        wanted = list(dict.fromkeys(requests))
        remote = []
        for request in wanted:
            if request.url.startswith("file:"):
                self._results[request] = _read_file(request.url)
            else:
                remote.append(request)
        if remote:
            self._fetch_remote(remote, len(wanted))
        late = FetchError("no answer before the network deadline")
        with self._lock:
            self._closed = True
            return {request: self._results.get(request, late) for request in wanted}

    def _fetch_remote(self, remote: list[Request], total: int) -> None:
        try:
            import requests  # noqa: F401 - import once, before the threads need it
        except ImportError:
            self._results.update(dict.fromkeys(remote, FetchError("requests is not installed")))
            return
        self._queue.extend(remote)
        for _ in range(min(MAX_WORKERS, len(remote))):
            threading.Thread(target=self._work, daemon=True, name="aicodeguard-registry").start()
        with self._lock:
            self._lock.wait_for(lambda: len(self._results) >= total,
                                timeout=max(0.0, self.deadline - time.monotonic()))

    def _work(self) -> None:
        import requests

        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            while True:
                with self._lock:
                    if self._closed or not self._queue:
                        return
                    request = self._queue.popleft()
                    host = urllib.parse.urlsplit(request.url).netloc
                    refused = self._refused.get(host)
                if refused:
                    outcome: Response | FetchError = FetchError(refused)
                else:
                    outcome = self._fetch(session, request, host)
                with self._lock:
                    if not self._closed:
                        self._results[request] = outcome
                        self._lock.notify_all()

    def _fetch(self, session, request: Request, host: str) -> Response | FetchError:
        import requests

        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return FetchError("no answer before the network deadline")
        headers = {"Accept": request.accept}
        if request.auth:
            headers["Authorization"] = request.auth
        try:
            with session.get(request.url, headers=headers, stream=True,
                             timeout=(min(CONNECT_TIMEOUT, remaining), remaining),
                             verify=request.verify or True) as response:
                body = bytearray()
                complete = True
                if response.status_code == 200:
                    for chunk in response.iter_content(CHUNK):
                        body += chunk
                        if time.monotonic() > self.deadline:
                            return FetchError("no answer before the network deadline")
                        if len(body) > request.max_bytes:
                            complete = False
                            break
                return Response(response.status_code, response.headers.get("Content-Type", ""),
                                bytes(body), complete)
        except requests.Timeout as error:
            late = time.monotonic() >= self.deadline - 0.05
            if late or not isinstance(error, requests.ConnectTimeout):
                return FetchError("no answer before the network deadline")
            return self._unreachable(host, "cannot connect (timed out)")
        except requests.ConnectionError as error:
            return self._unreachable(host, f"cannot connect ({_describe(error)})")
        except (requests.RequestException, OSError, ValueError) as error:
            return FetchError(f"request failed ({_describe(error)})")

    def _unreachable(self, host: str, reason: str) -> FetchError:
        with self._lock:
            self._refused.setdefault(host, reason)
        return FetchError(reason)
