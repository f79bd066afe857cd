"""What the known-vulnerability checks (AIG609–AIG611) add to a commit hook.

    python bench/advisory_speed.py [--rounds N] [--packages N]

A project made of bench/samples/ai_app plus a generated package-lock.json (lockfile
version 3) with N packages (default 1,000; names from the snapshot's popular npm list,
versions from the latest-versions table, every 50th one a version with a known advisory).
Measured, whole-process wall time, median of N interleaved rounds with a warm result
cache (`aicodeguard scan --hook FILES`, offline, as the pre-commit hook runs it):

  - the sample's files alone;
  - the same files plus the staged lock file.

The difference is what a lock file in a commit costs.  In-process figures follow: loading
the advisory snapshot, and `check_pins` over the lock file's pins with the data loaded.
Target: at most 50 ms added.
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

from common import BENCH_DIR, alternate, median

SAMPLE = os.path.join(BENCH_DIR, "samples", "ai_app")
VULNERABLE = [("lodash", "4.17.4"), ("marked", "0.3.5"), ("bassmaster", "1.5.1"),
              ("minimist", "0.0.8")]


def lock_file(count: int) -> str:
    """A package-lock.json v3 with `count` packages, one "version" line each."""
    from aicodeguard.supply.latest import latest_versions
    from aicodeguard.supply.snapshot import DATA_DIR

    table = latest_versions()
    with open(os.path.join(DATA_DIR, "npm-popular.txt"), encoding="utf-8") as handle:
        popular = [line.strip() for line in handle if line.strip()]
    packages = {"": {"name": "bench-app", "version": "1.0.0"}}
    vulnerable = iter(VULNERABLE * (count // 50 + 1))
    popular = [name for name in popular if name not in dict(VULNERABLE)]
    for index, name in enumerate(popular):
        if len(packages) > count:
            break
        version = table.get("npm", name)
        if index % 50 == 0:
            name, version = next(vulnerable)
            name = name if f"node_modules/{name}" not in packages else f"{name}-{index}"
        if version:
            packages[f"node_modules/{name}"] = {
                "version": version,
                "resolved": f"https://registry.invalid/{name}/-/{name}-{version}.tgz",
                "integrity": "sha512-" + "A" * 86 + "=="}
    return json.dumps({"name": "bench-app", "version": "1.0.0", "lockfileVersion": 3,
                       "requires": True, "packages": packages}, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--packages", type=int, default=1000)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="aicodeguard-advisory-bench-")
    try:
        for name in os.listdir(SAMPLE):
            shutil.copy(os.path.join(SAMPLE, name), folder)
        files = sorted(os.listdir(folder))
        text = lock_file(args.packages)
        with open(os.path.join(folder, "package-lock.json"), "w", encoding="utf-8") as handle:
            handle.write(text)
        env = dict(os.environ, AICODEGUARD_OFFLINE="1",
                   AICODEGUARD_CACHE_DIR=os.path.join(folder, ".cache"))
        command = [sys.executable, "-m", "aicodeguard", "scan", "--hook"]
        commands = {"without the lock file": [*command, *files],
                    "with the lock file": [*command, *files, "package-lock.json"]}
        for argv_ in commands.values():  # warm the result cache
            subprocess.run(argv_, cwd=folder, env=env, capture_output=True, check=False)
        times = alternate(commands, args.rounds, cwd=folder, env=env)
        without, with_lock = median(times["without the lock file"], "wall"), \
            median(times["with the lock file"], "wall")
        lines = text.count("\n")
        print(f"project: {len(files)} sample files + package-lock.json v3 with "
              f"{args.packages:,} packages ({lines:,} lines, {len(text) / 1024:.0f} KiB)")
        print(f"scan --hook, warm cache, median of {args.rounds} rounds:")
        print(f"  without the lock file  {without * 1000:7.1f} ms")
        print(f"  with the lock file     {with_lock * 1000:7.1f} ms")
        print(f"  added by the lock file {(with_lock - without) * 1000:7.1f} ms (target <= 50)")
        _in_process(folder, text)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _in_process(folder: str, text: str) -> None:
    from aicodeguard.config import Config
    from aicodeguard.engine import analyze_source
    from aicodeguard.supply import advisories
    from aicodeguard.supply.vulnerable import check_pins

    start = time.perf_counter()
    database = advisories.database()
    loaded = time.perf_counter() - start
    path = os.path.join(folder, "package-lock.json")
    start = time.perf_counter()
    result = analyze_source(path, text.encode(), "lockfile")
    analysed = time.perf_counter() - start
    start = time.perf_counter()
    check_pins([result], Config(offline=True))
    checked = time.perf_counter() - start
    found = sum(1 for finding in result.findings if finding.rule_id == "AIG609")
    print(f"in-process: advisory snapshot load {loaded * 1000:.1f} ms "
          f"({len(database):,} packages with advisories, {database.date}); "
          f"lock file analysis (cold cache) {analysed * 1000:.1f} ms; check_pins over "
          f"{len(result.pins):,} pins {checked * 1000:.1f} ms ({found} vulnerable)")


if __name__ == "__main__":
    sys.exit(main())
