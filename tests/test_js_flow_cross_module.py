"""JavaScript/TypeScript data followed into functions of the project's own modules,
through the CLI.

A temporary project on disk: `src/app.js` passes request data to functions exported by
`lib/db.js` (CommonJS) and `src/shell.ts` (ES modules).  The findings in `app.js` rest
on those modules, so the result cache must re-check `app.js` when one of them changes,
and a module outside the project (or a link out of it) is never read.
"""

from __future__ import annotations

import json
import os

import pytest

APP = """\
const express = require('express');
const mysql = require('mysql');
const { buildSql, fixedSql, cleanSql } = require('../lib/db');
const db = require('../lib/db');
import runShell, { listDir } from './shell';
import * as shell from './shell';
const app = express();
const conn = mysql.createConnection({});

app.get('/u', (req, res) => {
  conn.query(buildSql(req.query.name));
  conn.query(fixedSql(req.query.name));
  conn.query(cleanSql(req.query.name));
  db.runQuery(req.query.id);
  db.runQuery(Number(req.query.id));
  listDir(req.query.dir);
  shell.listDir(req.query.dir);
  shell.fixedList(req.query.dir);
  runShell(req.query.cmd);
  if (/^[a-z]+$/.test(req.query.safe)) {
    listDir(req.query.safe);
  }
});
"""
DB = """\
const mysql = require('mysql');
const pool = mysql.createPool({});

function runQuery(id) {
  return pool.query("SELECT * FROM users WHERE id = " + id);
}

const buildSql = (name) => "SELECT * FROM users WHERE name = '" + name + "'";

function fixedSql(name) {
  return "SELECT 1";
}

function cleanSql(name) {
  return "SELECT * FROM users WHERE name = '" + name.replace(/'/g, "") + "'";
}

module.exports = { runQuery, buildSql, fixedSql, cleanSql };
"""
SHELL = """\
import { exec } from 'child_process';

export function listDir(dir: string) {
  exec(`ls ${dir}`);
}

export const fixedList = (dir: string) => exec('ls /tmp');

export default function run(cmd: string) {
  exec(cmd);
}
"""
EXPECTED = {("AIG101", 11), ("AIG101", 14), ("AIG102", 16), ("AIG102", 17),
            ("AIG102", 19)}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "demo"}\n')
    (tmp_path / "lib").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.js").write_text(APP)
    (tmp_path / "lib" / "db.js").write_text(DB)
    (tmp_path / "src" / "shell.ts").write_text(SHELL)
    return tmp_path


def _scan(cli, project, *extra) -> list[dict]:
    result = cli("scan", "--format", "json", *extra, "src/app.js", cwd=project)
    assert result.returncode in (0, 1), result.err
    return json.loads(result.out)["findings"]


def _lines(cli, project, *extra) -> set[tuple[str, int]]:
    """Critical findings: injection with request data proven to reach the sink."""
    return {(f["rule_id"], f["location"]["line"]) for f in _scan(cli, project, *extra)
            if f["rule_id"] in ("AIG101", "AIG102") and f["severity"] == "critical"}


def test_imported_functions_carry_request_data(cli, project):
    assert _lines(cli, project, "--no-cache") == EXPECTED


def test_safe_twins_stay_quiet(cli, project):
    """A helper that returns a constant, escapes, or gets a number; a sink that ignores its
    parameter; an argument the caller checked first: nothing at all on those lines."""
    (project / "src" / "app.js").write_text(APP.replace(
        "  runShell(req.query.cmd);\n",
        "  require('child_process').exec(db.fixedSql(req.query.cmd));\n"))
    found = {f["location"]["line"] for f in _scan(cli, project, "--no-cache")
             if f["rule_id"] in ("AIG101", "AIG102")}
    assert found == {line for _, line in EXPECTED if line != 19}


def test_a_sink_in_the_module_is_shown_there_too(cli, project):
    finding = next(f for f in _scan(cli, project, "--no-cache")
                   if f["location"]["line"] == 16)
    places = [(r["location"]["path"], r["location"]["line"]) for r in finding["related"]]
    assert places == [("src/app.js", 16), ("src/shell.ts", 4)]
    assert "`listDir()` (src/shell.ts, line 4)" in finding["message"]


def test_a_changed_module_rechecks_its_importers(cli, project):
    assert ("AIG101", 12) not in _lines(cli, project)  # fills the cache
    (project / "lib" / "db.js").write_text(DB.replace('"SELECT 1"', '"SELECT " + name'))
    assert ("AIG101", 12) in _lines(cli, project)  # the cached result is not reused


def test_modules_outside_the_project_are_not_read(cli, project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "db.js").write_text(DB)
    os.remove(project / "lib" / "db.js")
    os.symlink(outside / "db.js", project / "lib" / "db.js")
    assert _lines(cli, project, "--no-cache") == EXPECTED - {("AIG101", 11), ("AIG101", 14)}


def test_a_module_above_the_project_root_is_not_read(cli, project):
    """`../lib/db` from a nested project (its own package.json) leaves that project."""
    (project / "src" / "package.json").write_text('{"name": "inner"}\n')
    assert _lines(cli, project, "--no-cache") == EXPECTED - {("AIG101", 11), ("AIG101", 14)}


def test_index_files_and_compiled_names_are_resolved(cli, project):
    (project / "lib" / "db.js").rename(project / "lib" / "index.js")
    (project / "src" / "app.js").write_text(APP.replace("'../lib/db'", "'../lib'")
                                            .replace("'./shell'", "'./shell.js'"))
    assert _lines(cli, project, "--no-cache") == EXPECTED


def test_default_import_of_an_object_and_one_finding_per_call(cli, project):
    """`import db from '../lib/db'` reads the members of the exported object; a call that
    is a sink of the file's own checks as well (`db.query(sql)` on a name like a database)
    is reported once."""
    (project / "lib" / "db.js").write_text(DB + "\nmodule.exports.query = (sql) => "
                                           "pool.query(sql);\n")
    (project / "src" / "app.js").write_text(
        "import db from '../lib/db';\n"
        "export function GET(request) {\n"
        "  db.runQuery(request.nextUrl.searchParams.get('id'));\n"
        "  db.query('SELECT * FROM users WHERE id = ' + request.nextUrl.searchParams.get('id'));\n"
        "}\n")
    found = [(f["rule_id"], f["location"]["line"]) for f in _scan(cli, project, "--no-cache")
             if f["rule_id"] == "AIG101"]
    assert sorted(found) == [("AIG101", 3), ("AIG101", 4)]


@pytest.mark.parametrize("source, names", [
    ("export function a(x) {}\nexport const b = (x) => x, c = 1;\nfunction d() {}\n"
     "export { d as e };\n", {"a", "b", "e"}),
    ("export default function run(x) {}\n", {"default"}),
    ("export default { run(x) {}, go: (y) => y };\n", {"run", "go"}),
    ("function f() {}\nmodule.exports = f;\n", {"default"}),
    ("const g = () => 1;\nmodule.exports = { g, h: function () {} };\nexports.i = g;\n"
     "module.exports.j = () => 2;\n", {"g", "h", "i", "j"}),
    ("class K {}\nexport { K };\nexport { f } from './x';\nmodule.exports = router;\n",
     set()),
])
def test_exported_functions(source, names):
    from aicodeguard.analysis.javascript.exports import exported_functions
    from aicodeguard.analysis.source import SourceFile
    from aicodeguard.languages import parser
    from aicodeguard.rules.javascript.analyzer import prepare

    data = source.encode()
    ctx, _, _ = prepare(SourceFile("m.js", data), parser("javascript").parse(data),
                        "javascript")
    assert set(exported_functions(ctx)) == names


def test_one_level_only(tmp_path):
    """The imported module's own imports are not followed, whether its checks or its
    branch folding ask: a sink two modules away is not reported at the call, and the
    second module is never read."""
    from aicodeguard.analysis.javascript import project_modules
    from aicodeguard.analysis.project_files import ParsedModules
    from aicodeguard.engine import analyze_source

    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "outer.js").write_text(
        "const { exec } = require('child_process');\n"
        "const { inner, name } = require('./inner');\n"
        "switch (1) { case name(): break; default: break; }\n"
        "exports.outer = (cmd) => { exec(inner(cmd)); return inner(cmd); };\n")
    (tmp_path / "inner.js").write_text(
        "const { exec } = require('child_process');\n"
        "exports.inner = (cmd) => { exec(cmd); return cmd; };\nexports.name = () => 1;\n")
    app = tmp_path / "app.js"
    app.write_text("const express = require('express');\n"
                   "const { exec } = require('child_process');\n"
                   "const { outer } = require('./outer');\n"
                   "express().get('/x', (req) => {\n"
                   "  exec(outer(req.query.c));\n  outer(req.query.c);\n});\n")
    read = []
    kept = project_modules._parsed
    project_modules._parsed = ParsedModules(
        lambda file, data: read.append(file) or project_modules._parse(file, data))
    try:
        result = analyze_source(str(app), app.read_bytes(), "javascript")
    finally:
        project_modules._parsed = kept
    assert [os.path.basename(file) for file in read] == ["outer.js"]
    assert not [f for f in result.findings if f.rule_id == "AIG102" and
                f.severity.label == "critical"], result.findings
