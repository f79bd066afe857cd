"""Advisory data from outside the snapshot, through the real command line and servers on
127.0.0.1 only: `aicodeguard advisories update` from an OSV archive, and online look-ups
against an OSV-compatible `querybatch` endpoint (within the deadline, cached, never
offline)."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from tests.test_advisories import CRITICAL_V3, _zip_of, record

MEDIUM_V3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"  # 5.3


class OSVServer:
    """Serves /x.zip (an OSV export), POST /v1/querybatch (ids only, as OSV answers) and
    GET /v1/vulns/ID; records what it was asked."""

    def __init__(self, records: list[dict]):
        self.records = {item["id"]: item for item in records}
        self.archive = _zip_of(records)
        self.asked: list[tuple[str, str]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - the http.server API
                owner.asked.append(("GET", self.path))
                if self.path == "/x.zip":
                    return self._send(200, owner.archive)
                found = owner.records.get(self.path.rpartition("/")[2])
                self._send(200 if found else 404, json.dumps(found or {}).encode())

            def do_POST(self):  # noqa: N802
                owner.asked.append(("POST", self.path))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                results = [{"vulns": [{"id": item["id"], "modified": item["modified"]}
                                      for item in owner.records.values()
                                      if owner.affects(item, query)]}
                           for query in body["queries"]]
                self._send(200, json.dumps({"results": results}).encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @staticmethod
    def affects(item: dict, query: dict) -> bool:
        package = query["package"]
        return any(a["package"]["name"] == package["name"] and
                   a["package"]["ecosystem"] == package["ecosystem"] and
                   query["version"] in a.get("versions", ()) for a in item["affected"])

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


RECORDS = [
    record("GHSA-crit-crit-crit", "zzq-web", aliases=["CVE-2099-0001"], vector=CRITICAL_V3,
           events=[{"introduced": "0"}, {"fixed": "2.0.0"}], versions_=["1.0.0"]),
    record("GHSA-medi-medi-medi", "zzq-parse", vector=MEDIUM_V3,
           events=[{"introduced": "0"}, {"fixed": "1.1.0"}], versions_=["1.0.0"]),
]
REQUIREMENTS = "zzq-web==1.0.0\nzzq-parse==1.0.0\nzzq-safe==1.0.0\n"


def findings(result) -> dict:
    return {(f["location"]["line"], f["rule_id"]): f for f in json.loads(result.out)["findings"]}


def test_advisories_update_from_loopback_then_a_scan_reports_by_score(cli, tmp_path):
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    with OSVServer(RECORDS) as server:
        updated = cli("advisories", "update", "--from", f"{server.url}/x.zip")
    assert updated.returncode == 0, updated.err
    assert "wrote advisories of 2026-11-30" in updated.out and "2 OSV records" in updated.out
    assert "advisories of 2026-11-30, refreshed" in " ".join(cli("--version").out.split())
    result = cli("scan", "--offline", "-f", "json", "--select", "AIG609", ".",
                 cwd=str(tmp_path))
    found = findings(result)
    assert set(found) == {(1, "AIG609"), (2, "AIG609")}, result.out
    critical, medium = found[(1, "AIG609")], found[(2, "AIG609")]
    assert critical["severity"] == "critical" and "CVSS 9.8" in critical["message"]
    assert "GHSA-crit-crit-crit (CVE-2099-0001)" in critical["message"]
    assert "upgrade to 2.0.0" in critical["message"]
    assert critical["metadata"]["aliases"] == ["CVE-2099-0001"]
    assert medium["severity"] == "medium" and medium["metadata"]["cvss"] == 5.3


def test_advisories_update_without_a_source_is_a_usage_error(cli):
    result = cli("advisories", "update", env={"AICODEGUARD_ADVISORY_SOURCES": ""})
    assert result.returncode == 2 and "--from" in result.err
    missing = cli("advisories", "update", "--from", "/nonexistent/osv.zip")
    assert missing.returncode == 2 and "osv.zip" in missing.err


def test_online_lookups_query_the_configured_endpoint_and_merge_with_the_snapshot(cli,
                                                                                 tmp_path):
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS + "flask==0.12\n")
    with OSVServer(RECORDS) as server:
        env = {"AICODEGUARD_ADVISORY_URL": server.url}
        offline = cli("scan", "--offline", "-f", "json", "--select", "AIG609", ".",
                      cwd=str(tmp_path), env=env)
        assert server.asked == []  # offline: nothing sent
        assert set(findings(offline)) == {(4, "AIG609")}
        first = cli("scan", "-f", "json", "--select", "AIG609", ".", cwd=str(tmp_path), env=env)
        asked = list(server.asked)
        second = cli("scan", "-f", "json", "--select", "AIG609", ".", cwd=str(tmp_path),
                     env=env)
        assert server.asked == asked  # answered from the registry cache
    assert ("POST", "/v1/querybatch") in asked and ("GET", "/v1/vulns/GHSA-crit-crit-crit") \
        in asked
    for result in (first, second):
        found = findings(result)
        assert set(found) == {(1, "AIG609"), (2, "AIG609"), (4, "AIG609")}, result.out
        assert found[(1, "AIG609")]["severity"] == "critical"
        assert "PYSEC-2018-66" in found[(4, "AIG609")]["metadata"]["advisories"]


def test_an_endpoint_that_is_down_is_a_note_not_a_failure(cli, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "requirements.txt").write_text("flask==0.12\n")
    result = cli("scan", "-f", "json", "--select", "AIG609", ".", cwd=str(tmp_path),
                 env={"AICODEGUARD_ADVISORY_URL": f"http://127.0.0.1:{port}"})
    assert result.returncode == 1, result.err
    report = json.loads(result.out)
    assert set(findings(result)) == {(1, "AIG609")}
    assert any("online advisory look-up failed" in n["message"] for n in report["notes"])


@pytest.fixture(autouse=True)
def _no_user_sources(monkeypatch):
    monkeypatch.delenv("AICODEGUARD_ADVISORY_SOURCES", raising=False)
    monkeypatch.delenv("AICODEGUARD_ADVISORY_URL", raising=False)
