"""Build the embedded package snapshot from names-and-popularity lists.

    python -m aicodeguard.supply.build_snapshot PYPI_TSV NPM_TSV [--date YYYY-MM-DD] [--out DIR]

PYPI_TSV has a header line and the columns name, version, month, rank (among the
most downloaded; empty for the rest), summary.  NPM_TSV has name, version,
monthly downloads, summary.  Only the first column(s) are used; summaries are never
copied.  The output files replace those in aicodeguard/supply/data/ (or DIR).
The import-name table derived from the same list is built next to it
(`python -m aicodeguard.supply.build_import_names`, see there).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys

from .names import normalize_pypi
from .similarity import index_keys
from .snapshot import (
    DATA_DIR,
    INFO_FILE,
    SCOPE_MARKER,
    SECURITY_HOLDING,
    encode_downloads,
    encode_table,
)

FORMAT = 1
PYPI_BUCKET_BITS = 16  # ~900k names: 48-bit keys
NPM_BUCKET_BITS = 14  # ~230k names: 46-bit keys
TYPO_BUCKET_BITS = 14
RANK_BUCKET_BITS = 12
NPM_POPULAR = 15000  # npm names compared for typosquats (about 1M+ downloads a month)
# The version npm gives the placeholder it publishes over a package taken down as malware.
_SECURITY_VERSION = re.compile(r"^\d+\.\d+\.\d+-security")

FILES = {
    "pypi-names": "pypi-names.bin",
    "npm-names": "npm-names.bin",
    "pypi-popular": "pypi-popular.txt",
    "npm-popular": "npm-popular.txt",
    "pypi-typo": "pypi-typo.bin",
    "npm-typo": "npm-typo.bin",
    "pypi-rank": "pypi-rank.bin",
    "npm-rank": "npm-rank.bin",
}


def _rows(path: str):
    with open(path, encoding="utf-8", errors="replace") as handle:
        next(handle, None)  # header
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if fields and fields[0]:
                yield fields


def read_pypi(path: str) -> tuple[list[str], list[str]]:
    """All normalised names, and the ranked ones in rank order."""
    names: set[str] = set()
    ranked: list[tuple[int, str]] = []
    for fields in _rows(path):
        name = normalize_pypi(fields[0])
        names.add(name)
        rank = fields[3].strip() if len(fields) > 3 else ""
        if rank.isdigit():
            ranked.append((int(rank), name))
    ranked.sort()
    return sorted(names), [name for _, name in ranked]


def read_npm(path: str) -> tuple[dict[str, int], dict[str, int]]:
    """name -> download code (SECURITY_HOLDING for packages replaced after malware reports)."""
    codes: dict[str, int] = {}
    downloads: dict[str, int] = {}
    for fields in _rows(path):
        name = fields[0]
        version = fields[1] if len(fields) > 1 else ""
        count = fields[2].strip() if len(fields) > 2 else ""
        downloads[name] = int(count) if count.isdigit() else 0
        codes[name] = (SECURITY_HOLDING if _SECURITY_VERSION.match(version)
                       else encode_downloads(downloads[name]))
    scopes = {name.partition("/")[0] for name in codes if name.startswith("@")}
    codes.update(dict.fromkeys(scopes, SCOPE_MARKER))
    return codes, downloads


def _ranked(popular: list[str]):
    return ((name, rank) for rank, name in enumerate(popular, 1))


def typo_entries(popular: list[str]):
    for index, name in enumerate(popular):
        for key in index_keys(name):
            yield key, index


def build(pypi_tsv: str, npm_tsv: str, out: str, date: str) -> dict:
    pypi_names, pypi_ranked = read_pypi(pypi_tsv)
    npm_codes, npm_downloads = read_npm(npm_tsv)
    npm_popular = sorted((name for name, code in npm_codes.items()
                          if code not in (SECURITY_HOLDING, SCOPE_MARKER)),
                         key=lambda name: (-npm_downloads[name], name))[:NPM_POPULAR]
    os.makedirs(out, exist_ok=True)
    outputs = {
        "pypi-names": encode_table(((name, 0) for name in pypi_names), PYPI_BUCKET_BITS, 0),
        "npm-names": encode_table(npm_codes.items(), NPM_BUCKET_BITS, 1),
        "pypi-typo": encode_table(typo_entries(pypi_ranked), TYPO_BUCKET_BITS, 2),
        "npm-typo": encode_table(typo_entries(npm_popular), TYPO_BUCKET_BITS, 2),
        "pypi-rank": encode_table(_ranked(pypi_ranked), RANK_BUCKET_BITS, 2),
        "npm-rank": encode_table(_ranked(npm_popular), RANK_BUCKET_BITS, 2),
    }
    texts = {
        "pypi-popular": "".join(f"{name}\n" for name in pypi_ranked),
        "npm-popular": "".join(f"{name}\n" for name in npm_popular),
    }
    for key, data in outputs.items():
        with open(os.path.join(out, FILES[key]), "wb") as handle:
            handle.write(data)
    for key, text in texts.items():
        with open(os.path.join(out, FILES[key]), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    info = {
        "format": FORMAT,
        "date": date,
        "files": FILES,
        "pypi": {"names": len(pypi_names), "popular": len(pypi_ranked)},
        "npm": {"names": len(npm_downloads), "popular": len(npm_popular),
                "security_holding": sum(1 for c in npm_codes.values() if c == SECURITY_HOLDING),
                "partial": True},
    }
    with open(os.path.join(out, INFO_FILE), "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
        handle.write("\n")
    return info


def _file_date(path: str) -> str:
    stamp = os.path.getmtime(path)
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).date().isoformat()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aicodeguard.supply.build_snapshot",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("pypi_tsv")
    parser.add_argument("npm_tsv")
    parser.add_argument("--date", help="date the lists were made (default: the PyPI list's "
                                       "modification date)")
    parser.add_argument("--out", default=DATA_DIR, help="output folder (default: the package's)")
    args = parser.parse_args(argv)
    date = args.date or _file_date(args.pypi_tsv)
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        parser.error(f"--date must be YYYY-MM-DD, not {date!r}")
    info = build(args.pypi_tsv, args.npm_tsv, args.out, date)
    sizes = sum(os.path.getsize(os.path.join(args.out, name)) for name in FILES.values())
    print(f"snapshot of {date}: {info['pypi']['names']:,} PyPI names "
          f"({info['pypi']['popular']:,} ranked), {info['npm']['names']:,} npm names "
          f"({info['npm']['popular']:,} compared for typosquats); {sizes / 1e6:.1f} MB "
          f"in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
