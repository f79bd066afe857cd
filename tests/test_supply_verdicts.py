"""Each AIG6xx verdict, decided from the embedded snapshot, index records and config."""

from __future__ import annotations

import datetime

import pytest

from aicodeguard.config import Config
from aicodeguard.model import FileResult, ImportRef, Location
from aicodeguard.supply.check import check_names
from aicodeguard.supply.project import Project
from aicodeguard.supply.records import PackageRecord
from aicodeguard.supply.resolve import Resolver
from aicodeguard.supply.snapshot import embedded
from aicodeguard.supply.typosquat import TyposquatScorer
from aicodeguard.supply.verdicts import Judge

OFFLINE = Config(offline=True, cache=False)


def verdicts(*names, config: Config = OFFLINE) -> dict[str, list]:
    found = check_names(list(names), config)
    return {name: [f.rule_id for f in findings] for (_, name), findings in found.items()}


def only(ecosystem: str, name: str, config: Config = OFFLINE):
    [finding] = check_names([(ecosystem, name)], config)[(ecosystem, name)]
    return finding


def test_hallucinated_pypi_name_says_anyone_can_register_it():
    finding = only("pypi", "fastapi-security-toolkit")
    assert finding.rule_id == "AIG601" and finding.severity.label == "high"
    assert "anyone can register this name" in finding.message
    assert f"offline package snapshot of {embedded().date}" in finding.message
    assert "remove it or replace it" in finding.message


def test_existing_and_popular_names_pass():
    assert verdicts(("pypi", "requests"), ("pypi", "Django"), ("pypi", "zope.interface"),
                    ("npm", "react"), ("npm", "@types/node")) == {
        "requests": [], "Django": [], "zope.interface": [], "react": [], "@types/node": []}


@pytest.mark.parametrize("ecosystem, name, target, trick", [
    ("pypi", "reqeusts", "requests", "`ue` swapped to `eu`"),
    ("pypi", "colourama", "colorama", "one letter added"),
    ("pypi", "djago", "django", "one letter dropped"),
    ("pypi", "diango", "django", "`i` typed for `j`"),
    ("pypi", "setup-tools", "setuptools", "separators"),
    ("pypi", "urlib3", "urllib3", "repeated letter"),
    ("pypi", "jeIlyfish", "jellyfish", "look-alike"),
    ("pypi", "nurnpy", "numpy", "look-alike"),
    ("pypi", "python3-dateutil", "python-dateutil", "prefix or suffix"),
    ("pypi", "urllib", "urllib3", "version or digit suffix"),
    ("pypi", "dateutil-python", "python-dateutil", "prefix or suffix"),
    ("pypi", "requests3", "requests", "version or digit suffix"),
    ("pypi", "scikit-learnn", "scikit-learn", "repeated letter"),
    ("npm", "lodahs", "lodash", "`sh` swapped to `hs`"),
    ("npm", "react-dom-16", "react-dom", "version or digit suffix"),
    ("npm", "env-cross", "cross-env", "words reordered"),
    ("npm", "types-node", "@types/node", "scope flattened"),
    ("npm", "nodemailer-js", "nodemailer", "prefix or suffix"),
    ("npm", "typescript-eslinter", "typescript-eslint", "two letters changed"),
    ("npm", "@typescript_eslinter/eslint", "@typescript-eslint/", "popular scope"),
])
def test_typosquat_tricks_name_the_package_meant(ecosystem, name, target, trick):
    finding = only(ecosystem, name)
    assert finding.rule_id == "AIG602"
    assert f"`{target}" in finding.message and trick in finding.message
    assert "allow-packages" in finding.message


def test_typosquat_message_says_whether_the_look_alike_exists():
    assert "does not exist on PyPI" in only("pypi", "reqeusts").message
    # `yaml` is not a PyPI project; `pyyaml` is.
    assert "`pyyaml`" in only("pypi", "yaml").message


@pytest.mark.parametrize("ecosystem, name, other", [
    ("npm", "numpy", "PyPI"), ("npm", "pandas", "PyPI"), ("pypi", "express", "npm"),
    ("pypi", "lodash", "npm"),
])
def test_package_of_the_other_ecosystem(ecosystem, name, other):
    finding = only(ecosystem, name)
    assert finding.rule_id == "AIG602" and other in finding.message


@pytest.mark.parametrize("ecosystem, name", [
    ("pypi", "boto"), ("pypi", "attr"), ("pypi", "jwt"), ("pypi", "python-jwt"),
    ("pypi", "pyjwt"), ("pypi", "requests-oauthlib"), ("pypi", "psycopg2-binary"),
    ("pypi", "opencv-contrib-python"), ("pypi", "msgpack"), ("npm", "preact"),
    ("npm", "lodash-es"), ("npm", "react-dom"), ("npm", "@babel/core"), ("npm", "uuid"),
    ("npm", "@types/react"), ("npm", "debug"),
])
def test_legitimate_neighbours_are_not_typosquats(ecosystem, name):
    assert check_names([(ecosystem, name)], OFFLINE)[(ecosystem, name)] == []


def test_shipped_allow_table_covers_unpopular_legitimate_neighbours():
    from aicodeguard.supply.typosquat import legit_neighbours

    assert ("pypi", "boto") in legit_neighbours()


def test_npm_name_outside_the_partial_data_is_unverified_offline():
    finding = only("npm", "react-auth-hooks-pro")
    assert finding.rule_id == "AIG607" and finding.severity.label == "low"
    assert "offline mode" in finding.message


def test_npm_name_taken_down_as_malware_is_reported_from_the_snapshot():
    finding = only("npm", "nodesass")
    assert finding.rule_id == "AIG608" and finding.severity.label == "critical"


def test_allow_list_silences_and_deny_list_reports_even_popular_names():
    config = Config(offline=True, cache=False, allow_packages=("reqeusts", "npm:lodahs"),
                    deny_packages=("pycrypto", "request*", "pypi:left-pad"))
    assert verdicts(("pypi", "reqeusts"), ("npm", "lodahs"), ("pypi", "PyCrypto"),
                    ("pypi", "requests"), ("npm", "left-pad"), ("npm", "request"),
                    config=config) == {
        "reqeusts": [], "lodahs": [], "PyCrypto": ["AIG606"], "requests": ["AIG606"],
        "left-pad": [], "request": ["AIG606"]}
    assert "deny list" in only("pypi", "pycrypto", config).message


def test_private_packages_never_get_a_verdict():
    config = Config(offline=True, cache=False, private_packages=("acme-*",))
    assert check_names([("pypi", "acme-billing-zzq")], config) == {}


# ------------------------------------------------------------ with index answers

def judge_with(records: dict, *, has_manifest=None, config: Config = OFFLINE):
    snapshot = embedded()
    project = Project("/nonexistent-zzq")
    return Judge(snapshot, TyposquatScorer(snapshot), config,
                 has_manifest or {"pypi": False, "npm": False}, records, None), project


def manifest_subject(project: Project, ecosystem: str, name: str, source: str = "requirement"):
    ref = ImportRef(name, ecosystem, Location("requirements.txt", 1, 1, 1, 1 + len(name)),
                    source)
    return Resolver(project, OFFLINE).resolve(FileResult("requirements.txt"), ref)


def days_ago(days: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def rules_for(records: dict, ecosystem: str, name: str, source: str = "requirement"):
    judge, project = judge_with(records)
    return [f for f in judge.findings(manifest_subject(project, ecosystem, name, source))]


def test_brand_new_or_single_release_unpopular_package_is_unvetted():
    records = {
        ("pypi", "zzq-new-helper"): PackageRecord("pypi", "zzq-new-helper", True,
                                                  first_release=days_ago(5), release_count=2,
                                                  index="http://127.0.0.1:9/simple/"),
        ("npm", "zzq-one-shot"): PackageRecord("npm", "zzq-one-shot", True,
                                               first_release="2019-01-01", release_count=1),
    }
    [new] = rules_for(records, "pypi", "zzq-new-helper")
    assert new.rule_id == "AIG603" and "5 days ago" in new.message
    assert "http://127.0.0.1:9/simple/" in new.message  # says how it decided
    [single] = rules_for(records, "npm", "zzq-one-shot")
    assert single.rule_id == "AIG603" and "single release" in single.message


def test_old_or_popular_packages_are_vetted():
    records = {("pypi", "requests"): PackageRecord("pypi", "requests", True,
                                                   first_release=days_ago(3), release_count=1),
               ("pypi", "zzq-mature"): PackageRecord("pypi", "zzq-mature", True,
                                                     first_release="2015-01-01",
                                                     release_count=40)}
    assert rules_for(records, "pypi", "requests") == []
    assert rules_for(records, "pypi", "zzq-mature") == []


def test_deprecated_and_yanked_packages():
    records = {
        ("npm", "zzq-old-client"): PackageRecord("npm", "zzq-old-client", True,
                                                 deprecated="use zzq-new-client instead",
                                                 first_release="2015-01-01", release_count=9),
        ("pypi", "zzq-withdrawn"): PackageRecord("pypi", "zzq-withdrawn", True, yanked=True,
                                                 first_release="2015-01-01", release_count=3),
    }
    [deprecated] = rules_for(records, "npm", "zzq-old-client")
    assert deprecated.rule_id == "AIG605" and "use zzq-new-client instead" in deprecated.message
    [yanked] = rules_for(records, "pypi", "zzq-withdrawn")
    assert yanked.rule_id == "AIG605" and "yanked" in yanked.message


def test_index_answers_override_the_snapshot():
    records = {
        # Published after the snapshot was made: exists now, and is young.
        ("pypi", "zzq-published-later"): PackageRecord("pypi", "zzq-published-later", True,
                                                       first_release=days_ago(1),
                                                       release_count=1),
        # In the snapshot, but the index says it is gone.
        ("pypi", "six"): PackageRecord("pypi", "six", False, index="http://127.0.0.1:9/s/"),
        # npm names the offline data does not hold, confirmed either way.
        ("npm", "zzq-js-real"): PackageRecord("npm", "zzq-js-real", True,
                                              first_release="2018-01-01", release_count=5),
        ("npm", "zzq-js-invented"): PackageRecord("npm", "zzq-js-invented", False),
    }
    assert [f.rule_id for f in rules_for(records, "pypi", "zzq-published-later")] == ["AIG603"]
    [gone] = rules_for(records, "pypi", "six")
    assert gone.rule_id == "AIG601" and "http://127.0.0.1:9/s/" in gone.message
    assert rules_for(records, "npm", "zzq-js-real") == []
    assert [f.rule_id for f in rules_for(records, "npm", "zzq-js-invented")] == ["AIG601"]


def test_registry_placeholder_record_is_a_removed_malicious_package():
    message = ("security holding package: the registry removed this package (typically for "
               "malware) and reserved the name")
    records = {("npm", "zzq-taken-down"): PackageRecord("npm", "zzq-taken-down", True,
                                                        yanked=True, deprecated=message)}
    assert [f.rule_id for f in rules_for(records, "npm", "zzq-taken-down")] == ["AIG608"]


def test_unanswered_lookup_keeps_the_snapshot_verdict_and_says_why():
    records = {("npm", "zzq-js-slow"): PackageRecord("npm", "zzq-js-slow", None,
                                                     note="deadline of 3s passed")}
    [finding] = rules_for(records, "npm", "zzq-js-slow")
    assert finding.rule_id == "AIG607" and "deadline of 3s passed" in finding.message


def test_hallucinated_import_message_explains_the_resolution():
    judge, project = judge_with({}, has_manifest={"pypi": True, "npm": False})
    subject = manifest_subject(project, "pypi", "zzq_made_up_module", "import")
    [finding] = judge.findings(subject)
    assert finding.rule_id == "AIG601" and finding.confidence.label == "medium"
    assert "no installed distribution provides `zzq_made_up_module`" in finding.message
    assert "standard library" in finding.message


def test_misspelled_module_of_the_import_table():
    judge, project = judge_with({})
    [finding] = judge.findings(manifest_subject(project, "pypi", "skimgae", "import"))
    assert finding.rule_id == "AIG602" and "`import skimage`" in finding.message
