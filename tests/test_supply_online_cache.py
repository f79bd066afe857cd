"""The registry cache: hits without network, lifetimes, corruption, concurrent runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from aicodeguard.supply.indexes import ManagerDefaults
from aicodeguard.supply.registry_cache import NEGATIVE_TTL, POSITIVE_TTL, RegistryCache
from tests.conftest import REPO
from tests.registry_server import RegistryServer
from tests.test_supply_online import isolated_env, run

NOW = 1_700_000_000.0


@pytest.fixture
def server():
    with RegistryServer() as running:
        yield running


def test_cache_answers_without_network(server, tmp_path):
    server.add_pypi("requests")
    server.add_npm("react")
    names = [("pypi", "requests"), ("pypi", "no-such-pkg"), ("npm", "react")]
    first = run(names, server, tmp_path)
    server.stop()  # from here on any request would fail
    second = run(names, server, tmp_path)
    assert [second[n].exists for n in names] == [True, False, True]
    assert {r.source for r in second.values()} == {"cache"}
    assert {r.source for r in first.values()} == {"network"}
    assert second.notes == []


def test_positive_answers_last_days_and_negative_ones_hours(server, tmp_path):
    server.add_pypi("was-there")
    names = [("pypi", "was-there"), ("pypi", "not-yet")]
    run(names, server, tmp_path, clock=lambda: NOW)
    # The index changes: one project removed, the other registered.
    server.pypi.clear()
    server.add_pypi("not-yet")
    later = run(names, server, tmp_path, clock=lambda: NOW + NEGATIVE_TTL - 60)
    assert [later[n].exists for n in names] == [True, False]
    assert {r.source for r in later.values()} == {"cache"}
    hours_on = run(names, server, tmp_path, clock=lambda: NOW + NEGATIVE_TTL + 60)
    assert hours_on[("pypi", "not-yet")].exists is True  # negative answer expired
    assert hours_on[("pypi", "was-there")].source == "cache"  # positive one still fresh
    days_on = run(names, server, tmp_path, clock=lambda: NOW + POSITIVE_TTL + 60)
    assert days_on[("pypi", "was-there")].exists is False


def test_unknown_answers_are_not_cached(server, tmp_path):
    server.status["flaky"] = 502
    assert run([("pypi", "flaky")], server, tmp_path)[("pypi", "flaky")].exists is None
    del server.status["flaky"]
    server.add_pypi("flaky")
    assert run([("pypi", "flaky")], server, tmp_path)[("pypi", "flaky")].exists is True


def test_answers_from_different_indexes_do_not_mix(server, tmp_path):
    server.add_pypi("shared-name")
    run([("pypi", "shared-name")], server, tmp_path)
    with RegistryServer() as other:  # a different default index: its own answers
        records = run([("pypi", "shared-name")], other, tmp_path)
    assert records[("pypi", "shared-name")].exists is False
    assert other.requested("shared-name")


def test_corrupt_cache_is_rebuilt_with_a_note(server, tmp_path):
    path = os.path.join(os.environ["AICODEGUARD_CACHE_DIR"], "registry.sqlite3")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"this is not a database" * 100)
    server.add_pypi("requests")
    records = run([("pypi", "requests")], server, tmp_path)
    assert records[("pypi", "requests")].exists is True
    assert any("corrupt" in note.message for note in records.notes)
    server.stop()
    again = run([("pypi", "requests")], server, tmp_path)
    assert again[("pypi", "requests")].source == "cache" and again.notes == []


def test_remembered_default_index_is_used_without_asking_the_manager(tmp_path):
    cache = RegistryCache()
    cache.put_setting("default-index:npm", "http://127.0.0.1:9/npm/", 3600)
    cache.close()
    cache = RegistryCache()
    assert ManagerDefaults(memo=cache).get("npm") == "http://127.0.0.1:9/npm/"
    cache.close()
    expired = RegistryCache(clock=lambda: 4e10)
    assert expired.get_setting("default-index:npm") is None
    expired.close()


CHILD = textwrap.dedent("""
    import json, sys
    from aicodeguard.config import Config
    from aicodeguard.supply.online import lookup
    names = [("pypi", f"pkg-{i}") for i in range(60)] + [("pypi", "absent-pkg")]
    records = lookup(names, project_dir=sys.argv[1], config=Config(network_deadline=20.0))
    print(json.dumps({"exists": [r.exists for r in records.values()],
                      "notes": [n.message for n in records.notes]}))
""")


def test_two_processes_share_the_cache_at_once(server, tmp_path):
    for i in range(60):
        server.add_pypi(f"pkg-{i}")
    env = {**os.environ, **isolated_env(tmp_path, PIP_INDEX_URL=server.simple_url)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        report = json.loads(out)
        assert report["exists"] == [True] * 60 + [False]
        assert report["notes"] == []
    server.stop()
    cache = RegistryCache()
    keys = [(server.simple_url, "pypi", f"pkg-{i}") for i in range(60)]
    assert len(cache.get_many(keys)) == 60
    cache.close()
