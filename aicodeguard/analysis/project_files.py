"""The project's own modules, read for cross-file flow in every language.

A module is read only when it is a regular file (not a link) of at most
MAX_MODULE_BYTES inside the real project root — opened without following links and
without blocking, never imported or run.  Parsed modules are kept per path and content
(`ParsedModules`, LRU).  A file's result-cache key covers the modules its analysis may
read (`key_with_modules`), so a changed module re-checks its importers.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import OrderedDict
from collections.abc import Callable

MAX_MODULE_BYTES = 512_000
MAX_DEPENDENCIES = 32  # modules per importing file
MAX_PARSED = 64  # parsed modules kept in memory per process


def inside(file: str, top: str) -> bool:
    """A regular file (not a link) of bounded size under `top`, the real project root."""
    try:
        info = os.lstat(file)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MODULE_BYTES:
        return False
    return os.path.commonpath([os.path.realpath(file), top]) == top


def read_module(file: str) -> bytes | None:
    """The module's bytes; None unless it is still a regular file of bounded size."""
    try:
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_MODULE_BYTES:
            return None
        # sized by the file, not the bound: a 512 KB buffer per small module costs time
        data = handle.read(status.st_size + 1)
        if len(data) > status.st_size:  # it grew since: read on, still bounded
            data += handle.read(MAX_MODULE_BYTES + 1 - len(data))
    return data if len(data) <= MAX_MODULE_BYTES else None


def key_with_modules(key: str, root: str, modules: dict[str, str]) -> str:
    """`key` extended with each module's spelling, project-relative path and content
    (`modules`: spelling in the importing file -> file), so the key stays the same
    wherever the checkout lives."""
    if not modules:
        return key
    digest = hashlib.blake2b(key.encode(), digest_size=20)
    for spelled, file in sorted(modules.items()):
        content = read_module(file)
        digest.update(f"\0{spelled}\0{os.path.relpath(file, root)}\0".encode())
        digest.update(hashlib.blake2b(content or b"", digest_size=20).digest())
    return digest.hexdigest()


class ParsedModules:
    """Parsed modules by path and content, the MAX_PARSED most recently used."""

    def __init__(self, parse: Callable[[str, bytes], object]):
        self._parse = parse  # (file, data) -> parsed module, or None when unusable
        self._kept: OrderedDict[bytes, object] = OrderedDict()

    def get(self, file: str):
        data = read_module(file)
        if data is None:
            return None
        key = hashlib.blake2b(file.encode() + b"\0" + data, digest_size=20).digest()
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        module = self._kept[key] = self._parse(file, data)
        if len(self._kept) > MAX_PARSED:
            self._kept.popitem(last=False)
        return module
