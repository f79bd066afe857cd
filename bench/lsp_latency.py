"""How fast the language server re-checks a 3,000-line file, and how fast it starts.

    python bench/lsp_latency.py [--edits N] [--before REV]

The file is a real module of the standard library (tarfile.py, padded or cut to
3,000 lines) with a few insecure lines added.  Three measurements:

1. In process, the server's own check path (`aicodeguard.lsp_server.checking`):
   a first check (full parse), then a check after each of N keystrokes (an "x"
   typed at the end of a random name: incremental re-parse of the kept tree +
   engine + policy + diagnostics), beside the same keystrokes with a full
   re-parse, and N re-checks of the unchanged text (the same work every time: their
   spread is the machine's, not the engine's).  Wall and CPU time: on a busy machine
   wall time also counts waiting.
2. Over the protocol, a real `aicodeguard lsp` process driven by a pull client:
   didChange followed by textDocument/diagnostic, round trip per edit.  (Push
   clients see the result 300 ms later on purpose: the debounce.)
3. Start-up: process start to the `initialize` answer, and to the first
   diagnostics of an opened file.

With `--before REV` (a git revision) it measures only the re-check after an edit, for
that revision's engine and this checkout's, each in its own process
(`recheck_child.py`), taking turns ten keystrokes at a time: this machine's speed drifts
by a third within minutes, so only figures from the same run can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import keyword
import os
import random
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, ROOT)

from common import exported
from lsprotocol import types
from pytest_lsp.client import make_test_lsp_client

from aicodeguard.config import Config
from aicodeguard.lsp_server.checking import Snapshot, SyntaxState, check
from aicodeguard.lsp_server.documents import tune_collector
from aicodeguard.lsp_server.text import UTF16, Buffer
from aicodeguard.model import Severity

LINES = 3000
NAME = re.compile(r"\b[A-Za-z_]\w*\b")
INSECURE = '''
def lookup(cursor, name):
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return yaml.load(open(name))
'''


def sample_text() -> str:
    with open(os.path.join(sysconfig.get_paths()["stdlib"], "tarfile.py"), encoding="utf-8") as f:
        lines = (f.read() + INSECURE).splitlines()
    while len(lines) < LINES:
        lines += lines[: LINES - len(lines)]
    return "\n".join(lines[-LINES:]) + "\n"


def summary(name: str, seconds: list[float], cpu: list[float] | None = None) -> str:
    line = f"{name:<46} median {median(seconds):6.1f} ms  p95 {p95(seconds):6.1f} ms"
    if cpu:
        line += f"  (CPU {median(cpu):5.1f} / {p95(cpu):5.1f} ms)"
    return f"{line}  n={len(seconds)}"


def median(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def timed(function, *args):
    """(result, wall seconds, CPU seconds of this thread): CPU time shows the cost even
    on a machine busy with other work, where wall time also counts waiting."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.thread_time() - cpu


def edits(text: str, count: int, seed: int = 7):
    """Keystrokes: (line, character) where an "x" lengthens a name somewhere in the file,
    so the text stays valid Python (typing rarely leaves 200 syntax errors behind)."""
    rng = random.Random(seed)
    lines = text.split("\n")
    keystrokes = []
    while len(keystrokes) < count:
        row = rng.randrange(len(lines))
        names = [m for m in NAME.finditer(lines[row]) if not keyword.iskeyword(m.group())
                 and not keyword.issoftkeyword(m.group())]
        if names:
            column = rng.choice(names).end()
            before, after = lines[row][:column], lines[row][column:]
            lines[row] = before + "x" + after
            keystrokes.append((row, len(before.encode("utf-16-le")) // 2))
    return keystrokes


def in_process(text: str, folder: str, count: int) -> list[str]:
    config = Config(offline=True)
    path = os.path.join(folder, "sample.py")

    def snapshot(buffer, version, pending):
        return Snapshot(f"file://{path}", path, "python", version, buffer.data,
                        tuple(pending), config, Severity.MEDIUM, UTF16)

    buffer = Buffer(text, UTF16)
    state = SyntaxState()
    runs: dict[str, tuple[list, list]] = {name: ([], []) for name in ("first", "incr", "full",
                                                                       "same")}

    def record(name, function, *args):
        result, wall, cpu = timed(function, *args)
        runs[name][0].append(wall)
        runs[name][1].append(cpu)
        return result

    check(snapshot(buffer, 1, ()), SyntaxState())  # imports and query compilation, as at start-up
    tune_collector()  # as the server does once it has warmed up
    for _ in range(20):
        state.tree = None
        analysis = record("first", check, snapshot(buffer, 1, ()), state)
    assert analysis.diagnostics, "the sample has findings"
    for version, (row, column) in enumerate(edits(text, count), start=2):
        edit = buffer.replace((row, column), (row, column), "x")
        record("incr", check, snapshot(buffer, version, [edit]), state)
        record("full", check, snapshot(buffer, version, ()), SyntaxState())
    for _ in range(count):  # the same text and tree each time: the spread is the machine's
        record("same", check, snapshot(buffer, count + 2, []), state)
    return [summary("first check (full parse)", *runs["first"]),
            summary("re-check after an edit, incremental re-parse", *runs["incr"]),
            summary("re-check after an edit, full re-parse", *runs["full"]),
            summary("re-check of unchanged text (same work)", *runs["same"])]


async def over_the_protocol(text: str, folder: str, count: int) -> list[str]:
    client = make_test_lsp_client()
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "aicodeguard", "lsp",
                          env=dict(os.environ, AICODEGUARD_OFFLINE="1"))
    await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities()))))
    initialized = time.perf_counter() - started
    uri = f"file://{os.path.join(folder, 'sample.py')}"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    identifier = types.TextDocumentIdentifier(uri=uri)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=identifier))
    first = time.perf_counter() - started
    assert report.items
    rounds = []
    for version, (row, column) in enumerate(edits(text, count, seed=11), start=2):
        position = types.Position(row, column)
        began = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(position, position), text="x")]))
        await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=identifier))
        rounds.append(time.perf_counter() - began)
    await client.shutdown_session()
    await client.stop()
    return [summary("didChange + textDocument/diagnostic round trip", rounds),
            f"{'start-up: process start to initialize answer':<52} {initialized * 1000:6.0f} ms",
            f"{'start-up: to the first diagnostics of a 3,000-line file':<52} {first * 1000:6.0f} ms"]


def taking_turns(text: str, folder: str, count: int, revision: str) -> list[str]:
    """Re-checks by the engine of `revision` and by this checkout, in two processes that
    take turns (who goes first alternates), over the same keystrokes."""
    sample = os.path.join(folder, "sample.json")
    with open(sample, "w", encoding="utf-8") as handle:
        json.dump({"text": text, "edits": edits(text, count)}, handle)
    engines = {f"before ({revision})": exported(revision, os.path.join(folder, "before")),
               "this checkout": ROOT}
    children = {name: subprocess.Popen(
        [sys.executable, os.path.join(BENCH, "recheck_child.py"), root, sample, "timed"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=folder)
        for name, root in engines.items()}
    times: dict[str, list] = {name: [] for name in children}
    batch = 10
    for turn in range(0, count, batch):
        order = list(children) if turn // batch % 2 == 0 else list(reversed(children))
        for name in order:
            child = children[name]
            child.stdin.write(f"{min(batch, count - turn)}\n")
            child.stdin.flush()
            times[name] += json.loads(child.stdout.readline())
    for child in children.values():
        child.stdin.close()
        if child.wait() != 0:
            raise SystemExit("an engine failed; see its error above")
    lines = [summary(f"re-check, {name}", [wall for wall, _ in runs], [cpu for _, cpu in runs])
             for name, runs in times.items()]
    old, new = ([wall for wall, _ in runs] for runs in times.values())
    lines.append(f"this checkout / before: median {median(new) / median(old):.2f}, "
                 f"p95 {p95(new) / p95(old):.2f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--before", metavar="REV",
                        help="compare re-checks with this git revision's engine, same run")
    args = parser.parse_args()
    text = sample_text()
    print(f"sample: tarfile.py + insecure lines, {text.count(chr(10))} lines, "
          f"{len(text.encode()) // 1024} KiB; Python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:  # an ordinary project folder
        if args.before:
            for line in taking_turns(text, folder, args.edits, args.before):
                print(line)
            return
        for line in in_process(text, folder, args.edits):
            print(line)
        for line in asyncio.run(over_the_protocol(text, folder, min(args.edits, 100))):
            print(line)


if __name__ == "__main__":
    main()
