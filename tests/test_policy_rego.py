"""Rego policies (regopy, rego-cpp) over the JSON report: the CVSS > 7.0 and HTTPS
examples in tests/data/policies, rego.v1 and the older syntax, and errors that name the
file (exit 2); a denial is an AIG901 finding and exit status 3."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from aicodeguard.config import Config, ConfigError
from aicodeguard.model import Severity
from aicodeguard.policy import Outcome
from aicodeguard.policy.native import parse_policy
from aicodeguard.policy.rego import apply_rego
from aicodeguard.report.json_report import report_document

from .conftest import REPO
from .test_policy_native import HTTP_APP, vulnerable

POLICIES = os.path.join(REPO, "tests", "data", "policies")


def policy(name: str) -> str:
    return os.path.join(POLICIES, name)


def decide(findings, config: Config) -> bool:
    """Does the run fail by policy (exit 3)?"""
    outcome = apply_rego(Outcome(findings=list(findings)), config)
    return bool(outcome.policy_denied(config))


@pytest.mark.parametrize("rego", ["cvss.rego", "cvss_v0.rego"])
def test_rego_and_native_max_cvss_make_the_same_decision(rego):
    native = Config(fail_on=Severity.CRITICAL, policy=parse_policy({"max-cvss": 7.0}, ""))
    with_rego = Config(fail_on=Severity.CRITICAL,
                       policy=parse_policy({"rego": [policy(rego)]}, ""))
    high = [vulnerable(9.8, Severity.HIGH), vulnerable(5.3, Severity.MEDIUM, "jinja2")]
    low = [vulnerable(5.3, Severity.MEDIUM, "jinja2"), vulnerable(None, Severity.MEDIUM, "six")]
    assert decide(high, native) and decide(high, with_rego)
    assert not decide(low, native) and not decide(low, with_rego)
    denied = apply_rego(Outcome(findings=list(high)), with_rego).findings
    messages = [f.message for f in denied if f.rule_id == "AIG901"]
    assert len(messages) == 1 and "django 3.2.0" in messages[0] and "9.8" in messages[0]


def test_deny_objects_place_the_finding_and_name_the_policy():
    config = Config(policy=parse_policy({"rego": [policy("cvss.rego")]}, ""))
    outcome = apply_rego(Outcome(findings=[vulnerable(9.8)]), config)
    denied = next(f for f in outcome.findings if f.rule_id == "AIG901")
    assert (denied.location.path, denied.location.line) == ("requirements.txt", 1)
    document = report_document(outcome, config)
    entry = next(f for f in document["findings"] if f["rule_id"] == "AIG901")
    assert entry["failed_by"][-1].startswith("rego:") and entry["failed_by"][-1].endswith(
        "cvss.rego")
    assert entry["severity"] == "high" and entry["metadata"]["policy"].endswith("cvss.rego")


def test_the_input_is_the_json_report(cli, tmp_path):
    shutil.copy(policy("cvss.rego"), tmp_path / "ci.rego")
    (tmp_path / "echo.rego").write_text(
        'package aicodeguard\nimport rego.v1\n'
        'deny contains sprintf("schema %s, %d findings", [input.schema_version, '
        'input.summary.findings]) if input.tool.name == "aicodeguard"\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    result = cli("scan", "--offline", "--rego", "echo.rego", "--format", "json", "app.py",
                 cwd=tmp_path)
    assert result.returncode == 3, result.err
    finding = json.loads(result.out)["findings"][0]
    assert finding["rule_id"] == "AIG901" and finding["message"].endswith(
        "schema 1.2, 0 findings")
    assert finding["location"]["path"] == "echo.rego"


def test_https_policy_through_the_cli(cli, tmp_path):
    (tmp_path / "app.py").write_text(HTTP_APP)
    (tmp_path / "policies").mkdir()
    shutil.copy(policy("https.rego"), tmp_path / "policies" / "ci.rego")
    (tmp_path / ".aicodeguard.toml").write_text(
        'select = ["AIG", "AIG902"]\nfail-on = "critical"\n\n'
        '[policy]\nrego = ["policies/ci.rego"]\n')
    result = cli("scan", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 3, result.out + result.err
    assert "AIG901" in result.out and "APIs must be called over HTTPS" in result.out
    assert "rego:policies/ci.rego: 1" in result.out
    (tmp_path / "app.py").write_text(HTTP_APP.replace("http://", "https://"))
    assert cli("scan", "--offline", "app.py", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("name, message", [
    ("broken.rego", "Rego policy does not compile: this is unclosed"),
    ("conflict.rego", "Rego evaluation failed: complete rules must not produce multiple"),
])
def test_rego_errors_exit_2_naming_the_file(cli, tmp_path, name, message):
    shutil.copy(policy(name), tmp_path / name)
    (tmp_path / "app.py").write_text("x = 1\n")
    result = cli("scan", "--offline", "--format", "json", "--rego", name, "app.py",
                 cwd=tmp_path)
    assert result.returncode == 2
    assert f"aicodeguard: error: {name}: {message}" in result.err
    assert result.out == ""  # the interpreter's own printout stays out of the report


def test_a_policy_without_deny_is_an_error(tmp_path):
    (tmp_path / "other.rego").write_text('package other\nimport rego.v1\nallow := true\n')
    config = Config(policy=parse_policy({"rego": [str(tmp_path / "other.rego")]}, ""))
    with pytest.raises(ConfigError, match="defines no `deny` rule"):
        apply_rego(Outcome(), config)


def test_missing_rego_file_is_a_configuration_error(cli, tmp_path):
    (tmp_path / ".aicodeguard.toml").write_text('[policy]\nrego = ["nope.rego"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    result = cli("scan", "--offline", "app.py", cwd=tmp_path)
    assert result.returncode == 2 and "'nope.rego': no such file" in result.err
