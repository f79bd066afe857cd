"""`aicodeguard scan`: check the options, scan, fix if asked, render, choose the exit
status."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from . import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_POLICY_DENIED
from .collect import collect, new_findings_filter
from .configuration import load_config


def run(args) -> int:
    started = datetime.now(timezone.utc)
    paths = args.paths or ["."]
    args.format = args.format or ("concise" if args.hook else "text")
    problem = _usage_problem(args, paths)
    if problem:
        print(f"aicodeguard: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    config = load_config(args, paths[0] if paths[0] != "-" else os.getcwd())
    if args.show_settings or args.show_files:
        sys.stdout.write(_show_settings(config) if args.show_settings
                         else _show_files(paths, config, args.force_exclude or args.hook))
        return EXIT_CLEAN
    keep_new = new_findings_filter(args, config)  # reads the baseline and git first
    outcome = collect(args, paths, config, keep_new)
    fix_line = ""
    if args.fix:
        from . import fix

        if args.diff:  # a preview: nothing is written
            return fix.preview(outcome, unsafe=args.unsafe_fixes)
        outcome, fix_line = fix.apply(outcome, unsafe=args.unsafe_fixes,
                                      rescan=lambda: collect(args, paths, config, keep_new))
    _write_report(args, outcome, config, fix_line, started)
    return _finish(args, outcome, config)


def _usage_problem(args, paths) -> str:
    if args.unsafe_fixes and not args.fix:
        return "--unsafe-fixes only works with --fix"
    if args.fix and (args.staged or paths == ["-"]):
        return "--fix works on files on disk: not with --staged or `-`"
    if args.fix and args.statistics:
        return "--fix cannot be combined with --statistics"
    if paths != ["-"] and "-" in paths:
        return "`-` cannot be combined with other paths"
    if paths == ["-"] and not args.stdin_filename and not (args.show_settings
                                                           or args.show_files):
        return "reading standard input needs --stdin-filename"
    return ""


def _show_settings(config) -> str:
    from ..report.inventory import render_settings

    return render_settings(config)


def _show_files(paths, config, force_exclude: bool) -> str:
    from ..discovery import Discovery
    from ..engine import languages_with_rules
    from ..report.inventory import render_files

    if paths == ["-"]:
        paths = ["."]
    discovery = Discovery(config.exclude, respect_gitignore=config.respect_gitignore,
                          force_exclude=force_exclude, languages=languages_with_rules())
    targets = discovery.run(paths)
    return render_files(targets, dict(discovery.skipped), discovery.notes)


def _write_report(args, outcome, config, fix_line: str, started: datetime) -> None:
    """The report (or --statistics) to --output or stdout; a hook is quiet when clean."""
    to_file = args.output is not None
    if args.statistics:
        from ..report.inventory import render_statistics

        text = render_statistics(outcome.findings)
    else:
        from ..report import render

        text = render(outcome, config, args.format,
                      color=not to_file and args.format == "text" and _color(sys.stdout),
                      sarif_all_rules=args.sarif_all_rules, started=started,
                      ended=datetime.now(timezone.utc))
    if fix_line and args.format in ("text", "concise") and not to_file:
        text += fix_line + "\n"
    elif fix_line:
        print(f"aicodeguard: {fix_line}", file=sys.stderr)
    if to_file:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    elif outcome.findings or outcome.notes or fix_line or not args.hook:
        sys.stdout.write(text)


def _finish(args, outcome, config) -> int:
    """Record the check (hooks) and choose the exit status."""
    if args.record_check:  # for the git note (install-hooks --notes) and Checked-by trailer
        from ..custody.checked import policy_hash
        from ..install_hooks import record_check
        from ..report.text import summary

        record_check(summary(outcome, config),
                     passed=not outcome.has_errors and not outcome.failing(config),
                     findings=len(outcome.findings),
                     policy=policy_hash(dict.fromkeys([config.path, *config.policy.sources,
                                                       *config.policy.rego])),
                     paths=args.paths or None)
    if outcome.has_errors:
        return EXIT_ERROR
    if outcome.failing(config) and not args.exit_zero:
        return EXIT_POLICY_DENIED if outcome.policy_denied(config) else EXIT_FINDINGS
    return EXIT_CLEAN


def _color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"
