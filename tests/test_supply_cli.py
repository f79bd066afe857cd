"""Supply-chain checks through the real command line, offline and against a real
registry on 127.0.0.1 (tests/registry_server.py): no internet, no mocks."""

from __future__ import annotations

import datetime
import json
import os
import time

import pytest

from aicodeguard.supply.snapshot import embedded
from tests.registry_server import RegistryServer, closed_port_url

REQUIREMENTS = "requests>=2.32.3\nreqeusts==1.0\nzzq-invented-helper\n"


def project(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / "proj" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "proj"


def registry_env(tmp_path, pypi_url: str, npm_url: str) -> dict[str, str]:
    """Only the test's registry: no user, site or global pip/uv/npm configuration."""
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
            "PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": pypi_url,
            "npm_config_registry": npm_url,
            "npm_config_globalconfig": str(tmp_path / "global-npmrc")}


def test_version_shows_the_snapshot_date(cli):
    result = cli("--version")
    assert result.returncode == 0 and f"package snapshot of {embedded().date}" in result.out


def test_offline_scan_reports_hallucinated_and_typosquatted_names(cli, tmp_path):
    root = project(tmp_path, {"requirements.txt": REQUIREMENTS,
                              "app.py": "import requests\nimport zzq_invented_module\n"})
    result = cli("scan", "--offline", "-f", "json", str(root), cwd=str(root))
    assert result.returncode == 1, result.err
    found = {(f["location"]["path"], f["location"]["line"], f["rule_id"])
             for f in json.loads(result.out)["findings"]}
    assert found == {("requirements.txt", 2, "AIG602"), ("requirements.txt", 3, "AIG601"),
                     ("app.py", 2, "AIG601")}


def test_suppression_comment_and_allow_list_in_the_project_config(cli, tmp_path):
    root = project(tmp_path, {
        "requirements.txt": "requests\nreqeusts  # aicodeguard: ignore[AIG602] our fork\n"
                            "zzq-invented-helper\n",
        ".aicodeguard.toml": 'allow-packages = ["zzq-invented-*"]\n'})
    result = cli("scan", "--offline", "-f", "concise", ".", cwd=str(root))
    assert result.returncode == 0, result.out + result.err
    assert "AIG60" not in result.out and "1 suppressed" in result.out


def test_online_checks_flag_new_and_deprecated_packages(cli, tmp_path):
    today = datetime.date.today().isoformat()
    with RegistryServer() as server:
        server.add_pypi("zzq-new-helper", {"0.1": f"{today}T08:00:00Z"})
        server.add_npm("zzq-old-client", {"1.0.0": "2016-01-01T00:00:00.000Z",
                                          "2.0.0": "2018-01-01T00:00:00.000Z"},
                       deprecated="use zzq-new-client")
        root = project(tmp_path, {
            "requirements.txt": "requests\nzzq-new-helper\nacme-secret-zzq\nzzq-gone-helper\n",
            "package.json": '{"dependencies": {"zzq-old-client": "^2", "react": "^18"}}',
            ".aicodeguard.toml": 'private-packages = ["acme-*"]\n'})
        env = registry_env(tmp_path, server.simple_url, server.npm_url)
        result = cli("scan", "-f", "json", ".", cwd=str(root), env=env)
        asked = {seen.name for seen in server.requests}
    findings = {(f["location"]["path"], f["rule_id"]): f["message"]
                for f in json.loads(result.out)["findings"]}
    assert set(findings) == {("requirements.txt", "AIG603"), ("package.json", "AIG605"),
                             ("requirements.txt", "AIG601")}, result.out
    assert "use zzq-new-client" in findings[("package.json", "AIG605")]
    assert server.simple_url in findings[("requirements.txt", "AIG601")]
    # Only unsettled names go out: never popular, private or the project's own ones.
    assert {"zzq-new-helper", "zzq-gone-helper", "zzq-old-client"} <= asked
    assert not asked & {"requests", "react", "acme-secret-zzq"}


def test_network_down_falls_back_to_the_snapshot_quickly(cli, tmp_path):
    root = project(tmp_path, {"requirements.txt": REQUIREMENTS,
                              "package.json": '{"dependencies": {"zzq-js-unknown": "1"}}'})
    env = registry_env(tmp_path, closed_port_url(), closed_port_url().replace("simple", "npm"))
    started = time.monotonic()
    result = cli("scan", "-f", "json", ".", cwd=str(root), env=env)
    assert time.monotonic() - started < 30
    report = json.loads(result.out)
    rules = {(f["location"]["path"], f["rule_id"]) for f in report["findings"]}
    assert rules == {("requirements.txt", "AIG602"), ("requirements.txt", "AIG601"),
                     ("package.json", "AIG607")}
    assert result.returncode == 1  # findings, not an error: the network is optional


@pytest.mark.parametrize("select", ["AIG1", "AIG601"])
def test_selecting_rules_limits_the_supply_check(cli, tmp_path, select):
    root = project(tmp_path, {"requirements.txt": REQUIREMENTS})
    result = cli("scan", "--offline", "-f", "concise", "--select", select, ".", cwd=str(root))
    assert ("AIG601" in result.out) == (select == "AIG601")
    assert "AIG602" not in result.out
