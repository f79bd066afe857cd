"""Files the scanned repository points at, read only when it is safe to read them.

A manifest is part of the scanned code, so what it names (`-r ../x.txt`, `-r /dev/zero`,
a symlink to a FIFO, a workspace glob with `..`) is untrusted.  The supply-chain checks
follow such references only to **regular files inside the project folder** (the scan
root: `project.find_root`, resolved with realpath so a symlink cannot lead out), no
larger than a cap, never blocking: a FIFO or device is refused after an `fstat`, never
opened for a blocking read (`reading.read_bytes`).
"""

from __future__ import annotations

import os
import stat

from ..reading import Unreadable, read_bytes

MAX_INCLUDE_BYTES = 1024 * 1024  # a requirements file reached through `-r`/`-c`
MAX_MANIFEST_BYTES = 5 * 1024 * 1024  # a manifest found in the project folder
MAX_INCLUDE_DEPTH = 10  # `-r` inside `-r` inside ...


class Refused(Exception):
    """The reference was not followed; str() says why (no file name: callers add it)."""


class Missing(Refused):
    """The reference names a file that does not exist (inside the project folder)."""


def real_root(root: str) -> str:
    return os.path.realpath(root)


def inside(real_folder: str, path: str) -> bool:
    """Whether `path`, symlinks resolved, is `real_folder` or below it."""
    resolved = os.path.realpath(path)
    return resolved == real_folder or resolved.startswith(real_folder.rstrip(os.sep) + os.sep)


def read_contained(path: str, real_folder: str, max_bytes: int = MAX_INCLUDE_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file inside `real_folder` (a realpath) and at
    most `max_bytes` long; raises `Missing` or `Refused` otherwise.  Never blocks."""
    resolved = os.path.realpath(path)
    if not inside(real_folder, resolved):
        raise Refused(f"it is outside the project folder {real_folder}")
    try:
        info = os.stat(resolved)
    except FileNotFoundError:
        raise Missing("no such file") from None
    except OSError as error:
        raise Refused(error.strerror or str(error)) from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused("it is not a regular file (a device, FIFO, socket or folder)")
    if info.st_size > max_bytes:
        raise Refused(f"it is larger than {max_bytes // 1024} KiB")
    try:  # O_NONBLOCK + fstat again: the file may have been swapped since the stat
        return read_bytes(resolved, max_bytes)
    except Unreadable as error:
        raise Refused(str(error)) from None


def read_quietly(path: str, max_bytes: int = MAX_MANIFEST_BYTES) -> bytes | None:
    """A small settings file (tsconfig.json, uv.toml, .npmrc, top_level.txt) if it is a
    regular file of at most `max_bytes`; None otherwise (missing, FIFO, device, too big)."""
    try:
        return read_bytes(path, max_bytes)
    except Unreadable:
        return None
