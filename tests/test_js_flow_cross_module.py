"""JavaScript/TypeScript data followed into functions of the project's own modules,
through the CLI.

A temporary project on disk: `src/app.js` passes request data to functions exported by
`lib/db.js` (CommonJS) and `src/shell.ts` (ES modules).  The findings in `app.js` rest
on those modules, so the result cache must re-check `app.js` when one of them changes,
and a module outside the project (or a link out of it) is never read.  The same holds
through re-exports: `src/app.ts` imports from barrels (`lib/index.ts`,
`lib/shell/index.ts`) that re-export the functions of `lib/shell/commands.ts`.
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



def analyze_counting_parses(app, language: str):
    """The analysis of `app`, and the base names of the modules parsed for it, in order."""
    from aicodeguard.analysis.javascript import project_modules
    from aicodeguard.analysis.project_files import ParsedModules
    from aicodeguard.engine import analyze_source

    read = []
    kept = project_modules._parsed
    project_modules._parsed = ParsedModules(
        lambda file, data: read.append(file) or project_modules._parse(file, data))
    try:
        result = analyze_source(str(app), app.read_bytes(), language)
    finally:
        project_modules._parsed = kept
    return result, [os.path.basename(file) for file in read]

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
    result, read = analyze_counting_parses(app, "javascript")
    assert read == ["outer.js"]
    assert not [f for f in result.findings if f.rule_id == "AIG102" and
                f.severity.label == "critical"], result.findings


# Re-exports: `src/app.ts` imports from the barrel `lib/index.ts`, which re-exports
# `lib/shell/index.ts`, which re-exports `lib/shell/commands.ts`, where the functions are.
COMMANDS = """\
import { exec } from 'child_process';

export function listDir(dir: string) {
  exec(`ls ${dir}`);
}

export const buildSql = (name: string) => "SELECT * FROM users WHERE name = '" + name + "'";

export function cleanSql(name: string) {
  return "SELECT * FROM users WHERE name = '" + name.replace(/'/g, "") + "'";
}

export default function run(cmd: string) {
  exec(cmd);
}
"""
SHELL_BARREL = """\
export * from './commands';
export { default as runCommand, listDir as listFolder } from './commands';
export * as commands from './commands';
"""
LIB_BARREL = """\
export * from './shell';
export { buildSql, cleanSql } from './shell/commands';
"""
BARREL_APP = """\
import express from 'express';
import mysql from 'mysql';
import { listDir, listFolder, runCommand, commands, buildSql, cleanSql } from '../lib';
import * as shell from '../lib/shell';
const app = express();
const conn = mysql.createConnection({});

app.get('/u', (req, res) => {
  listDir(req.query.dir);
  listFolder(req.query.dir);
  runCommand(req.query.cmd);
  commands.listDir(req.query.dir);
  shell.listDir(req.query.dir);
  conn.query(buildSql(req.query.name));
  conn.query(cleanSql(req.query.name));
  listDir('/tmp');
});
"""
BARREL_EXPECTED = {("AIG102", 9), ("AIG102", 10), ("AIG102", 11), ("AIG102", 12),
                   ("AIG102", 13), ("AIG101", 14)}


@pytest.fixture
def barrels(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "demo"}\n')
    (tmp_path / "lib" / "shell").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.ts").write_text(BARREL_APP)
    (tmp_path / "lib" / "index.ts").write_text(LIB_BARREL)
    (tmp_path / "lib" / "shell" / "index.ts").write_text(SHELL_BARREL)
    (tmp_path / "lib" / "shell" / "commands.ts").write_text(COMMANDS)
    return tmp_path


def _findings(cli, project, app, *extra) -> list[dict]:
    result = cli("scan", "--format", "json", *extra, app, cwd=project)
    assert result.returncode in (0, 1), result.err
    return json.loads(result.out)["findings"]


def _critical(cli, project, app, *extra) -> set[tuple[str, int]]:
    return {(f["rule_id"], f["location"]["line"]) for f in _findings(cli, project, app, *extra)
            if f["rule_id"] in ("AIG101", "AIG102") and f["severity"] == "critical"}


def test_reexported_functions_are_followed_to_their_module(cli, barrels):
    """A folder's barrel, a star, a named, a renamed, a `default as` and a namespace
    re-export, one and two hops away; a function that escapes stays quiet, and so does
    a constant argument."""
    found = _findings(cli, barrels, "src/app.ts", "--no-cache")
    assert {(f["rule_id"], f["location"]["line"]) for f in found
            if f["rule_id"] in ("AIG101", "AIG102")} == BARREL_EXPECTED
    assert all(f["severity"] == "critical" and f["confidence"] == "high" for f in found
               if f["rule_id"] in ("AIG101", "AIG102"))
    finding = next(f for f in found if f["location"]["line"] == 11)
    places = [(r["location"]["path"], r["location"]["line"]) for r in finding["related"]]
    assert places == [("src/app.ts", 11), ("lib/shell/commands.ts", 14)]
    assert "the default export (lib/shell/commands.ts, line 14)" in finding["message"]


def test_commonjs_reexports_are_followed(cli, project):
    """`module.exports = require(...)`, an object of `require(...)` members and
    namespaces, a spread, and `exports.f = require(...).f`."""
    lib = project / "lib"
    (lib / "index.js").write_text("module.exports = require('./db');\n")
    (lib / "api.js").write_text("module.exports = {\n  runQuery: require('./db').runQuery,\n"
                                "  db: require('./db'),\n  ...require('./more'),\n};\n")
    (lib / "more.js").write_text("exports.buildSql = require('./db').buildSql;\n"
                                 "exports.cleanSql = require('./db').cleanSql;\n")
    (project / "src" / "app.js").write_text(
        "const express = require('express');\n"
        "const mysql = require('mysql');\n"
        "const lib = require('../lib');\n"
        "const { runQuery, db, buildSql, cleanSql } = require('../lib/api');\n"
        "const conn = mysql.createConnection({});\n"
        "express().get('/u', (req, res) => {\n"
        "  lib.runQuery(req.query.id);\n"
        "  runQuery(req.query.id);\n"
        "  db.runQuery(req.query.id);\n"
        "  conn.query(buildSql(req.query.name));\n"
        "  conn.query(cleanSql(req.query.name));\n"
        "  conn.query(lib.fixedSql(req.query.name));\n"
        "});\n")
    assert _critical(cli, project, "src/app.js", "--no-cache") == {
        ("AIG101", 7), ("AIG101", 8), ("AIG101", 9), ("AIG101", 10)}


def test_a_reexport_cycle_ends_quietly(cli, tmp_path):
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "a.ts").write_text("export * from './b';\nexport { run } from './b';\n")
    (tmp_path / "b.ts").write_text("export * from './a';\nexport { run } from './a';\n")
    (tmp_path / "app.ts").write_text(
        "import express from 'express';\nimport { run, other } from './a';\n"
        "express().get('/x', (req) => { run(req.query.c); other(req.query.c); });\n")
    assert _critical(cli, tmp_path, "app.ts", "--no-cache") == set()


def test_three_hops_are_followed_and_four_are_not(cli, barrels):
    """`hop1 -> hop2 -> hop3 -> lib/shell/index.ts -> commands.ts`: from `hop2` the
    function is three re-exports away, from `hop1` four."""
    lib = barrels / "lib"
    (lib / "hop1.ts").write_text("export * from './hop2';\n")
    (lib / "hop2.ts").write_text("export { listFolder } from './hop3';\n")
    (lib / "hop3.ts").write_text("export * from './shell';\n")
    (barrels / "src" / "app.ts").write_text(
        "import express from 'express';\n"
        "import { listFolder } from '../lib/hop1';\n"
        "import { listFolder as listAgain } from '../lib/hop2';\n"
        "express().get('/x', (req) => {\n"
        "  listFolder(req.query.dir);\n"
        "  listAgain(req.query.dir);\n"
        "});\n")
    assert _critical(cli, barrels, "src/app.ts", "--no-cache") == {("AIG102", 6)}


def test_reexported_modules_outside_the_project_are_not_read(cli, barrels,
                                                             tmp_path_factory):
    """The defining module is a link out of the project, or named by a path that leaves
    it: the re-export ends the trail."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "commands.ts").write_text(COMMANDS)
    commands = barrels / "lib" / "shell" / "commands.ts"
    os.remove(commands)
    os.symlink(outside / "commands.ts", commands)
    assert _critical(cli, barrels, "src/app.ts", "--no-cache") == set()
    os.remove(commands)
    escape = os.path.relpath(outside / "commands", barrels / "lib" / "shell")
    (barrels / "lib" / "shell" / "index.ts").write_text(
        SHELL_BARREL.replace("'./commands'", repr(escape)))
    (barrels / "lib" / "index.ts").write_text("export * from './shell';\n")
    assert _critical(cli, barrels, "src/app.ts", "--no-cache") == set()


def test_a_changed_defining_module_or_barrel_rechecks_its_importers(cli, barrels):
    """The cache key covers every module on the way: the defining module two re-exports
    away, and the barrels themselves."""
    commands = barrels / "lib" / "shell" / "commands.ts"
    commands.write_text(COMMANDS.replace("exec(`ls ${dir}`)", "exec('ls /tmp')"))
    first = _critical(cli, barrels, "src/app.ts")  # fills the cache
    assert ("AIG102", 9) not in first
    commands.write_text(COMMANDS)
    assert ("AIG102", 9) in _critical(cli, barrels, "src/app.ts")
    (barrels / "lib" / "shell" / "index.ts").write_text("export { default as runCommand, "
                                                        "listDir as listFolder } from "
                                                        "'./commands';\n")
    assert ("AIG102", 9) not in _critical(cli, barrels, "src/app.ts")


@pytest.mark.parametrize("source, named, stars", [
    ("export { a, b as c } from './x';\nexport { default as d, e as default } from './y';\n"
     "export * from './z';\nexport * as ns from '../w';\nexport { f } from 'pkg';\n",
     {"a": ("./x", "a"), "c": ("./x", "b"), "d": ("./y", "default"),
      "default": ("./y", "e"), "ns": ("../w", "*")}, ("./z",)),
    ("module.exports = require('./db');\n", {"default": ("./db", "default")}, ("./db",)),
    ("module.exports = {\n  run: require('./db').run,\n  db: require('./db'),\n"
     "  ...require('./more'),\n  go: require('pkg').go,\n};\n",
     {"run": ("./db", "run"), "db": ("./db", "*")}, ("./more",)),
    ("exports.run = require('./db').run;\nmodule.exports.go = require(\"../go\");\n"
     "exports.deep = require('./db').a.b;\n",
     {"run": ("./db", "run"), "go": ("../go", "*")}, ()),
    ("import X from './X';\nimport * as ns from '../ns';\nimport { a as b } from './db.js';\n"
     "import { run } from './run';\nexport default X;\nexport { ns, b as c };\n"
     "export function local() {}\nexport { local as other };\nconst x = require('./x');\n",
     {"default": ("./X", "*"), "ns": ("../ns", "*"), "c": ("./db.js", "a")}, ()),
    ("const { f } = require('./x');\nconst y = require('./y');\nconst z = require('./z').z;\n"
     "let w = require('./w');\nw = wrap(w);\nconst cfg = require('./config');\n"
     "module.exports = { f, g: y.g, z, w, ...y, c: () => cfg };\nexports.h = f;\n",
     {"f": ("./x", "f"), "g": ("./y", "g"), "z": ("./z", "z"), "h": ("./x", "f")}, ("./y",)),
])
def test_reexports(source, named, stars):
    """What `re_exports` reads from the tree, and that `reexported_specifiers` (the cache
    key's view of the same bytes) names every module it leads to."""
    from aicodeguard.analysis.javascript.exports import re_exports, reexported_specifiers
    from aicodeguard.analysis.javascript.project_modules import specifiers
    from aicodeguard.analysis.source import SourceFile
    from aicodeguard.languages import parser
    from aicodeguard.rules.javascript.analyzer import prepare

    data = source.encode()
    ctx, _, _ = prepare(SourceFile("m.ts", data), parser("typescript").parse(data),
                        "typescript")
    found = re_exports(ctx, specifiers(data))
    assert (found.named, found.stars) == (named, stars)
    leads_to = {specifier for specifier, _ in named.values()} | set(stars)
    assert leads_to <= set(reexported_specifiers(data))


def test_the_cache_key_skips_imports_that_are_not_exported_again():
    from aicodeguard.analysis.javascript.exports import reexported_specifiers

    assert reexported_specifiers(
        b"import { pool } from './pool';\nconst cfg = require('./config');\n"
        b"export function run(sql) { return pool.query(sql, cfg); }\n"
        b"module.exports = { run };\nexport { run as go };\n") == []


def test_star_reexports_parse_only_modules_that_may_hold_the_name(tmp_path):
    """Behind `export *`, a module that neither names the function nor re-exports
    anything is not parsed; one that re-exports further is, and leads to the function."""

    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "index.ts").write_text("export * from './other';\nexport * from './nested';\n")
    (tmp_path / "other.ts").write_text("export const unrelated = (x: string) => x;\n")
    (tmp_path / "nested.ts").write_text("export * from './commands';\n")
    (tmp_path / "commands.ts").write_text(COMMANDS)
    app = tmp_path / "app.ts"
    app.write_text("import express from 'express';\nimport { listDir } from './index';\n"
                   "express().get('/x', (req) => { listDir(req.query.dir); });\n")
    result, read = analyze_counting_parses(app, "typescript")
    assert read == ["index.ts", "nested.ts", "commands.ts"]
    assert [(f.rule_id, f.location.line) for f in result.findings
            if f.severity.label == "critical"] == [("AIG102", 3)]


def test_names_imported_and_exported_again_are_followed(cli, barrels):
    """`import run, { listDir } from ...; export { listDir }; export default run`."""
    (barrels / "lib" / "index.ts").write_text(
        "import run, { listDir, cleanSql } from './shell/commands';\n"
        "export { listDir as listFolder, cleanSql };\nexport default run;\n")
    (barrels / "src" / "app.ts").write_text(
        "import express from 'express';\n"
        "import runCommand, { listFolder, cleanSql } from '../lib';\n"
        "express().get('/x', (req) => {\n"
        "  listFolder(req.query.dir);\n"
        "  runCommand(req.query.cmd);\n"
        "  require('child_process').exec(cleanSql(req.query.cmd));\n"
        "});\n")
    assert _critical(cli, barrels, "src/app.ts", "--no-cache") == {("AIG102", 4),
                                                                   ("AIG102", 5)}


def test_commonjs_names_required_and_exported_again_are_followed(cli, project):
    """`const { runQuery } = require(...); module.exports = { runQuery, build: db.buildSql
    }`; a name given another value after the `require` is not the module's function."""
    (project / "lib" / "index.js").write_text(
        "const { runQuery } = require('./db');\nconst db = require('./db');\n"
        "let fixed = require('./db').buildSql;\nfixed = () => 'SELECT 1';\n"
        "module.exports = { runQuery, build: db.buildSql, fixed };\n")
    (project / "src" / "app.js").write_text(
        "const express = require('express');\n"
        "const mysql = require('mysql');\n"
        "const lib = require('../lib');\n"
        "const conn = mysql.createConnection({});\n"
        "express().get('/u', (req, res) => {\n"
        "  lib.runQuery(req.query.id);\n"
        "  conn.query(lib.build(req.query.name));\n"
        "  conn.query(lib.fixed(req.query.name));\n"
        "});\n")
    assert _critical(cli, project, "src/app.js", "--no-cache") == {("AIG101", 6),
                                                                   ("AIG101", 7)}
