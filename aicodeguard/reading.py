"""Turn a file's bytes into UTF-8 text tree-sitter can parse, or say why not."""

from __future__ import annotations

import codecs
import os
import re
import stat

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
_BOM = codecs.BOM_UTF8
# PEP 263: a coding cookie in a comment on line 1 or 2.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class Unreadable(Exception):
    """The file cannot be analysed; the message says why (no file name: callers add it)."""


def read_bytes(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The file's bytes; only regular files (a FIFO or device must never block a scan)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Unreadable("vanished before it could be read") from None
    except IsADirectoryError:
        raise Unreadable("is a directory") from None
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file; skipped")
        if info.st_size > max_size:
            raise Unreadable(f"larger than the {max_size // 1024} KiB limit (max-file-size); "
                             "skipped")
        try:
            data = handle.read(max_size + 1)
        except OSError as error:
            raise Unreadable(error.strerror or str(error)) from None
    if len(data) > max_size:
        raise Unreadable(f"larger than the {max_size // 1024} KiB limit (max-file-size); skipped")
    return data


def to_utf8(data: bytes, language: str | None) -> bytes:
    """The file as UTF-8 bytes: honour a PEP 263 cookie (Python), else require UTF-8."""
    if b"\0" in data:
        raise Unreadable("contains NUL bytes (binary file?); skipped")
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    encoding = _coding_cookie(data) if language == "python" else None
    if encoding and encoding.replace("_", "-").lower() not in ("utf-8", "utf8"):
        try:
            return data.decode(encoding).encode("utf-8")
        except LookupError:
            raise Unreadable(f"unknown encoding {encoding!r} in its coding cookie") from None
        except UnicodeDecodeError as error:
            raise Unreadable(f"not valid {encoding} as its coding cookie claims "
                             f"(byte {error.start})") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
                         f"{error.start}) and no coding cookie; skipped") from None
    return data


def _coding_cookie(data: bytes) -> str | None:
    for line in data.split(b"\n", 2)[:2]:
        match = _COOKIE.match(line)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None
