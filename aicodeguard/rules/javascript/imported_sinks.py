"""Sinks inside functions of the project's own modules, reported where the data goes in.

`runQuery(req.query.id)` after `import { runQuery } from './db'` (or from a barrel that
re-exports it), where `runQuery` builds SQL from its parameter: the finding the module's
own check would make with request data in that parameter is reported at this call, with
the sink's place in the module that defines the function as a related location
(`analysis/javascript/project_modules.py` finds it).  As for the file's
own helpers, an argument the caller tested in an `if` first does not count.
"""

from __future__ import annotations

import os
from dataclasses import replace

from ...analysis.javascript.functions import checked_by_caller
from ...analysis.javascript.project_modules import imported_function
from ...model import Related
from ..sinks import flow_suffix, source_note

_FLOW = "; it carries "  # where `flow_suffix` starts in a sink's message
# Arguments that carry no data from anywhere: the module need not be read for them.
_INERT = frozenset({"string", "number", "true", "false", "null", "undefined", "regex",
                    "this", "arrow_function", "function_expression"})


def check(ctx, call) -> None:
    if call.spread or all(arg.type in _INERT for arg in call.args):
        return
    imported = imported_function(ctx, call)
    positions = imported.sink_positions() if imported is not None else ()
    for position in positions:  # most imported functions have no sink: nothing to trace
        arg = call.arg(position)
        taint = ctx.taint(arg) if arg is not None else None
        if taint is not None and not checked_by_caller(ctx, call, position):
            for finding in imported.parameter_sinks(taint.kind, position):
                _report(ctx, call, imported, finding, taint)


def _report(ctx, call, imported, finding, taint) -> None:
    location = ctx.location(call.node)
    if any(_same_place(other, finding.rule_id, location) for other in ctx.findings):
        return  # the call is a sink of this file's own checks too (`db.query(sql)`)
    sink = replace(finding.location, path=_shown_path(ctx, imported.file))
    what = finding.message.partition(_FLOW)[0]
    ctx.findings.append(replace(
        finding,
        message=f"{_label(imported)} ({sink.path}, line {sink.line}): {what}"
                + flow_suffix(ctx, taint),
        location=location,
        snippet=ctx.source.snippet(location.line - 1),
        related=(*source_note(ctx, taint), Related(sink, "the sink, in the imported module")),
        fix=None,
    ))


def _same_place(finding, rule_id: str, location) -> bool:
    place = finding.location
    return finding.rule_id == rule_id and (location.line, location.column) <= \
        (place.line, place.column) <= (location.end_line, location.end_column)


def _label(imported) -> str:
    return "the default export" if imported.name == "default" else f"`{imported.name}()`"


def _shown_path(ctx, file: str) -> str:
    """`file` as the importing file's own path is shown (relative to the same folder)."""
    shown = ctx.source.path
    folder = os.path.dirname(os.path.abspath(shown))
    relative = os.path.relpath(file, folder)
    return os.path.normpath(os.path.join(os.path.dirname(shown), relative)).replace(os.sep, "/")
