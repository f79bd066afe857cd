"""A real package index and npm registry on 127.0.0.1, for tests (no internet, no mocks).

    from tests.registry_server import RegistryServer

    with RegistryServer() as server:
        server.add_pypi("requests", {"2.0": "2013-01-01T00:00:00Z"}, summary="HTTP for humans")
        server.add_npm("@acme/left-pad", {"1.0.0": "2020-05-01T00:00:00.000Z"}, deprecated="use x")
        server.simple_url   # http://127.0.0.1:PORT/simple/  PEP 691 JSON or PEP 503 HTML (Accept)
        server.json_url     # http://127.0.0.1:PORT/pypi/    PyPI-style JSON API: <name>/json
        server.npm_url      # http://127.0.0.1:PORT/npm/     packuments: <name>, @scope%2Fname
        server.delay = 5.0                   # seconds before every answer
        server.delays["slow-pkg"] = 5.0      # ... or before the answers about one name
        server.status["broken"] = 500        # fixed status for one name, every API
        server.chunk_delay = 0.2             # send bodies in 16-byte pieces, pausing between
        server.html_only = True              # the simple API ignores the JSON media type
        server.requested("requests")         # did any request name this project?
        server.requests                      # [Seen(path, name, headers)] in arrival order

`server.pypi` (normalised name -> project dict) and `server.npm` (name -> packument) are
plain dicts: change them between requests to simulate a registry that changes.
`closed_port_url()` gives a loopback URL where nothing listens ("network down").
"""

from __future__ import annotations

import html
import json
import re
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Seen:
    path: str
    name: str | None  # the project the request was about
    headers: dict = field(compare=False)


class RegistryServer:
    def __init__(self):
        self.pypi: dict[str, dict] = {}
        self.npm: dict[str, dict] = {}
        self.delay = 0.0
        self.delays: dict[str, float] = {}
        self.status: dict[str, int] = {}
        self.chunk_delay = 0.0
        self.html_only = False
        self.requests: list[Seen] = []
        self._stop = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    # ------------------------------------------------------------ lifecycle and URLs

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    simple_url = property(lambda self: self.url + "simple/")
    json_url = property(lambda self: self.url + "pypi/")
    npm_url = property(lambda self: self.url + "npm/")

    def requested(self, name: str) -> bool:
        return any(seen.name in (name, normalise(name)) for seen in self.requests)

    # ------------------------------------------------------------ content

    def add_pypi(self, name: str, versions: dict[str, str] | None = None, *, summary: str = "",
                 yanked: tuple[str, ...] = (), status: str | None = None,
                 reason: str | None = None) -> None:
        """versions: version -> upload time (ISO 8601); one wheel per version."""
        versions = {"1.0": "2020-01-01T00:00:00Z"} if versions is None else versions
        stem = normalise(name).replace("-", "_")
        files = [{"filename": f"{stem}-{version}-py3-none-any.whl", "version": version,
                  "upload-time": uploaded, "yanked": version in yanked}
                 for version, uploaded in versions.items()]
        self.pypi[normalise(name)] = {"name": name, "files": files, "summary": summary,
                                      "status": status, "reason": reason}

    def add_npm(self, name: str, versions: dict[str, str] | None = None, *,
                description: str = "", deprecated: str | None = None,
                latest: str | None = None) -> None:
        """versions: version -> publish time; `deprecated` marks the latest version."""
        versions = {"1.0.0": "2020-01-01T00:00:00.000Z"} if versions is None else versions
        latest = latest or (list(versions)[-1] if versions else None)
        manifests = {v: {"name": name, "version": v, "dist": {"tarball": f"{name}-{v}.tgz"}}
                     for v in versions}
        if deprecated and latest in manifests:
            manifests[latest]["deprecated"] = deprecated
        times = {"created": min(versions.values()) if versions else "2020-01-01T00:00:00.000Z",
                 "modified": max(versions.values()) if versions else "2020-01-01T00:00:00.000Z",
                 **versions}
        self.npm[name] = {"_id": name, "name": name, "description": description,
                          "dist-tags": {"latest": latest} if latest else {},
                          "versions": manifests, "time": times}

    # ------------------------------------------------------------ responses

    def _simple(self, name: str, accept: str):
        project = self.pypi.get(name)
        if project is None:
            return 404, "text/html", b"<html><body>Not Found</body></html>"
        if SIMPLE_JSON in accept and not self.html_only:
            document = {"meta": {"api-version": "1.4"}, "name": name,
                        "versions": [f["version"] for f in project["files"]],
                        "files": [{"filename": f["filename"], "url": f"../../files/{f['filename']}",
                                   "hashes": {}, "upload-time": f["upload-time"],
                                   "yanked": f["yanked"]} for f in project["files"]]}
            if project["status"]:
                document["project-status"] = {"status": project["status"],
                                              **({"reason": project["reason"]}
                                                 if project["reason"] else {})}
            return 200, SIMPLE_JSON, json.dumps(document).encode()
        head = '<meta name="pypi:repository-version" content="1.1">'
        if project["status"]:
            head += f'<meta name="pypi:project-status" content="{html.escape(project["status"])}">'
        links = "".join(
            f'<a href="../../files/{f["filename"]}#sha256=00"'
            f'{" data-yanked" if f["yanked"] else ""}>{f["filename"]}</a><br/>'
            for f in project["files"])
        page = f"<!DOCTYPE html><html><head>{head}</head><body>{links}</body></html>"
        return 200, "text/html; charset=utf-8", page.encode()

    def _pypi_json(self, name: str, accept: str):
        project = self.pypi.get(name)
        if project is None:
            return 404, "application/json", b'{"message": "Not Found"}'
        releases: dict[str, list] = {}
        for f in project["files"]:
            releases.setdefault(f["version"], []).append(
                {"filename": f["filename"], "upload_time_iso_8601": f["upload-time"],
                 "yanked": f["yanked"]})
        latest = list(releases)[-1] if releases else None
        document = {"info": {"name": project["name"], "summary": project["summary"],
                             "version": latest},
                    "releases": releases, "urls": releases.get(latest, [])}
        return 200, "application/json", json.dumps(document).encode()

    def _npm(self, name: str, accept: str):
        document = self.npm.get(name)
        if document is None:
            return 404, "application/json", b'{"error": "Not found"}'
        return 200, "application/json", json.dumps(document).encode()

    def route(self, path: str, accept: str):
        """(project name or None, status, content type, body) for a request path."""
        parts = urllib.parse.urlsplit(path).path.split("/")
        if len(parts) >= 3 and parts[1] == "simple" and parts[2]:
            name, answer = parts[2], self._simple
        elif len(parts) >= 4 and parts[1] == "pypi" and parts[3] == "json":
            name, answer = parts[2], self._pypi_json
        elif len(parts) >= 3 and parts[1] == "npm" and parts[2]:
            name, answer = urllib.parse.unquote("/".join(parts[2:])), self._npm
        else:
            return None, 404, "text/plain", b"unknown path"
        if name in self.status:
            return name, self.status[name], "text/plain", b"status set by the test"
        return (name, *answer(name, accept))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Clients that hang up (deadline passed, keep-alive closed) are not server faults."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: RegistryServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            accept = self.headers.get("Accept", "")
            name, status, content_type, body = server.route(self.path, accept)
            server.requests.append(Seen(self.path, name, dict(self.headers)))
            wait = server.delays.get(name, server.delay) if name else server.delay
            if wait and server._stop.wait(wait):
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not server.chunk_delay:
                self.wfile.write(body)
                return
            for start in range(0, len(body), 16):
                self.wfile.write(body[start:start + 16])
                self.wfile.flush()
                if server._stop.wait(server.chunk_delay):
                    return

        def log_message(self, *args):  # quiet test output
            pass

    return Handler


def closed_port_url() -> str:
    """A loopback URL on a port that was just free: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple/"
