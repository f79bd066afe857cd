"""Recall and precision on bench/corpus/: code written apart from the rules.

    python bench/corpus_accuracy.py [--tools aicodeguard,bandit,ruff,semgrep] [--show]

The corpus is assistant-style code (Flask, FastAPI and Express handlers, CLI scripts,
LLM-app code): each task twice, a vulnerable version and a fixed one, written and
labelled in bench/corpus/labels.tsv before any tool was run on it. A label is a line (or
an inclusive range `a-b` holding one statement) with the CWE ids accepted for it, or
`none` for the fixed twin's corresponding line; every line not listed must stay quiet.

Each tool runs once over the corpus at its default settings (aicodeguard `scan
--offline` without its dependency rules AIG6xx, which need a manifest the corpus does
not have; bandit `-r`; `ruff --select S`; semgrep `--config auto` only when installed)
and is scored on the lines it flags:

  recall     labelled vulnerable lines flagged / labelled vulnerable lines
  precision  flagged lines that are labelled vulnerable / flagged lines
  "CWE" columns count a flag only when one of its findings carries an accepted CWE
  (aicodeguard: the rule's CWE; bandit: `issue_cwe`; ruff: RUFF_CWE below, taken from
  the bandit check each `S` code ports; semgrep: the rule's `cwe` metadata); "line"
  columns count any finding.

Bandit and ruff read Python only; their rows cover the Python half. Not run by the
test suite (tests/test_accuracy_corpus.py checks the labels, not the tools).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "bench", "corpus")
LABELS = os.path.join(CORPUS, "labels.tsv")
sys.path.insert(0, REPO)

# ruff's flake8-bandit codes have no CWE in its output; S<nnn> ports bandit's B<nnn>, so
# each takes the CWE bandit's check reports.
RUFF_CWE = {
    "S101": 703, "S102": 78, "S103": 732, "S104": 605, "S105": 259, "S106": 259, "S107": 259,
    "S108": 377, "S110": 703, "S112": 703, "S113": 400, "S201": 94, "S202": 22, "S301": 502,
    "S302": 502, "S303": 327, "S304": 327, "S305": 327, "S306": 377, "S307": 78, "S308": 79,
    "S310": 22, "S311": 330, "S312": 319, "S313": 20, "S314": 20, "S315": 20, "S316": 20,
    "S317": 20, "S318": 20, "S319": 20, "S320": 20, "S321": 319, "S323": 295, "S324": 327,
    "S401": 319, "S402": 319, "S403": 502, "S404": 78, "S405": 20, "S406": 20, "S407": 20,
    "S408": 20, "S409": 20, "S410": 20, "S411": 20, "S412": 20, "S413": 327, "S415": 319,
    "S501": 295, "S502": 327, "S503": 327, "S504": 327, "S505": 326, "S506": 20, "S507": 295,
    "S508": 319, "S509": 319, "S601": 78, "S602": 78, "S603": 78, "S604": 78, "S605": 78,
    "S606": 78, "S607": 78, "S608": 89, "S609": 78, "S610": 89, "S611": 89, "S612": 94,
    "S701": 94, "S702": 80, "S704": 79,
}
DEPENDENCY_RULES = ("AIG6",)
PEER_LANGUAGES = {"aicodeguard": (".py", ".js"), "bandit": (".py",), "ruff": (".py",),
                  "semgrep": (".py", ".js")}


@dataclass(frozen=True)
class Label:
    path: str  # relative to the corpus, "/"-separated
    first: int
    last: int
    cwes: frozenset[int]  # empty: `none`


@dataclass(frozen=True)
class Flag:
    path: str
    line: int
    rule: str
    cwes: frozenset[int]


def read_labels(path: str = LABELS) -> list[Label]:
    labels = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                raise ValueError(f"{path}:{number}: expected file, line, cwe: {line!r}")
            name, span, cwe = fields
            match = re.fullmatch(r"(\d+)(?:-(\d+))?", span)
            if not match:
                raise ValueError(f"{path}:{number}: bad line {span!r}")
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if cwe == "none":
                cwes: frozenset[int] = frozenset()
            elif re.fullmatch(r"\d+(\|\d+)*", cwe):
                cwes = frozenset(int(part) for part in cwe.split("|"))
            else:
                raise ValueError(f"{path}:{number}: bad cwe {cwe!r}")
            if last < first:
                raise ValueError(f"{path}:{number}: empty range {span!r}")
            labels.append(Label(name, first, last, cwes))
    return labels


def corpus_files() -> list[str]:
    found = []
    for folder, _, files in os.walk(CORPUS):
        for name in files:
            if name.endswith((".py", ".js")):
                found.append(os.path.relpath(os.path.join(folder, name), CORPUS)
                             .replace(os.sep, "/"))
    return sorted(found)


def _run_json(command: list[str], cwd: str, ok=(0, 1)):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _tool(name: str) -> str | None:
    local = os.path.join(os.path.dirname(sys.executable), name)
    return local if os.path.exists(local) else shutil.which(name)


def scan_aicodeguard(scratch: str) -> list[Flag]:
    from aicodeguard.rules import ALL_RULES
    cwe = {rule.id: frozenset(rule.cwe) for rule in ALL_RULES}
    output = os.path.join(scratch, "aicodeguard.json")
    subprocess.run([sys.executable, "-m", "aicodeguard", "scan", "--offline", "--no-cache",
                    "--exit-zero", "-f", "json", "-o", output, "."], cwd=CORPUS, check=True,
                   capture_output=True)
    with open(output, encoding="utf-8") as handle:
        report = json.load(handle)
    flags = [Flag(_relative(f["location"]["path"]), f["location"]["line"], f["rule_id"],
                  cwe.get(f["rule_id"], frozenset())) for f in report["findings"]]
    # The dependency rules judge manifests, not lines of code, and the corpus has no
    # manifest: every third-party import would read "undeclared" (AIG604). Left out, and
    # counted, as the peers have no such checks.
    left_out = [flag for flag in flags if flag.rule.startswith(DEPENDENCY_RULES)]
    if left_out:
        print(f"aicodeguard: {len(left_out)} dependency findings (AIG6xx) left out")
    return [flag for flag in flags if not flag.rule.startswith(DEPENDENCY_RULES)]


def scan_bandit(scratch: str) -> list[Flag]:
    empty_ini = os.path.join(scratch, "empty.bandit")  # no project settings apply
    open(empty_ini, "w").close()
    report = _run_json([_tool("bandit"), "-r", "-f", "json", "-q", "--ini", empty_ini, "."],
                       CORPUS)
    return [Flag(_relative(r["filename"]), r["line_number"], r["test_id"],
                 frozenset({r["issue_cwe"]["id"]}) if r.get("issue_cwe") else frozenset())
            for r in report["results"]]


def scan_ruff(scratch: str) -> list[Flag]:
    report = _run_json([_tool("ruff"), "check", "--isolated", "--select", "S",
                        "--output-format", "json", "--no-cache", "--exit-zero", "."], CORPUS)
    return [Flag(_relative(r["filename"]), r["location"]["row"], r["code"],
                 frozenset({RUFF_CWE[r["code"]]}) if r["code"] in RUFF_CWE else frozenset())
            for r in report if r.get("code")]


def scan_semgrep(scratch: str) -> list[Flag]:
    report = _run_json([_tool("semgrep"), "scan", "--config", "auto", "--json", "--quiet",
                        "--metrics", "off", "."], CORPUS)
    flags = []
    for result in report["results"]:
        cwes = result.get("extra", {}).get("metadata", {}).get("cwe", [])
        cwes = [cwes] if isinstance(cwes, str) else cwes
        ids = frozenset(int(m.group(1)) for c in cwes if (m := re.search(r"CWE-(\d+)", c)))
        flags.append(Flag(_relative(result["path"]), result["start"]["line"],
                          result["check_id"].rpartition(".")[2], ids))
    return flags


SCANNERS = {"aicodeguard": scan_aicodeguard, "bandit": scan_bandit, "ruff": scan_ruff,
            "semgrep": scan_semgrep}


def _relative(path: str) -> str:
    return os.path.relpath(os.path.join(CORPUS, path), CORPUS).replace(os.sep, "/")


def score(labels: list[Label], flags: list[Flag], suffixes: tuple[str, ...]):
    """Counts for one tool over the files with these suffixes."""
    positives = [label for label in labels if label.cwes and label.path.endswith(suffixes)]
    by_line: dict[tuple[str, int], list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.path.endswith(suffixes):
            by_line[(flag.path, flag.line)].append(flag)

    def case_of(path: str, line: int) -> Label | None:
        for label in positives:
            if label.path == path and label.first <= line <= label.last:
                return label
        return None

    counts = defaultdict(int)
    counts["positives"] = len(positives)
    for label in positives:
        hits = [f for (path, line), found in by_line.items() if path == label.path
                and label.first <= line <= label.last for f in found]
        counts["recall line"] += bool(hits)
        counts["recall cwe"] += any(f.cwes & label.cwes for f in hits)
    fixed_twins = {(label.path, line) for label in labels if not label.cwes
                   for line in range(label.first, label.last + 1)}
    for (path, line), found in by_line.items():
        counts["flagged"] += 1
        case = case_of(path, line)
        counts["right line"] += case is not None
        counts["right cwe"] += case is not None and any(f.cwes & case.cwes for f in found)
        counts["on fixed twin"] += (path, line) in fixed_twins
    return counts


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="aicodeguard,bandit,ruff,semgrep")
    parser.add_argument("--show", action="store_true", help="list every flagged line")
    options = parser.parse_args()
    labels = read_labels()
    tools = []
    for tool in options.tools.split(","):
        if tool != "aicodeguard" and not _tool(tool):
            print(f"{tool}: not installed, skipped")
            continue
        tools.append(tool)
    files = corpus_files()
    print(f"corpus: {len(files)} files, {sum(bool(label.cwes) for label in labels)} "
          f"labelled vulnerable lines, {sum(not label.cwes for label in labels)} fixed twins")
    header = (f"{'tool':<12} {'files':<10} {'vuln':>4} {'recall':>7} {'recall':>7} "
              f"{'flagged':>7} {'precision':>9} {'precision':>9} {'on fixed':>8}")
    with tempfile.TemporaryDirectory(prefix="corpus-accuracy-") as scratch:
        found = {tool: SCANNERS[tool](scratch) for tool in tools}
    print(header)
    print(f"{'':<12} {'':<10} {'':>4} {'line':>7} {'CWE':>7} {'lines':>7} {'line':>9} "
          f"{'CWE':>9} {'twin':>8}")
    for tool, flags in found.items():
        for suffix, language in ((".py", "Python"), (".js", "JavaScript")):
            if suffix not in PEER_LANGUAGES[tool]:
                continue
            c = score(labels, flags, (suffix,))
            print(f"{tool:<12} {language:<10} {c['positives']:>4} "
                  f"{ratio(c['recall line'], c['positives']):>7} "
                  f"{ratio(c['recall cwe'], c['positives']):>7} {c['flagged']:>7} "
                  f"{ratio(c['right line'], c['flagged']):>9} "
                  f"{ratio(c['right cwe'], c['flagged']):>9} {c['on fixed twin']:>8}")
    if options.show:
        for tool, flags in found.items():
            for flag in sorted(flags, key=lambda f: (f.path, f.line, f.rule)):
                cwes = ",".join(str(c) for c in sorted(flag.cwes)) or "-"
                print(f"{tool:<12} {flag.path}:{flag.line} {flag.rule} CWE {cwes}")

if __name__ == "__main__":
    main()
