"""Command line: the argument parser and the dispatch to the handlers in `commands/`;
the work happens in the library.

Exit status: 0 clean, 1 findings at or above fail-on and fail-on-confidence, 2 usage,
configuration or analysis error (a file that could not be checked counts as an error),
3 a policy denied the change (a finding failed by a policy gate or a Rego `deny`).
Precedence: 2, then 3, then 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .commands import EXIT_ERROR
from .report import FORMATS

# Each command's handler: (module of aicodeguard.commands, function), imported only when
# that command runs, so `lsp` or `--version` load nothing they do not use.
HANDLERS = {
    "scan": ("scan", "run"),
    "baseline": ("baseline", "create"),
    "rules": ("rules", "list_rules"),
    "explain": ("rules", "explain"),
    "audit": ("audit", "run"),
    "advisories": ("advisories", "update"),
    "install-hooks": ("delegates", "install_hooks"),
    "commit-msg": ("delegates", "commit_msg"),
    "completions": ("delegates", "completions"),
    "lsp": ("delegates", "lsp"),
}


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
                           "new ones still count (default: the configuration's `baseline`; "
                           "with --hook, else .aicodeguard-baseline.json when it exists)")
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
    module, function = HANDLERS[args.command]
    try:
        handler = getattr(importlib.import_module(f".commands.{module}", __package__), function)
        return handler(args)
    except Exception as error:  # the one place internal errors become exit 2
        if getattr(args, "debug", False):
            raise
        from .config import ConfigError

        prefix = "" if isinstance(error, ConfigError) else "internal error: "
        print(f"aicodeguard: error: {prefix}{error}", file=sys.stderr)
        return EXIT_ERROR


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
