"""`aicodeguard audit`: the chain of custody of the history, as text, JSON or HTML."""

from __future__ import annotations

import os
import sys

from ..custody.audit import AuditOptions, audit, render_json, render_text
from ..custody.settings import load_custody
from . import EXIT_CLEAN


def run(args) -> int:
    settings = load_custody(os.getcwd(), args.config)  # git errors are ConfigErrors: exit 2
    report = audit(os.getcwd(), AuditOptions(
        revisions=tuple(args.revisions) or ("HEAD",), ai_markers=settings.ai_markers,
        ai_identities=settings.ai_identities, blame=tuple(args.blame)))
    if args.format == "html":
        from ..custody.html import render_audit_html

        text = render_audit_html(report)
    else:
        text = render_json(report) if args.format == "json" else render_text(report)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN
