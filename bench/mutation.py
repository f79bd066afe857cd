"""Mutation testing of a few rule modules against the fixture test, with mutmut.

    python bench/mutation.py [--jobs 2] [--keep]

Copies the package and tests to a temporary folder (mutmut writes a `mutants/` tree and
its own `setup.cfg` there, never in the checkout), runs `mutmut run` on the modules in
MODULES with tests/test_rule_fixtures.py as the only test, and prints every surviving
mutant with its diff. A survivor is a change to a rule that no fixture line notices:
either an equivalent mutant or a missing `expect:`/`ok:` line. Not run in CI (minutes,
not seconds); needs `pip install mutmut` (3.x: it mutates inside functions only, so
module-level sink and sanitiser tables are not mutated).
"""

from __future__ import annotations

import argparse
import json
import os
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
TEST = "tests/test_rule_fixtures.py"
SETUP_CFG = """[mutmut]
source_paths = aicodeguard
only_mutate =
{only}
pytest_add_cli_args_test_selection = {test}
"""


def copy_tree(target: str) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", ".mypy_cache")
    for name in ("aicodeguard", "tests"):
        shutil.copytree(os.path.join(REPO, name), os.path.join(target, name), ignore=ignore)
    # Without pyproject's [tool.pytest.ini_options] the fixture test still runs; keep it
    # for the same options, and mutmut reads setup.cfg since pyproject has no [tool.mutmut].
    shutil.copy(os.path.join(REPO, "pyproject.toml"), target)
    only = "\n".join(f"    {path}" for path in MODULES)
    with open(os.path.join(target, "setup.cfg"), "w", encoding="utf-8") as handle:
        handle.write(SETUP_CFG.format(only=only, test=TEST))


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
LIST_SURVIVORS = """
import json
from mutmut.__main__ import (SourceFileMutationData, get_diff_for_mutant, status_by_exit_code,
                             walk_mutatable_files)
found = {"survived": [], "other": []}
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name, code in sorted(data.exit_code_by_key.items()):
        status = status_by_exit_code[code]
        if status == "survived":
            found["survived"].append([name, get_diff_for_mutant(name, path=data.path)])
        elif status != "killed":
            found["other"].append([name, status])
print(json.dumps(found))
"""


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    removed = [line[1:] for line in diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    return removed, added


def without_strings(lines: list[str]) -> list[str]:
    """The lines' tokens with every string literal blanked (diff lines are fragments: stop
    quietly where they stop tokenizing)."""
    import io
    import tokenize
    kept = []
    source = "\n".join(line.strip() for line in lines) + "\n"
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
                continue
            fstring = token.type in {getattr(tokenize, n, -1) for n in
                                     ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")}
            kept.append("STR" if token.type == tokenize.STRING or fstring else token.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        kept.append("<fragment>")
    return kept


def only_text_changed(diff: str) -> bool:
    """True when the mutant changes nothing but string literals (messages, mostly: the
    fixture test compares rule ids and levels, not message text)."""
    removed, added = changed_lines(diff)
    return bool(removed) and without_strings(removed) == without_strings(added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--all", action="store_true",
                        help="also list survivors that only change string literals")
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="aicodeguard-mutation-")
    try:
        copy_tree(work)
        started = time.monotonic()
        run_log = mutmut(work, "run", "--max-children", str(options.jobs))
        elapsed = time.monotonic() - started
        tail = [line for line in run_log.replace("\r", "\n").splitlines() if line.strip()]
        print("\n".join(tail[-2:]))
        listing = subprocess.run([sys.executable, "-c", LIST_SURVIVORS], cwd=work, check=True,
                                 capture_output=True, text=True).stdout
        found = json.loads(listing)
        survivors = found["survived"]
        text_only = [name for name, diff in survivors if only_text_changed(diff)]
        print(f"modules: {', '.join(os.path.basename(m) for m in MODULES)}; "
              f"test: {TEST}; {elapsed:.0f} s with {options.jobs} jobs")
        print(f"{len(survivors)} surviving mutants, {len(text_only)} of them only change "
              f"string literals" + ("" if options.all else " (not shown; --all shows them)"))
        for name, status in found["other"]:
            print(f"  {status}: {name}")
        for name, diff in survivors:
            if options.all or name not in text_only:
                body = "\n".join(line for line in diff.splitlines()
                                  if not line.startswith(("---", "+++")))
                print(f"\n=== {name}\n{body}")
    finally:
        if options.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
