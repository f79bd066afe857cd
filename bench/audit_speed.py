"""How long `aicodeguard audit --format json` takes on a 10,000-commit history.

The repository is made in about a second with `git fast-import` (a stream of commits, no
working tree): every third commit is AI-assisted (a Co-authored-by trailer, some with a
prompt reference and a Checked-by trailer), every 25th changes requirements.txt, every
100th adds a waived suppression, every 500th touches the configuration.

    python bench/audit_speed.py [--commits 10000] [--keep DIR]

Target: a few seconds (audit runs a fixed number of git processes, whatever the length
of the history).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
PACKAGES = ("flask", "requests", "numpy", "django", "pyyaml", "urllib3", "jinja2", "click")


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n%s\n" % (len(data), data)


def stream(count: int) -> bytes:
    """A fast-import stream of `count` commits on refs/heads/main."""
    out = bytearray()
    base = 1_700_000_000
    for number in range(1, count + 1):
        message = f"Change {number}: adjust module {number % 97}\n"
        if number % 3 == 0:
            message += "\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
            if number % 6 == 0:
                message += f"AI-Prompt-Ref: session-{number}\n"
                message += ("Checked-by: aicodeguard 0.1.0; policy default; findings 0; "
                            "waivers none\n")
        when = base + number * 600
        out += b"commit refs/heads/main\n"
        out += b"committer Bench <bench@example.invalid> %d +0000\n" % when
        out += _blob(message)  # no `from`: each commit continues the branch being imported
        out += b"M 100644 inline src/mod%d.py\n" % (number % 97)
        out += _blob(f"def f():\n    return {number}\n")
        if number % 25 == 0 or number == 1:
            pins = [f"{name}=={1 + (number // 25 + i) % 9}.{number % 7}.0"
                    for i, name in enumerate(PACKAGES[: 2 + number % len(PACKAGES)])]
            out += b"M 100644 inline requirements.txt\n" + _blob("\n".join(pins) + "\n")
        if number % 100 == 0:
            out += (b"M 100644 inline src/waived%d.py\n" % number) + _blob(
                "import subprocess\n\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)  "
                f"# aicodeguard: ignore[AIG102] until=2027-0{1 + number % 9}-01 owner=@ops "
                "cmd is from our own table\n")
        if number % 500 == 0:
            out += b"M 100644 inline .aicodeguard.toml\n" + _blob(f"fail-on = 'medium'\n# {number}\n")
        out += b"\n"
    return bytes(out)


def build(folder: str, count: int) -> float:
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main", folder], check=True, env=ENV)
    subprocess.run(["git", "-C", folder, "fast-import", "--quiet"], input=stream(count),
                   check=True, env=ENV)
    subprocess.run(["git", "-C", folder, "reset", "-q", "--hard", "main"], check=True, env=ENV)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aicodeguard-audit-bench-") as scratch:
        folder = args.keep or os.path.join(scratch, "history")
        built = build(folder, args.commits)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "aicodeguard", "audit", "--format", "json"],
                              cwd=folder, capture_output=True, env=ENV, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.stderr.write(done.stderr.decode())
            return 1
        summary = json.loads(done.stdout)["summary"]
    print(f"built {args.commits} commits in {built:.1f} s")
    print(f"aicodeguard audit --format json: {elapsed:.2f} s "
          f"({summary['commits']} commits, {summary['ai_assisted']} AI-assisted, "
          f"{summary['waivers']} waivers at HEAD, "
          f"{summary['control_file_changes']} changes to the gate's files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
