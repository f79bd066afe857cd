"""Resolution before any network: each step settles the names it should, and only those.

Every test builds a real project folder and runs the real scan (offline), so a step
that stops working turns into a finding here.  Module names that stand for the
project's own code are chosen to be absent from PyPI: unresolved, they would be
reported as hallucinated.
"""

from __future__ import annotations

import os
import textwrap

from aicodeguard import api
from aicodeguard.config import Config
from aicodeguard.engine import analyze_source
from aicodeguard.model import FileResult, ImportRef, Location
from aicodeguard.supply.project import load_project
from aicodeguard.supply.resolve import Resolver

OFFLINE = Config(offline=True, cache=False)


def write(root, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text))


def supply_findings(root, config: Config = OFFLINE) -> set[tuple[str, int, str]]:
    outcome = api.scan_paths([str(root)], config)
    return {(os.path.relpath(f.location.path, root), f.location.line, f.rule_id)
            for f in outcome.findings if f.rule_id.startswith("AIG6")}


def test_standard_library_and_python2_names_are_never_packages(tmp_path):
    write(tmp_path, {"app.py": "import json, tomllib, asyncio.subprocess\nimport urllib2\n"
                               "from distutils.core import setup\nimport zzq_not_stdlib_module\n"})
    assert supply_findings(tmp_path) == {("app.py", 4, "AIG601")}


def test_first_party_modules_packages_src_layout_and_namespace_folders(tmp_path):
    write(tmp_path, {
        "requirements.txt": "requests\n",
        "zzq_helpers.py": "",
        "src/zzq_pkg/__init__.py": "",
        "zzq_namespace/sub/mod.py": "",
        "scripts/zzq_tool.py": "import zzq_sibling\n",
        "scripts/zzq_sibling.py": "",
        "app.py": "import zzq_helpers\nimport zzq_pkg.core\nfrom zzq_namespace.sub import mod\n"
                  "import zzq_unknown_elsewhere\n",
    })
    assert supply_findings(tmp_path) == {("app.py", 4, "AIG601")}


def test_workspace_members_and_own_project_names_are_not_looked_up(tmp_path):
    write(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "zzq-root-app"
            dependencies = ["zzq-member-lib", "zzq-missing-dep"]
            [tool.uv.workspace]
            members = ["packages/*"]
            """,
        "packages/member/pyproject.toml": '[project]\nname = "zzq-member-lib"\n',
        "install.sh": "pip install zzq-root-app\n",
    })
    assert supply_findings(tmp_path) == {("pyproject.toml", 4, "AIG601")}


def test_declared_distributions_settle_their_imports(tmp_path):
    write(tmp_path, {
        "requirements.txt": "PyYAML>=6\nopencv-python-headless\npython-dateutil\n",
        "app.py": "import yaml\nimport cv2\nfrom dateutil import parser\nimport bs4\n",
    })
    # bs4 (beautifulsoup4) is the only import no manifest declares.
    assert supply_findings(tmp_path) == {("app.py", 4, "AIG604")}


def test_import_name_table_names_the_distribution_to_declare(tmp_path):
    write(tmp_path, {"requirements.txt": "requests\n",
                     "app.py": "import cv2\nfrom sklearn import svm\nimport bpy\n"})
    outcome = api.scan_paths([str(tmp_path)], OFFLINE)
    messages = {f.location.line: f.message for f in outcome.findings}
    assert "`opencv-python`" in messages[1] and "`scikit-learn`" in messages[2]
    assert 3 not in messages  # bpy: provided by Blender, not an index


def test_no_manifest_means_no_undeclared_findings(tmp_path):
    write(tmp_path, {"app.py": "import yaml\nimport cv2\n"})
    assert supply_findings(tmp_path) == set()


def test_optional_imports_are_never_undeclared(tmp_path):
    write(tmp_path, {"requirements.txt": "requests\n",
                     "app.py": "try:\n    import ujson as json\nexcept ImportError:\n"
                               "    import json\nimport orjson\n"})
    assert supply_findings(tmp_path) == {("app.py", 5, "AIG604")}


def test_installed_distributions_are_read_from_metadata_only(tmp_path):
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    info = site / "zzq_fancy_dist-1.0.dist-info"
    write(tmp_path, {
        ".venv/pyvenv.cfg": "home = /usr/bin\n",
        str(info.relative_to(tmp_path) / "METADATA"):
            "Metadata-Version: 2.1\nName: zzq-fancy-dist\n",
        str(info.relative_to(tmp_path) / "top_level.txt"): "zzqfancy\n",
        # A module that would fail loudly if anything imported it.
        str((site / "zzqfancy" / "__init__.py").relative_to(tmp_path)): "raise SystemExit(3)\n",
        "requirements.txt": "requests\n",
        "app.py": "import zzqfancy\n",
    })
    outcome = api.scan_paths([str(tmp_path / "app.py")], OFFLINE)
    [finding] = [f for f in outcome.findings if f.rule_id.startswith("AIG6")]
    assert finding.rule_id == "AIG604" and "`zzq-fancy-dist`" in finding.message


def test_private_packages_are_neither_checked_nor_reported(tmp_path):
    write(tmp_path, {"requirements.txt": "acme-billing-zzq\nrequests\n",
                     "app.py": "import acme_billing_zzq\nimport acme_other_zzq\n"})
    config = Config(offline=True, cache=False, private_packages=("acme-*",))
    assert supply_findings(tmp_path, config) == set()
    # Declared is not verified: the import of the declared, nonexistent name is reported too.
    assert supply_findings(tmp_path) == {("requirements.txt", 1, "AIG601"),
                                         ("app.py", 1, "AIG601"), ("app.py", 2, "AIG601")}


def test_requirements_includes_are_followed_and_checked(tmp_path):
    write(tmp_path, {"requirements.txt": "-r requirements/base.in\n",
                     "requirements/base.in": "requests\nzzq-included-missing\n",
                     "app.py": "import requests\n"})
    outcome = api.scan_paths([str(tmp_path / "requirements.txt"), str(tmp_path / "app.py")],
                             OFFLINE)
    found = {(os.path.relpath(f.location.path, tmp_path), f.rule_id) for f in outcome.findings}
    assert found == {(os.path.join("requirements", "base.in"), "AIG601")}


def _js_subject(root, name: str, config: Config = OFFLINE):
    app = os.path.join(root, "src", "app.js")
    project = load_project([app], [], analyze_source)
    ref = ImportRef(name, "npm", Location(app, 1, 1, 1, 2), "import")
    return Resolver(project, config).resolve(FileResult(app), ref)


def test_js_imports_local_aliases_declared_and_node_modules(tmp_path):
    write(tmp_path, {
        "package.json": '{"name": "@acme/web", "dependencies": {"react": "^18"}}',
        "tsconfig.json": '{ // comments allowed\n "compilerOptions": {"baseUrl": "src", '
                         '"paths": {"@app/*": ["src/app/*"]},}}',
        "src/components/Button.js": "",
        "node_modules/left-pad/package.json": "{}",
        "packages/ui/package.json": '{"name": "@acme/ui"}',
        "src/app.js": "",
    })
    assert _js_subject(tmp_path, "@acme/web") is None  # the project's own name
    assert _js_subject(tmp_path, "@app/store") is None  # tsconfig path alias
    assert _js_subject(tmp_path, "components") is None  # under baseUrl
    declared = _js_subject(tmp_path, "react")
    assert declared.declared and declared.check_exists  # declared is still verified
    installed = _js_subject(tmp_path, "left-pad")
    assert not installed.declared and not installed.check_exists
    unknown = _js_subject(tmp_path, "zzq-unknown-js")
    assert unknown.check_exists and not unknown.declared


def test_a_requirements_file_made_only_of_includes(tmp_path):
    write(tmp_path, {"requirements.txt": "-r base.txt\n-c pins.txt\n",
                     "base.txt": "requests\nzzq-only-in-base\n", "pins.txt": "urllib3<3\n"})
    outcome = api.scan_paths([str(tmp_path / "requirements.txt")], OFFLINE)
    assert [(os.path.basename(f.location.path), f.location.line, f.rule_id)
            for f in outcome.findings] == [("base.txt", 2, "AIG601")]


def test_js_project_end_to_end(tmp_path):
    write(tmp_path, {
        "package.json": '{"name": "web", "dependencies": {"react": "^18"}}',
        "node_modules/left-pad/package.json": "{}",
        "src/util.js": "export const x = 1;\n",
        "src/app.js": "import React from 'react';\nimport fs from 'node:fs';\n"
                      "import path from 'path';\nimport { x } from './util.js';\n"
                      "const pad = require('left-pad');\nimport z from 'zzq-unknown-js';\n"
                      "import { lodahs } from 'lodahs';\n",
    })
    assert supply_findings(tmp_path) == {
        (os.path.join("src", "app.js"), 5, "AIG604"),  # installed, not declared
        (os.path.join("src", "app.js"), 6, "AIG607"),  # unknown to the offline npm data
        (os.path.join("src", "app.js"), 7, "AIG602")}  # a near-miss of lodash


def test_project_at_the_filesystem_root_terminates():
    """An editor buffer with no folder (working directory `/`) must not hang the scan."""
    import subprocess
    import sys

    code = ("from aicodeguard.engine import analyze_source\n"
            "from aicodeguard.supply.project import load_project\n"
            "load_project(['/untitled.py'], ['/untitled.py'], analyze_source)\nprint('done')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "done", result.stderr


def test_typescript_imports_of_types_only_packages(tmp_path):
    """TypeScript reads `import * as estree from 'estree'` from `@types/estree`: declared or
    installed, it settles the import; in JavaScript, and without it, the name is judged."""
    write(tmp_path, {
        "package.json": '{"name": "web", "devDependencies": {"@types/zzqtypes": "^1", '
                        '"@types/zzq__scoped": "^1"}}',
        "node_modules/@types/zzqinstalled/package.json": "{}",
        "src/types.d.ts": "import * as t from 'zzqtypes';\nimport s from '@zzq/scoped';\n"
                          "import i from 'zzqinstalled';\nimport u from 'zzqnotypes';\n",
        "src/run.js": "import t from 'zzqtypes';\n",
    })
    judged = {(path, line) for path, line, _ in supply_findings(tmp_path)
              if path.startswith("src")}  # unknown npm names offline: unverified (AIG607)
    assert judged == {("src/types.d.ts", 4), ("src/run.js", 1)}
