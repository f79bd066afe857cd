"""Commit-hook speed: aicodeguard's hooks beside bandit's and ruff's on the same 10 files.

    python bench/hook_speed.py [--rounds N] [--no-pre-commit]

The 10 files are bench/samples/ai_app (9 Python files and a requirements.txt), staged in
a fresh git repository.  Two methods, both whole-process wall time, median of N
interleaved rounds (so load drift hits every tool alike):

1. Hook entry commands run directly, exactly as each framework hook invokes them with
   the 10 file names appended (`require_serial: true` for all three, so one process):
   `aicodeguard scan --hook`, `bandit -q` (bandit's hook entry is `bandit`),
   `ruff check --force-exclude --select S` (ruff-pre-commit's `ruff-check` entry; `S` is
   ruff's port of bandit).  Plus aicodeguard's plain git hook command (`scan --staged
   --hook`, reads the index), and aicodeguard with an empty cache every round: the first
   run after install.
2. The real `pre-commit run <id> --files ...` with `repo: local` hooks of
   `language: system` running the same entries: adds pre-commit's own start-up, which
   every hook pays.  (Local hooks because the peers' hook repositories cannot be cloned
   without the internet; the entry commands are what their manifests run.)

aicodeguard runs with AICODEGUARD_OFFLINE=1: package look-ups from the snapshot and the
cache only, so the network does not blur the numbers.  Target: < 0.5 s warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from common import BENCH_DIR, alternate, median

SAMPLE = os.path.join(BENCH_DIR, "samples", "ai_app")
BIN = os.path.dirname(sys.executable)


def tool(name: str) -> str | None:
    found = os.path.join(BIN, name)
    return found if os.path.exists(found) else shutil.which(name)


def make_repository(folder: str) -> list[str]:
    """A git repository with the 10 sample files staged; returns their names."""
    names = sorted(os.listdir(SAMPLE))
    for name in names:
        shutil.copy(os.path.join(SAMPLE, name), folder)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True, env=env)
    subprocess.run(["git", "add", *names], cwd=folder, check=True, env=env)
    return names


def entry_commands(files: list[str], cold_cache: str) -> dict[str, list[str]]:
    aicodeguard = [sys.executable, "-m", "aicodeguard"]
    commands = {
        "aicodeguard scan --hook (warm cache)": [*aicodeguard, "scan", "--hook", *files],
        "aicodeguard scan --staged --hook (plain git hook)": [*aicodeguard, "scan", "--staged",
                                                              "--hook"],
        "aicodeguard scan --hook (empty cache: first run)": [
            "sh", "-c", f'rm -rf "{cold_cache}"; AICODEGUARD_CACHE_DIR="{cold_cache}" "$@"',
            "sh", *aicodeguard, "scan", "--hook", *files],
    }
    if tool("bandit"):
        commands["bandit -q"] = [tool("bandit"), "-q", *files]
    if tool("ruff"):
        commands["ruff check --force-exclude --select S"] = [
            tool("ruff"), "check", "--force-exclude", "--select", "S", "--no-cache", *files]
    return commands


def pre_commit_commands(folder: str, files: list[str]) -> dict[str, list[str]]:
    entries = {"aicodeguard": f"{sys.executable} -m aicodeguard scan --hook"}
    if tool("bandit"):
        entries["bandit"] = f"{tool('bandit')} -q"
    if tool("ruff"):
        entries["ruff-check"] = f"{tool('ruff')} check --force-exclude --select S --no-cache"
    hooks = "".join(f"  - id: {hook_id}\n    name: {hook_id}\n    entry: {entry}\n"
                    f"    language: system\n    types_or: [python, plain-text]\n"
                    f"    require_serial: true\n" for hook_id, entry in entries.items())
    with open(os.path.join(folder, ".pre-commit-config.yaml"), "w") as handle:
        handle.write(f"repos:\n- repo: local\n  hooks:\n{hooks}")
    pre_commit = [sys.executable, "-m", "pre_commit", "run"]
    return {f"pre-commit run {hook_id}": [*pre_commit, hook_id, "--files", *files]
            for hook_id in entries}


def report(title: str, runs) -> None:
    print(f"\n{title}")
    print(f"{'command':<52} {'median wall':>11} {'min wall':>9} {'median CPU':>11}")
    for name, measured in runs.items():
        print(f"{name:<52} {median(measured, 'wall'):>10.3f}s "
              f"{min(r.wall for r in measured):>8.3f}s {median(measured, 'cpu'):>10.3f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-pre-commit", action="store_true",
                        help="skip method 2 (the real pre-commit run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aicodeguard-hook-bench-") as work:
        folder = os.path.join(work, "repo")
        os.makedirs(folder)
        files = make_repository(folder)
        env = dict(os.environ, AICODEGUARD_OFFLINE="1",
                   AICODEGUARD_CACHE_DIR=os.path.join(work, "cache"),
                   PRE_COMMIT_HOME=os.path.join(work, "pre-commit-home"),
                   GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                   PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
        env.pop("PRE_COMMIT", None)
        commands = entry_commands(files, os.path.join(work, "cold-cache"))
        alternate(commands, 1, cwd=folder, env=env)  # warm-up: caches, page cache, .pyc
        print(f"{len(files)} files staged ({', '.join(files)}); {args.rounds} rounds; "
              f"{os.cpu_count()} cores")
        report("1. hook entry commands, whole process",
               alternate(commands, args.rounds, cwd=folder, env=env))
        if not args.no_pre_commit:
            commands = pre_commit_commands(folder, files)
            alternate(commands, 1, cwd=folder, env=env)
            report("2. real `pre-commit run ID --files <10 files>` (local hooks)",
                   alternate(commands, args.rounds, cwd=folder, env=env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
