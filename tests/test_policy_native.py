"""Native policy as code: max-cvss, deny-unknown-severity, presets and their tags, scoped
gates, require-https; every failing decision names its reason; invalid keys are errors
with suggestions, all at once."""

from __future__ import annotations

import json
import textwrap

import pytest

from aicodeguard.config import Config, ConfigError, load_file
from aicodeguard.model import Confidence, Finding, Location, Severity
from aicodeguard.policy import Outcome, PolicySettings, failed_by, gate
from aicodeguard.policy.native import parse_policy

SQL_APP = '''def by_id(cur, item_id):
    cur.execute(f"SELECT * FROM items WHERE id = {item_id}")
'''
HTTP_APP = '''import requests


def notify(payload):
    requests.post("http://hooks.example.com/deploy", json=payload, timeout=10)
'''


def vulnerable(cvss, severity=Severity.HIGH, package="django", rule="AIG609") -> Finding:
    """An AIG609 finding as the vulnerable-dependency check writes it."""
    metadata = {"package": package, "ecosystem": "pypi", "version": "3.2.0", "cvss": cvss,
                "advisories": ("GHSA-0000",), "aliases": (), "fixed_in": ("3.2.19",)}
    return Finding(rule, severity, Confidence.HIGH, f"{package} 3.2.0 is vulnerable",
                   Location("requirements.txt", 1, 1, 1, 14),
                   evidence="pattern" if cvss is not None else "unknown-severity",
                   metadata=tuple(sorted(metadata.items())))


def config_with(policy: dict, **keys) -> Config:
    settings = parse_policy(policy, "[policy]")
    return Config(policy=settings, **keys)


def test_max_cvss_blocks_a_9_8_and_lets_a_5_3_through():
    config = config_with({"max-cvss": 7.0}, fail_on=Severity.CRITICAL)
    blocked = Outcome(findings=[vulnerable(9.8, Severity.CRITICAL)])
    allowed = Outcome(findings=[vulnerable(5.3, Severity.MEDIUM)])
    assert failed_by(blocked.findings[0], config) == ["fail-on", "max-cvss"]
    assert blocked.policy_denied(config) == blocked.findings
    assert not allowed.failing(config) and gate(allowed.findings[0], config) == "pass"
    # A high 7.5 below fail-on=critical fails by max-cvss alone.
    assert failed_by(vulnerable(7.5), config) == ["max-cvss"]
    assert failed_by(vulnerable(7.0), config) == []  # "above", not "at"


def test_unknown_severity_fails_only_when_the_policy_says_so():
    unknown = vulnerable(None, Severity.MEDIUM)
    assert failed_by(unknown, config_with({"max-cvss": 7.0}, fail_on=Severity.HIGH)) == []
    strict = config_with({"max-cvss": 7.0, "deny-unknown-severity": True},
                         fail_on=Severity.HIGH)
    assert failed_by(unknown, strict) == ["deny-unknown-severity"]
    # Under the default fail-on (medium) it fails like any medium finding.
    assert failed_by(unknown, config_with({"max-cvss": 7.0})) == ["fail-on"]


def test_scoped_rule_by_cwe_and_path():
    config = config_with({"rules": [{"name": "payments", "match": ["CWE-89"],
                                     "fail-on": "low", "fail-on-confidence": "low",
                                     "paths": ["src/payments/**"]}]},
                         fail_on=Severity.CRITICAL)
    low = Finding("AIG101", Severity.LOW, Confidence.LOW, "sql",
                  Location("src/payments/charge.py", 3, 1, 3, 2))
    elsewhere = Finding("AIG101", Severity.LOW, Confidence.LOW, "sql",
                        Location("src/shop/cart.py", 3, 1, 3, 2))
    assert failed_by(low, config) == ["rule:payments"]
    assert failed_by(elsewhere, config) == []


@pytest.mark.parametrize("selector, fails", [
    ("owasp:A03", True), ("owasp:A02", False), ("cwe-top25", True), ("pci-dss", True),
    ("pci-dss:injection", True), ("pci-dss:cryptography", False), ("AIG1", True),
    ("tag:crypto", False), ("CWE-79", False),
])
def test_match_selectors(selector, fails):
    config = config_with({"rules": [{"match": [selector], "fail-on": "low"}]},
                         fail_on=Severity.CRITICAL)
    sql = Finding("AIG101", Severity.MEDIUM, Confidence.HIGH, "sql",
                  Location("app.py", 1, 1, 1, 2))
    assert (failed_by(sql, config) == ["rule:1"]) is fails


def test_policies_only_add_restrictions():
    repository = parse_policy({"max-cvss": 7.0, "presets": ["owasp-top10-2021"]}, "")
    shared = parse_policy({"max-cvss": 9.0, "require-https": True}, "")
    both = repository.stricter(shared)
    assert (both.max_cvss, both.require_https, both.presets) == \
        (7.0, True, ("owasp-top10-2021",))
    user = parse_policy({"max-cvss": 9.0}, "")
    assert repository.overridden_by(user, frozenset({"max-cvss"})).max_cvss == 9.0
    assert PolicySettings().stricter(PolicySettings()) == PolicySettings()


def write(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_presets_tag_findings_and_gate_them_through_the_cli(cli, tmp_path):
    write(tmp_path, {"app.py": SQL_APP, "pyproject.toml": """\
        [tool.aicodeguard]
        fail-on = "critical"
        """})
    result = cli("scan", "--format", "json", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.err
    finding = json.loads(result.out)["findings"][0]
    assert finding["rule_id"] == "AIG101" and finding["severity"] == "high"
    assert finding["tags"] == ["A03:2021 Injection", "CWE Top 25 (2025) #2: CWE-89",
                               "PCI-DSS-6.2.4 injection"]
    assert (finding["gate"], finding["failed_by"]) == ("pass", [])

    write(tmp_path, {"pyproject.toml": """\
        [tool.aicodeguard]
        fail-on = "critical"

        [tool.aicodeguard.policy]
        presets = ["owasp-top10-2021", "pci-dss-4.0-6.2.4"]
        """})
    result = cli("scan", "--format", "json", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 3, result.err
    document = json.loads(result.out)
    finding = document["findings"][0]
    assert (finding["gate"], finding["failed_by"]) == \
        ("fail", ["preset:owasp-top10-2021", "preset:pci-dss-4.0-6.2.4"])
    assert document["summary"]["policy_denied"] == 1
    text = cli("scan", "--offline", "app.py", cwd=tmp_path).out
    assert "fails by policy: preset:owasp-top10-2021, preset:pci-dss-4.0-6.2.4" in text
    assert "tags: A03:2021 · Top25 #2 · PCI injection" in text
    assert "1 failed by policy (preset:owasp-top10-2021: 1, preset:pci-dss-4.0-6.2.4: 1)" \
        in text


def test_sarif_result_tags_merge_cwe_and_compliance(cli, tmp_path):
    write(tmp_path, {"app.py": SQL_APP})
    result = cli("scan", "--format", "sarif", "--offline", "--select", "AIG1", "app.py",
                 cwd=tmp_path)
    properties = json.loads(result.out)["runs"][0]["results"][0]["properties"]
    assert properties["tags"][:3] == ["security", "CWE-89", "external/cwe/cwe-089"]
    assert "A03:2021 Injection" in properties["tags"]
    assert properties["failed_by"] == ["fail-on"]


def test_require_https_shows_and_fails_plain_http(cli, tmp_path):
    write(tmp_path, {"app.py": HTTP_APP})
    quiet = cli("scan", "--format", "json", "--offline", "app.py", cwd=tmp_path)
    assert quiet.returncode == 0 and json.loads(quiet.out)["findings"] == []
    write(tmp_path, {".aicodeguard.toml": """\
        [policy]
        require-https = true
        """})
    result = cli("scan", "--format", "json", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 3, result.out
    finding = json.loads(result.out)["findings"][0]
    assert finding["rule_id"] == "AIG902"
    assert "require-https" in finding["failed_by"]


def test_policy_file_from_the_repository_and_from_the_user(cli, tmp_path):
    write(tmp_path, {"app.py": HTTP_APP, "org/policy.toml": "require-https = true\n",
                     ".aicodeguard.toml": 'policy-file = "org/policy.toml"\n'})
    assert cli("scan", "--offline", "app.py", cwd=tmp_path).returncode == 3
    write(tmp_path, {".aicodeguard.toml": "", "elsewhere/user.toml": "require-https = true\n"})
    result = cli("scan", "--offline", "--policy", "elsewhere/user.toml", "app.py", cwd=tmp_path)
    assert result.returncode == 3 and "require-https" in result.out


def test_repository_policy_file_must_stay_inside(tmp_path):
    project = tmp_path / "project"
    write(tmp_path, {"outside.toml": "max-cvss = 7.0\n",
                     "project/.aicodeguard.toml": 'policy-file = "../outside.toml"\n'})
    with pytest.raises(ConfigError, match="outside the configuration's folder"):
        load_file(str(project / ".aicodeguard.toml"))
    config = load_file(str(project / ".aicodeguard.toml"), trusted=True)  # --config
    assert config.policy.max_cvss == 7.0


def test_invalid_policy_keys_are_all_reported_with_suggestions(cli, tmp_path):
    write(tmp_path, {"app.py": SQL_APP, "pyproject.toml": """\
        [tool.aicodeguard]
        max-cvss = 7.0

        [tool.aicodeguard.policy]
        max-cvs = 7.0
        deny-unknown-severity = "yes"
        presets = ["owasp-top10-2017", "cwe-top-25-2025"]
        rego = ["ci.txt"]

        [[tool.aicodeguard.policy.rules]]
        match = ["CWE-89", "owasp:A11", "pci:injection", "AIG1O1"]
        fail-on = "hgh"
        path = ["src/**"]
        """})
    result = cli("scan", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 2
    err = result.err
    for expected in [
        "'max-cvss' in [tool.aicodeguard] (a policy key: it goes in the "
        "[tool.aicodeguard.policy] table)",
        "unknown key 'max-cvs' (did you mean 'max-cvss'?)",
        "deny-unknown-severity: expected true or false",
        "'owasp-top10-2017' (did you mean 'owasp-top10-2021'?)",
        "'cwe-top-25-2025' (did you mean 'cwe-top25-2025'?)",
        "not a .rego file: 'ci.txt'",
        "unknown selector 'owasp:A11'", "unknown selector 'pci:injection'",
        "did you mean AIG101", "unknown severity 'hgh'",
        "unknown key 'path' (did you mean 'paths'?)",
    ]:
        assert expected in err, (expected, err)


@pytest.mark.parametrize("policy, message", [
    ({"max-cvss": 11}, "expected a CVSS score from 0.0 to 10.0"),
    ({"max-cvss": True}, "expected a CVSS score"),
    ({"rules": [{"fail-on": "low"}]}, "needs `match`"),
    ({"rules": [{"match": ["CWE-x"]}]}, "not a CWE id"),
    ({"rules": [{"match": ["AIG101"], "name": "two words"}]}, "without spaces"),
])
def test_policy_values_are_bounded(policy, message):
    from aicodeguard.policy import PolicyError

    with pytest.raises(PolicyError, match=message):
        parse_policy(policy, "[policy]")
