"""Real imports are never called hallucinated (issue 10): guarded and deferred imports,
platform and interpreter modules, the derived import-name table, customary affixes, the
project's own environments, established names, and files that only look like manifests.

Projects are real folders scanned offline; the module names that stand for made-up
packages (`zzq_...`) are absent from PyPI and from any environment.
"""

from __future__ import annotations

import datetime
import os

import pytest

from aicodeguard import api
from aicodeguard.config import Config
from aicodeguard.engine import analyze_source
from aicodeguard.model import FileResult, ImportRef, Location
from aicodeguard.supply.import_names import table
from aicodeguard.supply.project import Project
from aicodeguard.supply.records import PackageRecord
from aicodeguard.supply.resolve import Resolver
from aicodeguard.supply.snapshot import embedded
from aicodeguard.supply.typosquat import TyposquatScorer
from aicodeguard.supply.verdicts import Judge

from .test_supply_resolve import write

OFFLINE = Config(offline=True, cache=False)


def supply(root, config: Config = OFFLINE) -> dict[tuple[str, int], tuple[str, str]]:
    """(file, line) -> (rule, severity) of the AIG6xx findings of a scan of `root`."""
    outcome = api.scan_paths([str(root)], config)
    return {(os.path.relpath(f.location.path, root), f.location.line):
            (f.rule_id, f.severity.label) for f in outcome.findings
            if f.rule_id.startswith("AIG6")}


def judge_import(module: str, source: str = "import", records=None):
    """The findings on one import, with nothing installed and no manifest."""
    snapshot = embedded()
    judge = Judge(snapshot, TyposquatScorer(snapshot), OFFLINE, {"pypi": False, "npm": False},
                  records or {}, "offline mode")
    resolver = Resolver(Project("/nonexistent-project"), OFFLINE, installed={})
    ref = ImportRef(module, "pypi", Location("x.py", 1, 1, 1, 2), source)
    subject = resolver.resolve(FileResult("x.py"), ref)
    return judge.findings(subject) if subject is not None else []


# ------------------------------------------------------------------ guards (item 4)

def test_guarded_imports_are_informational_and_deferred_ones_are_not(tmp_path):
    write(tmp_path, {"app.py": """\
        import zzq_plain_missing
        try:
            import zzq_optional_missing
        except ImportError:
            zzq_optional_missing = None
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import zzq_typing_missing
        import contextlib, os, sys
        if sys.platform == "win32":
            import zzq_windows_missing
        elif os.name == "posix":
            import zzq_posix_missing
        with contextlib.suppress(ModuleNotFoundError):
            import zzq_suppressed_missing
        def connect():
            import zzq_driver_missing
            return zzq_driver_missing
        try:
            import zzq_fallback_missing
        except (ValueError, Exception):
            pass
        """})
    found = supply(tmp_path)
    assert found.pop(("app.py", 1)) == ("AIG601", "high")  # unguarded: still blocking
    assert found.pop(("app.py", 17)) == ("AIG601", "high")  # inside a function: fails there
    assert found == {("app.py", line): ("AIG601", "low") for line in (3, 8, 11, 13, 15, 20)}


def test_guard_kinds_are_recorded_on_the_reference():
    text = ("import sys\nif sys.version_info < (3, 11):\n    import tomli\n"
            "if HAS_NUMPY:\n    import numpy\n"
            "def load():\n    import pandas\n    return __import__('polars')\n"
            "class Plugin:\n    import attr\n")
    result = analyze_source("g.py", text.encode(), "python")
    kinds = {ref.name: ref.source for ref in result.imports}
    assert kinds == {"sys": "import", "tomli": "optional-import", "numpy": "optional-import",
                     "pandas": "deferred-import", "polars": "deferred-import",
                     "attr": "import"}


def test_deferred_imports_can_still_be_undeclared(tmp_path):
    write(tmp_path, {"requirements.txt": "requests\n",
                     "app.py": "def export():\n    import orjson\n    return orjson\n"})
    assert supply(tmp_path) == {("app.py", 2): ("AIG604", "low")}


def test_informational_message_says_why(tmp_path):
    [finding] = judge_import("zzq_optional_missing", "optional-import")
    assert finding.severity.label == "low" and finding.confidence.label == "low"
    assert "Informational: the import is optional" in finding.message
    [finding] = judge_import("zzq_driver_missing", "deferred-import")
    assert finding.severity.label == "high" and "Informational" not in finding.message


# ------------------------------------------ platform modules, derived table (items 1, 4)

@pytest.mark.parametrize("module", [
    "sitecustomize", "usercustomize", "vms_lib", "_winapi", "_overlapped", "win32evtlog",
    "win32zzqanything", "org.python.core", "java.lang", "idaapi", "ida_bytes", "xbmcvfs",
    "sublime_plugin", "awsglue.context", "FreeCAD",
])
def test_platform_and_interpreter_modules_are_never_packages(module):
    assert judge_import(module) == []


@pytest.mark.parametrize("module, distribution", [
    ("samtranslator", "aws-sam-translator"), ("appium", "appium-python-client"),
    ("libcloud", "apache-libcloud"), ("daemon", "python-daemon"), ("pyximport", "cython"),
    ("antlr4", "antlr4-python3-runtime"), ("pywt", "pywavelets"),
])
def test_derived_table_names_the_distribution(module, distribution):
    assert distribution in table().distributions(module)
    assert judge_import(module) == []


def test_bare_namespace_root_and_underscored_table_modules(tmp_path):
    assert judge_import("ruamel") == [] and judge_import("ruamel.yaml") == []
    assert judge_import("_pytest") == []  # settled as pytest's, not skipped blind
    assert table().distributions("_pytest") == ("pytest",)


def test_hand_written_rows_win_over_derived_ones():
    assert table().distributions("cv2")[0] == "opencv-python"
    assert "cv2" in table().curated and "samtranslator" not in table().curated


def test_derived_table_has_no_junk_or_standard_library_rows():
    for name in ("tests", "test", "docs", "examples", "src", "utils", "json", "google"):
        assert name not in table().derived, name
    assert len(table().derived) > 3000


# ------------------------------------------------------------------- affixes (item 2)

def test_a_looser_affix_asks_to_verify_the_distribution_name():
    [finding] = judge_import("qdrant")  # only `qdrant-client` (and `qdrant-api`) exist
    assert finding.rule_id == "AIG607" and finding.severity.label == "low"
    assert "`qdrant-client`" in finding.message


def test_a_customary_affix_settles_the_import():
    assert judge_import("linkify_it") == []  # linkify-it-py


# --------------------------------------------------- typosquat evidence (item 5)

def test_existing_names_imported_are_not_typosquats_of_a_neighbour():
    for module in ("cymysql", "orderedset", "hyphen", "numpi"):
        assert [f.rule_id for f in judge_import(module)] == [], module


def test_made_up_slips_of_popular_imports_are_still_blocking():
    for module in ("reqeusts", "nunpy_zzq", "matplotib"):
        findings = judge_import(module)
        assert [(f.rule_id in ("AIG601", "AIG602"), f.severity.label) for f in findings] == [
            (True, "high")], module


def test_an_established_name_per_the_index_is_not_a_typosquat():
    old = (datetime.date.today() - datetime.timedelta(days=4000)).isoformat()
    records = {("pypi", "cymysql"): PackageRecord("pypi", "cymysql", True, old, 40)}
    snapshot = embedded()
    resolver = Resolver(Project("/nonexistent-project"), OFFLINE, installed={})
    location = Location("requirements.txt", 1, 1, 1, 2)
    subject = resolver.resolve(FileResult("requirements.txt"),
                               ImportRef("cymysql", "pypi", location, "requirement"))
    offline = Judge(snapshot, TyposquatScorer(snapshot), OFFLINE, {}, {}, "offline mode")
    online = Judge(snapshot, TyposquatScorer(snapshot), OFFLINE, {}, records, None)
    assert [f.rule_id for f in offline.findings(subject)] == ["AIG602"]  # no standing known
    assert online.findings(subject) == []


# ------------------------------------------------------ the project's environments (item 3)

def _dist(site: str, name: str, module: str) -> dict[str, str]:
    info = f"{site}/{name}-1.0.dist-info"
    return {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\n",
            f"{info}/top_level.txt": f"{module}\n"}


def test_any_untracked_virtual_environment_in_the_project_counts(tmp_path):
    write(tmp_path, {".venv-3.12/pyvenv.cfg": "home = /usr/bin\n",
                     **_dist(".venv-3.12/lib/python3.12/site-packages", "zzq_odd_dist",
                             "zzqodd"),
                     "app.py": "import zzqodd\n"})
    assert supply(tmp_path) == {}


def test_the_activated_environment_counts_even_outside_the_project(tmp_path, monkeypatch):
    outside = tmp_path / "elsewhere-env"
    project = tmp_path / "proj"
    write(outside, _dist("lib/python3.11/site-packages", "zzq_env_dist", "zzqenv"))
    write(project, {"app.py": "import zzqenv\n"})
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    assert supply(project) == {("app.py", 1): ("AIG601", "high")}
    monkeypatch.setenv("VIRTUAL_ENV", str(outside))
    assert supply(project) == {}


# --------------------------------------------------------- manifests by content (item 6)

RST_CONSTRAINTS = """\
Constraints files
=================

Constraints files are requirements files that only control which version of a
requirement is installed, not whether it is installed or not. They are
often
replaced,
by lock files these days.

.. code-block:: text

   pip install -c constraints.txt
"""


def test_a_file_named_like_a_manifest_is_read_only_if_it_is_one(tmp_path):
    write(tmp_path, {"docs/constraints.txt": RST_CONSTRAINTS,
                     "requirements.txt": "requests>=2.32.3\nzzq-made-up-dependency==1.0\n"})
    outcome = api.scan_paths([str(tmp_path)], OFFLINE)
    found = {(os.path.relpath(f.location.path, tmp_path), f.rule_id)
             for f in outcome.findings if f.rule_id.startswith("AIG6")}
    assert found == {("requirements.txt", "AIG601")}
    notes = [n.message for n in outcome.notes if n.path.endswith("constraints.txt")]
    assert any("not read as a requirements file" in note for note in notes), outcome.notes


@pytest.mark.parametrize("line", [
    "requests", "Django>=4.2,<5", "foo[bar,baz]==1.0 ; python_version<'3.9'", "foo (>=1.0)",
    "foo==1.* --hash=sha256:abc", "-r base.txt", "--index-url https://example.invalid/simple",
    "-e .", "./pkg", "git+https://example.invalid/y#egg=z", "pkg @ https://example.invalid/y.whl",
    "foo~=1.4.2", "foo===1.0",
])
def test_requirement_lines_pip_reads_are_recognised(line):
    from aicodeguard.supply.requirements import is_requirement_line

    assert is_requirement_line(line)


@pytest.mark.parametrize("line", [
    "Constraints files are requirements files", "often, replaced by", "=========",
    ".. code-block:: text", "This is prose.",
])
def test_prose_lines_are_not_requirement_lines(line):
    from aicodeguard.supply.requirements import is_requirement_line

    assert not is_requirement_line(line)


# ------------------------------------------------------------ the table's builder (item 1)

def test_builder_keeps_only_what_popular_distributions_install():
    from aicodeguard.supply.build_import_names import derive, render

    ranks = {"pyyaml": 5, "python-daemon": 900, "foo": 10, "noisy": 50, "cython": 300}
    names = set(ranks) | {"daemon", "obscure-dist", "unconfirmed-dist"}
    pigar = {
        "yaml": {"pyyaml", "yaml-squat"},  # best ranked provider only is popular
        "daemon": {"python-daemon", "daemon"},
        "foo": {"foo"},  # the default guess is right: no row
        "tests": {"noisy"}, "json": {"noisy"}, "google": {"noisy"},  # junk, stdlib, namespace
        "pyximport": {"cython"},
        "obscure": {"obscure-dist"},
    }
    pipreqs = [("obscure", "obscure-dist"), ("unconfirmed", "unconfirmed-dist")]
    rows = derive(ranks, names, pigar, pipreqs)
    assert rows == {"yaml": ["pyyaml"], "daemon": ["python-daemon"],
                    "pyximport": ["cython"], "obscure": ["obscure-dist"]}
    text = render(rows, "# header\n")
    assert text.splitlines()[1:] == ["daemon python-daemon", "obscure obscure-dist",
                                     "pyximport cython", "yaml pyyaml"]


def test_shipped_derived_table_names_its_sources_and_licences():
    from aicodeguard.supply.snapshot import DATA_DIR

    with open(os.path.join(DATA_DIR, "import-names-popular.txt"), encoding="utf-8") as handle:
        header = "".join(line for line in handle if line.startswith("#"))
    assert "pigar" in header and "BSD-3-Clause" in header
    assert "pipreqs" in header and "Apache License 2.0" in header
