"""The advisory data: the embedded snapshot, version matching in each ecosystem's own
semantics, merged aliases, CVSS scores, the lowest fixing version, and a refresh from
an OSV export archive served on 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile

import pytest

from aicodeguard.supply import advisories, versions
from aicodeguard.supply.advisory_build import compact
from aicodeguard.supply.advisory_update import UpdateError, update


@pytest.fixture(autouse=True)
def _fresh_database():
    advisories.database.cache_clear()
    yield
    advisories.database.cache_clear()


def test_the_embedded_snapshot_matches_known_vulnerable_pins():
    db = advisories.database()
    assert db.path == advisories.EMBEDDED and db.date
    jinja = db.match("pypi", "Jinja2", "2.7.1")  # PEP 503 names: any spelling
    assert jinja is not None and "PYSEC-2014-8" in jinja.ids
    assert "CVE-2014-1402" in jinja.advisories[0].aliases
    assert jinja.fixed_in == "2.11.3"  # the lowest version none of its advisories affects
    assert db.match("pypi", "jinja2", "3.1.4") is None
    marked = db.match("npm", "marked", "0.3.5")
    assert marked.ids == ["NSWG-ECO-101"] and marked.score == 5.3 and marked.fixed_in == "0.3.6"
    assert db.match("npm", "marked", "0.3.6") is None


def test_last_affected_advisories_take_their_fix_from_the_patched_range():
    match = advisories.database().match("npm", "bassmaster", "1.5.1")
    assert match.fixed_in == "1.5.2"  # `last_affected: 1.5.1` plus patched `>=1.5.2`


def record(id_, name, *, ecosystem="PyPI", aliases=(), events=(), versions_=(), vector=None,
           kind="ECOSYSTEM", specific=None):
    affected = {"package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": kind, "events": list(events)}] if events else [],
                "versions": list(versions_)}
    data = {"id": id_, "aliases": list(aliases), "summary": f"flaw {id_}", "modified":
            "2026-11-30T00:00:00Z", "affected": [affected]}
    if vector:
        data["severity"] = [{"type": "CVSS_V4" if vector.startswith("CVSS:4") else "CVSS_V3",
                             "score": vector}]
    if specific:
        data["database_specific"] = specific
    return data


CRITICAL_V3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
MEDIUM_V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"


def test_records_that_alias_each_other_become_one_advisory_with_the_highest_score():
    data = compact([
        record("PYSEC-2026-1", "Demo_Pkg", aliases=["CVE-2026-0001", "GHSA-aaaa-bbbb-cccc"],
               events=[{"introduced": "0"}, {"fixed": "1.4.0"}], vector=MEDIUM_V4),
        record("GHSA-aaaa-bbbb-cccc", "demo-pkg", aliases=["CVE-2026-0001"],
               events=[{"introduced": "0"}, {"fixed": "1.4.0"}], vector=CRITICAL_V3),
        record("PYSEC-2026-2", "demo-pkg", events=[{"introduced": "1.0"}, {"fixed": "1.5.1"}]),
        {**record("PYSEC-2026-3", "demo-pkg", events=[{"introduced": "0"}]),
         "withdrawn": "2026-01-01T00:00:00Z"},
    ])
    [merged, other] = data["pypi"]["demo-pkg"]
    assert merged["id"] == "GHSA-aaaa-bbbb-cccc"
    assert merged["aliases"] == ["CVE-2026-0001", "PYSEC-2026-1"]
    assert merged["score"] == 9.8 and merged["vector"] == CRITICAL_V3
    assert other["id"] == "PYSEC-2026-2" and other["score"] is None


def test_a_cvss_v4_vector_is_scored():
    [advisory] = compact([record("GHSA-x", "p", events=[{"introduced": "0"}],
                                 vector=MEDIUM_V4)])["pypi"]["p"]
    assert 4.0 <= advisory["score"] < 7.0


@pytest.mark.parametrize("ecosystem, spec, lowest", [
    ("pypi", ">=2.0,<3", "2.0"), ("pypi", "~=1.4.2", "1.4.2"), ("pypi", "<3", None),
    ("pypi", "", None), ("npm", "^1.2.3", "1.2.3"), ("npm", ">1.2.3 <2", "1.2.4"),
    ("npm", "~0.3.5 || ^1.0.0", "0.3.5"), ("npm", "*", None), ("npm", "<3", None),
])
def test_the_lowest_version_a_range_allows_uses_each_ecosystems_semantics(ecosystem, spec,
                                                                         lowest):
    assert versions.lowest_allowed(ecosystem, spec) == lowest


@pytest.mark.parametrize("ecosystem, spec, pin", [
    ("pypi", "==1.2.3", "1.2.3"), ("pypi", "===1.2.3", "1.2.3"), ("pypi", "==1.2.*", None),
    ("pypi", ">=1", None), ("npm", "1.2.3", "1.2.3"), ("npm", "=v1.2.3", "1.2.3"),
    ("npm", "^1.2.3", None), ("npm", "1.2.x", None),
])
def test_exact_pins_are_told_from_ranges(ecosystem, spec, pin):
    assert versions.exact_pin(ecosystem, spec) == pin


def _zip_of(records: list[dict]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in records:
            archive.writestr(f"{item['id']}.json", json.dumps(item))
    return buffer.getvalue()


@pytest.fixture
def served():
    """A loopback HTTP server for one archive: (set_payload, url)."""
    payload = {"body": b""}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = payload["body"]
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield payload, f"http://127.0.0.1:{server.server_address[1]}/PyPI/all.zip"
    server.shutdown()


def test_an_osv_archive_from_loopback_refreshes_the_data_and_keeps_other_ecosystems(served):
    payload, url = served
    payload["body"] = _zip_of([record("GHSA-new1-new1-new1", "flask",
                                      events=[{"introduced": "0"}, {"fixed": "9.0"}],
                                      vector=CRITICAL_V3)])
    summary = update([url])
    assert summary.records == 1 and summary.date == "2026-11-30"
    db = advisories.database()
    assert db.path == advisories.user_snapshot_path()
    assert db.match("pypi", "flask", "3.0.0").ids == ["GHSA-new1-new1-new1"]
    assert db.match("pypi", "jinja2", "2.7.1") is None  # PyPI replaced by the archive
    assert db.match("npm", "marked", "0.3.5") is not None  # npm kept
    assert "refreshed" in advisories.describe()


def test_a_broken_source_is_an_error_naming_it(served, tmp_path):
    payload, url = served
    with pytest.raises(UpdateError, match="404"):
        update([url])
    junk = tmp_path / "export.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UpdateError, match="export.zip: not an OSV export"):
        update([str(junk)])
    assert advisories.database().path == advisories.EMBEDDED
