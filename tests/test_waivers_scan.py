"""Waivers and gate-file ownership through `aicodeguard scan`: an inline waiver and a
waiver-file entry hide their finding until their `until` day, then the finding shows
again with AIG005; an uncovered gate file is AIG007."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.test_hooks_helpers import GitRepo

SQL = 'def q(cur, col):\n    cur.execute(f"SELECT {{col}} FROM t"){comment}\n'


def scan(folder, *args, today="2027-03-01"):
    done = run_cli("scan", "--offline", "--no-cache", "-f", "json", *args, ".", cwd=folder,
                   env={"AICODEGUARD_TODAY": today})
    report = json.loads(done.stdout)
    return done.returncode, report, {(f["location"]["path"], f["rule_id"])
                                     for f in report["findings"]}


def test_an_inline_waiver_holds_until_its_day_then_the_finding_returns(tmp_path):
    comment = "  # aicodeguard: ignore[AIG101] until=2027-03-01 owner=@sec-team col is an enum"
    (tmp_path / "db.py").write_text(SQL.format(comment=comment))
    code, report, found = scan(tmp_path, today="2027-03-01")
    assert (code, found) == (0, set()) and report["summary"]["suppressed"] == 1
    code, _, found = scan(tmp_path, today="2027-03-02")
    assert code == 1 and found == {("db.py", "AIG101"), ("db.py", "AIG005")}


def test_an_ownerless_waiver_is_reported_and_fails_when_owners_are_required(tmp_path):
    comment = "  # aicodeguard: ignore[AIG101] until=2027-03-01 col is an enum"
    (tmp_path / "db.py").write_text(SQL.format(comment=comment))
    code, _, found = scan(tmp_path)
    assert (code, found) == (0, {("db.py", "AIG006")})  # low: informational
    (tmp_path / ".aicodeguard.toml").write_text("[custody]\nrequire-waiver-owner = true\n")
    code, report, found = scan(tmp_path)
    assert code == 1 and found == {("db.py", "AIG006")}
    assert report["findings"][0]["severity"] == "high"


def test_a_waiver_file_entry_hides_its_finding_by_fingerprint_until_it_expires(tmp_path):
    (tmp_path / "db.py").write_text(SQL.format(comment=""))
    _, report, _ = scan(tmp_path)
    [finding] = report["findings"]
    (tmp_path / ".aicodeguard-waivers.toml").write_text(
        "[[waiver]]\n"
        f'fingerprint = "{finding["fingerprint"]}"\n'
        'rule = "AIG101"\npath = "db.py"\nreason = "col comes from an enum"\n'
        'owner = "@platform"\napprover = "@sec-lead"\nticket = "SEC-142"\n'
        "until = 2027-03-01\n")
    code, report, found = scan(tmp_path)
    assert (code, found) == (0, set()) and report["summary"]["suppressed"] == 1
    code, _, found = scan(tmp_path, today="2027-03-02")
    assert code == 1 and found == {("db.py", "AIG101"),
                                   (".aicodeguard-waivers.toml", "AIG005")}


def test_a_broken_waiver_file_is_an_error(tmp_path):
    (tmp_path / "db.py").write_text(SQL.format(comment=""))
    (tmp_path / ".aicodeguard-waivers.toml").write_text('[[waiver]]\nrule = "AIG101"\n')
    done = run_cli("scan", "--offline", ".", cwd=tmp_path)
    assert done.returncode == 2 and b".aicodeguard-waivers.toml" in done.stderr


def test_gate_files_without_a_codeowners_entry_are_reported(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.write(".aicodeguard.toml", 'fail-on = "high"\n')
    repo.write("CODEOWNERS", "*.py @developers\n")
    repo.write("app.py", "print('hello')\n")
    code, _, found = scan(repo.path)
    assert found == {(".aicodeguard.toml", "AIG007")} and code == 0  # low
    repo.write("CODEOWNERS", "*.py @developers\n/.aicodeguard.toml @security\n")
    _, _, found = scan(repo.path)
    assert found == set()
