"""The embedded package snapshot: its builder, its reader, and that it ships in the wheel."""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from aicodeguard.config import tomllib
from aicodeguard.supply import build_snapshot
from aicodeguard.supply.snapshot import (
    DATA_DIR,
    HashedTable,
    Snapshot,
    describe,
    embedded,
    encode_table,
)
from aicodeguard.supply.typosquat import TyposquatScorer

from .conftest import REPO

PYPI_TSV = """name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary
requests\t2.32\t2026-05\t2\tHTTP for Humans.
Django\t5.1\t2026-10\t1\tA web framework
zope.interface\t7.0\t2026-01\t\tInterfaces
tiny-lib\t0.1\t2020-01\t\t
"""
NPM_TSV = """name\tversion\tdownloads_a_month\tsummary
lodash\t4.17.21\t450000000\tLodash
@types/node\t22.0.0\t1000000000\tTypes
crossenv\t0.0.1-security\t10000\tsecurity holding package
small-pkg\t1.0.0\t900\t
"""


@pytest.fixture
def built(tmp_path):
    (tmp_path / "pypi.tsv").write_text(PYPI_TSV)
    (tmp_path / "npm.tsv").write_text(NPM_TSV)
    out = tmp_path / "data"
    assert build_snapshot.main([str(tmp_path / "pypi.tsv"), str(tmp_path / "npm.tsv"),
                                "--date", "2030-01-02", "--out", str(out)]) == 0
    return Snapshot(str(out))


def test_builder_output_answers_existence_rank_and_downloads(built):
    assert built.date == "2030-01-02"
    assert built.pypi_exists("django") and built.pypi_exists("zope-interface")
    assert not built.pypi_exists("reqeusts")
    assert built.rank("pypi", "django") == 1 and built.rank("pypi", "tiny-lib") is None
    assert 400_000_000 < built.npm_downloads("lodash") < 500_000_000
    assert built.npm_downloads("crossenv") == 0  # the security placeholder
    assert built.npm_downloads("not-there") is None
    assert built.npm_scope_known("types") and not built.npm_scope_known("typez")
    assert built.popular("npm") == ["@types/node", "lodash", "small-pkg"]
    assert built.info["pypi"] == {"names": 4, "popular": 2}


def test_builder_output_drives_the_typosquat_scorer(built):
    scorer = TyposquatScorer(built)
    assert scorer.lookalike("pypi", "reqeusts").target == "requests"
    assert scorer.lookalike("npm", "lodahs").target == "lodash"
    assert scorer.lookalike("pypi", "requests") is None


def test_builder_is_deterministic(tmp_path, built):
    first = {name: open(os.path.join(built.folder, name), "rb").read()
             for name in os.listdir(built.folder)}
    out = tmp_path / "again"
    build_snapshot.main([str(tmp_path / "pypi.tsv"), str(tmp_path / "npm.tsv"), "--date",
                         "2030-01-02", "--out", str(out)])
    assert first == {name: (out / name).read_bytes() for name in os.listdir(out)}


def test_builder_rejects_a_bad_date(tmp_path):
    (tmp_path / "p.tsv").write_text(PYPI_TSV)
    with pytest.raises(SystemExit):
        build_snapshot.main([str(tmp_path / "p.tsv"), str(tmp_path / "p.tsv"), "--date", "soon"])


def test_hashed_table_multimap_and_absent_keys():
    table = HashedTable(encode_table([("a", 1), ("b", 2), ("a", 3)], bits=4, width=2))
    assert sorted(table.values("a")) == [1, 3] and table.values("b") == [2]
    assert table.values("c") == [] and "a" in table and "c" not in table
    assert table.values_of_any(["a", "b", "c"]) == {1, 2, 3}
    with pytest.raises(ValueError):
        HashedTable(b"XXXX" + bytes(8))


def test_embedded_snapshot_is_complete_and_dated():
    snapshot = embedded()
    assert snapshot.info["pypi"]["names"] > 800_000 and snapshot.info["npm"]["names"] > 200_000
    assert snapshot.table("pypi-names").count == snapshot.info["pypi"]["names"]
    assert len(snapshot.popular("pypi")) == snapshot.info["pypi"]["popular"]
    assert describe() == f"package snapshot of {snapshot.date}"


def test_snapshot_folder_can_be_overridden(tmp_path, built, monkeypatch):
    monkeypatch.setenv("AICODEGUARD_SNAPSHOT_DIR", built.folder)
    assert describe() == "package snapshot of 2030-01-02"


def test_package_data_globs_cover_every_data_file():
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as handle:
        globs = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["aicodeguard"]
    for path in glob.glob(os.path.join(DATA_DIR, "*")):
        relative = os.path.relpath(path, os.path.join(REPO, "aicodeguard"))
        assert any(fnmatch.fnmatch(relative, pattern.replace("**/", "*/"))
                   for pattern in globs), relative


def test_loading_reads_each_file_once_and_builds_no_name_set():
    """Loading is one read() per table; the name set stays a bytes buffer."""
    snapshot = Snapshot()
    snapshot.pypi_exists("requests")
    table = snapshot.table("pypi-names")
    assert isinstance(table._keys, memoryview) or table._keys.__class__.__name__ == "array"
    assert set(snapshot._tables) == {"pypi-names"}


@pytest.mark.slow
def test_wheel_ships_the_snapshot_under_ten_megabytes(tmp_path):
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version("setuptools").split(".")[0])
    except PackageNotFoundError:
        major = 0
    if major < 77:  # PEP 639 `license = "MIT"`; an isolated build would need the network
        pytest.skip("building offline needs setuptools >= 77 in this environment")
    source = tmp_path / "src"  # a copy: building must not leave build/ in the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "wheel"), str(source)], check=True, timeout=600)
    [wheel] = glob.glob(str(tmp_path / "wheel" / "*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        data = {info.filename: info for info in archive.infolist()
                if "supply/data/" in info.filename}
    info = json.load(open(os.path.join(DATA_DIR, "snapshot.json")))
    for name in [*info["files"].values(), "snapshot.json", "import-names.txt",
                 "legit-neighbours.txt"]:
        assert f"aicodeguard/supply/data/{name}" in data
    assert sum(item.compress_size for item in data.values()) < 10 * 1024 * 1024
