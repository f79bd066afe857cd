"""Where package names come from: every name source, with the positions users see."""

from __future__ import annotations

import json

import pytest

from aicodeguard.analysis.source import SourceFile
from aicodeguard.engine import analyze_source
from aicodeguard.languages import language_for_name, language_for_shebang
from aicodeguard.supply.names import is_node_builtin, normalize_pypi, npm_package_of
from aicodeguard.supply.requirements import requirement_name


def refs(path: str, text: str, language: str | None = None):
    result = analyze_source(path, text.encode(), language or language_for_name(path))
    assert not [n for n in result.notes if "internal error" in n.message], result.notes
    return result


def names(result) -> list[tuple[str, str, int]]:
    return [(ref.name, ref.source, ref.location.line) for ref in result.imports]


def marked(result, text: str) -> list[str]:
    """The text each reference's location covers (checks columns, not just lines)."""
    lines = text.split("\n")
    return [lines[r.location.line - 1][r.location.column - 1:r.location.end_column - 1]
            for r in result.imports]


# ------------------------------------------------------------------------- kinds

@pytest.mark.parametrize("path, kind", [
    ("requirements.txt", "requirements"), ("requirements-dev.txt", "requirements"),
    ("constraints.txt", "requirements"), ("requirements/base.txt", "requirements"),
    ("requirements.in", "requirements"), ("pyproject.toml", "pyproject"),
    ("setup.cfg", "setup-cfg"), ("Pipfile", "pipfile"), ("web/package.json", "package-json"),
    ("Dockerfile", "dockerfile"), ("Dockerfile.dev", "dockerfile"),
    ("ci.dockerfile", "dockerfile"),
    ("scripts/install.sh", "shell"), ("README.md", "markdown"), ("demo.ipynb", "notebook"),
    ("notes.txt", None), ("Pipfile.lock", "lockfile"), ("package-lock.json", "lockfile"),
])
def test_file_kinds(path, kind):
    assert language_for_name(path) == kind


def test_shell_scripts_without_extension_by_shebang():
    assert language_for_shebang(b"#!/bin/sh\n") == "shell"
    assert language_for_shebang(b"#!/usr/bin/env bash\nset -e\n") == "shell"
    assert language_for_shebang(b"#!/usr/bin/env python3\n") == "python"


# ------------------------------------------------------------------ Python code

def test_python_imports_plain_from_aliased_and_namespace_packages():
    text = ("import os, requests as r, google.cloud.storage\n"
            "from google.cloud import bigquery, storage as st\n"
            "from yaml import safe_load\n"
            "from . import sibling\n"
            "from .pkg.mod import thing\n")
    result = refs("app.py", text)
    assert sorted(names(result), key=lambda n: n[2]) == [
        ("os", "import", 1), ("requests", "import", 1), ("google.cloud.storage", "import", 1),
        ("google.cloud.bigquery", "import", 2), ("google.cloud.storage", "import", 2),
        ("yaml", "import", 3)]
    assert set(marked(result, text)) == {"os", "requests", "google.cloud.storage", "yaml",
                                         "google.cloud"}


def test_literal_dynamic_imports_and_relative_ones_skipped():
    text = ("import importlib\n"
            "a = importlib.import_module('reqeusts')\n"
            "b = __import__(\"numpy.linalg\")\n"
            "NAME = 'pandas'\n"
            "c = importlib.import_module(NAME)\n"
            "d = importlib.import_module('.sub', 'pkg')\n"
            "e = importlib.import_module(user_input)\n")
    result = refs("dyn.py", text)
    dynamic = [(n, line) for n, kind, line in names(result) if kind == "dynamic-import"]
    assert sorted(dynamic) == [("numpy.linalg", 3), ("pandas", 5), ("reqeusts", 2)]
    assert "reqeusts" in marked(result, text)


def test_guarded_imports_are_optional():
    text = ("try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from pandas import DataFrame\n"
            "try:\n    import orjson\nexcept ValueError:\n    pass\n")
    kinds = {name: kind for name, kind, _ in names(refs("opt.py", text))}
    assert kinds["ujson"] == "optional-import" and kinds["pandas"] == "optional-import"
    assert kinds["orjson"] == "import"  # a try that does not catch ImportError


def test_setup_py_requirements_including_names_bound_earlier():
    text = ("from setuptools import setup\n"
            "REQUIRES = ['requests>=2', 'click']\n"
            "setup(name='demo', install_requires=REQUIRES + ['numpyy'],\n"
            "      extras_require={'dev': ['pytest']}, tests_require=('hypothesis',))\n")
    result = refs("pkg/setup.py", text)
    found = {(n, line) for n, kind, line in names(result) if kind == "setup.py"}
    assert found == {("requests", 2), ("click", 2), ("numpyy", 3), ("pytest", 4),
                     ("hypothesis", 4)}
    assert set(marked(result, text)) >= {"numpyy", "requests", "hypothesis"}


def test_setup_keywords_elsewhere_are_not_requirements():
    text = "def build(**kw):\n    pass\nbuild(install_requires=['not-read'])\n"
    assert [n for n, kind, _ in names(refs("build.py", text)) if kind == "setup.py"] == []


# ---------------------------------------------------------------- requirements

REQUIREMENTS = """\
# comment line
requests[security,socks]>=2.31 ; python_version >= "3.8"  # trailing comment
Django (>=4.2)
numpy==1.26.* \\
    --hash=sha256:0123
-r base.txt
--requirement=dev.txt
-c constraints.txt
-e ./localpkg
-e git+https://example.invalid/repo.git#egg=fromgit
--index-url https://example.invalid/simple
pkg-from-url @ https://example.invalid/pkg-1.0.tar.gz
git+https://example.invalid/other.git
./wheels/thing-1.0-py3-none-any.whl
../sibling
https://example.invalid/archive.zip
zope.interface
${ENV_PACKAGE}
"""


def test_requirements_file_names_only_what_the_index_serves():
    result = refs("requirements.txt", REQUIREMENTS)
    assert names(result) == [("requests", "requirement", 2), ("Django", "requirement", 3),
                             ("numpy", "requirement", 4), ("zope.interface", "requirement", 17)]
    assert marked(result, REQUIREMENTS) == ["requests", "Django", "numpy", "zope.interface"]


def test_requirements_includes_are_reported_for_the_project_check():
    from aicodeguard.supply.requirements import requirements_file

    _, includes = requirements_file(SourceFile("r.txt", REQUIREMENTS.encode()))
    assert [(i.path, i.constraint, i.line) for i in includes] == [
        ("base.txt", False, 6), ("dev.txt", False, 7), ("constraints.txt", True, 8)]


def test_constraints_files_are_marked():
    assert names(refs("constraints.txt", "urllib3<3\n")) == [("urllib3", "constraint", 1)]


@pytest.mark.parametrize("spec, name", [
    ("requests", "requests"), ("requests>=2", "requests"), ("Requests[socks]~=2.0", "Requests"),
    ("pkg; sys_platform == 'win32'", "pkg"), ("pkg @ https://x.invalid/p.whl", None),
    ("./local", None), ("/abs/path", None), ("git+ssh://git@x.invalid/r.git", None),
    ("dist/pkg-1.0.tar.gz", None), ("", None), ("-e .", None), ("name/sub", None),
])
def test_pep508_names(spec, name):
    assert requirement_name(spec) == name


# ------------------------------------------------------------- other manifests

PYPROJECT = """\
[build-system]
requires = ["setuptools>=64", "wheel"]

[project]
name = "demo-app"
dependencies = [
    "httpx>=0.27",
    "pydantic[email]",
    "mylib @ file:///opt/mylib",
]

[project.optional-dependencies]
dev = ["pytest", "ruff"]

[dependency-groups]
docs = ["sphinx", {include-group = "dev"}]

[tool.poetry.dependencies]
python = "^3.10"
rich = "^13"
localthing = { path = "../localthing" }
fromgit = { git = "https://example.invalid/x.git" }

[tool.poetry.group.test.dependencies]
hypothesis = { version = "^6" }

[tool.uv]
dev-dependencies = ["mypy"]

[tool.uv.workspace]
members = ["packages/*"]
"""


def test_pyproject_every_dependency_table():
    result = refs("pyproject.toml", PYPROJECT)
    assert names(result) == [
        ("httpx", "pyproject", 7), ("pydantic", "pyproject", 8), ("pytest", "pyproject", 13),
        ("ruff", "pyproject", 13), ("sphinx", "pyproject", 16), ("setuptools", "pyproject", 2),
        ("wheel", "pyproject", 2), ("mypy", "pyproject", 28), ("rich", "pyproject", 20),
        ("hypothesis", "pyproject", 25)]
    assert marked(result, PYPROJECT)[:3] == ["httpx", "pydantic", "pytest"]


def test_pyproject_own_name_and_workspaces():
    from aicodeguard.supply.manifests import pyproject

    manifest = pyproject(SourceFile("pyproject.toml", PYPROJECT.encode()))
    assert manifest.own_names == ["demo-app"] and manifest.workspaces == ["packages/*"]


def test_invalid_manifest_is_a_note_not_a_crash():
    result = analyze_source("pyproject.toml", b"[project\ndependencies = [", "pyproject")
    assert result.imports == [] and "not valid TOML" in result.notes[0].message
    result = analyze_source("package.json", b"{\"dependencies\": ", "package-json")
    assert "not valid JSON" in result.notes[0].message


def test_setup_cfg_dangling_lists_and_extras():
    text = ("[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    requests>=2\n"
            "    click ; python_version>'3'\npython_requires = >=3.8\n\n"
            "[options.extras_require]\ndev =\n    pytest\nfast = orjson\n")
    result = refs("setup.cfg", text)
    assert names(result) == [("requests", "setup.cfg", 6), ("click", "setup.cfg", 7),
                             ("pytest", "setup.cfg", 12), ("orjson", "setup.cfg", 13)]
    assert marked(result, text) == ["requests", "click", "pytest", "orjson"]


def test_pipfile_packages_and_dev_packages():
    text = ('[[source]]\nurl = "https://example.invalid/simple"\nname = "pypi"\n\n'
            '[packages]\nrequests = "*"\nflask = {version = ">=3"}\n'
            'mine = {path = ".", editable = true}\n\n[dev-packages]\npytest = "*"\n\n'
            '[requires]\npython_version = "3.11"\n')
    assert names(refs("Pipfile", text)) == [("requests", "Pipfile", 6), ("flask", "Pipfile", 7),
                                            ("pytest", "Pipfile", 11)]


PACKAGE_JSON = json.dumps({
    "name": "@acme/web",
    "dependencies": {"react": "^18", "lodash": "4.17.21", "local": "file:../local",
                     "ws-lib": "workspace:*", "gh": "github:user/repo", "short": "user/repo",
                     "tarball": "https://example.invalid/x.tgz", "alias": "npm:@scope/real@^1"},
    "devDependencies": {"typescript": "~5.4"},
    "peerDependencies": {"react": ">=17"},
    "optionalDependencies": {"fsevents": "*"},
    "bundledDependencies": ["lodash"],
    "workspaces": ["packages/*"],
}, indent=2)


def test_package_json_every_dependency_kind_and_aliases():
    result = refs("package.json", PACKAGE_JSON)
    assert [(n, line) for n, _, line in names(result)] == [
        ("react", 4), ("lodash", 5), ("@scope/real", 11), ("typescript", 14), ("react", 17),
        ("fsevents", 20), ("lodash", 23)]
    assert marked(result, PACKAGE_JSON)[:2] == ["react", "lodash"]
    assert all(ref.ecosystem == "npm" for ref in result.imports)


# --------------------------------------------------------- install instructions

SCRIPT = """\
#!/bin/sh
pip install requests==2.0 "fastapi[all]>=0.1" -r req.txt -e . git+https://x.invalid/y.git && ls
sudo python3 -m pip install --upgrade --index-url https://i.invalid/simple reqeusts \\
    numpy ./local.whl
npm i -D lodash@^4 @types/node@20 github:user/repo ./x file:../y
yarn global add typescript; pnpm add react-dom
uv add "httpx>=0.2"; uv pip install 'pydantic[email]'; poetry add django@^4.2; bun add hono
pipx install black
pip install <package-name>
conda install numpy
"""


def test_shell_install_commands_of_every_manager():
    result = refs("install.sh", SCRIPT)
    assert [(r.name, r.ecosystem, r.location.line) for r in result.imports] == [
        ("requests", "pypi", 2), ("fastapi", "pypi", 2), ("reqeusts", "pypi", 3),
        ("numpy", "pypi", 4), ("lodash", "npm", 5), ("@types/node", "npm", 5),
        ("typescript", "npm", 6), ("react-dom", "npm", 6), ("httpx", "pypi", 7),
        ("pydantic", "pypi", 7), ("django", "pypi", 7), ("hono", "npm", 7), ("black", "pypi", 8)]
    assert marked(result, SCRIPT)[:3] == ["requests", "fastapi", "reqeusts"]


def test_dockerfile_run_lines_with_continuations():
    text = ("FROM python:3.12-slim\nRUN pip install --no-cache-dir \\\n      flask \\\n"
            "      gunicorn==22.0\nRUN npm install -g pm2\n")
    assert [(n, line) for n, _, line in names(refs("Dockerfile", text))] == [
        ("flask", 3), ("gunicorn", 4), ("pm2", 5)]


def test_markdown_reads_code_fences_only():
    text = ("# Demo\n\nRun pip install notinfence first.\n\n```bash\n$ pip install colourama\n"
            "```\n\n~~~\nnpm install crossenv\n~~~\n\n```python\n%pip install torch\n```\n")
    result = refs("README.md", text)
    assert [(n, line) for n, _, line in names(result)] == [
        ("colourama", 6), ("crossenv", 10), ("torch", 14)]
    assert marked(result, text) == ["colourama", "crossenv", "torch"]


def test_npm_alias_installs_the_package_after_npm_colon():
    text = ("npm install jquery3@npm:jquery@3 my-react@npm:react\n"
            "pnpm add @me/db@npm:@scope/db-driver@^2 npa@npm:npm-package-arg\n")
    result = refs("setup.sh", text)
    assert [(n, line) for n, _, line in names(result)] == [
        ("jquery", 1), ("react", 1), ("@scope/db-driver", 2), ("npm-package-arg", 2)]
    assert marked(result, text) == ["jquery", "react", "@scope/db-driver", "npm-package-arg"]


def test_notebook_cells_install_lines_and_imports_on_file_lines():
    notebook = {"cells": [
        {"cell_type": "code", "source": ["!pip install pandas sklearn\n", "import numpy as np\n",
                                         "from google.cloud import storage\n"]},
        {"cell_type": "markdown", "source": ["```\n", "pip install torchh\n", "```"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    result = refs("demo.ipynb", text)
    assert [n for n, _, _ in names(result)] == ["pandas", "sklearn", "numpy", "google.cloud",
                                                "torchh"]
    assert marked(result, text) == ["pandas", "sklearn", "numpy", "google.cloud", "torchh"]
    assert result.imports[2].source == "notebook-import"


# -------------------------------------------------------------- JavaScript / TS

JS = """\
import x from "a"; import "b/c"; export * from '@s/p/q'; export {y} from "d";
const z = require("e"); import("f").then(); const t = await import(`g`);
import p from "./local"; import q from "@/alias/x"; import fs from "node:fs";
const os = require('os');
import type { T } from "i"; require.resolve("j/package.json"); foo("not-a-module");
"""


@pytest.mark.parametrize("path", ["x.js", "x.mjs", "x.ts", "x.tsx"])
def test_js_ts_imports_requires_dynamic_imports_and_reexports(path):
    """Read by the JS/TS analyzer, with `names.npm_package_of` deciding the package."""
    result = analyze_source(path, JS.encode(), language_for_name(path))
    assert [(r.name, r.location.line) for r in result.imports] == [
        ("a", 1), ("b", 1), ("@s/p", 1), ("d", 1), ("e", 2), ("f", 2), ("g", 2), ("i", 5),
        ("j", 5)]


def test_typescript_import_equals_require():
    result = analyze_source("x.ts", b'import fs = require("fs-extra");\n', "typescript")
    assert [r.name for r in result.imports] == ["fs-extra"]


@pytest.mark.parametrize("specifier, package", [
    ("lodash", "lodash"), ("lodash/merge", "lodash"), ("@babel/core", "@babel/core"),
    ("@babel/core/lib/x.js", "@babel/core"), ("node:fs", None), ("fs", None),
    ("fs/promises", None), ("node:test", None), ("bun:sqlite", None), ("./x", None),
    ("../x", None), ("/abs", None), ("#internal", None), ("~/x", None), ("@/components/x", None),
    ("https://esm.sh/react", None), ("jsr:@std/path", None), ("virtual:pwa", None),
    ("npm:express@4", "express"), ("npm:@scope/pkg@1/sub", "@scope/pkg"), ("@scope", None),
])
def test_module_specifier_to_package(specifier, package):
    assert npm_package_of(specifier) == package


def test_node_builtins_with_and_without_prefix():
    assert is_node_builtin("child_process") and is_node_builtin("node:child_process")
    assert not is_node_builtin("express")


def test_pep503_normalisation():
    assert normalize_pypi("Zope.Interface") == normalize_pypi("zope_interface") == "zope-interface"
