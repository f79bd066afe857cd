"""`aicodeguard install-hooks`: the plain git hooks, for repositories without the
pre-commit framework.

An existing hook is never overwritten: it is renamed to ``<hook>.pre-aicodeguard`` and
aicodeguard's hook runs it first, so both must pass.  ``--uninstall`` removes
aicodeguard's hooks and puts the previous ones back.  With ``--notes`` (opt-in) a
post-commit hook also records in git notes (``refs/notes/aicodeguard``) which
aicodeguard version checked each commit and with what result: the pre-commit scan
leaves a record naming the tree it checked, and the post-commit hook turns it into a
note only if the commit has exactly that tree.  The hook starts ``python -I -m
aicodeguard`` (or the console script), so nothing in the repository is importable while
it is checked (`isolated_python`).  With ``--trailer`` a commit-msg hook appends a
``Checked-by: aicodeguard ...`` trailer from the same record (`custody.checked`) and
enforces the custody table's require-ai-disclosure and require-prompt-ref.  The hook
texts are `TEMPLATES`;
``hooks/`` in the source tree holds the same texts for people who copy them by hand.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from .gitdiff import GitError, git

MARKER = "# aicodeguard-hook"  # marks a hook this module wrote
PREVIOUS_SUFFIX = ".pre-aicodeguard"
NOTES_REF = "aicodeguard"
NOTES_SETTING = "aicodeguard.notes"  # git config switch read by the pre-commit hook
TRAILER_SETTING = "aicodeguard.trailer"  # the same, for the commit-msg hook's record
RECORD_FILE = "aicodeguard-check"  # in the git folder, from pre-commit to post-commit

PRE_COMMIT = """\
#!/bin/sh
# aicodeguard-hook: blocks a commit that adds insecure code or a hallucinated dependency.
# Scans what the commit will record (the staged content, not the working tree).
# Installed by `aicodeguard install-hooks` (or copied here by hand); remove it with
# `aicodeguard install-hooks --uninstall`; skip it once with `git commit --no-verify`.
# Accepted findings: the configuration's `baseline` file, else .aicodeguard-baseline.json
# when it exists (`scan --hook` picks it; see docs/hooks.md).

# The hook that was here before aicodeguard was installed runs first.
previous="$(dirname "$0")/pre-commit.pre-aicodeguard"
if [ -x "$previous" ]; then
    "$previous" "$@" || exit $?
fi

set -- scan --staged --hook
if [ "$(git config --bool aicodeguard.notes)" = true ] ||
   [ "$(git config --bool aicodeguard.trailer)" = true ]; then
    set -- "$@" --record-check  # for the git note and the Checked-by trailer
fi

# Never run what is checked: `python -I` keeps the repository off the import path and
# ignores PYTHON* variables (a PYTHONPATH from the repository's .envrc), so no file of
# the repository can stand in for a library module.  The console script's import path
# starts with its own folder; the variables are dropped for it here.
unset PYTHONPATH PYTHONHOME PYTHONUSERBASE
AICODEGUARD_PYTHON={python}
if [ -n "$AICODEGUARD_PYTHON" ] && [ -x "$AICODEGUARD_PYTHON" ]; then
    exec "$AICODEGUARD_PYTHON" -I -m aicodeguard "$@"
elif command -v aicodeguard >/dev/null 2>&1; then
    exec aicodeguard "$@"
fi
echo "aicodeguard: not installed, so the staged files were not checked. Install it" >&2
echo "(from its repository: see docs/hooks.md) or remove this hook: $0" >&2
exit 1
"""

POST_COMMIT = """\
#!/bin/sh
# aicodeguard-hook: records in git notes (refs/notes/aicodeguard) which aicodeguard
# version checked this commit and with what result; see `git log --notes=aicodeguard`.
# Installed by `aicodeguard install-hooks --notes`; the pre-commit hook leaves the record.

previous="$(dirname "$0")/post-commit.pre-aicodeguard"
if [ -x "$previous" ]; then
    "$previous" "$@"
fi

record="$(git rev-parse --git-path aicodeguard-check)"
if [ -f "$record" ]; then
    # Only when the commit holds exactly the content that was checked.
    if [ "$(sed -n 1p "$record")" = "$(git rev-parse 'HEAD^{tree}')" ]; then
        sed 1d "$record" | git notes --ref=aicodeguard add -f -F - HEAD
    fi
    rm -f "$record"
fi
"""

COMMIT_MSG = """\
#!/bin/sh
# aicodeguard-hook: appends `Checked-by: aicodeguard <version>; policy ...; findings ...;
# waivers ...` to the message when the pre-commit hook checked exactly the content being
# committed, and refuses a message that breaks the `custody` table of the configuration
# (require-ai-disclosure, require-prompt-ref).  Installed by `aicodeguard install-hooks
# --trailer`.

previous="$(dirname "$0")/commit-msg.pre-aicodeguard"
if [ -x "$previous" ]; then
    "$previous" "$@" || exit $?
fi

unset PYTHONPATH PYTHONHOME PYTHONUSERBASE
AICODEGUARD_PYTHON={python}
if [ -n "$AICODEGUARD_PYTHON" ] && [ -x "$AICODEGUARD_PYTHON" ]; then
    exec "$AICODEGUARD_PYTHON" -I -m aicodeguard commit-msg "$1"
elif command -v aicodeguard >/dev/null 2>&1; then
    exec aicodeguard commit-msg "$1"
fi
echo "aicodeguard: not installed, so the commit message was not checked. Install it" >&2
echo "(from its repository: see docs/hooks.md) or remove this hook: $0" >&2
exit 1
"""

TEMPLATES = {"pre-commit": PRE_COMMIT, "post-commit": POST_COMMIT, "commit-msg": COMMIT_MSG}


def hook_text(name: str, python: str | None) -> str:
    """Hook `name`; `python` is the interpreter that has aicodeguard (None: use PATH)."""
    return TEMPLATES[name].replace("{python}", shlex.quote(python) if python else '""')


def hooks_dir() -> str:
    """The folder git runs hooks from (honours core.hooksPath)."""
    path = os.fsdecode(git("rev-parse", "--git-path", "hooks").rstrip(b"\n"))
    return os.path.abspath(path)


def _mentions(path: str, text: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return text in handle.read(4096)
    except OSError:
        return False


def _is_ours(path: str) -> bool:
    return _mentions(path, MARKER)


def isolated_python() -> str | None:
    """This interpreter when `python -I` imports this same aicodeguard, else None.

    The hook runs `python -I -m aicodeguard`; -I also hides the user's site-packages, so
    after `pip install --user` the hook uses the `aicodeguard` command on PATH instead.
    """
    probe = "import aicodeguard, sys; sys.stdout.write(aicodeguard.__file__)"
    try:
        done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    ours = os.path.realpath(os.path.join(os.path.dirname(__file__), "__init__.py"))
    found = os.fsdecode(done.stdout)
    if done.returncode == 0 and found and os.path.realpath(found) == ours:
        return sys.executable
    return None


def _write_hook(path: str, name: str, python: str | None) -> None:
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(hook_text(name, python))
    os.chmod(temporary, 0o755)
    os.replace(temporary, path)


def install(notes: bool = False, trailer: bool = False) -> int:
    folder = hooks_dir()
    os.makedirs(folder, exist_ok=True)
    python = isolated_python()
    if python is None:
        print("aicodeguard: `python -I` does not find this aicodeguard (a user-site install?); "
              "the hook runs the `aicodeguard` command found on PATH")
    names = ["pre-commit"] + (["commit-msg"] if trailer else []) + \
        (["post-commit"] if notes else [])
    for name in names:
        status = _install_one(folder, name, python)
        if status:
            return status
    if trailer:
        git("config", TRAILER_SETTING, "true")
        print("aicodeguard: each checked commit gets a `Checked-by: aicodeguard ...` trailer "
              "(see them with `aicodeguard audit`)")
    if notes:
        git("config", NOTES_SETTING, "true")
        print(f"aicodeguard: each checked commit gets a git note in refs/notes/{NOTES_REF} "
              f"(show them with `git log --notes={NOTES_REF}`)")
    return 0


def _install_one(folder: str, name: str, python: str | None) -> int:
    hook = os.path.join(folder, name)
    previous = hook + PREVIOUS_SUFFIX
    shown = os.path.relpath(hook)
    if os.path.lexists(hook) and not _is_ours(hook):
        if os.path.lexists(previous):
            print(f"aicodeguard: error: {shown} is not aicodeguard's hook and "
                  f"{os.path.relpath(previous)} already exists; move one of them away and "
                  "run install-hooks again", file=sys.stderr)
            return 2
        framework = _mentions(hook, "File generated by pre-commit")
        os.replace(hook, previous)
        print(f"aicodeguard: kept your existing hook as {os.path.relpath(previous)}; "
              "it runs first, then aicodeguard")
        if framework:
            print("aicodeguard: this repository uses the pre-commit framework; listing the "
                  "aicodeguard hooks in .pre-commit-config.yaml fits it better (see docs/hooks.md)")
    elif os.path.lexists(hook):
        print(f"aicodeguard: updating the hook already in {shown}")
    _write_hook(hook, name, python)
    print(f"aicodeguard: installed the {name} hook in {shown}")
    return 0


def uninstall() -> int:
    folder = hooks_dir()
    for name in TEMPLATES:
        hook = os.path.join(folder, name)
        previous = hook + PREVIOUS_SUFFIX
        shown = os.path.relpath(hook)
        if not os.path.lexists(hook) or not _is_ours(hook):
            if name == "pre-commit":
                state = "is not aicodeguard's; left it alone" if os.path.lexists(hook) \
                    else "does not exist"
                print(f"aicodeguard: nothing to uninstall: {shown} {state}")
            continue
        os.remove(hook)
        if os.path.lexists(previous):
            os.replace(previous, hook)
            print(f"aicodeguard: removed the hook and restored your previous {shown}")
        else:
            print(f"aicodeguard: removed the hook {shown}")
    for setting in (NOTES_SETTING, TRAILER_SETTING):
        try:
            git("config", "--unset", setting)
        except GitError:
            pass  # was not set
    return 0


def record_check(summary: str, passed: bool, *, findings: int = 0, policy: str = "default",
                 paths=None) -> None:
    """Leave the post-commit hook (git note) and the commit-msg hook (trailer) a record of
    this check of the index (see module doc and `custody.checked`).

    The note's record is written only when the check passed; a failed check removes an
    older one, so a later `git commit --no-verify` of other content gets no note, and
    marks the trailer's record failed.  `findings`: what the passing check still reported;
    `policy`: `custody.checked.policy_hash` of the configuration; `paths`: the files it was
    given (None: the staged files).
    """
    from .custody.checked import note_text, record

    try:
        path = os.fsdecode(git("rev-parse", "--git-path", RECORD_FILE).rstrip(b"\n"))
        current = record(passed=passed, findings=findings, policy=policy, summary=summary,
                         paths=paths)
        notes = git("config", "--bool", "--default", "false", NOTES_SETTING).strip() == b"true"
        if not passed or current.get("failed") or not notes:
            if os.path.exists(path):
                os.remove(path)
            return
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"{current['tree']}\n{note_text(current)}")
    except (GitError, OSError):
        pass  # a missing note or trailer must never block a commit
