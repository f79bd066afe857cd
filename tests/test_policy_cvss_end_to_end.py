"""Issue 12's acceptance case through the real CLI, with the embedded advisory data:
`max-cvss = 7.0` blocks a change that pins a package with a 9.8 advisory and lets
through one with only a 5.3 advisory, and the equivalent Rego policy decides the same.

`fail-on = "critical"` leaves the decision to the policy: a policy only adds gates
(README, "Policy as code"), so under the default `fail-on = "medium"` a 5.3 advisory
fails by severity alone."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import REPO, run_cli

RISKY = '{"dependencies": {"cryptiles": "4.1.1"}}\n'  # NSWG-ECO-476, CVSS 9.8
MILD = '{"dependencies": {"marked": "0.3.5"}}\n'  # NSWG-ECO-101, CVSS 5.3
CVSS_REGO = os.path.join(REPO, "tests", "data", "policies", "cvss.rego")


def run(project, manifest: str, how: str):
    project.mkdir(parents=True)
    (project / "package.json").write_text(manifest)
    if how == "native":
        (project / ".aicodeguard.toml").write_text(
            'fail-on = "critical"\n\n[policy]\nmax-cvss = 7.0\n')
        extra = []
    else:
        (project / ".aicodeguard.toml").write_text('fail-on = "critical"\n')
        extra = ["--rego", CVSS_REGO]
    done = run_cli("scan", "--offline", "--no-cache", "-f", "json", *extra, ".", cwd=project)
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("how", ["native", "rego"])
def test_a_9_8_advisory_is_blocked_and_a_5_3_one_passes(tmp_path, how):
    code, report = run(tmp_path / "risky", RISKY, how)
    assert code == 3, report["findings"]  # denied by policy
    [vulnerable] = [f for f in report["findings"] if f["rule_id"] == "AIG609"]
    assert vulnerable["metadata"]["cvss"] == 9.8
    if how == "native":
        assert "max-cvss" in vulnerable["failed_by"]
    else:
        [denied] = [f for f in report["findings"] if f["rule_id"] == "AIG901"]
        assert "CVSS 9.8 is above 7.0" in denied["message"]
    code, report = run(tmp_path / "mild", MILD, how)
    assert code == 0, report["findings"]
    [vulnerable] = [f for f in report["findings"] if f["rule_id"] == "AIG609"]
    assert vulnerable["metadata"]["cvss"] == 5.3 and not vulnerable["failed_by"]
