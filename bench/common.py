"""Shared pieces of the benchmark scripts: timed child processes and corpora.

Every measurement runs the command as a child process and reads its own
resource usage from `os.wait4`, so wall time, CPU time and peak memory belong
to that one run.
"""

from __future__ import annotations

import glob
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
WORK_DIR = os.environ.get("AICODEGUARD_BENCH_DIR",
                          os.path.join(tempfile.gettempdir(), "aicodeguard-bench"))


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    status: int


def timed(command: list[str], cwd: str | None = None, env: dict | None = None) -> Run:
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               os.waitstatus_to_exitcode(status))


def alternate(commands: dict[str, list[str]], rounds: int, cwd=None, env=None):
    """Run each command `rounds` times, interleaved, so load drifts hit all alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(timed(command, cwd=cwd, env=env))
    return runs


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def peers(target: str) -> dict[str, list[str]]:
    """Peer tools that are installed, as commands scanning `target`."""
    found = {}
    bandit = shutil.which("bandit")
    if bandit:
        found["bandit"] = [bandit, "-r", "-q", target]
    ruff = shutil.which("ruff")
    if ruff:
        found["ruff S"] = [ruff, "check", "--select", "S", "--no-cache", "--exit-zero",
                           "--quiet", target]
    semgrep = shutil.which("semgrep")
    if semgrep:
        found["semgrep"] = [semgrep, "scan", "--config", "p/python", "--quiet", "--metrics=off",
                            target]
    return found


def aicodeguard(target: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "aicodeguard", "scan", "--offline", "--exit-zero",
            "--format", "concise", *extra, target]


def stdlib_corpus() -> str:
    """The running interpreter's standard library without its tests, copied once."""
    destination = os.path.join(WORK_DIR, "stdlib")
    if os.path.isdir(destination):
        return destination
    source = sysconfig.get_paths()["stdlib"]
    skip = ("test", "tests", "idle_test", "site-packages")
    for path in glob.glob(os.path.join(source, "**", "*.py"), recursive=True):
        relative = os.path.relpath(path, source)
        if any(part in skip for part in relative.split(os.sep)[:-1]):
            continue
        target = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
    return destination


def project_corpus(requirements: tuple[str, ...] = ("flask==3.0.3", "werkzeug==3.0.3",
                                                     "jinja2==3.1.4", "django==5.0.6")) -> str:
    """A mid-size real code base: the Python sources of a few web frameworks (wheels)."""
    destination = os.path.join(WORK_DIR, "webstack")
    if os.path.isdir(destination):
        return destination
    downloads = os.path.join(WORK_DIR, "wheels")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary", ":all:", "-d", downloads, *requirements], check=True)
    for wheel in glob.glob(os.path.join(downloads, "*.whl")):
        shutil.unpack_archive(wheel, destination, "zip")
    for folder in glob.glob(os.path.join(destination, "*.dist-info")):
        shutil.rmtree(folder)
    return destination


def count_lines(folder: str, pattern: str = "*.py") -> tuple[int, int]:
    files = glob.glob(os.path.join(folder, "**", pattern), recursive=True)
    lines = 0
    for path in files:
        with open(path, "rb") as handle:
            lines += handle.read().count(b"\n")
    return len(files), lines


def exported(revision: str, into: str) -> str:
    """The engine (`aicodeguard/`) of a git revision of this repository, extracted into
    the folder `into` (made if missing); returns `into`."""
    os.makedirs(into, exist_ok=True)
    archive = subprocess.run(["git", "archive", revision, "aicodeguard"],
                             cwd=os.path.dirname(BENCH_DIR), capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "xf", "-"], input=archive, cwd=into, check=True)
    return into
