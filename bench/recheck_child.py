"""One engine, in its own process, doing the editor's work on the latency sample.

    python bench/recheck_child.py ENGINE_ROOT SAMPLE_JSON MODE [COUNT]

Run by the benches that compare two engines (`instructions.py`, `lsp_latency.py
--before`): ENGINE_ROOT holds the `aicodeguard/` package to load (this checkout, or a
revision exported by `common.exported`), SAMPLE_JSON the text and the keystrokes
(`lsp_latency.sample_text`/`edits`).  Modes:

- `analysis COUNT`: analyse the whole file COUNT + 1 times (tree given);
- `re-check COUNT`: the server's check path after each of the first COUNT keystrokes;
- `timed`: the same re-checks, paced by the parent: each line "N" on stdin makes the
  next N keystrokes, answered by one line of JSON, [[wall, cpu], ...] seconds per
  re-check, so two engines can take turns and a drifting machine slows both alike.
"""

from __future__ import annotations

import json
import sys
import time

root, sample_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)

import aicodeguard  # noqa: E402
from aicodeguard.config import Config  # noqa: E402
from aicodeguard.engine import analyze_utf8  # noqa: E402
from aicodeguard.languages import parser  # noqa: E402
from aicodeguard.lsp_server.checking import Snapshot, SyntaxState, check  # noqa: E402
from aicodeguard.lsp_server.text import UTF16, Buffer  # noqa: E402
from aicodeguard.model import Severity  # noqa: E402

assert aicodeguard.__file__.startswith(root), "the engine under test is the one loaded"
with open(sample_path, encoding="utf-8") as handle:
    sample = json.load(handle)
PATH = "/nonexistent/sample.py"
buffer = Buffer(sample["text"], UTF16)
keystrokes = iter(enumerate(sample["edits"], start=2))


def recheck(state: SyntaxState, config: Config) -> None:
    version, (row, column) = next(keystrokes)
    edit = buffer.replace((row, column), (row, column), "x")
    check(Snapshot("file://" + PATH, PATH, "python", version, buffer.data, (edit,), config,
                   Severity.MEDIUM, UTF16), state)


def main() -> None:
    if mode == "analysis":
        tree = parser("python").parse(buffer.data)
        for _ in range(int(sys.argv[4]) + 1):
            analyze_utf8(PATH, buffer.data, "python", tree)
        return
    config, state = Config(offline=True), SyntaxState()
    check(Snapshot("file://" + PATH, PATH, "python", 1, buffer.data, (), config,
                   Severity.MEDIUM, UTF16), state)
    try:
        from aicodeguard.lsp_server.documents import tune_collector
        tune_collector()  # as the server does once it has warmed up
    except ImportError:  # a revision from before the server tuned its collector
        pass
    if mode == "re-check":
        for _ in range(int(sys.argv[4])):
            recheck(state, config)
        return
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            wall, cpu = time.perf_counter(), time.thread_time()
            recheck(state, config)
            times.append((time.perf_counter() - wall, time.thread_time() - cpu))
        print(json.dumps(times), flush=True)


main()
