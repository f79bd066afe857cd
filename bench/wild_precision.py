"""Findings per 1,000 lines on real code, against the peers, and a judged sample
(issue 10, item 7).

    python bench/wild_precision.py [--sample 40] [--seed 1] [--report]
                                   [--min-severity medium] [--min-confidence medium]
                                   [--tools aicodeguard,bandit,ruff]

Corpus: the pinned source distributions in PROJECTS (downloaded once with pip into
~/.cache/aicodeguard-bench/wild, or $AICODEGUARD_WILD_CACHE, sha256-checked and
extracted there, outside any git work tree) plus the running interpreter's standard
library with its tests (so its figures follow the Python you run this with).  Each
project is scanned in the same run by aicodeguard (this checkout), bandit and ruff's
`S` rules.  Only Python files count: lines of code are non-blank lines, and a file
is test code when its path relative to the project root has a `test`, `tests` or
`testing` folder or it is named `test_*.py`, `*_test.py` or `conftest.py`; anything
else in an sdist (examples, docs, setup.py) counts as library code.

"Default gate": aicodeguard findings at severity >= --min-severity and confidence >=
--min-confidence (what fails a commit); bandit at medium+ severity and medium+
confidence (`-ll -ii`); ruff, which has no levels, all of its `S` findings.

Judged sample: --sample N findings drawn with --seed from aicodeguard's default-gate
findings in library code (bench/wild_verdicts.py; the draw stays put as the engine
changes).  Verdicts live in bench/wild/verdicts.tsv (true, worth-a-look or false,
with a note); sampled findings without one get an empty row for a person to fill in,
and --report lists them with their context.  Precision = (true + worth-a-look) /
judged.  A sample larger than the population (--sample 1000) judges all of it.
Run by hand, never by the test suite: 3 to 5 minutes on 2 cores, most of it bandit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections import Counter
from dataclasses import dataclass

from wild_verdicts import describe_precision, draw_sample, judge_sample, print_unjudged

CACHE = os.environ.get("AICODEGUARD_WILD_CACHE",
                       os.path.join(os.path.expanduser("~"), ".cache", "aicodeguard-bench", "wild"))

# name, version, what it is, sha256 of the sdist.  Picked by download rank among
# the 15,000 most downloaded packages, one per kind of code an AI assistant writes.
PROJECTS = (
    ("tornado", "6.6.1", "web framework and server",
     "28e6311402af59c8b02e3fa0f5e7d8eb465b25081381803b127d97e6a4395d5a"),
    ("urllib3", "2.8.0", "HTTP client",
     "63bf2ead4c879426ebf22ef2a781eeb4aa3b4ae798a0435506f8687fd5bb9b63"),
    ("click", "8.5.1", "CLI toolkit",
     "9bbfada76703fd1d784b83eea012e3e8c6a001a876543ef104fa56aaaeb072b4"),
    ("peewee", "4.5.3", "ORM, SQL builder",
     "434576afaf806428a01f84af74c42fde59372c4f6a6eba26d9b5372113344a8a"),
    ("paramiko", "5.1.0", "SSH and crypto",
     "239b5f9b2a53006cd54f83cf8495ee742083708ead947882c8dd2786de79f39b"),
    ("huey", "3.5.4", "task queue",
     "328f5a2dd1406621e5edb17d45655ae232ad9f32c0795ca8dc0bfc121dd7b30c"),
    ("mako", "1.4.3", "templating (compiles templates to Python)",
     "cd6537fe88d5fec315c55c2f8529bc4ce7a9a352ad7db3eeaa6a66e2dd4ec37a"),
)
STDLIB = "stdlib"

LEVELS = ("low", "medium", "high", "critical")
TEST_FOLDERS = {"test", "tests", "testing"}
SKIPPED_FOLDERS = {"__pycache__", ".git", ".tox", ".nox", "node_modules", "site-packages"}


@dataclass(frozen=True)
class Corpus:
    project: str
    version: str
    root: str


@dataclass(frozen=True)
class Finding:
    tool: str
    project: str
    path: str  # relative to the project root, "/"-separated
    line: int
    rule_id: str
    severity: str  # one of LEVELS; "" for ruff
    confidence: str  # low, medium, high; "" for ruff
    message: str = ""


# ---- corpus -------------------------------------------------------------------------

def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_sdist(folder: str, name: str, version: str) -> str | None:
    prefix = f"{name}-{version}.".lower().replace("_", "-")
    for entry in sorted(os.listdir(folder)):
        if entry.lower().replace("_", "-").startswith(prefix) \
                and entry.endswith((".tar.gz", ".zip")):
            return os.path.join(folder, entry)
    return None


def download_sdist(name: str, version: str, expected_sha: str) -> str:
    """The pinned sdist, fetched once.  `--no-binary NAME` rather than `:all:`: the
    latter would also force the build backend, needed to read the metadata, to be
    built from source, which takes minutes."""
    folder = os.path.join(CACHE, "sdists")
    os.makedirs(folder, exist_ok=True)
    path = find_sdist(folder, name, version)
    if path is None:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--no-binary", name, f"{name}=={version}", "-d", folder],
                              capture_output=True, text=True)
        path = find_sdist(folder, name, version)
        if done.returncode or path is None:
            sys.exit(f"pip download {name}=={version} failed:\n{done.stderr}")
    actual = sha256_of(path)
    if actual != expected_sha:
        sys.exit(f"{os.path.basename(path)}: sha256 {actual}, pinned {expected_sha}")
    return path


def extract(archive: str, destination: str) -> None:
    staging = tempfile.mkdtemp(dir=os.path.dirname(destination))
    if archive.endswith(".zip"):
        shutil.unpack_archive(archive, staging, "zip")
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
    entries = os.listdir(staging)
    top = os.path.join(staging, entries[0]) if len(entries) == 1 else staging
    os.replace(top, destination)
    shutil.rmtree(staging, ignore_errors=True)


def project_corpus(name: str, version: str, sha: str) -> Corpus:
    root = os.path.join(CACHE, "src", f"{name}-{version}")
    if not os.path.isdir(root):
        os.makedirs(os.path.dirname(root), exist_ok=True)
        extract(download_sdist(name, version, sha), root)
    return Corpus(name, version, root)


def stdlib_corpus() -> Corpus:
    """The running interpreter's standard library, tests included, without site-packages:
    its Python files copied once (the original folder holds the installed packages)."""
    version = ".".join(map(str, sys.version_info[:3]))
    root = os.path.join(CACHE, "src", f"{STDLIB}-{version}")
    if not os.path.isdir(root):
        staging = tempfile.mkdtemp(dir=os.path.join(CACHE, "src"))
        source = sysconfig.get_paths()["stdlib"]
        for relative in python_files(source):
            target = os.path.join(staging, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(os.path.join(source, relative), target)
        os.replace(staging, root)
    return Corpus(STDLIB, version, root)


def corpora() -> list[Corpus]:
    os.makedirs(os.path.join(CACHE, "src"), exist_ok=True)
    return [project_corpus(*entry[:2], entry[3]) for entry in PROJECTS] + [stdlib_corpus()]


# ---- files and lines ----------------------------------------------------------------

def python_files(root: str) -> list[str]:
    """Python files under `root`, relative and "/"-separated, sorted."""
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = [f for f in folders if f not in SKIPPED_FOLDERS]
        relative = os.path.relpath(folder, root)
        for name in files:
            if name.endswith(".py"):
                found.append(os.path.normpath(os.path.join(relative, name)).replace(os.sep, "/"))
    return sorted(found)


def is_test_path(relative: str) -> bool:
    *folders, name = relative.split("/")
    return bool(TEST_FOLDERS.intersection(folders)) or name == "conftest.py" \
        or (name.startswith("test_") or name.endswith("_test.py"))


def kind_of(relative: str) -> str:
    return "tests" if is_test_path(relative) else "library"


def lines_of_code(corpus: Corpus) -> Counter:
    """Non-blank lines per kind ("library", "tests")."""
    lines: Counter = Counter()
    for relative in python_files(corpus.root):
        with open(os.path.join(corpus.root, relative), "rb") as handle:
            lines[kind_of(relative)] += sum(1 for line in handle if line.strip())
    return lines


# ---- tools --------------------------------------------------------------------------

def tool_command(name: str) -> str:
    beside = os.path.join(os.path.dirname(sys.executable), name)
    found = beside if os.path.exists(beside) else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed (pip install {name})")
    return found


def run_json(command: list[str], cwd: str, output: str | None = None, ok=(0,)):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode not in ok or (output and not os.path.exists(output)):
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    if output is None:
        return json.loads(done.stdout)
    with open(output, encoding="utf-8") as handle:
        return json.load(handle)


def relative_to_root(path: str, root: str) -> str:
    path = os.path.relpath(os.path.join(root, path), root)
    return path.replace(os.sep, "/")


def scan_aicodeguard(corpus: Corpus, scratch: str) -> list[Finding]:
    output = os.path.join(scratch, "aicodeguard.json")
    # Exit status 2 with a report: some files could not be checked (the standard
    # library's deliberately broken test files); each is an error note in the report.
    report = run_json([tool_command("aicodeguard"), "scan", "--offline", "--no-cache",
                       "--exit-zero", "-f", "json", "-o", output, "."], corpus.root, output,
                      ok=(0, 2))
    return [Finding("aicodeguard", corpus.project, relative_to_root(f["location"]["path"], corpus.root),
                    f["location"]["line"], f["rule_id"], f["severity"], f["confidence"],
                    f["message"])
            for f in report["findings"]]


def scan_bandit(corpus: Corpus, scratch: str) -> list[Finding]:
    output = os.path.join(scratch, "bandit.json")
    # --ini to an empty file: a project's own .bandit settings must not apply.
    empty_ini = os.path.join(scratch, "empty.bandit")
    open(empty_ini, "w").close()
    report = run_json([tool_command("bandit"), "-r", "-f", "json", "-q", "--ini", empty_ini,
                       "-o", output, "."], corpus.root, output, ok=(0, 1))
    return [Finding("bandit", corpus.project, relative_to_root(r["filename"], corpus.root), r["line_number"],
                    r["test_id"], r["issue_severity"].lower(), r["issue_confidence"].lower())
            for r in report["results"]]


def scan_ruff(corpus: Corpus, scratch: str) -> list[Finding]:
    report = run_json([tool_command("ruff"), "check", "--isolated", "--select", "S",
                       "--output-format", "json", "--no-cache", "--exit-zero", "."], corpus.root)
    return [Finding("ruff", corpus.project, relative_to_root(r["filename"], corpus.root),
                    r["location"]["row"], r["code"], "", "")
            for r in report if r.get("code")]  # syntax errors have no code


SCANNERS = {"aicodeguard": scan_aicodeguard, "bandit": scan_bandit, "ruff": scan_ruff}


def scan_all(corpus: Corpus, tools: list[str], seconds: Counter,
             other_files: Counter) -> list[Finding]:
    """Each tool's findings in Python files; what aicodeguard finds in other files
    (JavaScript, configuration, ...), which the peers do not read, is only counted."""
    findings = []
    with tempfile.TemporaryDirectory(prefix="wild-") as scratch:
        for tool in tools:
            start = time.perf_counter()
            for finding in SCANNERS[tool](corpus, scratch):
                if finding.path.endswith(".py"):
                    findings.append(finding)
                else:
                    other_files[tool] += 1
            seconds[tool] += time.perf_counter() - start
    return findings


# ---- the gate and the tables ----------------------------------------------------------

def at_least(level: str, floor: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(floor)


def at_default_gate(finding: Finding, min_severity: str, min_confidence: str) -> bool:
    if finding.tool == "ruff":
        return True
    if finding.tool == "bandit":
        min_severity, min_confidence = "medium", "medium"
    return (finding.severity in LEVELS and finding.confidence in LEVELS
            and at_least(finding.severity, min_severity)
            and at_least(finding.confidence, min_confidence))


def per_kloc(count: int, lines: int) -> float:
    return 1000 * count / lines if lines else 0.0


def cell(count: int, lines: int) -> str:
    return f"{per_kloc(count, lines):7.2f} ({count:>5})"


def print_tool_table(tool: str, findings: list[Finding], lines: Counter, gate) -> None:
    mine = [f for f in findings if f.tool == tool]
    rows: list[tuple[str, object]] = [("all findings", lambda f: True)]
    if tool != "ruff":
        levels = LEVELS if tool == "aicodeguard" else LEVELS[:3]
        rows += [(f"severity {level}", lambda f, v=level: f.severity == v) for level in levels]
        rows += [(f"confidence {level}", lambda f, v=level: f.confidence == v)
                 for level in LEVELS[:3]]
    rows.append(("default gate", gate))
    print(f"\n## {tool}: findings per 1,000 lines (count)")
    print(f"{'':<20} {'library':>15} {'tests':>15}")
    for label, test in rows:
        cells = [cell(sum(1 for f in mine if kind_of(f.path) == kind and test(f)), lines[kind])
                 for kind in ("library", "tests")]
        print(f"{label:<20} {cells[0]:>15} {cells[1]:>15}")


def print_project_table(corpus_list, lines_by_project, findings, tools, gate) -> None:
    print("\n## library code, default gate, per project: findings per 1,000 lines")
    print(f"{'project':<18} {'library LOC':>11} {'tests LOC':>10} "
          + " ".join(f"{tool:>11}" for tool in tools))
    for corpus in corpus_list:
        lines = lines_by_project[corpus.project]
        counts = [sum(1 for f in findings if f.tool == tool and f.project == corpus.project
                      and kind_of(f.path) == "library" and gate(f)) for tool in tools]
        print(f"{corpus.project + ' ' + corpus.version:<18} {lines['library']:>11,} "
              f"{lines['tests']:>10,} "
              + " ".join(f"{per_kloc(c, lines['library']):>11.2f}" for c in counts))


def rule_counts(findings: list[Finding], gate) -> None:
    counts = Counter(f.rule_id for f in findings if f.tool == "aicodeguard"
                     and kind_of(f.path) == "library" and gate(f))
    print("\n## aicodeguard rules at the default gate in library code: "
          + ", ".join(f"{rule} {count}" for rule, count in counts.most_common()))


# ---- main -----------------------------------------------------------------------------

def summary_lines(findings, lines: Counter, tools, gate, corpus_list) -> None:
    names = ", ".join(f"{c.project} {c.version}" for c in corpus_list)
    print(f"\n## For the README ({names})")
    print(f"wild code, Python lines of code (non-blank): library {lines['library']:,}, "
          f"tests {lines['tests']:,}")
    for kind, label in (("library", "library code"), ("tests", "tests")):
        for gated, what in ((True, "default gate"), (False, "all findings")):
            figures = []
            for tool in tools:
                count = sum(1 for f in findings if f.tool == tool and kind_of(f.path) == kind
                            and (gate(f) or not gated))
                figures.append(f"{tool} {per_kloc(count, lines[kind]):.2f}/kLOC")
            print(f"{label}, {what}: " + ", ".join(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40, metavar="N",
                        help="size of the judged sample (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", action="store_true",
                        help="list the sampled findings that have no verdict yet")
    parser.add_argument("--min-severity", choices=LEVELS, default="medium")
    parser.add_argument("--min-confidence", choices=LEVELS[:3], default="medium")
    parser.add_argument("--tools", default="aicodeguard,bandit,ruff",
                        help="comma-separated subset of aicodeguard,bandit,ruff")
    args = parser.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    if "aicodeguard" not in tools or set(tools) - set(SCANNERS):
        parser.error("--tools: aicodeguard plus any of bandit, ruff")

    def gate(finding: Finding) -> bool:
        return at_default_gate(finding, args.min_severity, args.min_confidence)

    corpus_list = corpora()
    findings: list[Finding] = []
    lines_by_project: dict[str, Counter] = {}
    seconds: Counter = Counter()
    other_files: Counter = Counter()
    for corpus in corpus_list:
        lines_by_project[corpus.project] = lines_of_code(corpus)
        findings += scan_all(corpus, tools, seconds, other_files)
    lines = sum(lines_by_project.values(), Counter())

    print(f"default gate: aicodeguard severity >= {args.min_severity} and confidence >= "
          f"{args.min_confidence}; bandit medium+/medium+; ruff all")
    print("scan time: " + ", ".join(f"{tool} {seconds[tool]:.1f} s" for tool in tools))
    print("findings outside Python files, not counted below: "
          + ", ".join(f"{tool} {other_files[tool]}" for tool in tools))
    print_project_table(corpus_list, lines_by_project, findings, tools, gate)
    for tool in tools:
        print_tool_table(tool, findings, lines, gate)
    rule_counts(findings, gate)
    precision_line = ""
    if args.sample:
        corpus_by_name = {c.project: c for c in corpus_list}
        population = [f for f in findings if f.tool == "aicodeguard"
                      and kind_of(f.path) == "library" and gate(f)]
        sample = draw_sample(population, corpus_by_name, args.sample, args.seed)
        verdicts, unjudged = judge_sample(sample, corpus_by_name)
        if args.report and unjudged:
            print_unjudged(unjudged, corpus_by_name)
        precision_line = describe_precision(verdicts, len(unjudged), len(sample), args.seed)
    summary_lines(findings, lines, tools, gate, corpus_list)
    if precision_line:
        print(precision_line)

if __name__ == "__main__":
    main()
