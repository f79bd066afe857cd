"""Real git repositories for the hook, diff and baseline tests (helpers; the tests of the
helpers themselves are at the end).

Every git command runs with no global or system configuration and a fixed identity, so
a developer's hooksPath, signing or templates cannot change what the tests see.
"""

from __future__ import annotations

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The stable AIG101 finding: SQL built with an f-string passed to cursor.execute.
INSECURE = "def q(cur, n):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n"
FIXED = "def q(cur, n):\n    cur.execute(\"SELECT * FROM t WHERE n = %s\", (n,))\n"
SUPPRESSED = ("def q(cur, n):\n    # aicodeguard: ignore[AIG101] n is an enum member name, "
              "never user input\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n")

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment (its private cache folder included) plus isolated git."""
    env = dict(os.environ, **GIT_ENV)
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "PRE_COMMIT", "FORCE_COLOR"):
        env.pop(name, None)
    env.update(extra)
    return env


class GitRepo:
    def __init__(self, path, env: dict[str, str] | None = None):
        self.path = str(path)
        self.env = clean_env(**(env or {}))
        os.makedirs(self.path, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("git", *args, check=check)

    def run(self, *argv: str, check: bool = False, cwd: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run a command here; stdout and stderr merged into `.out` (text)."""
        done = subprocess.run(argv, cwd=cwd or self.path, env={**self.env, **(env or {})},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        done.out = done.stdout.decode("utf-8", "replace")
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.out}")
        return done

    def aicodeguard(self, *args: str, cwd: str | None = None,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "aicodeguard", *args, cwd=cwd, env=env)

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return path

    def read(self, name: str) -> str:
        with open(os.path.join(self.path, name), encoding="utf-8") as handle:
            return handle.read()

    def stage(self, *names: str) -> None:
        self.git("add", "--", *names)

    def commit(self, message: str = "change", *extra: str) -> subprocess.CompletedProcess:
        """`git commit` through whatever hooks are installed (not checked)."""
        return self.git("commit", "-m", message, *extra, check=False)

    def commit_count(self) -> int:
        done = self.git("rev-list", "--count", "HEAD", check=False)
        return int(done.out.strip()) if done.returncode == 0 else 0

    def staged_text(self, name: str) -> str:
        return self.git("show", f":{name}").out


HOOK_IDS = ("aicodeguard", "aicodeguard-deps", "aicodeguard-ai-rules", "aicodeguard-secrets")


def write_config(repo: GitRepo, hook_repository, hook_ids=HOOK_IDS, args=()) -> None:
    path, rev = hook_repository
    hooks = "".join(f"  - id: {hook_id}\n" + (f"    args: {list(args)!r}\n" if args else "")
                    for hook_id in hook_ids)
    repo.write(".pre-commit-config.yaml",
               f"repos:\n- repo: {path}\n  rev: {rev}\n  hooks:\n{hooks}")


def finding_lines(output: str) -> list[str]:
    """The `path:line:col: ID message` lines of hook output, in order."""
    return [line for line in output.splitlines()
            if line.count(":") >= 3 and line.split(":", 3)[1].isdigit()]


def test_finding_lines_picks_only_headlines():
    output = ("db.py:2:17: AIG101 SQL built\n\nFound 1 finding (1 high) in 1 of 1 file.\n"
              "aicodeguard (insecure code)....Failed\n")
    assert finding_lines(output) == ["db.py:2:17: AIG101 SQL built"]


def test_git_repo_is_isolated_from_user_configuration(tmp_path):
    repo = GitRepo(tmp_path / "r")
    assert repo.git("config", "--get", "core.hooksPath", check=False).out == ""
    repo.write("a.py", FIXED)
    repo.stage("a.py")
    assert repo.commit().returncode == 0 and repo.commit_count() == 1
