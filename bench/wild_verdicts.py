"""The judged sample of bench/wild_precision.py: drawing it, and the verdict file.

bench/wild/verdicts.tsv holds one row per judged finding: project, version, path,
line, rule_id, line_sha, verdict (true, worth-a-look or false), note, flagged_line.
A row is found again by project, path, rule and `line_sha` (a hash of the stripped
flagged line), never by line number, so verdicts survive line shifts and new
versions; two findings of one rule on identical lines of one file share a row.
Rows are kept when a finding leaves the sample: they count again if it returns.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter

VERDICTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wild", "verdicts.tsv")
VERDICT_CHOICES = ("true", "worth-a-look", "false")
VERDICT_COLUMNS = ("project", "version", "path", "line", "rule_id", "line_sha", "verdict",
                   "note", "flagged_line")


def flagged_text(root: str, path: str, line: int, context: int = 0) -> list[str]:
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    return lines[max(line - 1 - context, 0):line + context]


def line_sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def read_verdicts() -> dict[tuple, dict]:
    rows = {}
    if os.path.exists(VERDICTS):
        with open(VERDICTS, encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            for raw in handle:
                row = dict(zip(header, raw.rstrip("\n").split("\t")))
                rows[(row["project"], row["path"], row["rule_id"], row["line_sha"])] = row
    return rows


def write_verdicts(rows: dict[tuple, dict]) -> None:
    os.makedirs(os.path.dirname(VERDICTS), exist_ok=True)
    ordered = sorted(rows.values(), key=lambda r: (r["project"], r["path"], int(r["line"]),
                                                   r["rule_id"]))
    with open(VERDICTS, "w", encoding="utf-8") as handle:
        handle.write("\t".join(VERDICT_COLUMNS) + "\n")
        for row in ordered:
            handle.write("\t".join(" ".join(str(row.get(c, "")).split())
                                   for c in VERDICT_COLUMNS) + "\n")


def flagged_line(root: str, path: str, line: int) -> str:
    return (flagged_text(root, path, line) or [""])[0]


def verdict_key(finding, root: str) -> tuple[str, str, str, str]:
    text = flagged_line(root, finding.path, finding.line)
    return finding.project, finding.path, finding.rule_id, line_sha(text)


def draw_sample(population, corpus_by_name, size: int, seed: int) -> list:
    """The `size` findings whose seeded hash of the verdict key is smallest: a random
    sample that stays put when the engine adds or drops other findings or lines move,
    so earlier verdicts keep counting (a plain `random.sample` would redraw it all)."""
    population = sorted(set(population),
                        key=lambda f: (f.project, f.path, f.line, f.rule_id, f.message))

    def rank(finding) -> str:
        key = "\t".join(verdict_key(finding, corpus_by_name[finding.project].root))
        return hashlib.sha256(f"{seed}\t{key}".encode()).hexdigest()

    return sorted(population, key=rank)[:size]


def judge_sample(sample, corpus_by_name) -> tuple[Counter, list]:
    """Match the sample with the verdict file, add empty rows for new findings, and
    count the verdicts; also returns the unjudged findings."""
    rows = read_verdicts()
    verdicts: Counter = Counter()
    unjudged = []
    for finding in sample:
        corpus = corpus_by_name[finding.project]
        key = verdict_key(finding, corpus.root)
        row = rows.setdefault(key, {"verdict": "", "note": ""})
        row.update(project=finding.project, version=corpus.version, path=finding.path,
                   line=finding.line, rule_id=finding.rule_id, line_sha=key[3],
                   flagged_line=flagged_line(corpus.root, finding.path, finding.line)
                   .strip()[:160])
        if row["verdict"] in VERDICT_CHOICES:
            verdicts[row["verdict"]] += 1
        else:
            unjudged.append(finding)
    write_verdicts(rows)
    return verdicts, unjudged


def print_unjudged(unjudged, corpus_by_name) -> None:
    """Each unjudged finding with its message and two lines of context, for a person."""
    print(f"\n## {len(unjudged)} sampled findings without a verdict (fill in {VERDICTS})")
    for finding in unjudged:
        root = corpus_by_name[finding.project].root
        print(f"\n{finding.project} {finding.path}:{finding.line} {finding.rule_id} "
              f"({finding.severity}/{finding.confidence}): {finding.message}")
        first = max(finding.line - 2, 1)
        for number, text in enumerate(flagged_text(root, finding.path, finding.line, 2),
                                      start=first):
            print(f"{'>' if number == finding.line else ' '} {number:>6} | {text}")


def describe_precision(verdicts: Counter, unjudged: int, sampled: int, seed: int) -> str:
    judged = sum(verdicts.values())
    positive = verdicts["true"] + verdicts["worth-a-look"]
    precision = f"{positive / judged:.2f}" if judged else "n/a"
    return (f"aicodeguard precision at the default gate, library code: {precision} "
            f"({positive} of {judged} judged findings true or worth a look: "
            f"{verdicts['true']} true, {verdicts['worth-a-look']} worth a look, "
            f"{verdicts['false']} false; seeded sample of {sampled}, seed {seed}"
            + (f", {unjudged} not judged yet" if unjudged else "") + ")")
