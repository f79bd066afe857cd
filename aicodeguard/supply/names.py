"""Package-name vocabulary: PEP 503 names, the standard libraries, npm specifiers.

Pure functions and tables only; nothing here reads files or the network.
"""

from __future__ import annotations

import re
import sys

PYPI, NPM = "pypi", "npm"

_SEPARATORS = re.compile(r"[-_.]+")
_VALID_NPM = re.compile(r"^(@[a-z0-9~][a-z0-9._~-]*/)?[A-Za-z0-9~][A-Za-z0-9._~-]*$")


def normalize_pypi(name: str) -> str:
    """PEP 503: case-insensitive, runs of `-`, `_` and `.` are one `-`."""
    return _SEPARATORS.sub("-", name).lower()


def is_valid_npm(name: str) -> bool:
    return len(name) <= 214 and bool(_VALID_NPM.match(name))


# Modules that were in the standard library of a Python version other than the
# running one (removed in 3.12/3.13, added in 3.11) or of Python 2: an import of
# them is never a package to fetch from an index.
_STDLIB_EXTRAS = frozenset({
    "tomllib", "distutils", "imp", "asynchat", "asyncore", "smtpd", "cgi", "cgitb", "crypt",
    "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr",
    "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3", "audioop", "chunk", "formatter",
    "parser", "symbol", "macpath", "binhex", "dummy_threading", "_dummy_thread",
    # Python 2 names that assistants still write.
    "urllib2", "urlparse", "httplib", "ConfigParser", "Queue", "StringIO", "cStringIO",
    "cPickle", "HTMLParser", "Tkinter", "tkMessageBox", "thread", "commands", "cookielib",
    "SocketServer", "SimpleHTTPServer", "BaseHTTPServer", "xmlrpclib", "htmlentitydefs",
    "__builtin__", "exceptions", "sets", "md5", "sha", "popen2", "anydbm", "dbhash",
    "whichdb", "UserDict", "UserList", "UserString", "copy_reg", "repr", "robotparser",
    "urllib", "__future__", "__main__", "builtins", "dummy_thread", "_abcoll", "mimetools",
    "rfc822", "multifile", "mhlib", "new", "imputil", "Cookie", "CGIHTTPServer", "dumbdbm",
    "gdbm", "dircache", "statvfs", "fpformat", "markupbase", "DocXMLRPCServer",
    "SimpleXMLRPCServer", "ScrolledText", "tkFileDialog", "tkSimpleDialog", "Tix", "ttk",
    # Added after the running version (3.12–3.14) or private CPython modules that moved.
    "annotationlib", "compression", "_interpreters", "_xxsubinterpreters", "_pyrepl",
    "_colorize", "string.templatelib", "_suggestions", "_remote_debugging", "_zstd",
    # Stub-only: exists for type checkers (typeshed), imported under TYPE_CHECKING.
    "_typeshed",
})
PYTHON_STDLIB = frozenset(sys.stdlib_module_names) | _STDLIB_EXTRAS

# Node's built-in modules (`require('module').builtinModules`); those that exist only
# with the `node:` prefix (`node:test`, `node:sqlite`) are recognised by the prefix.
NODE_BUILTINS = frozenset("""
assert assert/strict async_hooks buffer child_process cluster console constants crypto
dgram diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https
inspector inspector/promises module net os path path/posix path/win32 perf_hooks process
punycode querystring readline readline/promises repl stream stream/consumers
stream/promises stream/web string_decoder sys timers timers/promises tls trace_events tty
url util util/types v8 vm wasi worker_threads zlib
""".split())

# Top-level Python packages shared by many distributions (namespace packages): the
# distribution follows from the next part, so `from google.cloud import storage`
# records `google.cloud.storage`.
NAMESPACE_ROOTS = frozenset({
    "google", "azure", "zope", "jaraco", "sphinxcontrib", "backports", "ruamel",
    "opentelemetry", "mpl_toolkits", "oslo", "plone", "collective", "flufl", "dbt",
})

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_python_stdlib(module: str) -> bool:
    return module.partition(".")[0] in PYTHON_STDLIB


def is_node_builtin(specifier: str) -> bool:
    """`fs`, `fs/promises`, `node:test`, `bun:sqlite` ..."""
    return specifier.startswith(("node:", "bun:")) or specifier in NODE_BUILTINS


def npm_package_of(specifier: str) -> str | None:
    """The npm package a JS/TS module specifier loads, or None when it names no package.

    `@scope/pkg/sub/x.js` -> `@scope/pkg`, `pkg/sub` -> `pkg`, `npm:pkg@1` -> `pkg`;
    relative and absolute paths, URLs, `node:`/built-in modules, `#internal` imports,
    `@/` and `~/` path aliases -> None.
    """
    spec = specifier.strip()
    if spec.startswith("npm:"):
        spec = spec[4:]
        if spec.startswith("@"):
            scope, _, rest = spec.partition("/")
            spec = f"{scope}/{rest.split('@', 1)[0]}"
        else:
            spec = spec.split("@", 1)[0]
    if not spec or spec[0] in "./#~" or spec.startswith("\\") or is_node_builtin(spec):
        return None
    if _SCHEME.match(spec):  # https:, file:, jsr:, virtual:, data: ...
        return None
    parts = spec.split("/")
    if spec.startswith("@"):
        if len(parts) < 2 or len(parts[0]) < 2 or not parts[1]:
            return None  # `@/components/x` is a path alias
        name = f"{parts[0]}/{parts[1]}"
    else:
        name = parts[0]
    return name if is_valid_npm(name) else None
