"""The latest known version of the most used packages, for the stale-pin check (AIG611).

`data/latest-versions.tsv.gz` holds, for the ~15,000 ranked PyPI projects and the
~20,000 most downloaded npm packages, the newest version the names-and-popularity lists
recorded on their date.  Built reproducibly (sorted rows, a gzip without a time stamp)
next to the package snapshot:

    python -m aicodeguard.supply.latest PYPI_TSV NPM_TSV [--date YYYY-MM-DD] [-o FILE]

Loaded only when a manifest pins an exact version and AIG611 is selected.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from bisect import bisect_left
from functools import lru_cache

from .names import NPM, PYPI, normalize_pypi

DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                         "latest-versions.tsv.gz")
NPM_TOP = 20000


class LatestVersions:
    def __init__(self, path: str = DATA_FILE):
        with open(path, "rb") as handle:
            lines = gzip.decompress(handle.read()).decode("utf-8").split("\n")
        self.info = json.loads(lines[0])
        self._lines = lines[1:]  # "ecosystem<TAB>name<TAB>version", sorted: bisect, no dict

    def _find(self, prefix: str) -> str | None:
        index = bisect_left(self._lines, prefix)
        if index < len(self._lines) and self._lines[index].startswith(prefix):
            return self._lines[index][len(prefix):]
        return None

    @property
    def date(self) -> str:
        return self.info.get("date", "")

    def get(self, ecosystem: str, name: str) -> str | None:
        key = normalize_pypi(name) if ecosystem == PYPI else name
        return self._find(f"{ecosystem}\t{key}\t")


@lru_cache(maxsize=1)
def latest_versions() -> LatestVersions:
    return LatestVersions()


# ---------------------------------------------------------------- building

def _rows(path: str):
    with open(path, encoding="utf-8", errors="replace") as handle:
        next(handle, None)  # header
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 1 and fields[0] and fields[1]:
                yield fields


def build(pypi_tsv: str, npm_tsv: str, out: str, date: str) -> dict:
    rows: list[tuple[str, str, str]] = []
    for fields in _rows(pypi_tsv):  # name, version, month, rank, summary
        if len(fields) > 3 and fields[3].strip().isdigit():
            rows.append((PYPI, normalize_pypi(fields[0]), fields[1].strip()))
    npm = []
    for fields in _rows(npm_tsv):  # name, version, monthly downloads, summary
        count = fields[2].strip() if len(fields) > 2 else ""
        if "-security" not in fields[1]:  # takedown placeholders are no release to move to
            npm.append((-int(count) if count.isdigit() else 0, fields[0], fields[1].strip()))
    npm.sort()
    rows += [(NPM, name, version) for _, name, version in npm[:NPM_TOP]]
    rows = sorted(set(rows))
    info = {"date": date, "pypi": sum(1 for r in rows if r[0] == PYPI),
            "npm": sum(1 for r in rows if r[0] == NPM)}
    text = json.dumps(info, sort_keys=True) + "\n" + "".join(f"{e}\t{n}\t{v}\n" for e, n, v in rows)
    with open(out, "wb") as handle:
        handle.write(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aicodeguard.supply.latest",
                                     description="Build the latest-versions table.")
    parser.add_argument("pypi_tsv")
    parser.add_argument("npm_tsv")
    parser.add_argument("--date", help="date the lists were made (default: the snapshot's)")
    parser.add_argument("-o", "--out", default=DATA_FILE)
    args = parser.parse_args(argv)
    if args.date is None:
        from .snapshot import embedded

        args.date = embedded().date
    info = build(args.pypi_tsv, args.npm_tsv, args.out, args.date)
    print(f"latest versions of {args.date}: {info['pypi']:,} PyPI and {info['npm']:,} npm "
          f"packages; {os.path.getsize(args.out) / 1e3:.0f} kB in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
