"""What a scan shows: the files scanned, gate files added, the findings narrowed to the
new ones (baseline, --changed), Rego applied."""

from __future__ import annotations

import os
import sys

from .. import api
from ..baseline import DEFAULT_BASELINE, Baseline
from ..model import Finding
from ..policy import Outcome, narrow


def collect(args, paths: list[str], config, keep_new) -> Outcome:
    """Scan `paths` (or the index, or standard input) as `args` say; `keep_new` is
    `new_findings_filter`'s result."""
    if args.staged:
        outcome = api.scan_staged(args.paths, config)
    elif paths == ["-"]:
        outcome = api.scan_bytes(args.stdin_filename, sys.stdin.buffer.read(), config)
    else:
        outcome = api.scan_paths(paths, config, force_exclude=args.force_exclude or args.hook,
                                 progress=_progress_bar(args), bandit=args.bandit)
    if paths != ["-"]:
        outcome.findings = sorted(outcome.findings + _gate_findings(args, config, paths),
                                  key=Finding.sort_key)
    outcome = keep_new(outcome)
    if config.policy.rego:  # over the report of what is shown, after baseline and --diff
        from ..policy.rego import apply_rego

        outcome = apply_rego(outcome, config)
    if args.hook:  # a blocked commit shows what blocks it, not which files were skipped
        outcome.notes = [note for note in outcome.notes if note.level.value != "info"]
    return outcome


def new_findings_filter(args, config):
    """A function that keeps only the findings that are new: not in the baseline, and
    with --changed on changed lines.  Reads the baseline and git once, up front."""
    baseline = changed = None
    baseline_file = baseline_path(args, config)
    if baseline_file:
        baseline = Baseline.load(baseline_file)
    if args.changed or args.base or (args.diff and not args.fix):
        from ..gitdiff import changed_lines

        changed = changed_lines(args.base or "HEAD", staged=args.staged)
    return lambda outcome: narrow(outcome, baseline=baseline, changed=changed)


def baseline_path(args, config) -> str | None:
    """--baseline, else the configuration's `baseline`; in a hook, else
    .aicodeguard-baseline.json when the folder the hook runs in (the repository's top
    level) has one, which is where `baseline create` writes by default."""
    if args.baseline or config.baseline:
        return args.baseline or config.baseline
    if args.hook and os.path.isfile(DEFAULT_BASELINE):
        return DEFAULT_BASELINE
    return None


def _gate_findings(args, config, paths) -> list:
    """AIG007 (gate files no CODEOWNERS entry covers); in hooks only when the commit
    touches one of them."""
    staged = None
    if args.hook and args.paths and not args.staged:
        staged = args.paths  # what pre-commit passes: the commit's files
    elif args.staged or args.hook:
        from ..gitdiff import GitError, git, repo_root

        try:
            root = repo_root()
            names = git("diff", "--cached", "--name-only", "-z").split(b"\0")
        except GitError:
            return []
        staged = [os.path.join(root, os.fsdecode(name)) for name in names if name]
    return api.gate_file_findings(config, paths[0], staged_paths=staged)


def _progress_bar(args):
    """A one-line progress bar on stderr, only for people watching a terminal."""
    if args.format not in ("text", "concise") or os.environ.get("PRE_COMMIT") or args.hook \
            or not sys.stderr.isatty():
        return None
    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if done % 25 and done != total:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        if done == total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()

    return show
