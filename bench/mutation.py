"""Mutation testing of a few rule modules against the fixture test, with mutmut.

    python bench/mutation.py [--jobs 2] [--keep] [--all] > docs/mutation.md
    python bench/mutation.py --from WORK      # report again on a run kept with --keep

Copies the package and tests to a temporary folder (mutmut writes a `mutants/` tree and
its own `setup.cfg` there, never in the checkout), runs `mutmut run` on the modules in
MODULES with the tests in TESTS, and prints a Markdown page: the figures, then every
surviving mutant grouped by its reason.  A survivor is a change to a rule that no test
notices: an equivalent mutant, a change to message text, or a missing `expect:`/`ok:`
line.  Reasons are rows of bench/mutation_reasons.tsv; a survivor no row explains is
listed first, with its diff.  Not run in CI (minutes, not seconds); needs
`pip install mutmut` (3.x: it mutates undecorated functions only, so the `@on...` checks
themselves and module-level sink and sanitiser tables are not mutated).
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
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Rule modules with exemptions (sanitisers, safe shapes, fallbacks) worth pinning down.
MODULES = (
    "aicodeguard/rules/python/injection_shell.py",
    "aicodeguard/rules/python/injection_queries.py",
    "aicodeguard/rules/python/secrets.py",
    "aicodeguard/rules/python/tls.py",
)
TESTS = ("tests/test_rule_fixtures.py", "tests/test_fix.py")
# Reads the repository's hook files (not copied): nothing to do with the rule modules.
NOT_RUN = ("tests/test_fix.py::test_pre_commit_hooks_do_not_fix",)
REASONS = os.path.join(REPO, "bench", "mutation_reasons.tsv")
SETUP_CFG = """[mutmut]
source_paths = aicodeguard
only_mutate =
{only}
pytest_add_cli_args_test_selection = {test}
"""


# The fixture test caches each file's findings (`analyze_fixture`) for its two tests. Under
# mutmut that cache would hide calls: it runs pytest several times in one process and forks
# each mutant's run from it (every mutant would see the unmutated findings), and it records
# which tests reach a function from calls it sees (the severity test, served from the cache,
# would never be run against a mutant).  So every test analyzes its file afresh.  Appended
# to the copy's tests/conftest.py only.
FRESH_CACHE_HOOK = """

def pytest_runtest_setup(item):
    \"\"\"Added by bench/mutation.py: every test analyzes its fixture file afresh.\"\"\"
    fixtures = sys.modules.get("tests.test_rule_fixtures")
    if fixtures is not None:
        fixtures.analyze_fixture.cache_clear()
"""


def copy_tree(target: str) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", ".mypy_cache")
    for name in ("aicodeguard", "tests"):
        shutil.copytree(os.path.join(REPO, name), os.path.join(target, name), ignore=ignore)
    # Without pyproject's [tool.pytest.ini_options] the fixture test still runs; keep it
    # for the same options, and mutmut reads setup.cfg since pyproject has no [tool.mutmut].
    shutil.copy(os.path.join(REPO, "pyproject.toml"), target)
    with open(os.path.join(target, "tests", "conftest.py"), "a", encoding="utf-8") as handle:
        handle.write(FRESH_CACHE_HOOK)


def write_setup_cfg(target: str, left_out: list[str]) -> None:
    only = "\n".join(f"    {path}" for path in MODULES)
    tests = "\n".join([*TESTS, *(f"--deselect={test}" for test in (*NOT_RUN, *left_out))])
    with open(os.path.join(target, "setup.cfg"), "w", encoding="utf-8") as handle:
        handle.write(SETUP_CFG.format(only=only, test=tests.replace("\n", "\n    ")))


def failing_before(work: str) -> list[str]:
    """Tests that fail on the unmutated copy (a change still in progress in the checkout):
    mutmut refuses to start with any, so they are left out of the run and named."""
    command = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *TESTS,
               *(f"--deselect={test}" for test in NOT_RUN)]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return re.findall(r"^FAILED (\S+)", done.stdout, re.MULTILINE)


def mutmut(work: str, *args: str, check: bool = True) -> str:
    command = [os.path.join(os.path.dirname(sys.executable), "mutmut"), *args]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if check and done.returncode != 0:
        sys.exit(f"mutmut {' '.join(args)} failed ({done.returncode}):\n"
                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# Runs inside the work folder: mutmut 3 has no command that prints every survivor's diff,
# and `mutmut show` per mutant costs a second each.
LIST_MUTANTS = """
import json
from mutmut.__main__ import (SourceFileMutationData, get_diff_for_mutant, status_by_exit_code,
                             walk_mutatable_files)
found = []
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name, code in sorted(data.exit_code_by_key.items()):
        status = status_by_exit_code[code]
        diff = get_diff_for_mutant(name, path=data.path) if status != "killed" else ""
        found.append([name, status, diff])
print(json.dumps(found))
"""
RUN_NOTE = "bench-mutation-run.json"  # the run's figures, kept beside mutmut's own files
MESSAGE_TEXT = ("message text only: the fixture test compares rule id, line, severity and "
                "confidence, not messages")
NO_REASON = "NO REASON YET: add a fixture line that kills it, or a row to " \
    "bench/mutation_reasons.tsv"
OTHER_STATUS = {"timeout": "timeout: the mutant made the tests run past mutmut's time limit "
                             "(a loop that no longer ends), so it did not go unnoticed"}
# A changed string literal with two words in it is prose (a message, a fix title).
_PROSE = re.compile(r"\w\s+\W*\w")


def load_reasons(path: str = REASONS) -> list[tuple[str, re.Pattern | None, str]]:
    """Rows of (function or `*`, regex over the mutant's diff lines or `*`, reason); the
    first row that matches a survivor gives its reason."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            function, pattern, reason = line.rstrip("\n").split("\t")
            rows.append((function, None if pattern == "*" else re.compile(pattern, re.M),
                         reason))
    return rows


def function_of(name: str) -> str:
    """`aicodeguard.rules.python.tls.x__is_http_call__mutmut_8` -> `tls._is_http_call`."""
    module, _, mangled = name.rpartition(".")
    return f"{module.rpartition('.')[2]}.{mangled.removeprefix('x_').rpartition('__mutmut_')[0]}"


def diff_body(diff: str) -> str:
    return "\n".join(line for line in diff.splitlines()
                     if line.startswith(("-", "+")) and not line.startswith(("---", "+++")))


def tokens(lines: list[str]) -> list[tuple[bool, str]]:
    """(is a string literal, text) per token of the diff lines, as far as they tokenize
    (diff lines are fragments: an open bracket ends the list quietly)."""
    import io
    import tokenize
    skipped = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
               tokenize.ENDMARKER, tokenize.COMMENT}
    strings = {tokenize.STRING, *(getattr(tokenize, n) for n in
                                  ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                                  if hasattr(tokenize, n))}
    found = []
    source = "\n".join(line.strip() for line in lines) + "\n"
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type not in skipped:
                found.append((token.type in strings, token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        found.append((False, "<fragment>"))
    return found


def only_message_text(diff: str) -> bool:
    """True when the mutant changes nothing but string literals that read as prose."""
    body = diff_body(diff).splitlines()
    before = tokens([line[1:] for line in body if line.startswith("-")])
    after = tokens([line[1:] for line in body if line.startswith("+")])
    if not before or len(before) != len(after):
        return False
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    return bool(changed) and all(old[0] and new[0] and _PROSE.search(old[1])
                                 for old, new in changed)


def reason_for(name: str, diff: str, rows) -> str:
    if only_message_text(diff):
        return MESSAGE_TEXT
    function, body = function_of(name), diff_body(diff)
    for where, pattern, reason in rows:
        if where in ("*", function) and (pattern is None or pattern.search(body)):
            return reason
    return NO_REASON


def numbers(names: list[str]) -> str:
    """`1, 3-5, 9` for the mutant numbers of one function."""
    found = sorted(int(name.rpartition("_")[2]) for name in names)
    spans: list[list[int]] = []
    for number in found:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def report(found: list, note: dict, rows, show_all: bool) -> str:
    """The run as a Markdown page (docs/mutation.md is this output)."""
    counts: dict[str, int] = {}
    for _, status, _ in found:
        counts[status] = counts.get(status, 0) + 1
    left = [(name, status, diff) for name, status, diff in found if status != "killed"]
    groups: dict[str, list] = {}
    for name, status, diff in left:
        reason = reason_for(name, diff, rows) if status in ("survived", "no tests") \
            else OTHER_STATUS.get(status, f"{status}: reported by mutmut")
        groups.setdefault(reason, []).append((name, status, diff))
    out = ["# Mutation testing", "",
           "Generated by `python bench/mutation.py > docs/mutation.md` (or, for a run kept "
           "with `--keep`, `python bench/mutation.py --from WORK`; mutmut "
           f"{note['mutmut']}; not run in CI). Each mutant is one small change to a rule "
           "module; a survivor is a change that no test notices. Reasons come from "
           "`bench/mutation_reasons.tsv` (and, for changes to prose strings only, from the "
           "script itself).", "",
           f"- modules: {', '.join(f'`{m}`' for m in note['modules'])}",
           f"- tests: {', '.join(f'`{t}`' for t in note['tests'])}",
           f"- {len(found):,} mutants: {counts.pop('killed', 0):,} killed, "
           f"{counts.pop('survived', 0):,} survived, {counts.pop('no tests', 0):,} reached by "
           f"no test" + "".join(f", {n:,} {status}" for status, n in sorted(counts.items()))
           + f"; {note['elapsed']:.0f} s with {note['jobs']} jobs",
           f"- without a reason: {len(groups.get(NO_REASON, []))}"]
    for test in NOT_RUN:
        out.append(f"- not run: `{test}` (it reads the repository's hook files, not the rules)")
    for test in note["left_out"]:
        out.append(f"- left out, fails before any mutation: `{test}`")
    out += ["", "| survivors | reason |", "|---:|---|"]
    ordered = sorted(groups.items(), key=lambda item: (item[0] != NO_REASON, -len(item[1])))
    for reason, members in ordered:
        out.append(f"| {len(members)} | {reason} |")
    for reason, members in ordered:
        out += ["", f"## {reason}", ""]
        by_function: dict[str, list[str]] = {}
        for name, _, _ in members:
            by_function.setdefault(function_of(name), []).append(name)
        for function, names in sorted(by_function.items()):
            out.append(f"- `{function}`: {numbers(names)}")
        if reason == NO_REASON or show_all:
            for name, _, diff in members:
                out += ["", f"`{name}`", "", "```diff", diff_body(diff), "```"]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--all", action="store_true",
                        help="print the diff of every survivor, not only those without a reason")
    parser.add_argument("--from", dest="reuse", metavar="WORK",
                        help="report on a work folder kept by an earlier --keep run")
    options = parser.parse_args()
    work = options.reuse or tempfile.mkdtemp(prefix="aicodeguard-mutation-")
    try:
        if not options.reuse:
            copy_tree(work)
            left_out = failing_before(work)
            write_setup_cfg(work, left_out)
            started = time.monotonic()
            mutmut(work, "run", "--max-children", str(options.jobs))
            from importlib.metadata import version
            note = {"modules": MODULES, "tests": TESTS, "left_out": left_out,
                    "elapsed": time.monotonic() - started, "jobs": options.jobs,
                    "mutmut": version("mutmut")}
            with open(os.path.join(work, RUN_NOTE), "w", encoding="utf-8") as handle:
                json.dump(note, handle)
        with open(os.path.join(work, RUN_NOTE), encoding="utf-8") as handle:
            note = json.load(handle)
        listing = subprocess.run([sys.executable, "-c", LIST_MUTANTS], cwd=work, check=True,
                                 capture_output=True, text=True).stdout
        print(report(json.loads(listing), note, load_reasons(), options.all), end="")
    finally:
        if options.keep and not options.reuse:
            print(f"\nwork folder kept: {work}", file=sys.stderr)
        elif not options.reuse:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
