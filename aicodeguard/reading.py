"""Turn a file's bytes into UTF-8 text tree-sitter can parse, or say why not.

The gate prefers checking to refusing: NUL bytes are read as spaces (tree-sitter's
lexers take a NUL for the end of the input, so code after one would go unseen),
UTF-16 and UTF-32 files with a byte-order mark are decoded, and a Python coding
cookie is honoured.  What still cannot be read raises `Unreadable`, which the
engine turns into an error note: the file was not checked.
"""

from __future__ import annotations

import codecs
import os
import re
import stat

# 16 MiB: above the sources met in practice (generated modules, vendored bundles and
# amalgamations stay below ~10 MiB) while bounding memory and time: the analysis holds
# about 130 bytes of memory per byte of dense code (measured: 32 MiB of dense JavaScript
# took 4.2 GB and 160 s; 32 MiB of Python comments 1.4 GB and 18 s).  A larger file is
# an error note naming it (it was not checked), never a silent pass.
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
_BOM = codecs.BOM_UTF8
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# PEP 263: a coding cookie in a comment on line 1 or 2.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
# Code points UTF-8 cannot carry (a cookie's codec can produce them: utf-7 "+2AA-").
_SURROGATES = re.compile("[\ud800-\udfff]")


class Unreadable(Exception):
    """The file cannot be analysed; the message says why (no file name: callers add it)."""


def size_limit_message(max_size: int) -> str:
    mib, rest = divmod(max_size, 1024 * 1024)
    limit = f"{mib} MiB" if mib and not rest else f"{max_size} byte"
    return f"larger than the {limit} limit (max-file-size); not checked"


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
            raise Unreadable("not a regular file (FIFO, socket or device); not checked")
        if info.st_size > max_size:
            raise Unreadable(size_limit_message(max_size))
        try:
            data = handle.read(max_size + 1)
        except OSError as error:
            raise Unreadable(error.strerror or str(error)) from None
    if len(data) > max_size:
        raise Unreadable(size_limit_message(max_size))
    return data


def decode(data: bytes, language: str | None) -> tuple[bytes, list[str]]:
    """The file as UTF-8 bytes for analysis, and remarks on what was done to read it.

    Honours a byte-order mark (UTF-8/16/32) and, for Python, a PEP 263 cookie; else
    requires UTF-8.  NUL characters become spaces (same length in bytes and code
    points, so lines and columns keep).
    """
    remarks: list[str] = []
    text: str | None = None
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise Unreadable(f"not valid {encoding.upper()[:6]} although it starts with "
                                 f"that byte-order mark (byte {error.start + len(bom)})") from None
            remarks.append(f"decoded from {encoding.upper()[:6]} (byte-order mark)")
            break
    if text is None:
        if data.startswith(_BOM):
            data = data[len(_BOM):]
        encoding = _coding_cookie(data) if language == "python" else None
        if encoding and encoding.replace("_", "-").lower() not in ("utf-8", "utf8"):
            text = _decode_with_cookie(data, encoding)
    if text is not None:
        if _SURROGATES.search(text):
            text = _SURROGATES.sub("\ufffd", text)
            remarks.append("lone surrogates (not encodable as UTF-8) read as U+FFFD")
        data = text.encode("utf-8")
    if b"\0" in data:
        count = data.count(b"\0")
        remarks.append("contains a NUL byte; analysed with it read as a space" if count == 1
                       else f"contains {count} NUL bytes; analysed with them read as spaces")
        data = data.replace(b"\0", b" ")
    if text is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Unreadable(f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
                             f"{error.start}) and no coding cookie; not checked") from None
    return data, remarks


def to_utf8(data: bytes, language: str | None) -> bytes:
    """The file as UTF-8 bytes (see `decode`), without the remarks."""
    return decode(data, language)[0]


def _decode_with_cookie(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise Unreadable(f"unknown encoding {encoding!r} in its coding cookie") from None
    except UnicodeError as error:
        where = f" (byte {error.start})" if isinstance(error, UnicodeDecodeError) else ""
        raise Unreadable(f"not valid {encoding} as its coding cookie claims{where}") from None
    except Exception as error:  # a codec's own bug: still this file's problem only
        raise Unreadable(f"its coding cookie's codec {encoding!r} failed "
                         f"({type(error).__name__}: {error})") from None


def _coding_cookie(data: bytes) -> str | None:
    for line in data.split(b"\n", 2)[:2]:
        match = _COOKIE.match(line)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None
