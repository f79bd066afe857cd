"""Run the checks a file's captures matched, each isolated from the others' failures."""

from __future__ import annotations

from ..model import FileResult, Note, NoteLevel


def run_checks(ctx, pending: list[tuple], result: FileResult) -> None:
    """Call every `(check, args)`; a check that raises becomes an error on the file (it was
    not fully checked, so the run fails closed), and the other checks still run."""
    for check, args in pending:
        try:
            check(ctx, *args)
        except Exception as error:  # a broken check must not lose the file
            node = getattr(args[0], "node", args[0])
            line = node.start_point[0] + 1
            import logging  # only when something went wrong: logging is slow to import

            logging.getLogger("aicodeguard").debug(
                "check %s failed at %s:%d", check.__name__, result.path, line, exc_info=True)
            result.notes.append(Note(result.path, f"internal error in check {check.__name__} "
                                     f"at line {line}: {error!r}; the file is not fully "
                                     "checked (other checks still ran)", NoteLevel.ERROR))
    result.findings.extend(ctx.findings)
