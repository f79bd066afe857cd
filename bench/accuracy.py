"""Agreement with the rule authors' own cases: the rule fixtures scored as a corpus.

    python bench/accuracy.py

These figures measure how well the rules agree with the cases their authors wrote for
them, not accuracy on unseen code (the fixtures were written with the rules, and the
fixture test holds them to pass): see bench/corpus_accuracy.py for code written apart
from the rules. The cases are every rule fixture under tests/fixtures/: a line marked
`expect: ID` (or `todo-expect: ID`, a known miss) is a positive for ID; a line
marked `ok: ID` (or `todo-ok: ID`, a known false alarm) is a labeled safe
look-alike; any finding on a line not expecting it counts as a false positive.
Known misses and known false alarms count against the scores: the figures are
honest, not the fixture test's pass/fail.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from aicodeguard.engine import analyze_source, languages_with_rules  # noqa: E402
from aicodeguard.languages import language_for_name  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "tests", "fixtures")
# As tests/test_rule_fixtures.py: ids, each optionally with `severity[/confidence]`.
LEVEL = r"(?:low|medium|high|critical)"
ITEM = rf"[A-Z]+[0-9]+(?:[ \t]+{LEVEL}(?:/{LEVEL})?)?"
MARKER = re.compile(r"(?:#|//|<!--|/\*|;)\s*(todo-expect|todo-ok|expect|ok):\s*"
                    rf"({ITEM}(?:\s*,\s*{ITEM})*)")
FAMILY = {"python": "Python", "javascript": "JS/TS", "typescript": "JS/TS", "tsx": "JS/TS"}


def labels(path: str):
    positives: dict[int, set[str]] = defaultdict(set)
    negatives: dict[int, set[str]] = defaultdict(set)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            for kind, ids in MARKER.findall(line):
                target = positives if kind.endswith("expect") else negatives
                target[number].update(i.split()[0] for i in ids.split(",") if i.strip())
    return positives, negatives


def main() -> None:
    totals = defaultdict(lambda: defaultdict(int))
    for folder, _, files in os.walk(FIXTURES):
        for name in sorted(files):
            path = os.path.join(folder, name)
            language = language_for_name(path)
            if language not in languages_with_rules():
                continue
            with open(path, "rb") as handle:
                result = analyze_source(name, handle.read(), language)
            found: dict[int, set[str]] = defaultdict(set)
            for finding in result.findings:
                found[finding.location.line].add(finding.rule_id)
            positives, negatives = labels(path)
            score = totals[FAMILY.get(language, language)]
            score["labeled lines"] += len(set(positives) | set(negatives))
            for line, ids in positives.items():
                score["tp"] += len(ids & found[line])
                score["fn"] += len(ids - found[line])
            for line, ids in found.items():
                score["fp"] += len(ids - positives.get(line, set()))
    print("agreement with the rule authors' own cases (tests/fixtures), not accuracy on "
          "unseen code")
    print(f"{'language':<8} {'labeled':>8} {'TP':>5} {'FN':>5} {'FP':>5} {'recall':>7} "
          f"{'precision':>9}")
    for family, score in sorted(totals.items()):
        tp, fn, fp = score["tp"], score["fn"], score["fp"]
        recall = tp / (tp + fn) if tp + fn else 0.0
        precision = tp / (tp + fp) if tp + fp else 0.0
        print(f"{family:<8} {score['labeled lines']:>8} {tp:>5} {fn:>5} {fp:>5} "
              f"{recall:>7.3f} {precision:>9.3f}")


if __name__ == "__main__":
    main()
