"""Known-vulnerable, vulnerable-range and stale versions (AIG609–AIG611) through the real
command line, one project per manifest and lock-file format, against the advisories of
the embedded snapshot (and, for scores, a small refreshed one): every vulnerable pin is
reported on its line with its advisories, score and fixed version; every safe pin is not."""

from __future__ import annotations

import json

import pytest

from aicodeguard.supply import advisories
from tests.test_lockfiles import (
    NPM_LOCK_V1,
    NPM_LOCK_V3,
    PDM_LOCK,
    PIPFILE_LOCK,
    PNPM_V6,
    PNPM_V9,
    POETRY_LOCK,
    UV_LOCK,
    YARN_BERRY,
    YARN_CLASSIC,
)


def write(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def scan(cli, root, *extra):
    result = cli("scan", "--offline", "-f", "json", "--select", "AIG609,AIG610,AIG611",
                 *extra, ".", cwd=str(root))
    assert result.returncode in (0, 1), result.out + result.err
    return json.loads(result.out)


def by_place(report) -> dict[tuple[str, int, str], dict]:
    return {(f["location"]["path"], f["location"]["line"], f["rule_id"]): f
            for f in report["findings"]}


# (file, line, rule) -> (package, an advisory id it must list, fixed_in)
CASES = {
    "requirements": ({
        "requirements.txt": "requests[socks]==2.19.0 ; python_version >= '3'  # pinned\n"
                            "jinja2==3.1.4\n"
                            "flask==0.12 \\\n    --hash=sha256:0000\n"
                            "django>=3.2.0,<4\n"
                            "-r more.txt\n"
                            "pyyaml>=6\n",
        "more.txt": "PyYAML===5.3\n",
    }, {
        ("requirements.txt", 1, "AIG609"): ("requests", "PYSEC-2018-28", "2.31.0"),
        ("requirements.txt", 3, "AIG609"): ("flask", "PYSEC-2018-66", "2.2.5"),
        ("requirements.txt", 5, "AIG610"): ("django", "PYSEC-2021-109", "3.2.25"),
        ("more.txt", 1, "AIG609"): ("PyYAML", "PYSEC-2020-96", "5.4"),
    }),
    "pep621": ({
        "pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = [\n'
                          '  "jinja2==2.7.1",\n  "requests>=2.32",\n'
                          '  "django[argon2] == 3.2.0 ; python_version > \'3.6\'",\n]\n'
                          '[project.optional-dependencies]\nyaml = ["pyyaml~=5.3"]\n',
    }, {
        ("pyproject.toml", 5, "AIG609"): ("jinja2", "PYSEC-2014-8", "2.11.3"),
        ("pyproject.toml", 7, "AIG609"): ("django", "PYSEC-2021-109", "3.2.25"),
        ("pyproject.toml", 10, "AIG610"): ("pyyaml", "PYSEC-2020-96", "5.4"),
    }),
    "poetry": ({
        "pyproject.toml": '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\n'
                          'python = "^3.9"\ndjango = "^2.2"\npyyaml = "5.3"\n'
                          'requests = {version = "^2.32", extras = ["socks"]}\n',
        "poetry.lock": POETRY_LOCK,
    }, {  # django's range is not reported: the lock file says what gets installed
        ("poetry.lock", 3, "AIG609"): ("django", "PYSEC-2019-12", None),
        ("poetry.lock", 17, "AIG609"): ("pyyaml", "PYSEC-2020-96", "5.4"),
        ("pyproject.toml", 7, "AIG609"): ("pyyaml", "PYSEC-2020-96", "5.4"),
    }),
    "setup-cfg": ({
        "setup.cfg": "[metadata]\nname = app\n\n[options]\ninstall_requires =\n"
                     "    requests==2.19.0\n    jinja2>=3.1\n",
    }, {
        ("setup.cfg", 6, "AIG609"): ("requests", "PYSEC-2018-28", "2.31.0"),
    }),
    "pipfile": ({
        "Pipfile": '[packages]\nflask = "==0.12.2"\nrequests = "*"\n\n[dev-packages]\n'
                   'pytest = {version = ">=7.0"}\n',
        "Pipfile.lock": PIPFILE_LOCK,
    }, {
        ("Pipfile", 2, "AIG609"): ("flask", "PYSEC-2018-66", "2.2.5"),
        ("Pipfile.lock", 6, "AIG609"): ("flask", "PYSEC-2018-66", "2.2.5"),
    }),
    "uv": ({"uv.lock": UV_LOCK}, {
        ("uv.lock", 11, "AIG609"): ("requests", "PYSEC-2018-28", "2.31.0"),
    }),
    "pdm": ({"pdm.lock": PDM_LOCK}, {
        ("pdm.lock", 6, "AIG609"): ("jinja2", "PYSEC-2019-217", "2.11.3"),
    }),
    "npm-v3": ({
        "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "lodash": "^4.17.4",\n'
                        '    "marked": "0.3.5",\n    "bassmaster": "~1.5.0",\n'
                        '    "express": "^4.21.0"\n  }\n}\n',
        "package-lock.json": NPM_LOCK_V3,
    }, {  # lodash: judged in the lock file; bassmaster: not locked, its range is judged
        ("package-lock.json", 7, "AIG609"): ("lodash", "NSWG-ECO-368", "4.17.11"),
        ("package.json", 5, "AIG609"): ("marked", "NSWG-ECO-101", "0.3.6"),
        ("package.json", 6, "AIG610"): ("bassmaster", "NSWG-ECO-1", "1.5.2"),
    }),
    "npm-v1": ({"npm-shrinkwrap.json": NPM_LOCK_V1}, {
        ("npm-shrinkwrap.json", 6, "AIG609"): ("marked", "NSWG-ECO-101", "0.3.6"),
        ("npm-shrinkwrap.json", 8, "AIG609"): ("lodash", "NSWG-ECO-493", "4.17.11"),
    }),
    "yarn-classic": ({"yarn.lock": YARN_CLASSIC}, {
        ("yarn.lock", 10, "AIG609"): ("lodash", "NSWG-ECO-368", "4.17.11"),
    }),
    "yarn-berry": ({"yarn.lock": YARN_BERRY}, {
        ("yarn.lock", 10, "AIG609"): ("marked", "NSWG-ECO-101", "0.3.6"),
    }),
    "pnpm-v6": ({"pnpm-lock.yaml": PNPM_V6}, {
        ("pnpm-lock.yaml", 10, "AIG609"): ("lodash", "NSWG-ECO-368", "4.17.11"),
    }),
    "pnpm-v9": ({"pnpm-lock.yaml": PNPM_V9}, {
        ("pnpm-lock.yaml", 5, "AIG609"): ("marked", "NSWG-ECO-101", "0.3.6"),
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_vulnerable_pin_is_reported_on_its_line_and_no_safe_one(cli, tmp_path, name):
    files, expected = CASES[name]
    report = scan(cli, write(tmp_path / name, files), "--ignore", "AIG611")
    found = by_place(report)
    assert set(found) == set(expected), json.dumps(report["findings"], indent=1)
    db = advisories.database()
    for place, (package, advisory, fixed) in expected.items():
        finding = found[place]
        meta = finding["metadata"]
        assert meta["package"] == package and advisory in meta["advisories"]
        assert advisory in finding["message"]
        if fixed is not None:
            assert meta["fixed_in"] == fixed
            assert f"{fixed}" in finding["message"]
        match = db.match(meta["ecosystem"], package, meta["version"])
        assert sorted(meta["advisories"]) == sorted(match.ids)
        assert meta["cvss"] == match.score and finding["confidence"] == "high"
        assert set(meta) == {"package", "ecosystem", "version", "cvss", "advisories",
                             "aliases", "fixed_in"}
    assert not [n for n in report["notes"] if n["level"] == "error"], report["notes"]


def test_scores_set_the_severity_and_the_message(cli, tmp_path):
    report = scan(cli, write(tmp_path / "p", {
        "package.json": '{"dependencies": {"marked": "0.3.5",\n  "bassmaster": "1.5.1",\n'
                        '  "lodash": ">=4.17.4 <5"}}\n',
        "requirements.txt": "pyyaml==5.3\n"}))
    found = by_place(report)
    marked = found[("package.json", 1, "AIG609")]
    assert marked["severity"] == "medium" and "CVSS 5.3" in marked["message"]
    assert "upgrade to 0.3.6" in marked["message"] and marked["metadata"]["cvss"] == 5.3
    assert found[("package.json", 2, "AIG609")]["severity"] == "medium"  # 6.5
    lodash = found[("package.json", 3, "AIG610")]  # 5.7: medium as a pin, low as a range
    assert lodash["severity"] == "low" and "its lowest allowed, 4.17.4, is affected" in \
        lodash["message"]
    yaml = found[("requirements.txt", 1, "AIG609")]  # no CVSS vector in PyPA's data
    assert yaml["severity"] == "medium" and yaml["evidence"] == "unknown-severity"
    assert "unknown severity" in yaml["message"] and "CVE-2020-1747" in yaml["message"]


def test_manifest_pins_get_a_fix_and_lock_files_advice(cli, tmp_path):
    report = scan(cli, write(tmp_path / "p", {
        "requirements.txt": "django==3.2.0  # web\n",
        "package.json": '{"dependencies": {"lodash": "^4.17.4"}}\n',
        "poetry.lock": POETRY_LOCK}))
    found = by_place(report)
    django = found[("requirements.txt", 1, "AIG609")]
    assert django["fix"]["safe"] is False
    assert django["fix"]["edits"] == [{"line": 1, "column": 9, "end_line": 1,
                                       "end_column": 14, "new_text": "3.2.25"}]
    lodash = found[("package.json", 1, "AIG610")]
    assert lodash["fix"]["edits"][0]["new_text"] == "4.17.11"
    locked = found[("poetry.lock", 17, "AIG609")]
    assert locked["fix"] is None and "update the lock file" in locked["message"]


def test_lock_files_feed_only_the_vulnerability_check(cli, tmp_path):
    lock = POETRY_LOCK.replace('name = "pyyaml"', 'name = "zzq-invented-helper"')
    report = cli("scan", "--offline", "-f", "json", ".",
                 cwd=str(write(tmp_path / "p", {"poetry.lock": lock})))
    rules = {f["rule_id"] for f in json.loads(report.out)["findings"]}
    assert rules == {"AIG609"}, report.out  # no AIG601 for the invented name


def test_a_lock_file_that_is_not_its_format_is_an_error_naming_it(cli, tmp_path):
    root = write(tmp_path / "p", {"package-lock.json": "not json at all\n",
                                  "requirements.txt": "flask==0.12\n"})
    result = cli("scan", "--offline", "-f", "json", ".", cwd=str(root))
    assert result.returncode == 2
    report = json.loads(result.out)
    [error] = [n for n in report["notes"] if n["level"] == "error"]
    assert error["path"] == "package-lock.json" and "not read as a package-lock.json" in \
        error["message"]
    assert ("requirements.txt", 1, "AIG609") in by_place(report)  # the rest still reported


def test_stale_pins_say_how_far_behind(cli, tmp_path):
    report = scan(cli, write(tmp_path / "p", {
        "requirements.txt": "numpy==1.21.0\nclick==8.1.0\nrequests-toolbelt==1.0.0\n",
        "package-lock.json": NPM_LOCK_V3}))
    found = by_place(report)
    numpy = found[("requirements.txt", 1, "AIG611")]
    assert numpy["severity"] == "low" and "1 major version behind" in numpy["message"]
    assert "training data" in numpy["message"]
    click = found[("requirements.txt", 2, "AIG611")]
    assert "4 minor versions behind the latest known release 8.5.1" in click["message"]
    assert not [key for key in found if key[0] == "package-lock.json" and key[2] == "AIG611"]
    assert ("requirements.txt", 3, "AIG611") not in found


def test_selection_turns_the_checks_off_and_the_cache_keeps_pins(cli, tmp_path):
    root = write(tmp_path / "p", {"requirements.txt": "flask==0.12\n"})
    off = cli("scan", "--offline", "-f", "json", "--ignore", "AIG609,AIG610,AIG611", ".",
              cwd=str(root))
    assert not [f for f in json.loads(off.out)["findings"] if f["rule_id"] >= "AIG609"]
    first, second = scan(cli, root), scan(cli, root)  # the second from the result cache
    assert by_place(first).keys() == by_place(second).keys() == {
        ("requirements.txt", 1, "AIG609")}
