"""Inline suppressions with reasons, and the findings about suppressions (AIG001–AIG003)."""

from __future__ import annotations

import json

SQL = "cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")"


def run(cli, tmp_path, source, *args):
    (tmp_path / "app.py").write_text(source)
    result = cli("scan", "--format", "json", *args, cwd=tmp_path)
    document = json.loads(result.out)
    return result.returncode, [(f["location"]["line"], f["rule_id"])
                               for f in document["findings"]], document["summary"]


def test_suppression_with_id_and_reason_silences_only_that_rule(cli, tmp_path):
    code, found, summary = run(cli, tmp_path, f"def q(cur, n):\n    {SQL}  "
                               "# aicodeguard: ignore[AIG101] n is an int checked above\n")
    assert (code, found, summary["suppressed"]) == (0, [], 1)


def test_suppression_on_the_line_above(cli, tmp_path):
    source = ("def q(cur, n):\n    # aicodeguard: ignore[AIG101] -- table of constants\n"
              f"    {SQL}\n")
    assert run(cli, tmp_path, source)[:2] == (0, [])


def test_other_rule_id_does_not_suppress(cli, tmp_path):
    source = f"def q(cur, n):\n    {SQL}  # aicodeguard: ignore[AIG102] wrong rule\n"
    code, found, _ = run(cli, tmp_path, source)
    assert code == 1 and (2, "AIG101") in found


def test_missing_reason_and_blanket_are_reported(cli, tmp_path):
    source = (f"def q(cur, n):\n    {SQL}  # aicodeguard: ignore[AIG101]\n"
              f"def r(cur, n):\n    {SQL}  # aicodeguard: ignore\n")
    code, found, summary = run(cli, tmp_path, source)
    assert found == [(2, "AIG002"), (4, "AIG001"), (4, "AIG002")]
    assert code == 1 and summary["suppressed"] == 2
    (tmp_path / ".aicodeguard.toml").write_text("strict-suppressions = false\n")
    assert run(cli, tmp_path, source)[:2] == (0, [])


def test_unused_and_unknown_suppressions(cli, tmp_path):
    source = ("x = 1  # aicodeguard: ignore[AIG101] was a query once\n"
              "y = 2  # aicodeguard: ignore[AIG999] typo\n")
    code, found, _ = run(cli, tmp_path, source)
    assert found == [(1, "AIG003"), (2, "AIG003")]
    assert code == 0  # low severity: informational under the default fail-on
    assert run(cli, tmp_path, source, "--select", "AIG0,AIG4")[1] == [(2, "AIG003")]
    result = cli("scan", "--format", "json", cwd=tmp_path)
    messages = [f["message"] for f in json.loads(result.out)["findings"]]
    assert "suppression names unknown rule id AIG999 (did you mean AIG902?); it silences " \
        "nothing" in messages
    (tmp_path / ".aicodeguard.toml").write_text("report-unused-suppressions = false\n")
    assert run(cli, tmp_path, source)[1] == []


def test_nosec_is_not_honoured(cli, tmp_path):
    source = f"def q(cur, n):\n    {SQL}  # nosec\n"
    assert run(cli, tmp_path, source)[1] == [(2, "AIG101"), (2, "AIG004")]  # AIG004: the nosec


def test_placeholder_reason_counts_as_missing(cli, tmp_path):
    """The editor's quick fix inserts `<reason>`; left unedited it is no reason."""
    source = f"def q(cur, n):\n    {SQL}  # aicodeguard: ignore[AIG101] <reason>\n"
    code, found, summary = run(cli, tmp_path, source)
    assert (code, found, summary["suppressed"]) == (1, [(2, "AIG002")], 1)
