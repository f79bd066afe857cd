"""JavaScript/TypeScript scan speed: aicodeguard against eslint + eslint-plugin-security,
semgrep (when installed) and the tree-sitter floor, on a real code base.

    python bench/js_speed.py [--rounds N] [--path DIR | --repo URL] [--skip-eslint]

The code base is a shallow clone of vuejs/core (158k lines of TypeScript), kept in
the bench work folder ($AICODEGUARD_BENCH_DIR, default <tmp>/aicodeguard-bench).
Where the clone fails (no route to the git host) the script falls back to the
sources that npm packages ship: three.js `src/` (JavaScript) and RxJS `src/`
(TypeScript), fetched with `npm pack`.  eslint, eslint-plugin-security and the
typescript-eslint parser are installed with npm into the same work folder.

Each tool runs N times, interleaved; the table shows median wall time, median CPU
time and peak memory (largest process), and the ratios the targets are stated in:
  - eslint wall / aicodeguard wall (target >= 5),
  - aicodeguard CPU on one core / floor CPU (the floor parses every file and runs
    the JavaScript analyzer's one query, on one core, in `--floor` mode).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

from common import WORK_DIR, aicodeguard, alternate, median

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_REPO = "https://github.com/vuejs/core.git"
FALLBACK_PACKAGES = (("three@0.187.0", "src"), ("rxjs@7.8.2", "src"))
ESLINT_PACKAGES = ("eslint@9", "eslint-plugin-security@3", "typescript-eslint@8")
EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
SKIP_DIRS = frozenset({"node_modules", ".git", "dist"})

# Written into the code base's root (eslint only lints files below its config file);
# the plugins are loaded from the bench's own npm folder.
ESLINT_CONFIG = """\
import {{ createRequire }} from 'node:module';
const require = createRequire({tools!r});
const security = require('eslint-plugin-security');
const tseslint = require('typescript-eslint');

export default [
  {{ ignores: ['**/node_modules/**', '**/dist/**'] }},
  {{
    files: ['**/*.{{js,mjs,cjs,jsx}}'],
    languageOptions: {{ ecmaVersion: 'latest', sourceType: 'module',
                       parserOptions: {{ ecmaFeatures: {{ jsx: true }} }} }},
  }},
  {{
    files: ['**/*.{{ts,mts,cts,tsx}}'],
    languageOptions: {{ parser: tseslint.parser,
                       parserOptions: {{ ecmaFeatures: {{ jsx: true }} }} }},
  }},
  {{ files: ['**/*.{{js,mjs,cjs,jsx,ts,mts,cts,tsx}}'], ...security.configs.recommended }},
];
"""
ESLINT_CONFIG_NAME = "eslint.config.aicodeguard-bench.mjs"


# -- the code base -------------------------------------------------------------
def code_base(path: str | None, repo: str) -> str:
    if path:
        return os.path.abspath(path)
    name = os.path.basename(repo).removesuffix(".git")
    destination = os.path.join(WORK_DIR, f"repo-{name}")
    if os.path.isdir(os.path.join(destination, ".git")):
        return destination
    os.makedirs(WORK_DIR, exist_ok=True)
    try:
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", repo, destination],
                       check=True, timeout=600, stdin=subprocess.DEVNULL)
        return destination
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(destination, ignore_errors=True)
        print(f"(clone of {repo} failed: {error}; using npm package sources instead)")
        return npm_code_base()


def npm_code_base() -> str:
    destination = os.path.join(WORK_DIR, "npm-sources")
    if os.path.isdir(destination):
        return destination
    downloads = os.path.join(WORK_DIR, "npm-packs")
    os.makedirs(downloads, exist_ok=True)
    staging = destination + ".partial"
    shutil.rmtree(staging, ignore_errors=True)
    for spec, folder in FALLBACK_PACKAGES:
        packed = subprocess.run(["npm", "pack", "--silent", spec], cwd=downloads, check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
        unpacked = os.path.join(downloads, spec.partition("@")[0])
        shutil.rmtree(unpacked, ignore_errors=True)
        shutil.unpack_archive(os.path.join(downloads, packed), unpacked)
        shutil.copytree(os.path.join(unpacked, "package", folder),
                        os.path.join(staging, spec.partition("@")[0]))
    os.rename(staging, destination)
    return destination


def source_files(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found.extend(os.path.join(folder, name) for name in files if name.endswith(EXTENSIONS))
    return sorted(found)


def count_lines(paths: list[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


# -- the peers -------------------------------------------------------------------
def eslint_command(root: str) -> list[str] | None:
    tools = os.path.join(WORK_DIR, "eslint-tools")
    binary = os.path.join(tools, "node_modules", "eslint", "bin", "eslint.js")
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        print("(eslint skipped: node/npm not installed)")
        return None
    if not os.path.exists(binary):
        os.makedirs(tools, exist_ok=True)
        with open(os.path.join(tools, "package.json"), "w", encoding="utf-8") as handle:
            handle.write('{"name": "aicodeguard-bench-eslint", "private": true}\n')
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                        *ESLINT_PACKAGES], cwd=tools, check=True)
    config = os.path.join(root, ESLINT_CONFIG_NAME)
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(ESLINT_CONFIG.format(tools=os.path.join(tools, "package.json")))
    return [node, binary, "--config", config, "--no-warn-ignored", "--format", "json",
            "--output-file", os.devnull, "."]


def semgrep_command(root: str) -> list[str] | None:
    semgrep = shutil.which("semgrep")
    if semgrep is None:
        print("(semgrep skipped: not installed)")
        return None
    return [semgrep, "scan", "--config", "p/javascript", "--config", "p/typescript",
            "--quiet", "--metrics=off", "--json", "--output", os.devnull, root]


# -- the floor ---------------------------------------------------------------------
def floor(root: str) -> None:
    """Parse every JS/TS file and run the analyzer's query once, on one core."""
    from tree_sitter import QueryCursor

    from aicodeguard.languages import language_for_name, parser
    from aicodeguard.rules.javascript.analyzer import query

    query()
    start = time.process_time()
    captures = 0
    for path in source_files(root):
        language = language_for_name(path)
        with open(path, "rb") as handle:
            tree = parser(language).parse(handle.read())
        captures += sum(len(nodes) for nodes in
                        QueryCursor(query(language)).captures(tree.root_node).values())
    print(f"floor: {captures} captures, {time.process_time() - start:.2f} s CPU (one core)")


# -- the report ----------------------------------------------------------------------
def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--path", help="scan this folder instead of cloning")
    options.add_argument("--repo", default=DEFAULT_REPO)
    options.add_argument("--skip-eslint", action="store_true")
    options.add_argument("--floor", metavar="DIR", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.floor:
        floor(args.floor)
        return
    root = code_base(args.path, args.repo)
    paths = source_files(root)
    lines = count_lines(paths)
    commands = {
        "floor (parse+query, 1 core)": [sys.executable, os.path.abspath(__file__), "--floor",
                                        root],
        "aicodeguard": aicodeguard(root, "--no-cache"),
        "aicodeguard 1 core": aicodeguard(root, "--no-cache", "--jobs", "1"),
    }
    for name, make in (("eslint + security", eslint_command), ("semgrep", semgrep_command)):
        if name.startswith("eslint") and args.skip_eslint:
            continue
        command = make(root)
        if command is not None:
            commands[name] = command
    runs = alternate(commands, args.rounds, cwd=root)  # eslint's base path is the cwd
    print(f"\n## {root}: {len(paths)} JS/TS files, {lines} lines, {args.rounds} rounds")
    print(f"{'tool':<28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'exit':>5}")
    for tool, results in runs.items():
        print(f"{tool:<28} {median(results, 'wall'):8.2f} {median(results, 'cpu'):8.2f} "
              f"{median(results, 'peak_mb'):8.1f} {results[-1].status:>5}")
    ours = median(runs["aicodeguard"], "wall")
    single = median(runs["aicodeguard 1 core"], "cpu")
    print(f"aicodeguard 1-core CPU / floor CPU: "
          f"{single / median(runs['floor (parse+query, 1 core)'], 'cpu'):.2f}")
    for peer in ("eslint + security", "semgrep"):
        if peer in runs:
            peer_wall = median(runs[peer], "wall")
            one_core = median(runs["aicodeguard 1 core"], "wall")
            print(f"{peer} wall / aicodeguard wall: {peer_wall / ours:.1f}x "
                  f"(against aicodeguard on 1 core: {peer_wall / one_core:.1f}x)")


if __name__ == "__main__":
    main()
