"""Rego policies over the scan: each configured `.rego` file is evaluated with the embedded
interpreter (`regopy`, rego-cpp) with the JSON report as `input`, and every message of
`data.aicodeguard.deny` becomes an AIG901 finding.

`deny` is a set of strings or of objects `{"msg": ..., "path": ..., "line": ...}`; the
Rego v0 form `deny[msg] { ... }` evaluates to an object `{msg: true}` under the v1
interpreter, and its keys are read as the messages.  A file that does not parse, an
evaluation error and a policy without `deny` are errors that name the file (exit 2).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

from ..config import ConfigError, read_settings_file
from ..model import Finding, Location
from ..rules.meta import POLICY_DENIED
from .native import MAX_POLICY_FILE_SIZE
from .selection import Outcome

QUERY = "data.aicodeguard.deny"
MAX_MESSAGES = 1000  # per file: a policy that denies everything says so in a few


class RegoPolicyError(ConfigError):
    """A Rego policy could not be read or evaluated; the message names the file (the CLI
    reports it as a configuration error: exit 2)."""


def apply_rego(outcome: Outcome, config) -> Outcome:
    """`outcome` with a finding for every `deny` message of the configured policies."""
    files = config.policy.rego
    if not files:
        return outcome
    from ..report.json_report import report_document

    document = report_document(outcome, config)  # what `--format json` prints
    denied = [finding for path in files for finding in evaluate(path, document)]
    outcome.findings = sorted([*outcome.findings, *denied], key=Finding.sort_key)
    return outcome


def _read(path: str) -> str:
    try:
        return read_settings_file(path, MAX_POLICY_FILE_SIZE).decode("utf-8")
    except ConfigError as error:
        raise RegoPolicyError(str(error)) from None
    except UnicodeDecodeError:
        raise RegoPolicyError(f"{path}: not UTF-8 text") from None


def evaluate(path: str, document: dict) -> list[Finding]:
    """The AIG901 findings of one policy file over the report `document`."""
    try:
        from regopy import Interpreter, RegoError
    except ImportError:  # pragma: no cover - a dependency of the package
        raise RegoPolicyError(f"{path}: Rego policies need the `regopy` package") from None
    shown = _display(path)
    text = _read(path)
    interpreter = Interpreter()
    printed: list[str] = []
    try:
        with _stdout_captured(printed):  # the interpreter prints parse errors on fd 1
            interpreter.add_module(shown, text)
            interpreter.set_input(document)
            output = interpreter.query(QUERY)
    except RegoError as error:
        detail = printed[0] if printed and printed[0].strip() else str(error)
        raise RegoPolicyError(f"{shown}: Rego policy does not compile: "
                              f"{_compact(detail)}") from None
    except ValueError as error:  # its output was not JSON (rego-cpp leaves some quotes raw)
        raise RegoPolicyError(f"{shown}: the Rego interpreter returned output that is not "
                              f"JSON ({error}); build messages with sprintf and plain "
                              "strings") from None
    if not output.ok():
        raise RegoPolicyError(f"{shown}: Rego evaluation failed: {_error_text(output)}")
    values = [result.expressions[0] for result in output.results
              if getattr(result, "expressions", None)]
    if not values:
        raise RegoPolicyError(f"{shown}: defines no `deny` rule in package aicodeguard "
                              f"({QUERY} is undefined)")
    return [_finding(message, shown) for message in _messages(values[0], shown)]


def _messages(value, shown: str) -> list:
    if isinstance(value, dict) and all(v is True for v in value.values()):
        value = list(value)  # v0 `deny[msg] { ... }`: a partial object {msg: true}
    if not isinstance(value, list):
        raise RegoPolicyError(f"{shown}: `deny` must be a set of messages (strings or "
                              f"objects with msg), got {type(value).__name__}")
    if len(value) > MAX_MESSAGES:
        value = value[:MAX_MESSAGES]
    return sorted(value, key=lambda item: str(item))


def _finding(message, shown: str) -> Finding:
    path, line = shown, 1
    if isinstance(message, dict):
        text = message.get("msg", message.get("message"))
        if isinstance(message.get("path"), str) and message["path"]:
            path = message["path"]
        if isinstance(message.get("line"), int) and not isinstance(message["line"], bool) \
                and message["line"] >= 1:
            line = message["line"]
        if not isinstance(text, str):
            text = str({k: v for k, v in message.items() if k not in ("path", "line")})
    else:
        text = message if isinstance(message, str) else str(message)
    return Finding(POLICY_DENIED.id, POLICY_DENIED.severity, POLICY_DENIED.confidence,
                   f"denied by {shown}: {text}", Location(path, line, 1, line, 1),
                   metadata=(("policy", shown),))


@contextlib.contextmanager
def _stdout_captured(printed: list[str]):
    """Keep what native code writes to file descriptor 1 out of the report: collect it."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            printed.append(sink.read(64 * 1024).decode("utf-8", "replace"))


def _display(path: str) -> str:
    """The policy's path as messages show it: relative to the working folder if inside."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _compact(text: str) -> str:
    text = text.replace("Errors:", "").replace("Pass parse failed with", "(parse failed with")
    return " ".join(part for part in text.split() if set(part) - set("~-"))[:500]


def _error_text(output) -> str:
    """The interpreter's error message and code, when its output node carries them."""
    try:
        from regopy.rego_shared import rego_node_value

        parts = []
        errors = output.node()
        for index in range(len(errors)):
            error = errors.at(index)
            for child in range(len(error)):
                value = rego_node_value(error.at(child)._impl)
                if value:
                    parts.append(value)
        return "; ".join(parts) or "no detail from the interpreter"
    except Exception:  # the detail is a courtesy; the error itself is reported regardless
        return "no detail from the interpreter"
