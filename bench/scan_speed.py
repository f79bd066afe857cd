"""Scan speed and memory against the peers and the floor (issue: engine, item 10).

    python bench/scan_speed.py [--rounds N] [--only stdlib|webstack|sample]

Corpora: the running interpreter's standard library without tests; a mid-size real
code base (Flask, Werkzeug, Jinja2 and Django sources, downloaded once as wheels);
the 10-file sample in bench/samples/ai_app.  Each tool runs N times, interleaved;
the table shows median wall time, median CPU time (user+sys of the process) and
peak memory, and the ratios the targets are stated in:
  - aicodeguard CPU / floor CPU (target <= 2: the floor is one parse + one query
    per file on one core, bench/floor.py),
  - aicodeguard wall on two cores / floor CPU on one (target <= 1.5),
  - bandit wall / aicodeguard wall (target >= 10 on the full scans),
  - aicodeguard wall / ruff wall (ruff is the Rust ceiling, reported only),
  - whole-process time on 10 files (target < 0.3 s) and peak memory (< 100 MB).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from common import (
    BENCH_DIR,
    aicodeguard,
    alternate,
    count_lines,
    median,
    peers,
    project_corpus,
    stdlib_corpus,
)


def corpora(only: str | None) -> dict[str, str]:
    table = {
        "sample": lambda: os.path.join(BENCH_DIR, "samples", "ai_app"),
        "stdlib": stdlib_corpus,
        "webstack": project_corpus,
    }
    return {name: make() for name, make in table.items() if only in (None, name)}


def measure(name: str, folder: str, rounds: int) -> None:
    files, lines = count_lines(folder)
    warm_cache = tempfile.mkdtemp(prefix="aicodeguard-warm-")
    env = dict(os.environ, AICODEGUARD_CACHE_DIR=warm_cache)
    commands = {
        "floor": [sys.executable, os.path.join(BENCH_DIR, "floor.py"), folder],
        "aicodeguard": aicodeguard(folder, "--no-cache"),
        "aicodeguard 1 core": aicodeguard(folder, "--no-cache", "--jobs", "1"),
        "aicodeguard warm": aicodeguard(folder),
        **peers(folder),
    }
    alternate({"warm-up": commands["aicodeguard warm"]}, 1, env=env)
    runs = alternate(commands, rounds, env=env)
    print(f"\n## {name}: {files} Python files, {lines} lines, {rounds} rounds")
    print(f"{'tool':<20} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    for tool, results in runs.items():
        print(f"{tool:<20} {median(results, 'wall'):8.3f} {median(results, 'cpu'):8.3f} "
              f"{median(results, 'peak_mb'):8.1f}")
    ours = median(runs["aicodeguard"], "wall")
    print(f"aicodeguard CPU / floor CPU: "
          f"{median(runs['aicodeguard 1 core'], 'cpu') / median(runs['floor'], 'cpu'):.2f}"
          "  (target <= 2)")
    print(f"aicodeguard wall, 2 cores / floor CPU, 1 core: "
          f"{ours / median(runs['floor'], 'cpu'):.2f}  (target <= 1.5)")
    if "bandit" in runs:
        print(f"bandit wall / aicodeguard wall: {median(runs['bandit'], 'wall') / ours:.1f}x"
              "  (target >= 10 on full scans)")
    if "ruff S" in runs:
        print(f"aicodeguard wall / ruff wall: {ours / median(runs['ruff S'], 'wall'):.1f}x"
              "  (ruff is the ceiling)")
    if "semgrep" in runs:
        print(f"semgrep wall / aicodeguard wall: {median(runs['semgrep'], 'wall') / ours:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("sample", "stdlib", "webstack"))
    args = parser.parse_args()
    for name, folder in corpora(args.only).items():
        measure(name, folder, args.rounds if name != "sample" else max(args.rounds, 7))


if __name__ == "__main__":
    main()
