"""`scan --bandit` merges bandit's results, and the parity table covers every bandit check."""

from __future__ import annotations

import json

from aicodeguard.bandit_parity import BANDIT_TO_RULES, NOT_COVERED, PARTIAL
from aicodeguard.rules import BY_ID


def installed_bandit_tests() -> set[str]:
    from bandit.core import extension_loader

    manager = extension_loader.MANAGER
    return {*manager.plugins_by_id, *manager.blacklist_by_id}


def test_every_bandit_check_is_covered_or_explained():
    listed = set(BANDIT_TO_RULES) | set(NOT_COVERED)
    assert not set(BANDIT_TO_RULES) & set(NOT_COVERED)
    assert set(PARTIAL) <= set(BANDIT_TO_RULES)
    missing = installed_bandit_tests() - listed
    assert not missing, f"bandit checks missing from the parity table: {sorted(missing)}"
    unknown = {rule for rules in BANDIT_TO_RULES.values() for rule in rules} - set(BY_ID)
    assert not unknown, f"parity table names rules that do not exist: {sorted(unknown)}"


def test_bandit_results_are_merged_and_deduplicated(cli, tmp_path):
    (tmp_path / "app.py").write_text(
        "import telnetlib\n\n\ndef q(cur, n):\n"
        "    cur.execute(\"SELECT * FROM t WHERE n = '%s'\" % n)\n")
    plain = json.loads(cli("scan", "--format", "json", cwd=tmp_path).out)["findings"]
    merged = json.loads(cli("scan", "--format", "json", "--bandit", cwd=tmp_path).out)
    found = [(f["location"]["line"], f["rule_id"]) for f in merged["findings"]]
    assert [(f["location"]["line"], f["rule_id"]) for f in plain] == [(5, "AIG101")]
    assert found == [(1, "AIG090"), (5, "AIG101")]  # bandit's B608 merged into AIG101
    assert "[bandit B401" in merged["findings"][0]["message"]
