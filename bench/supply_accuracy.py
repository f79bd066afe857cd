"""Accuracy of the offline supply-chain verdicts on the labeled list (no network).

    python bench/supply_accuracy.py [--verbose] [--json]

Scores tests/data/supply_labeled.tsv with the embedded snapshot only:
  - hallucinated: PyPI names reported AIG601/AIG602 (targets: 99%+); npm names reported at
    all (offline most are "unverified", AIG607, until the registry answers);
  - typosquat (names from public malware reports): reported high or critical (AIG601,
    AIG602, AIG608), and how often AIG602 names the imitated package; split by whether
    that package is among the popular ones the snapshot compares with (target: 90%+);
  - false positives: any finding on a legitimate name, on an import of the import-name
    table (which must resolve to its distribution) or on a distribution of that table,
    or on any of the snapshot's popular names (target: under 1%);
  - real import names (tests/data/supply_real_imports.tsv: modules whose distribution is
    named differently, or that no index provides) reported at medium severity or above,
    as plain imports in a project with no manifest and nothing installed (target: 1%).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from aicodeguard.config import Config  # noqa: E402
from aicodeguard.model import FileResult, ImportRef, Location, Severity  # noqa: E402
from aicodeguard.supply.check import check_names  # noqa: E402
from aicodeguard.supply.import_names import (  # noqa: E402
    PLATFORM,
    default_distribution,
    table,
)
from aicodeguard.supply.names import normalize_pypi  # noqa: E402
from aicodeguard.supply.project import Project  # noqa: E402
from aicodeguard.supply.resolve import Resolver  # noqa: E402
from aicodeguard.supply.snapshot import embedded  # noqa: E402
from aicodeguard.supply.typosquat import TyposquatScorer  # noqa: E402
from aicodeguard.supply.verdicts import Judge  # noqa: E402

LABELS = os.path.join(REPO, "tests", "data", "supply_labeled.tsv")
REAL_IMPORTS = os.path.join(REPO, "tests", "data", "supply_real_imports.tsv")
BLOCKING = frozenset({"AIG601", "AIG602", "AIG608"})
CONFIG = Config(offline=True, cache=False)


def read_labels(path: str = LABELS) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if not line.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        if line.strip():
            rows.append(dict(zip(header, line.split("\t"), strict=True)))
    return rows


def rate(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def score() -> dict:
    rows = read_labels()
    snapshot = embedded()
    verdicts = check_names([(r["ecosystem"], r["name"]) for r in rows if r["label"] != "import"],
                           CONFIG)
    rules = {key: [f.rule_id for f in found] for key, found in verdicts.items()}
    report: dict = {"misses": [], "false_positives": []}

    def rules_of(row):
        return rules.get((row["ecosystem"], row["name"]), [])

    hallucinated = [r for r in rows if r["label"] == "hallucinated"]
    pypi_h = [r for r in hallucinated if r["ecosystem"] == "pypi"]
    found = [r for r in pypi_h if BLOCKING & set(rules_of(r))]
    report["hallucinated_pypi"] = (len(found), len(pypi_h))
    npm_h = [r for r in hallucinated if r["ecosystem"] == "npm"]
    report["hallucinated_npm_flagged"] = (sum(1 for r in npm_h if rules_of(r)), len(npm_h))
    report["misses"] += [r["name"] for r in pypi_h if r not in found]

    typos = [r for r in rows if r["label"] == "typosquat"]
    popular = [r for r in typos if snapshot.rank(r["ecosystem"], _key(r["ecosystem"],
                                                                    r["expected"]))]
    for group, members in (("typosquat_popular", popular),
                           ("typosquat_other", [r for r in typos if r not in popular])):
        caught = [r for r in members if BLOCKING & set(rules_of(r))]
        named = [r for r in members if _names_target(verdicts, r)]
        report[group] = (len(caught), len(members))
        report[group + "_named"] = (len(named), len(members))
        report["misses"] += [f"{r['name']} ({Counter(rules_of(r)) or 'nothing'})"
                             for r in members if r not in caught]

    legit = [r for r in rows if r["label"] == "legit"]
    report["false_positives"] += [f"{r['name']}: {rules_of(r)}" for r in legit if rules_of(r)]
    report["legit"] = (sum(1 for r in legit if rules_of(r)), len(legit))
    report["import_table"] = _import_table_false_positives(rows, report)
    report["popular"] = _popular_false_positives(report)
    report["real_imports"] = _real_imports(report)
    return report


def _key(ecosystem: str, name: str) -> str:
    return normalize_pypi(name) if ecosystem == "pypi" else name


def _names_target(verdicts, row) -> bool:
    """Whether a finding tells the user which package the name imitates."""
    target = f"`{_key(row['ecosystem'], row['expected'])}`"
    return any(f.rule_id in ("AIG602", "AIG608") and target in f.message
               for f in verdicts.get((row["ecosystem"], row["name"]), []))


def _import_table_false_positives(rows, report) -> tuple[int, int]:
    """Each labeled import and each module of the table resolves to its distribution with
    no finding; each distribution of the table gets no finding either."""
    snapshot = embedded()
    judge = Judge(snapshot, TyposquatScorer(snapshot), CONFIG, {"pypi": False, "npm": False},
                  {}, "offline mode")
    resolver = Resolver(Project(os.path.join(REPO, "nonexistent-project")), CONFIG)
    modules = {r["name"]: r["expected"] for r in rows if r["label"] == "import"}
    for module, dists in table().rows():
        if PLATFORM not in dists:
            modules.setdefault(module, dists[0])
    wrong = 0
    for module, expected in sorted(modules.items()):
        ref = ImportRef(module, "pypi", Location("x.py", 1, 1, 1, 2), "import")
        subject = resolver.resolve(FileResult("x.py"), ref)
        findings = judge.findings(subject) if subject is not None else []
        expected_dists = table().distributions(module) or (default_distribution(module),)
        if subject is None or normalize_pypi(expected) not in expected_dists or findings:
            wrong += 1
            report["false_positives"].append(f"import {module}: {[f.rule_id for f in findings]}")
    dists = sorted({d for _, ds in table().rows() for d in ds if d != PLATFORM})
    for (_, name), findings in check_names([("pypi", d) for d in dists], CONFIG).items():
        if findings:
            wrong += 1
            report["false_positives"].append(f"{name}: {[f.rule_id for f in findings]}")
    return wrong, len(modules) + len(dists)


def read_real_imports(path: str = REAL_IMPORTS) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle
                if line.strip() and not line.startswith("#")]
    return [(module, dist) for module, dist in rows]


def _real_imports(report) -> tuple[int, int]:
    """Real modules imported plainly (no guard), nothing installed, no manifest: how many
    get a finding at medium severity or above."""
    snapshot = embedded()
    judge = Judge(snapshot, TyposquatScorer(snapshot), CONFIG, {"pypi": False, "npm": False},
                  {}, "offline mode")
    resolver = Resolver(Project(os.path.join(REPO, "nonexistent-project")), CONFIG, installed={})
    rows = read_real_imports()
    flagged = 0
    for module, dist in rows:
        ref = ImportRef(module, "pypi", Location("x.py", 1, 1, 1, 2), "import")
        subject = resolver.resolve(FileResult("x.py"), ref)
        findings = judge.findings(subject) if subject is not None else []
        loud = [f for f in findings if f.severity >= Severity.MEDIUM]
        if loud:
            flagged += 1
            report["false_positives"].append(
                f"import {module} (from {dist}): {[f.rule_id for f in loud]}")
    return flagged, len(rows)


def _popular_false_positives(report) -> tuple[int, int]:
    snapshot = embedded()
    names = [("pypi", n) for n in snapshot.popular("pypi")] + [
        ("npm", n) for n in snapshot.popular("npm")]
    flagged = [(key, found) for key, found in check_names(names, CONFIG).items() if found]
    report["false_positives"] += [f"{name}: {[f.rule_id for f in found]}"
                                  for (_, name), found in flagged[:20]]
    return len(flagged), len(names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args()
    report = score()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    lines = [
        ("hallucinated PyPI names reported (AIG601/602)", report["hallucinated_pypi"]),
        ("hallucinated npm names reported (offline: mostly AIG607)",
         report["hallucinated_npm_flagged"]),
        ("typosquats of popular packages reported (high/critical)", report["typosquat_popular"]),
        ("  ... naming the imitated package", report["typosquat_popular_named"]),
        ("typosquats of other packages reported (high/critical)", report["typosquat_other"]),
        ("  ... naming the imitated package", report["typosquat_other_named"]),
        ("false positives on legitimate names", report["legit"]),
        ("false positives on the import-name table", report["import_table"]),
        ("false positives on the popular names", report["popular"]),
        ("real import names reported at medium+", report["real_imports"]),
    ]
    print(f"snapshot of {embedded().date}, offline")
    for label, (hits, total) in lines:
        print(f"{label:<58} {hits:>5}/{total:<6} {100 * rate(hits, total):6.1f}%")
    if args.verbose:
        print("\nmisses:", *report["misses"], sep="\n  ")
        print("\nfalse positives:", *report["false_positives"], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
