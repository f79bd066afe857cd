"""Output contracts: SARIF 2.1.0 (schema + GitHub's extra requirements), JSON (its own
schema), text (golden), and fingerprints that survive unrelated edits."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import unquote, urljoin

import jsonschema
import pytest

from .conftest import REPO

APP = '''import sqlite3
from flask import request


def search(cur):
    term = request.args.get("q")
    cur.execute("SELECT * FROM items WHERE title = '%s'" % term)


def by_id(cur, item_id):
    cur.execute(f"SELECT * FROM items WHERE id = {item_id}")
'''


@pytest.fixture
def app(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "broken.py").write_bytes(b"x = '\xff'\n")
    return tmp_path


def load_schema(*parts):
    with open(os.path.join(REPO, *parts), encoding="utf-8") as handle:
        return json.load(handle)


def test_sarif_validates_and_carries_github_fields(cli, app):
    result = cli("scan", "--format", "sarif", cwd=app)
    assert result.returncode == 2  # broken.py could not be decoded
    document = json.loads(result.out)
    schema = load_schema("tests", "data", "sarif-schema-2.1.0.json")
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "AIG101" in rules
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"]
        severity = rule["properties"]["security-severity"]
        assert isinstance(severity, str) and 0 < float(severity) <= 10
        tags = rule["properties"]["tags"]
        assert "security" in tags and len(tags) <= 10
    sql = rules["AIG101"]["properties"]["tags"]
    assert "CWE-89" in sql and "external/cwe/cwe-089" in sql
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results] == [("AIG101", 7), ("AIG101", 11)]
    for item in results:
        artifact = item["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
        assert item["partialFingerprints"]["primaryLocationLineHash"]
        assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
    tainted, by_parameter = results
    assert tainted["level"] == "error" and tainted["relatedLocations"][0][
        "physicalLocation"]["region"]["startLine"] == 6
    assert (tainted["rank"], tainted["properties"]["confidence"],
            tainted["properties"]["evidence"]) == (90.0, "high", "remote-input")
    assert (by_parameter["level"], by_parameter["rank"], by_parameter["properties"]["evidence"]) \
        == ("error", 60.0, "parameter")  # high and medium: at both gates
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"].split(":")[0] for n in notes] == ["broken.py"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_fingerprints_do_not_change_when_unrelated_lines_move(cli, app):
    def prints():
        document = json.loads(cli("scan", "--format", "sarif", "app.py", cwd=app).out)
        return [r["partialFingerprints"]["primaryLocationLineHash"]
                for r in document["runs"][0]["results"]]

    before = prints()
    (app / "app.py").write_text("# a new header comment\n\n" + APP)
    after = prints()
    assert before == after and len(set(before)) == 2


def test_json_matches_its_documented_schema(cli, app):
    result = cli("scan", "--format", "json", cwd=app)
    document = json.loads(result.out)
    schema = load_schema("aicodeguard", "report", "json-schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]
    assert document["summary"]["findings"] == 2
    assert document["summary"]["by_severity"]["critical"] == 1
    first = document["findings"][0]
    assert first["cwe"] == ["CWE-89"] and first["related"][0]["location"]["line"] == 6
    assert document["schema_version"] == "1.2"
    assert first["tags"] == ["A03:2021 Injection", "CWE Top 25 (2025) #2: CWE-89",
                             "PCI-DSS-6.2.4 injection"]
    assert (first["gate"], first["failed_by"]) == ("fail", ["fail-on"])
    assert [(f["confidence"], f["evidence"]) for f in document["findings"]] == \
        [("high", "remote-input"), ("medium", "parameter")]
    summary = document["summary"]
    assert (summary["fail_on_confidence"], summary["failing"], summary["below_confidence_gate"],
            summary["by_confidence"]) == ("medium", 2, 0, {"low": 0, "medium": 1, "high": 1})


GOLDEN_TEXT = """\
app.py:7:17: AIG101 [critical · high confidence] SQL built with `%` formatting is passed \
to `cur.execute`; pass values as query parameters instead; it carries request data \
(`request.args.get("q")`, line 6)
        cur.execute("SELECT * FROM items WHERE title = '%s'" % term)
                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    = request data enters here: `request.args.get("q")` (app.py:6:12)
    tags: A03:2021 · Top25 #2 · PCI injection
app.py:11:17: AIG101 [high · medium confidence] SQL built with an f-string is passed to \
`cur.execute`; pass values as query parameters instead
        cur.execute(f"SELECT * FROM items WHERE id = {item_id}")
                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    tags: A03:2021 · Top25 #2 · PCI injection

error: broken.py: not valid UTF-8 (byte 0xff at offset 5) and no coding cookie; not checked

Found 2 findings (1 critical, 1 high) in 1 of 1 file. Not scanned: 1 file could not be \
checked (see the errors). 2 at or above fail-on=medium and fail-on-confidence=medium.
To accept a finding, add `# aicodeguard: ignore[ID] reason` (`//` in JS/TS) on its line or \
the line above.
"""


def test_text_output_golden(cli, app):
    result = cli("scan", cwd=app)
    assert result.out == GOLDEN_TEXT
    assert "\x1b[" not in result.out  # no colour when not on a terminal


def test_colour_when_forced(cli, app):
    result = cli("scan", "app.py", cwd=app, env={"FORCE_COLOR": "1"})
    assert "\x1b[1;35mAIG101\x1b[0m" in result.out


def test_concise_output_and_output_file(cli, app):
    result = cli("scan", "--format", "concise", "app.py", "-o", "report.txt", cwd=app)
    assert result.returncode == 1 and result.out == ""
    lines = (app / "report.txt").read_text().splitlines()
    assert lines[0].startswith("app.py:7:17: AIG101 [critical/high] SQL built with `%` "
                               "formatting")
    assert lines[1].startswith("app.py:11:17: AIG101 [high/medium] ")


# RFC 3986 relative-path reference: unreserved, percent-encoded, sub-delims, ":" and "@"
# in segments, "/" between them, and no ":" in the first segment (it would read as a scheme).
_SEGMENT_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-F]{2})"
_RELATIVE_PATH = re.compile(rf"{_SEGMENT_CHAR}+(?:/(?:{_SEGMENT_CHAR}|:)*)*")


def test_sarif_uris_are_percent_encoded(cli, tmp_path):
    folder = tmp_path / "dir with space" / "a:b#c%d?"
    folder.mkdir(parents=True)
    (folder / "naïve file.py").write_text(APP, encoding="utf-8")
    result = cli("scan", "--format", "sarif", "--offline", cwd=tmp_path)
    assert result.returncode == 1, result.err
    document = json.loads(result.out)
    schema = load_schema("tests", "data", "sarif-schema-2.1.0.json")
    errors = list(jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]
    run = document["runs"][0]
    artifacts = [location["physicalLocation"]["artifactLocation"]
                 for item in run["results"]
                 for location in (*item["locations"], *item.get("relatedLocations", ()))]
    assert artifacts
    for artifact in artifacts:
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        assert uri == "dir%20with%20space/a%3Ab%23c%25d%3F/na%C3%AFve%20file.py"
        assert _RELATIVE_PATH.fullmatch(uri), uri
        assert unquote(uri, errors="strict") == "dir with space/a:b#c%d?/naïve file.py"
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert urljoin(base, uri) == (tmp_path / "dir with space" / "a:b#c%d?" /
                                  "naïve file.py").as_uri()
