"""The embedded package snapshot: which names exist on PyPI and npm, and how popular.

Name sets are stored as sorted fixed-width hashes (see `HashedTable`): loading
one is a single `read()`, a look-up is a bucket jump plus a `bisect` over a
`memoryview` of the memory-mapped file, and no Python set of a million strings is
ever built.  The popular-name lists are plain text, read only when a typosquat
candidate turns up; their ranks are in small tables of their own.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import struct
import sys
from bisect import bisect_left, bisect_right
from functools import lru_cache

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
INFO_FILE = "snapshot.json"
MAGIC = b"AGH1"
_HEADER = struct.Struct("<4sBBHI")  # magic, bucket bits, value width, reserved, count


def name_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


class HashedTable:
    """A read-only multi-map from strings to small integers, keyed by a 64-bit hash.

    Layout: header; `2**bits + 1` uint32 bucket offsets (the top `bits` bits of the
    hash pick the bucket); `count` uint32 key remainders (the next 32 bits), sorted
    within each bucket; `count * width` value bytes.  With 16 bucket bits a key is
    48 bits wide: a name that is absent collides with one of a million present
    names about once in 300 million look-ups.
    """

    __slots__ = ("bits", "width", "count", "_offsets", "_keys", "_values")

    def __init__(self, data: bytes):
        magic, bits, width, _, count = _HEADER.unpack_from(data)
        if magic != MAGIC:
            raise ValueError("not an aicodeguard hashed table")
        self.bits, self.width, self.count = bits, width, count
        start = _HEADER.size
        keys_at = start + 4 * ((1 << bits) + 1)
        values_at = keys_at + 4 * count
        view = memoryview(data)
        self._offsets = _uint32s(view[start:keys_at])
        self._keys = _uint32s(view[keys_at:values_at])
        self._values = view[values_at:values_at + width * count]

    def _range(self, key: str) -> tuple[int, int, int]:
        digest = name_hash(key)
        bucket = digest >> (64 - self.bits)
        remainder = (digest >> (32 - self.bits)) & 0xFFFFFFFF
        lo, hi = self._offsets[bucket], self._offsets[bucket + 1]
        first = bisect_left(self._keys, remainder, lo, hi)
        return first, hi, remainder

    def __contains__(self, key: str) -> bool:
        first, hi, remainder = self._range(key)
        return first < hi and self._keys[first] == remainder

    def values_of_any(self, keys) -> set[int]:
        """The values of every key in `keys` (one tight loop: this is the hot path)."""
        found: set[int] = set()
        bits, width, offsets, table_keys, data = (self.bits, self.width, self._offsets,
                                                  self._keys, self._values)
        shift, rshift = 64 - bits, 32 - bits
        blake2b, from_bytes = hashlib.blake2b, int.from_bytes
        for key in keys:
            digest = from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
            remainder = (digest >> rshift) & 0xFFFFFFFF
            bucket = digest >> shift
            hi = offsets[bucket + 1]
            index = bisect_left(table_keys, remainder, offsets[bucket], hi)
            while index < hi and table_keys[index] == remainder:
                found.add(from_bytes(data[index * width:(index + 1) * width], "little"))
                index += 1
        return found

    def values(self, key: str) -> list[int]:
        first, hi, remainder = self._range(key)
        if first >= hi or self._keys[first] != remainder:
            return []
        last = bisect_right(self._keys, remainder, first, hi)
        width = self.width
        data = self._values
        return [int.from_bytes(data[i * width:(i + 1) * width], "little")
                for i in range(first, last)]


def _uint32s(view: memoryview):
    """Little-endian uint32s as a sequence, without copying where the machine allows."""
    if sys.byteorder == "little" and struct.calcsize("I") == 4:
        return view.cast("I")
    from array import array

    values = array("I" if array("I").itemsize == 4 else "L")
    values.frombytes(view.tobytes())
    if sys.byteorder == "big":
        values.byteswap()
    return values


def encode_table(entries, bits: int, width: int) -> bytes:
    """The bytes of a `HashedTable` holding `entries` (key, value) pairs."""
    rows = []
    for key, value in entries:
        digest = name_hash(key)
        rows.append((digest >> (64 - bits), (digest >> (32 - bits)) & 0xFFFFFFFF, value))
    rows.sort()
    offsets = [0] * ((1 << bits) + 1)
    for bucket, _, _ in rows:
        offsets[bucket + 1] += 1
    for index in range(1, len(offsets)):
        offsets[index] += offsets[index - 1]
    parts = [_HEADER.pack(MAGIC, bits, width, 0, len(rows)),
             struct.pack(f"<{len(offsets)}I", *offsets),
             struct.pack(f"<{len(rows)}I", *(remainder for _, remainder, _ in rows))]
    parts.extend(value.to_bytes(width, "little") for _, _, value in rows)
    return b"".join(parts)


# npm monthly downloads are kept as one byte: 8 steps per doubling (about 9% apart).
SECURITY_HOLDING = 0  # a package the registry replaced after a malware report
SCOPE_MARKER = 255  # the value of an "@scope" key: some package is published under it


def encode_downloads(downloads: int) -> int:
    return max(1, min(SCOPE_MARKER - 1, round(math.log2(max(downloads, 1)) * 8)))


def decode_downloads(code: int) -> int:
    return int(2 ** (code / 8))


class Snapshot:
    """One snapshot folder; every file is read on first use only."""

    def __init__(self, folder: str = DATA_DIR):
        self.folder = folder
        self.info = read_info(folder)
        self.date: str = self.info["date"]
        self._tables: dict[str, HashedTable] = {}
        self._popular: dict[str, list[str]] = {}

    def table(self, name: str) -> HashedTable:
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = HashedTable(_map(os.path.join(
                self.folder, self.info["files"][name])))
        return table

    def pypi_exists(self, normalized: str) -> bool:
        return normalized in self.table("pypi-names")

    def npm_downloads(self, name: str) -> int | None:
        """Monthly downloads (approximate); None: not in the (partial) npm data."""
        codes = self.table("npm-names").values(name)
        if not codes:
            return None
        return SECURITY_HOLDING if codes[0] == SECURITY_HOLDING else decode_downloads(codes[0])

    def npm_scope_known(self, scope: str) -> bool:
        """Whether any npm package in the snapshot is published under `@scope`."""
        return SCOPE_MARKER in self.table("npm-names").values(f"@{scope}")

    def popular(self, ecosystem: str) -> list[str]:
        """The most popular names, best first (PyPI: by download rank, npm: by downloads)."""
        names = self._popular.get(ecosystem)
        if names is None:
            with open(os.path.join(self.folder, self.info["files"][f"{ecosystem}-popular"]),
                      encoding="utf-8") as handle:
                names = self._popular[ecosystem] = handle.read().split()
        return names

    def rank(self, ecosystem: str, name: str) -> int | None:
        """1-based popularity rank among the popular names; None when not among them."""
        ranks = self.table(f"{ecosystem}-rank").values(name)
        return ranks[0] if ranks else None


def _map(path: str):
    """The file's bytes, memory-mapped where possible: only the pages a look-up touches
    are ever read, so opening a table costs the same whatever its size."""
    with open(path, "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file, or a file system without mmap
            return handle.read()


def read_info(folder: str = DATA_DIR) -> dict:
    with open(os.path.join(folder, INFO_FILE), encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def embedded() -> Snapshot:
    return Snapshot(os.environ.get("AICODEGUARD_SNAPSHOT_DIR") or DATA_DIR)


def describe() -> str:
    """For `--version`: the snapshot's date (reads only its small info file)."""
    try:
        info = read_info(os.environ.get("AICODEGUARD_SNAPSHOT_DIR") or DATA_DIR)
        return f"package snapshot of {info['date']}"
    except (OSError, ValueError, KeyError):
        return "package snapshot missing"
