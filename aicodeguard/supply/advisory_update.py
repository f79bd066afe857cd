"""`aicodeguard advisories update`: refresh the advisory data from an OSV export.

The source is what the user names: a local file or a URL of an OSV export archive (the
per-ecosystem zip of OSV JSON records that OSV publishes, or any mirror of it), a JSON
lines file, or a folder of them.  Without `--from`, the URLs in the user's
configuration (`advisory-sources`, or AICODEGUARD_ADVISORY_SOURCES, space-separated)
are used: aicodeguard names no host itself.  The result replaces the ecosystems the
source covers and keeps the others from the current data; it is written to the cache
folder, never into the installed package.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from .advisories import database, user_snapshot_path
from .advisory_build import compact, latest_date, records_from_bytes, write

MAX_DOWNLOAD = 512 * 1024 * 1024  # OSV's PyPI export is some tens of MiB
TIMEOUT = 120.0


class UpdateError(Exception):
    """The source could not be read; the message names it."""


@dataclass(frozen=True)
class UpdateSummary:
    path: str
    date: str
    packages: dict[str, int]
    records: int


def update(sources: list[str], destination: str | None = None) -> UpdateSummary:
    records = []
    for source in sources:
        records += list(_records(source))
    if not records:
        raise UpdateError("the sources hold no OSV records")
    fresh = compact(records)
    covered = {ecosystem for ecosystem, names in fresh.items() if names}
    current = database()
    merged = {ecosystem: (fresh[ecosystem] if ecosystem in covered
                          else current.compact_form(ecosystem)) for ecosystem in fresh}
    path = destination or user_snapshot_path()
    date = max(latest_date(records), current.date if covered != set(fresh) else "")
    write(merged, path, date=date, sources=[_label(source) for source in sources])
    database.cache_clear()
    return UpdateSummary(path, date, {e: len(n) for e, n in merged.items()}, len(records))


def _records(source: str):
    if "://" in source and not source.startswith("file://"):
        yield from _parsed(_download(source), source)
        return
    path = source[len("file://"):] if source.startswith("file://") else source
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith((".json", ".jsonl", ".gz", ".zip")):
                yield from _records(os.path.join(path, name))
        return
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_DOWNLOAD + 1)
    except OSError as error:
        raise UpdateError(f"{path}: {error.strerror or error}") from None
    yield from _parsed(data, path)


def _parsed(data: bytes, source: str):
    try:
        yield from records_from_bytes(data, source.rsplit("/", 1)[-1])
    except (ValueError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise UpdateError(f"{_label(source)}: not an OSV export ({error})") from None


def _download(url: str) -> bytes:
    import requests

    try:
        with requests.get(url, stream=True, timeout=TIMEOUT) as response:
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_content(1 << 20):
                size += len(chunk)
                if size > MAX_DOWNLOAD:
                    raise UpdateError(f"{_label(url)}: larger than {MAX_DOWNLOAD >> 20} MiB")
                chunks.append(chunk)
    except requests.RequestException as error:
        raise UpdateError(f"{_label(url)}: {type(error).__name__}: {error}") from None
    return b"".join(chunks)


def _label(source: str) -> str:
    from .indexes import redact  # credentials in a mirror's URL never reach the data

    return redact(source) if "://" in source else os.path.basename(source)
