"""`aicodeguard advisories update`: refresh the known-vulnerability data from OSV."""

from __future__ import annotations

import os
import sys

from ..config import load_file
from ..supply.advisory_update import UpdateError
from ..supply.advisory_update import update as update_advisories
from . import EXIT_CLEAN, EXIT_ERROR


def update(args) -> int:
    sources = args.sources or os.environ.get("AICODEGUARD_ADVISORY_SOURCES", "").split()
    if not sources and args.config:
        config = load_file(args.config, trusted=True)
        sources = list(config.advisory_sources) if config is not None else []
    if not sources:
        print("aicodeguard: error: no advisory source: pass --from URL-OR-FILE (an OSV "
              "export), set AICODEGUARD_ADVISORY_SOURCES, or name a --config file with "
              "advisory-sources", file=sys.stderr)
        return EXIT_ERROR
    try:
        summary = update_advisories(sources)
    except UpdateError as error:
        print(f"aicodeguard: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    counts = ", ".join(f"{count:,} {ecosystem} packages"
                       for ecosystem, count in sorted(summary.packages.items()))
    print(f"aicodeguard: wrote advisories of {summary.date} ({summary.records:,} OSV records; "
          f"{counts}) to {summary.path}")
    return EXIT_CLEAN
