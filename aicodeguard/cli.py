"""Command line: argument parsing and exit codes only; the work happens in the library.

Exit status: 0 clean, 1 findings at or above fail-on and fail-on-confidence, 2 usage,
configuration or analysis error (a file that could not be checked counts as an error),
3 a policy denied the change (a finding failed by a policy gate or a Rego `deny`).
Precedence: 2, then 3, then 1.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .report import FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_POLICY_DENIED = 3


def _id_list(text: str) -> tuple[str, ...]:
    """Rule ids or prefixes; an unknown one is a usage error naming the nearest known id."""
    from .rules import selector_problems

    ids = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    problems = selector_problems(ids)
    if problems:
        raise argparse.ArgumentTypeError("; ".join(problems))
    return ids


def _selection(text: str) -> tuple[str, ...]:
    ids = _id_list(text)
    if not ids:  # selecting nothing would check nothing and pass
        raise argparse.ArgumentTypeError("no rule ids given")
    return ids


def _jobs(text: str) -> int:
    from .config import MAX_JOBS

    if not text.strip().isdigit() or int(text) > MAX_JOBS:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {MAX_JOBS}, "
                                         f"got {text!r}")
    return int(text)


def _add_policy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: nearest .aicodeguard.toml or "
                             "pyproject.toml with [tool.aicodeguard])")
    parser.add_argument("--select", type=_selection, metavar="IDS",
                        help="comma-separated rule ids or prefixes to check (e.g. AIG1,AIG401)")
    parser.add_argument("--ignore", type=_id_list, metavar="IDS",
                        help="comma-separated rule ids or prefixes not to check")
    parser.add_argument("--fail-on", choices=("low", "medium", "high", "critical"),
                        help="lowest severity that makes the exit status 1 (default: medium)")
    parser.add_argument("--fail-on-confidence", choices=("low", "medium", "high"),
                        help="lowest confidence that makes the exit status 1 (default: "
                             "medium); less likely findings are reported, never fail")
    parser.add_argument("--offline", action="store_true", default=None,
                        help="no network: supply-chain checks use the embedded snapshot and cache")
    parser.add_argument("--project-indexes", action="store_true", default=None,
                        help="let supply-chain checks use the scanned repository's own package "
                             "index settings (uv.toml, [tool.uv.index], its .npmrc); also "
                             "AICODEGUARD_PROJECT_INDEXES=1")
    parser.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                        help="worker processes for large scans (default: one per core)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the "
                        "result cache")
    parser.add_argument("--policy", metavar="FILE",
                        help="your policy file (TOML, the policy table's keys): its max-cvss, "
                             "deny-unknown-severity and require-https replace the "
                             "repository's; its presets, rules and rego add to them")
    parser.add_argument("--rego", metavar="FILE", action="append",
                        help="also evaluate this Rego policy (data.aicodeguard.deny) over the "
                             "JSON report; repeatable; a denial exits 3")
    parser.add_argument("--debug", action="store_true", help="log details and tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aicodeguard",
        description="Security linter for AI-written code.",
    )
    parser.add_argument("--version", action="version", version=_version_text())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="scan files and folders",
                               description="Scan files and folders for insecure patterns.")
    scan.add_argument("paths", nargs="*", metavar="PATH",
                      help="files or folders (default: .); `-` reads standard input")
    scan.add_argument("--format", "-f", choices=FORMATS,
                      help="output format (default: text; concise with --hook)")
    scan.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    scan.add_argument("--stdin-filename", metavar="NAME",
                      help="file name to report (and pick the language by) for `-`")
    scan.add_argument("--force-exclude", action="store_true",
                      help="apply exclude patterns to files named on the command line too")
    scan.add_argument("--bandit", action="store_true",
                      help="also run bandit and merge its results (slower; see README)")
    scan.add_argument("--exit-zero", action="store_true",
                      help="exit 0 even when there are findings (errors still exit 2)")
    scan.add_argument("--hook", action="store_true",
                      help="commit-hook mode: concise sorted output, excludes apply to named "
                           "files, no informational notes")
    scan.add_argument("--staged", action="store_true",
                      help="scan the staged content of staged files (what `git commit` would "
                           "record), not the working tree; PATHs narrow it down")
    scan.add_argument("--changed", action="store_true",
                      help="report only findings on lines changed since --base (new files "
                           "count whole)")
    scan.add_argument("--diff", action="store_true",
                      help="same as --changed; with --fix: print the fixes as a unified diff "
                           "and write nothing")
    scan.add_argument("--base", metavar="REF",
                      help="for --changed: compare with the merge base of REF and HEAD "
                           "(default: HEAD, i.e. uncommitted changes); implies --changed")
    scan.add_argument("--baseline", metavar="FILE",
                      help="hide findings listed in FILE (see `aicodeguard baseline create`); "
                           "new ones still count (default: the configuration's `baseline`)")
    scan.add_argument("--fix", action="store_true",
                      help="apply the safe fixes in place, then report what is left")
    scan.add_argument("--unsafe-fixes", action="store_true",
                      help="with --fix: also apply fixes marked unsafe (they may change "
                           "behaviour; review them)")
    scan.add_argument("--statistics", action="store_true",
                      help="print counts per rule and severity instead of the findings")
    scan.add_argument("--show-settings", action="store_true",
                      help="print the resolved configuration and where it came from, and exit")
    scan.add_argument("--show-files", action="store_true",
                      help="print the files that would be scanned, and what would be skipped "
                           "and why, and exit")
    scan.add_argument("--sarif-all-rules", action="store_true",
                      help="for --format sarif: full help for every enabled rule, not only "
                           "for those with results")
    scan.add_argument("--record-check", action="store_true", help=argparse.SUPPRESS)
    _add_policy_options(scan)

    baseline = commands.add_parser(
        "baseline", help="accept today's findings so that only new ones fail",
        description="Manage a baseline file of accepted findings (no line numbers, sorted).")
    baseline_actions = baseline.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = baseline_actions.add_parser("create", help="write the current findings to FILE")
    create.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    create.add_argument("--output", "-o", metavar="FILE",
                        help="baseline file to write (default: the configuration's `baseline`, "
                             "else .aicodeguard-baseline.json)")
    create.add_argument("--force-exclude", action="store_true",
                        help="apply exclude patterns to files named on the command line too")
    _add_policy_options(create)

    install = commands.add_parser(
        "install-hooks", help="install the plain git pre-commit hook in this repository",
        description="Install aicodeguard's git pre-commit hook (scans the staged content). "
                    "An existing hook is kept and runs first.")
    install.add_argument("--uninstall", action="store_true",
                         help="remove aicodeguard's hooks and restore the previous ones")
    install.add_argument("--notes", action="store_true",
                         help="also record in git notes (refs/notes/aicodeguard) which "
                              "aicodeguard version checked each commit")
    install.add_argument("--trailer", action="store_true",
                         help="also install a commit-msg hook that appends a `Checked-by: "
                              "aicodeguard ...` trailer to each checked commit and enforces "
                              "the configuration's custody requirements")

    audit = commands.add_parser(
        "audit", help="the chain of custody of the history: AI-assisted, checked, waivers",
        description="Report, for each commit of REV-RANGE (default: HEAD), whether it was "
                    "AI-assisted and by what, whether aicodeguard checked it, which "
                    "dependencies and waivers it added and whether it changed the gate's "
                    "files; and every waiver at HEAD with its owner, age and expiry.")
    audit.add_argument("revisions", nargs="*", metavar="REV-RANGE",
                       help="git revisions or a range such as main..HEAD (default: HEAD)")
    audit.add_argument("--blame", action="append", default=[], metavar="PATH:LINE",
                       help="which commit brought in this line (a finding's location), or "
                            "this dependency (a package name), and was it AI-assisted; "
                            "repeatable")
    audit.add_argument("--format", "-f", choices=("text", "json", "html"), default="text",
                       help="output format (default: text)")
    audit.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    audit.add_argument("--config", metavar="FILE",
                       help="configuration file for the custody table (default: nearest "
                            ".aicodeguard.toml or pyproject.toml with [tool.aicodeguard])")
    audit.add_argument("--debug", action="store_true", help="tracebacks for errors")

    commit_msg = commands.add_parser(
        "commit-msg", help="the commit-msg hook's step (install-hooks --trailer; pre-commit "
                           "hook aicodeguard-trailer)",
        description="Append `Checked-by: aicodeguard ...` to the message in FILE when the "
                    "pre-commit check recorded exactly the content being committed, and "
                    "refuse a message that breaks the custody requirements.")
    commit_msg.add_argument("message_file", metavar="FILE", help="the commit message file")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", default="text", choices=("text", "json", "markdown"))

    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule_id", metavar="ID")

    _add_advisories_parser(commands)

    completions = commands.add_parser(
        "completions", help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for SHELL, generated from these "
                    "options; e.g. `source <(aicodeguard completions bash)`.")
    completions.add_argument("shell", choices=("bash", "zsh", "fish"), metavar="SHELL",
                             help="bash, zsh or fish")

    lsp = commands.add_parser("lsp", help="run the language server (for editors)",
                              description="Run the language server on standard input/output.")
    lsp.add_argument("--tcp", metavar="HOST:PORT", type=_host_port,
                     help="listen on a TCP port instead (for debugging)")
    lsp.add_argument("--debug", action="store_true", help="log every message to stderr")
    return parser


def _host_port(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return f"{host or '127.0.0.1'}:{port}"


def _version_text() -> str:
    from .supply.advisories import describe as advisories  # reads the data's first line
    from .supply.snapshot import describe  # reads only the snapshot's small info file

    return f"aicodeguard {__version__} ({describe()}; {advisories()})"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    if getattr(args, "debug", False):
        import logging

        logging.basicConfig(level=logging.DEBUG, format="aicodeguard: %(message)s")
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "baseline":
            return _baseline_create(args)
        if args.command == "install-hooks":
            from .install_hooks import install, uninstall

            return uninstall() if args.uninstall else install(notes=args.notes,
                                                              trailer=args.trailer)
        if args.command == "audit":
            return _audit(args)
        if args.command == "commit-msg":
            from .custody.checked import commit_msg

            return commit_msg(args.message_file)
        if args.command == "advisories":
            return _advisories(args)
        if args.command == "completions":
            from .completions import script

            sys.stdout.write(script(args.shell, parser))
            return EXIT_CLEAN
        if args.command == "lsp":
            from .lsp_server import serve  # pygls and lsprotocol load only here

            return serve(args.tcp, args.debug)
        return _explain(args)
    except Exception as error:  # the one place internal errors become exit 2
        if getattr(args, "debug", False):
            raise
        from .config import ConfigError

        prefix = "" if isinstance(error, ConfigError) else "internal error: "
        print(f"aicodeguard: error: {prefix}{error}", file=sys.stderr)
        return EXIT_ERROR


def load_config(args, start: str):
    from .config import discover, load_file, with_user_policy
    from .model import Confidence, Severity

    # A file named on the command line is the user's own choice, so it may set what a
    # configuration found inside the scanned repository may not (project-indexes).
    config = load_file(args.config, trusted=True) if args.config else discover(start)
    if config is None:  # --config pointed at a pyproject.toml without the section
        from .config import Config

        config = Config()
    # Options and the environment only ever add safety (offline) or the user's own opt-in
    # (project-indexes): a repository's `offline = false` cannot undo --offline.
    config = config.with_overrides(
        select=args.select,
        ignore=args.ignore,
        fail_on=Severity.parse(args.fail_on) if args.fail_on else None,
        fail_on_confidence=Confidence.parse(args.fail_on_confidence)
        if args.fail_on_confidence else None,
        offline=True if args.offline or os.environ.get("AICODEGUARD_OFFLINE") == "1" else None,
        project_indexes=True if args.project_indexes
        or os.environ.get("AICODEGUARD_PROJECT_INDEXES") == "1" else None,
        jobs=args.jobs,
        cache=False if args.no_cache else None,
    )
    # The user's own policy (--policy, --rego): trusted, so its files may live anywhere.
    return with_user_policy(config, getattr(args, "policy", None), getattr(args, "rego", None))


def _scan(args) -> int:
    from datetime import datetime, timezone

    from .report import render

    started = datetime.now(timezone.utc)
    paths = args.paths or ["."]
    args.format = args.format or ("concise" if args.hook else "text")
    problem = _scan_usage_problem(args, paths)
    if problem:
        print(f"aicodeguard: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    config = load_config(args, paths[0] if paths[0] != "-" else os.getcwd())
    if args.show_settings or args.show_files:
        sys.stdout.write(_show_settings(config) if args.show_settings
                         else _show_files(paths, config, args.force_exclude or args.hook))
        return EXIT_CLEAN
    keep_new = _new_findings_filter(args, config)  # reads the baseline and git first
    outcome = _collect(args, paths, config, keep_new)
    fix_line = ""
    if args.fix:
        from . import fixes

        result = fixes.plan(outcome.findings, unsafe=args.unsafe_fixes)
        for problem in result.problems():
            print(f"aicodeguard: {problem}", file=sys.stderr)
        fixed = len(result.fixed)
        if args.diff:  # a preview: the diff on stdout, nothing written; 1 when it is not empty
            patch = fixes.unified_diff(result)
            sys.stdout.write(patch)
            left = len(outcome.findings) - fixed
            print(f"aicodeguard: {fixes.summary(fixed, len(result.files), left, preview=True)}",
                  file=sys.stderr)
            return EXIT_FINDINGS if patch else EXIT_CLEAN
        fixes.write(result)
        for problem in result.problems():  # files that changed on disk meanwhile
            if "changed on disk" in problem:
                print(f"aicodeguard: {problem}", file=sys.stderr)
        written = set(result.written)
        if written:  # what is left is what a fresh scan of the fixed files reports
            outcome = _collect(args, paths, config, keep_new)
        fixed = sum(1 for f in result.fixed if f.location.path in written)
        fix_line = fixes.summary(fixed, len(written), len(outcome.findings))
    to_file = args.output is not None
    if args.statistics:
        from .report.inventory import render_statistics

        text = render_statistics(outcome.findings)
    else:
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
    elif outcome.findings or outcome.notes or fix_line or not args.hook:  # quiet when clean
        sys.stdout.write(text)
    return _finish_scan(args, outcome, config)


def _show_settings(config) -> str:
    from .report.inventory import render_settings

    return render_settings(config)


def _show_files(paths, config, force_exclude: bool) -> str:
    from .discovery import Discovery
    from .engine import languages_with_rules
    from .report.inventory import render_files

    if paths == ["-"]:
        paths = ["."]
    discovery = Discovery(config.exclude, respect_gitignore=config.respect_gitignore,
                          force_exclude=force_exclude, languages=languages_with_rules())
    targets = discovery.run(paths)
    return render_files(targets, dict(discovery.skipped), discovery.notes)


def _scan_usage_problem(args, paths) -> str:
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


def _collect(args, paths, config, keep_new):
    """The outcome a scan shows: scanned, gate files added, narrowed, Rego applied."""
    from . import api

    if args.staged:
        outcome = api.scan_staged(args.paths, config)
    elif paths == ["-"]:
        outcome = api.scan_bytes(args.stdin_filename, sys.stdin.buffer.read(), config)
    else:
        outcome = api.scan_paths(paths, config, force_exclude=args.force_exclude or args.hook,
                                 progress=_progress_bar(args), bandit=args.bandit)
    if paths != ["-"]:
        from .model import Finding

        outcome.findings = sorted(outcome.findings + _gate_findings(args, config, paths),
                                  key=Finding.sort_key)
    outcome = keep_new(outcome)
    if config.policy.rego:  # over the report of what is shown, after baseline and --diff
        from .policy.rego import apply_rego

        outcome = apply_rego(outcome, config)
    if args.hook:  # a blocked commit shows what blocks it, not which files were skipped
        outcome.notes = [note for note in outcome.notes if note.level.value != "info"]
    return outcome


def _finish_scan(args, outcome, config) -> int:
    """Record the check (hooks) and choose the exit status."""
    if args.record_check:  # for the git note (install-hooks --notes) and Checked-by trailer
        from .custody.checked import policy_hash
        from .install_hooks import record_check
        from .report.text import summary

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


def _audit(args) -> int:
    from .custody.audit import AuditOptions, audit, render_json, render_text
    from .custody.settings import load_custody

    settings = load_custody(os.getcwd(), args.config)  # git errors are ConfigErrors: exit 2
    report = audit(os.getcwd(), AuditOptions(
        revisions=tuple(args.revisions) or ("HEAD",), ai_markers=settings.ai_markers,
        ai_identities=settings.ai_identities, blame=tuple(args.blame)))
    if args.format == "html":
        from .custody.html import render_audit_html

        text = render_audit_html(report)
    else:
        text = render_json(report) if args.format == "json" else render_text(report)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN


def _gate_findings(args, config, paths) -> list:
    """AIG007 (gate files no CODEOWNERS entry covers); in hooks only when the commit
    touches one of them."""
    from . import api

    staged = None
    if args.hook and args.paths and not args.staged:
        staged = args.paths  # what pre-commit passes: the commit's files
    elif args.staged or args.hook:
        from .gitdiff import GitError, git, repo_root

        try:
            root = repo_root()
            names = git("diff", "--cached", "--name-only", "-z").split(b"\0")
        except GitError:
            return []
        staged = [os.path.join(root, os.fsdecode(name)) for name in names if name]
    return api.gate_file_findings(config, paths[0], staged_paths=staged)


def _new_findings_filter(args, config):
    """--baseline (else the configuration's `baseline`) and --changed: a function that
    keeps only the findings that are new."""
    from .policy import narrow

    baseline = changed = None
    baseline_file = args.baseline or config.baseline
    if baseline_file:
        from .baseline import Baseline

        baseline = Baseline.load(baseline_file)
    if args.changed or args.base or (args.diff and not args.fix):
        from .gitdiff import changed_lines

        changed = changed_lines(args.base or "HEAD", staged=args.staged)
    return lambda outcome: narrow(outcome, baseline=baseline, changed=changed)


def _baseline_create(args) -> int:
    from . import api
    from .baseline import DEFAULT_BASELINE, write
    from .report.text import plural

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


def _color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _progress_bar(args):
    """A one-line progress bar on stderr, only for people watching a terminal."""
    if args.format not in ("text", "concise") or os.environ.get("PRE_COMMIT") or args.hook \
            or not sys.stderr.isatty():
        return None
    state = {"shown": False}

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if done % 25 and done != total:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        state["shown"] = True
        if done == total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()

    return show


def _rules(args) -> int:
    from .rules import ALL_RULES, doc_url

    if args.format == "json":
        import json

        print(json.dumps([{
            "id": r.id, "name": r.name, "summary": r.summary, "severity": r.severity.label,
            "confidence": r.confidence.label, "cwe": [f"CWE-{n}" for n in r.cwe],
            "languages": list(r.languages), "fixable": r.fixable, "help_url": doc_url(r.id),
        } for r in ALL_RULES], indent=2))
        return EXIT_CLEAN
    if args.format == "markdown":
        print(rules_markdown())
        return EXIT_CLEAN
    print(f"{'ID':<6}  {'SEVERITY':<8} {'CWE':<16} {'NAME':<40} SUMMARY")
    for rule in ALL_RULES:
        cwe = ",".join(f"CWE-{n}" for n in rule.cwe)
        print(f"{rule.id}  {rule.severity.label:<8} {cwe:<16} {rule.name:<40} {rule.summary}")
    return EXIT_CLEAN


def rules_markdown() -> str:
    """The README's rule table (kept in sync by a test)."""
    from .rules import ALL_RULES

    rows = ["| ID | Name | Severity | CWE | Languages | Fix | Summary |",
            "|---|---|---|---|---|---|---|"]
    for rule in ALL_RULES:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe)
        link = f"[{rule.id}](aicodeguard/rules/docs/{rule.id}.md)"
        rows.append(f"| {link} | `{rule.name}` | {rule.severity.label} | {cwe} | "
                    f"{', '.join(rule.languages)} | {'yes' if rule.fixable else ''} | "
                    f"{rule.summary} |")
    return "\n".join(rows)


def _add_advisories_parser(commands) -> None:
    advisories = commands.add_parser(
        "advisories", help="manage the known-vulnerability data (AIG609-AIG611)",
        description="Manage the advisory data the known-vulnerability checks use.")
    actions = advisories.add_subparsers(dest="action", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", help="refresh the advisory data from an OSV export",
        description="Refresh the advisory data from OSV exports (a zip of OSV JSON records, "
                    "JSON lines, or a folder of them), by URL or file. Without --from, the "
                    "space-separated AICODEGUARD_ADVISORY_SOURCES, then `advisory-sources` "
                    "of the --config file, are used. The result is "
                    "written to the cache folder and used when newer than the embedded data.")
    update.add_argument("--from", dest="sources", action="append", default=[],
                        metavar="URL-OR-FILE", help="an OSV export to read; repeatable")
    update.add_argument("--config", metavar="FILE",
                        help="your configuration file, for its `advisory-sources`")
    update.add_argument("--debug", action="store_true", help="tracebacks for errors")


def _advisories(args) -> int:
    from .supply.advisory_update import UpdateError, update

    sources = args.sources or os.environ.get("AICODEGUARD_ADVISORY_SOURCES", "").split()
    if not sources and args.config:
        from .config import load_file

        config = load_file(args.config, trusted=True)
        sources = list(config.advisory_sources) if config is not None else []
    if not sources:
        print("aicodeguard: error: no advisory source: pass --from URL-OR-FILE (an OSV "
              "export), set AICODEGUARD_ADVISORY_SOURCES, or name a --config file with "
              "advisory-sources", file=sys.stderr)
        return EXIT_ERROR
    try:
        summary = update(sources)
    except UpdateError as error:
        print(f"aicodeguard: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    counts = ", ".join(f"{count:,} {ecosystem} packages"
                       for ecosystem, count in sorted(summary.packages.items()))
    print(f"aicodeguard: wrote advisories of {summary.date} ({summary.records:,} OSV records; "
          f"{counts}) to {summary.path}")
    return EXIT_CLEAN


def _explain(args) -> int:
    from .rules import BY_ID, doc_url, rule_doc

    rule = BY_ID.get(args.rule_id.upper())
    if rule is None:
        print(f"aicodeguard: error: unknown rule id {args.rule_id!r} "
              "(see `aicodeguard rules`)", file=sys.stderr)
        return EXIT_ERROR
    print(rule_doc(rule.id).rstrip())
    print(f"\nSeverity: {rule.severity.label} · Confidence: {rule.confidence.label} · "
          f"{', '.join(f'CWE-{n}' for n in rule.cwe)} · {doc_url(rule.id)}")
    return EXIT_CLEAN
