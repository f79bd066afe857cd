"""The labeled list (tests/data/supply_labeled.tsv) scored by bench/supply_accuracy.py
meets the targets: hallucinated PyPI names 99%+, typosquats of popular packages 90%+,
false positives under 1% on legitimate names, the import-name table and popular names."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import REPO


def test_labeled_list_meets_the_targets():
    out = subprocess.run([sys.executable, os.path.join(REPO, "bench", "supply_accuracy.py"),
                          "--json"], capture_output=True, text=True, check=True, timeout=300)
    report = json.loads(out.stdout)

    def share(key):
        hits, total = report[key]
        assert total > 0, key
        return hits / total

    assert share("hallucinated_pypi") >= 0.99, report["misses"]
    assert share("typosquat_popular") >= 0.90, report["misses"]
    for key in ("legit", "import_table", "popular"):
        assert share(key) < 0.01, (key, report["false_positives"])
    assert report["hallucinated_pypi"][1] >= 90 and report["typosquat_popular"][1] >= 40
