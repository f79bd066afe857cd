"""Speed of the offline supply-chain checks (no network).

    python bench/supply_speed.py [--rounds R]

  - load: what reading the embedded snapshot adds to a process (fresh child processes:
    import + first look-up in every table, minus the same process without it, both
    having imported what a default scan imports; target under 20 ms);
  - names: checking 1,000 distinct names in-process, offline: popular ones plus
    near-misses of popular ones and invented ones (10% and 40% not popular; target
    under 50 ms), first run (tables not yet read) and warm, wall and CPU time;
  - scan: a pre-commit-sized scan (bench/samples/ai_app: 10 files with a requirements.txt)
    with the supply-chain rules on and off, result cache warm (target: adds under 50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

SAMPLE = os.path.join(REPO, "bench", "samples", "ai_app")

# What a default scan imports anyway (the result cache brings hashlib), then the snapshot.
LOAD_CHILD = """
import time, json
start = time.perf_counter()
import aicodeguard.api, aicodeguard.cache
if {load}:
    from aicodeguard.supply.snapshot import embedded
    snapshot = embedded()
    snapshot.pypi_exists("requests"); snapshot.npm_downloads("react")
    snapshot.table("pypi-typo").values("requests"); snapshot.table("npm-typo").values("react")
    snapshot.rank("pypi", "requests"); snapshot.rank("npm", "react")
print(json.dumps(time.perf_counter() - start))
"""


def child_seconds(load: bool) -> float:
    out = subprocess.run([sys.executable, "-c", LOAD_CHILD.format(load=load)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def measure_load(rounds: int) -> tuple[float, float]:
    with_load, without = [], []
    for _ in range(rounds):  # interleaved, so machine load drifts hit both alike
        without.append(child_seconds(False))
        with_load.append(child_seconds(True))
    return statistics.median(with_load) - statistics.median(without), statistics.median(with_load)


def name_mix(seed: int = 7, unpopular: int = 400) -> list[tuple[str, str]]:
    """1,000 distinct names: popular ones, and `unpopular` near-misses and invented ones."""
    from aicodeguard.supply.snapshot import embedded

    rng = random.Random(seed)
    snapshot = embedded()
    pypi, npm = snapshot.popular("pypi"), snapshot.popular("npm")
    count = 1000 - unpopular
    popular = [("pypi", n) for n in rng.sample(pypi, count * 2 // 3)] + [
        ("npm", n) for n in rng.sample(npm, count - count * 2 // 3)]
    near = []
    for ecosystem, name in rng.sample(popular, unpopular // 2):
        i = rng.randrange(len(name))
        near.append((ecosystem, name[:i + 1] + name[i:]))  # a doubled letter
    words = ["fast", "secure", "auth", "jwt", "cache", "utils", "helper", "pro", "client",
             "async", "flask", "django", "react", "llm", "vector", "pdf", "sdk", "toolkit"]
    invented = [("pypi" if i % 2 else "npm",
                 "-".join(rng.sample(words, 3)) + f"-{rng.randrange(100)}")
                for i in range(unpopular // 2)]
    return list(dict.fromkeys(popular + near + invented))


def measure_names(rounds: int, unpopular: int) -> tuple[float, float, float, int]:
    """(first run ms, warm median wall ms, warm median CPU ms, names) in this process."""
    from aicodeguard.config import Config
    from aicodeguard.supply import check

    config = Config(offline=True, cache=False)
    names = name_mix(unpopular=unpopular)
    start = time.perf_counter()
    check.check_names(names, config)
    first = time.perf_counter() - start
    wall, cpu = [], []
    for round_ in range(rounds):  # fresh names each round: nothing memoised from before
        batch = name_mix(seed=100 + round_, unpopular=unpopular)
        start, start_cpu = time.perf_counter(), time.process_time()
        check.check_names(batch, config)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (first * 1000, statistics.median(wall) * 1000, statistics.median(cpu) * 1000,
            len(names))


def measure_scan(rounds: int) -> tuple[float, float]:
    files = sorted(os.path.join(SAMPLE, name) for name in os.listdir(SAMPLE))
    env = dict(os.environ, AICODEGUARD_CACHE_DIR=tempfile.mkdtemp(prefix="aicodeguard-cache-"))
    base = [sys.executable, "-m", "aicodeguard", "scan", "--offline", "-f", "concise"]
    commands = {"on": base + files, "off": base + ["--ignore", "AIG6"] + files}
    for command in commands.values():  # warm the result cache
        subprocess.run(command, cwd=SAMPLE, env=env, capture_output=True)
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        for key, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=SAMPLE, env=env, capture_output=True)
            times[key].append(time.perf_counter() - start)
    return statistics.median(times["on"]) * 1000, statistics.median(times["off"]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    added, total = measure_load(args.rounds)
    print(f"snapshot load: adds {added * 1000:.1f} ms to a process "
          f"(scan imports + every table: {total * 1000:.1f} ms)   target < 20 ms")
    for unpopular in (100, 400):
        first, wall, cpu, count = measure_names(args.rounds, unpopular)
        print(f"{count} names offline, in-process ({unpopular} not popular): {first:.1f} ms "
              f"first run (tables read), {wall:.1f} ms warm ({cpu:.1f} ms CPU)   target < 50 ms")
    on, off = measure_scan(args.rounds)
    print(f"pre-commit-sized scan ({len(os.listdir(SAMPLE))} files, warm result cache): "
          f"{on:.0f} ms with supply checks, {off:.0f} ms without: adds {on - off:.0f} ms   "
          "target < 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
