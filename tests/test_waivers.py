"""Waivers (owner, expiry) inline and in .aicodeguard-waivers.toml, and CODEOWNERS coverage
of the gate's files (AIG005, AIG006, AIG007)."""

from __future__ import annotations

import datetime
import os

import pytest

from aicodeguard import api
from aicodeguard.analysis.source import SourceFile
from aicodeguard.baseline import entries_for
from aicodeguard.config import Config
from aicodeguard.custody import codeowners
from aicodeguard.model import FileResult, Severity
from aicodeguard.suppressions import find_suppressions
from aicodeguard.waivers import (
    WaiverError,
    apply_waivers,
    inline_waivers,
    load_waivers,
    parse_waivers,
    split_fields,
    today,
)
from tests.test_hooks_helpers import INSECURE

MARCH_1, MARCH_2 = datetime.date(2027, 3, 1), datetime.date(2027, 3, 2)
WAIVED = ("def q(cur, n):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")  "
          "# aicodeguard: ignore[AIG101] until=2027-03-01 owner=@sec-team n is an enum name\n")


def suppressions_of(text: str, path: str = "db.py") -> FileResult:
    source = SourceFile(path, text.encode())
    return FileResult(path, suppressions=find_suppressions(source))


def test_fields_come_before_the_reason_and_are_not_a_reason_alone():
    assert split_fields("until=2027-03-01 owner=@sec-team n is safe; owner=@x later") == \
        split_fields("owner=@sec-team until=2027-03-01 n is safe; owner=@x later")
    fields = split_fields("until=2027-03-01 owner=@sec-team n is safe")
    assert (fields.until, fields.owner, fields.reason) == ("2027-03-01", "@sec-team", "n is safe")
    [bare] = suppressions_of("x = 1  # aicodeguard: ignore[AIG101] until=2027-03-01 "
                             "owner=@a\n").suppressions
    assert bare.reason == ""  # AIG002 still asks for a reason
    [full] = suppressions_of(WAIVED).suppressions
    assert full.reason.endswith("n is an enum name")


def test_an_inline_waiver_holds_through_its_day_then_shows_the_finding_and_its_owner():
    result = suppressions_of(WAIVED)
    active, findings = inline_waivers(result, MARCH_1)
    assert len(active) == 1 and findings == []
    active, findings = inline_waivers(result, MARCH_2)
    assert active == []
    [expired] = findings
    assert (expired.rule_id, expired.severity, expired.location.line) == (
        "AIG005", Severity.MEDIUM, 2)
    assert "expired on 2027-03-01" in expired.message and "@sec-team" in expired.message


def test_an_expiry_that_is_not_a_date_is_expired():
    result = suppressions_of(WAIVED.replace("2027-03-01", "2027-02-30"))
    active, [finding] = inline_waivers(result, MARCH_1)
    assert active == [] and "not a date" in finding.message


def test_owners_are_asked_of_dated_waivers_and_of_every_suppression_when_required():
    dated = suppressions_of(WAIVED.replace(" owner=@sec-team", ""))
    [ownerless] = inline_waivers(dated, MARCH_1)[1]
    assert (ownerless.rule_id, ownerless.severity) == ("AIG006", Severity.LOW)
    plain = suppressions_of(WAIVED.replace("until=2027-03-01 owner=@sec-team ", ""))
    assert inline_waivers(plain, MARCH_1)[1] == []
    [required] = inline_waivers(plain, MARCH_1, require_owner=True)[1]
    assert (required.rule_id, required.severity) == ("AIG006", Severity.HIGH)
    assert "require-waiver-owner" in required.message


def test_today_is_frozen_by_the_testing_variable(monkeypatch):
    monkeypatch.setenv("AICODEGUARD_TODAY", "2027-03-02")
    assert today() == MARCH_2
    monkeypatch.setenv("AICODEGUARD_TODAY", "tomorrow")
    with pytest.raises(WaiverError, match="AICODEGUARD_TODAY"):
        today()
    monkeypatch.delenv("AICODEGUARD_TODAY")
    assert today() == datetime.date.today()


def test_the_waiver_file_names_every_problem_with_the_key_it_resembles():
    text = ('[[waiver]]\nfingerprint = "abc:1"\nrule = "AIG1O1"\npath = "db.py"\n'
            'reason = "x"\nowners = "@a"\nuntil = 12\n\n[[waiver]]\nrule = "AIG101"\n')
    with pytest.raises(WaiverError) as raised:
        parse_waivers(text, "w.toml")
    message = str(raised.value)
    assert message.startswith("w.toml: ")
    for expected in ("waiver 1: unknown key 'owners' (did you mean 'owner'?)",
                     "unknown rule id 'AIG1O1' (did you mean AIG101?)",
                     "'until' must be a date", "waiver 2: 'fingerprint' is required"):
        assert expected in message


@pytest.fixture
def scanned(tmp_path, monkeypatch):
    """A real scan of one insecure file, from the project folder; the finding's identity."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db.py").write_text(INSECURE)
    outcome = api.scan_paths(["."], Config(offline=True, cache=False))
    [finding] = [f for f in outcome.findings if f.rule_id == "AIG101"]
    [(path, rule, fingerprint)] = entries_for([finding], str(tmp_path))
    return tmp_path, finding, fingerprint


def waiver_file(folder, fingerprint: str, **fields) -> str:
    lines = ["# reviewed exceptions", "[[waiver]]", f'fingerprint = "{fingerprint}"',
             'rule = "AIG101"', 'path = "./db.py"', 'reason = "n is an enum member name"']
    lines += [f"{key} = {value}" for key, value in fields.items()]
    path = os.path.join(folder, ".aicodeguard-waivers.toml")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_a_waiver_file_entry_hides_its_finding_until_it_expires(scanned):
    folder, finding, fingerprint = scanned
    waivers = load_waivers(waiver_file(folder, fingerprint, owner='"@sec-team"',
                                       until="2027-03-01", ticket='"SEC-9"'))
    kept, hidden, new = apply_waivers([finding], waivers, MARCH_1)
    assert (kept, hidden, new) == ([], [finding], [])
    kept, hidden, new = apply_waivers([finding], waivers, MARCH_2)
    assert kept == [finding] and hidden == []
    [expired] = new
    assert (expired.rule_id, expired.location.path, expired.location.line) == (
        "AIG005", ".aicodeguard-waivers.toml", 3)
    assert "AIG101 in db.py expired on 2027-03-01 (owner @sec-team)" in expired.message


def test_an_ownerless_waiver_file_entry_is_reported_and_an_unmatched_one_is_not(scanned):
    folder, finding, fingerprint = scanned
    waivers = load_waivers(waiver_file(folder, fingerprint))
    kept, hidden, [ownerless] = apply_waivers([finding], waivers, MARCH_1)
    assert hidden == [finding] and ownerless.rule_id == "AIG006"
    other = load_waivers(waiver_file(folder, "0000000000000000:1", until="2020-01-01"))
    assert apply_waivers([finding], other, MARCH_1) == ([finding], [], [])


# ---------------------------------------------------------------- CODEOWNERS

GITHUB = """\
# comment
*           @everyone
/src/       @app-team
docs/*      @docs
*.toml      @sec-team
/pyproject.toml
"""

GITLAB = """\
[Security][2] @sec-team
.aicodeguard-waivers.toml
^[Docs]
/docs/ @docs
[App] @app-team
/src/**/*.py
"""


@pytest.mark.parametrize("text, path, owners", [
    (GITHUB, "README.md", ("@everyone",)),
    (GITHUB, "src/a/b.py", ("@app-team",)),
    (GITHUB, "docs/x.md", ("@docs",)),
    (GITHUB, "docs/deep/x.md", ("@everyone",)),  # `docs/*` stays one level deep
    (GITHUB, ".aicodeguard.toml", ("@sec-team",)),
    (GITHUB, "sub/.aicodeguard.toml", ("@sec-team",)),  # unanchored: any depth
    (GITHUB, "pyproject.toml", ()),  # the last match has no owners: unowned
    (GITLAB, ".aicodeguard-waivers.toml", ("@sec-team",)),  # the section's default owners
    (GITLAB, "docs/a.md", ("@docs",)),
    (GITLAB, "src/a/b.py", ("@app-team",)),
    (GITLAB, ".aicodeguard.toml", ()),
])
def test_codeowners_matching(text, path, owners):
    assert codeowners.owners_of(codeowners.parse(text), path) == owners


def test_unowned_gate_files_only_when_the_repository_uses_codeowners(tmp_path):
    config = tmp_path / ".aicodeguard.toml"
    config.write_text("fail-on = 'high'\n")
    waivers = tmp_path / ".aicodeguard-waivers.toml"
    waivers.write_text("")
    files = [str(config), str(waivers)]
    assert codeowners.unowned_gate_files(str(tmp_path), files) == []
    [alone] = codeowners.unowned_gate_files(str(tmp_path), [str(config)], require=True)
    assert alone.rule_id == "AIG007" and "no CODEOWNERS file" in alone.message
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("/.aicodeguard.toml @sec-team\n")
    [finding] = codeowners.unowned_gate_files(str(tmp_path), files)
    assert (finding.rule_id, finding.severity) == ("AIG007", Severity.LOW)
    assert finding.location.path.endswith(".aicodeguard-waivers.toml")
    assert "no entry of .github/CODEOWNERS covers it" in finding.message
