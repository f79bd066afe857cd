"""Cost of the online supply-chain look-ups, against a local index on 127.0.0.1 (no internet).

    python bench/supply_online.py [--names N] [--rounds R]

  - warm: a fresh process imports aicodeguard.supply.online and looks up N names that
    are all in the registry cache (the pre-commit case; target: well under 50 ms,
    measured from after the modules a scan imports anyway);
  - cold: N names none of which is cached, answered by a local server (concurrency);
  - deadline: N names on a server that never answers, with a 1 s deadline (target:
    returns within 1 s plus a small margin).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from tests.registry_server import RegistryServer

CHILD = textwrap.dedent("""
    import json, sys, time
    import aicodeguard.api, aicodeguard.cache, aicodeguard.config  # a scan has these already
    import aicodeguard.supply.names, aicodeguard.supply.records  # ... and the offline checker
    started = time.perf_counter()
    from aicodeguard.supply.online import lookup
    imported = time.perf_counter()
    names = [("pypi", f"bench-pkg-{i}") for i in range(int(sys.argv[1]))]
    config = aicodeguard.config.Config(network_deadline=float(sys.argv[2]))
    records = lookup(names, project_dir=sys.argv[3], config=config)
    done = time.perf_counter()
    print(json.dumps({"import": imported - started, "lookup": done - imported,
                      "sources": sorted({r.source for r in records.values()}),
                      "exists": sorted({str(r.exists) for r in records.values()})}))
""")


def child(count: int, deadline: float, env: dict, project: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(count), str(deadline), project],
                         env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, RegistryServer() as server:
        for i in range(args.names):
            server.add_pypi(f"bench-pkg-{i}")
        env = {**os.environ, "AICODEGUARD_CACHE_DIR": os.path.join(work, "cache"),
               "PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": server.simple_url}
        cold = child(args.names, 10.0, env, work)
        warm = [child(args.names, 10.0, env, work) for _ in range(args.rounds)]
        assert {s for w in warm for s in w["sources"]} == {"cache"}, warm
        server.delay = 30
        started = time.monotonic()
        env["AICODEGUARD_CACHE_DIR"] = os.path.join(work, "empty-cache")
        late = child(args.names, 1.0, env, work)
        late_wall = time.monotonic() - started
    def ms(seconds):
        return f"{seconds * 1000:7.1f} ms"

    print(f"names per run: {args.names}")
    print(f"cold (all fetched):  import {ms(cold['import'])}  lookup {ms(cold['lookup'])}")
    print(f"warm (all cached):   import {ms(statistics.median(w['import'] for w in warm))}"
          f"  lookup {ms(statistics.median(w['lookup'] for w in warm))}"
          f"  (median of {args.rounds})")
    print(f"deadline 1 s, silent server: lookup {ms(late['lookup'])}, exists {late['exists']},"
          f" whole process {ms(late_wall)}")


if __name__ == "__main__":
    main()
