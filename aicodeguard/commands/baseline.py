"""`aicodeguard baseline create`: write today's findings to the baseline file."""

from __future__ import annotations

import sys

from .. import api
from ..baseline import DEFAULT_BASELINE, write
from ..report.text import plural
from . import EXIT_CLEAN, EXIT_ERROR
from .configuration import load_config


def create(args) -> int:
    paths = args.paths or ["."]
    config = load_config(args, paths[0])
    output = args.output or config.baseline or DEFAULT_BASELINE
    outcome = api.scan_paths(paths, config, force_exclude=args.force_exclude)
    count = write(outcome.findings, output)
    for note in outcome.notes:
        if note.level.value == "error":
            print(f"error: {note.path}: {note.message}", file=sys.stderr)
    print(f"aicodeguard: wrote {plural(count, 'finding')} from "
          f"{plural(outcome.files_scanned, 'file')} to {output}")
    return EXIT_ERROR if outcome.has_errors else EXIT_CLEAN
