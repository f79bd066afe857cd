"""Online package look-ups against a real HTTP server on 127.0.0.1 (tests/registry_server.py)."""

from __future__ import annotations

import os
import time

import pytest

from aicodeguard.config import Config
from aicodeguard.supply.indexes import ManagerDefaults
from aicodeguard.supply.online import OFFLINE_NOTE, PRIVATE_NOTE, lookup
from aicodeguard.supply.online_parse import PLACEHOLDER_MESSAGE
from tests.registry_server import RegistryServer, closed_port_url


@pytest.fixture
def server():
    with RegistryServer() as running:
        yield running


def isolated_env(tmp_path, **extra) -> dict[str, str]:
    """No user, site or global configuration of pip, uv or npm; only what the test sets."""
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
            "PIP_CONFIG_FILE": os.devnull, "PATH": os.environ.get("PATH", ""),
            "npm_config_globalconfig": str(tmp_path / "global-npmrc"), **extra}


def run(names, server, tmp_path, *, env=None, defaults=None, clock=time.time, **config):
    """lookup() with `server` as both managers' default index unless `defaults` says otherwise."""
    defaults = defaults or ManagerDefaults(pip=server.simple_url, npm=server.npm_url)
    return lookup(names, project_dir=str(tmp_path), config=Config(**config), clock=clock,
                  defaults=defaults, env=env or isolated_env(tmp_path))


# ---------------------------------------------------------------- PyPI-style indexes

def test_default_index_gives_existence_and_json_api_metadata(server, tmp_path):
    server.add_pypi("Flask_Login", {"0.1": "2011-05-02T10:00:00Z", "0.6.3": "2023-10-30T09:00:00Z"},
                    summary="User session management for Flask")
    records = run([("pypi", "flask-login"), ("pypi", "flask-logon-helper")], server, tmp_path)
    found, missing = records[("pypi", "flask-login")], records[("pypi", "flask-logon-helper")]
    assert (found.exists, found.first_release, found.release_count) == (True, "2011-05-02", 2)
    assert found.summary == "User session management for Flask"
    assert (found.yanked, found.deprecated, found.source) == (False, None, "network")
    assert found.index == server.simple_url
    assert missing.exists is False and missing.note is None
    simple = [s for s in server.requests if s.path == "/simple/flask-login/"]
    assert "application/vnd.pypi.simple.v1+json" in simple[0].headers["Accept"]
    assert server.requested("flask-login") and any(
        s.path == "/pypi/flask-login/json" for s in server.requests)
    assert records.notes == []


def test_configured_index_uses_simple_api_only_with_html_fallback(server, tmp_path):
    server.html_only = True
    server.add_pypi("internal-tools", {"1.0": "2021-01-01T00:00:00Z",
                                       "1.1": "2021-02-01T00:00:00Z"})
    env = isolated_env(tmp_path, PIP_INDEX_URL=server.simple_url)
    defaults = ManagerDefaults(pip="http://127.0.0.1:9/simple/", npm=server.npm_url)
    records = run([("pypi", "internal-tools"), ("pypi", "internal-toolz")], server, tmp_path,
                  env=env, defaults=defaults)
    assert records[("pypi", "internal-tools")].exists is True
    assert records[("pypi", "internal-tools")].release_count == 2
    assert records[("pypi", "internal-toolz")].exists is False
    assert not any(s.path.startswith("/pypi/") for s in server.requests)  # no JSON API there
    assert all(s.headers["User-Agent"].startswith("aicodeguard/") for s in server.requests)


@pytest.mark.parametrize("html_only", [False, True], ids=["json", "html"])
def test_project_status_and_all_yanked(server, tmp_path, html_only):
    server.html_only = html_only
    server.add_pypi("evil-pkg", {"1.0": "2024-01-01T00:00:00Z"}, status="quarantined",
                    reason="malware")
    server.add_pypi("old-pkg", {"1.0": "2015-01-01T00:00:00Z"}, status="archived")
    server.add_pypi("pulled", {"1.0": "2019-01-01T00:00:00Z", "1.1": "2019-02-01T00:00:00Z"},
                    yanked=("1.0", "1.1"))
    server.add_pypi("half-pulled", {"1.0": "2019-01-01T00:00:00Z", "1.1": "2019-02-01T00:00:00Z"},
                    yanked=("1.0",))
    records = run([("pypi", n) for n in ("evil-pkg", "old-pkg", "pulled", "half-pulled")],
                  server, tmp_path)
    evil = records[("pypi", "evil-pkg")]
    assert evil.exists and evil.yanked and evil.deprecated.startswith("project status: quarantined")
    assert records[("pypi", "old-pkg")].deprecated == "project status: archived"
    assert not records[("pypi", "old-pkg")].yanked
    assert records[("pypi", "pulled")].yanked is True
    assert records[("pypi", "half-pulled")].yanked is False


def test_name_on_an_extra_index_only_exists_and_absent_everywhere_lists_both(server, tmp_path):
    with RegistryServer() as extra:
        extra.add_pypi("corp-utils")
        env = isolated_env(tmp_path, PIP_EXTRA_INDEX_URL=extra.simple_url)
        records = run([("pypi", "corp-utils"), ("pypi", "corp-utilz")], server, tmp_path, env=env)
    assert records[("pypi", "corp-utils")].exists is True
    assert records[("pypi", "corp-utils")].index == extra.simple_url
    absent = records[("pypi", "corp-utilz")]
    assert absent.exists is False
    assert absent.index == f"{server.simple_url}, {extra.simple_url}"


def test_file_simple_index_and_find_links_folder(server, tmp_path):
    simple = tmp_path / "simple"
    (simple / "local-only").mkdir(parents=True)
    (simple / "local-only" / "index.html").write_text(
        '<a href="../../files/local_only-2.0.tar.gz#sha256=00">local_only-2.0.tar.gz</a>')
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "wheel_only-1.0-py3-none-any.whl").write_bytes(b"")
    env = isolated_env(tmp_path, PIP_INDEX_URL=simple.as_uri(), PIP_FIND_LINKS=str(wheels))
    records = run([("pypi", "local-only"), ("pypi", "wheel-only"), ("pypi", "nowhere")],
                  server, tmp_path, env=env)
    assert records[("pypi", "local-only")].release_count == 1
    assert records[("pypi", "wheel-only")].exists is True
    assert records[("pypi", "nowhere")].exists is False
    assert server.requests == []  # the default index was not configured, so not asked


# ---------------------------------------------------------------- npm

def test_npm_packuments_scoped_deprecated_and_security_placeholder(server, tmp_path):
    server.add_npm("@acme/left-pad", {"1.0.0": "2016-03-01T00:00:00.000Z",
                                      "1.3.0": "2018-04-09T00:00:00.000Z"},
                   description="String left pad", deprecated="use String.prototype.padStart()")
    server.add_npm("crossenv", {"0.0.1-security": "2017-08-02T00:00:00.000Z"},
                   description="security holding package")
    records = run([("npm", "@acme/left-pad"), ("npm", "crossenv"), ("npm", "lefft-pad")],
                  server, tmp_path)
    pad = records[("npm", "@acme/left-pad")]
    assert (pad.exists, pad.first_release, pad.release_count) == (True, "2016-03-01", 2)
    assert (pad.deprecated, pad.summary) == ("use String.prototype.padStart()", "String left pad")
    assert any(s.path == "/npm/@acme%2Fleft-pad" for s in server.requests)
    placeholder = records[("npm", "crossenv")]
    assert placeholder.yanked and placeholder.deprecated == PLACEHOLDER_MESSAGE
    assert records[("npm", "lefft-pad")].exists is False


def test_npmrc_registry_and_scope_with_auth_token(server, tmp_path):
    with RegistryServer() as private:
        private.add_npm("@corp/ui")
        project = tmp_path / "app"
        (project / "src").mkdir(parents=True)
        (project / "package.json").write_text("{}")
        (project / ".npmrc").write_text(f"@corp:registry={private.npm_url}\n")
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / ".npmrc").write_text(
            f"//{private.url.split('//')[1]}:_authToken=${{CORP_TOKEN}}\n")
        env = isolated_env(tmp_path, CORP_TOKEN="s3cret-token")
        records = lookup([("npm", "@corp/ui"), ("npm", "@corp/uii")],
                         project_dir=str(project / "src"), config=Config(project_indexes=True),
                         env=env, defaults=ManagerDefaults(pip=server.simple_url,
                                                           npm=server.npm_url))
    assert records[("npm", "@corp/ui")].exists is True
    assert records[("npm", "@corp/uii")].exists is False
    assert {s.headers.get("Authorization") for s in private.requests} == {"Bearer s3cret-token"}
    assert server.requests == []  # scoped names never went to the default registry
    assert "s3cret" not in repr(dict(records)) + repr(records.notes)


def test_project_npmrc_cannot_pull_a_token_from_the_environment(server, tmp_path):
    with RegistryServer() as collector:  # a host named by the scanned repository
        collector.add_npm("some-lib")
        (tmp_path / "package.json").write_text("{}")
        (tmp_path / ".npmrc").write_text(
            f"registry={collector.npm_url}\n"
            f"//{collector.url.split('//')[1]}:_authToken=${{NPM_TOKEN}}\n")
        env = isolated_env(tmp_path, NPM_TOKEN="ci-secret")
        records = run([("npm", "some-lib")], server, tmp_path, env=env, project_indexes=True)
    assert records[("npm", "some-lib")].exists is True
    assert [s.headers.get("Authorization") for s in collector.requests] == [None]


def test_project_npmrc_is_ignored_unless_the_user_opts_in(server, tmp_path):
    server.add_npm("some-lib")
    with RegistryServer() as collector:  # a host named by the scanned repository
        (tmp_path / "package.json").write_text("{}")
        (tmp_path / ".npmrc").write_text(f"registry={collector.npm_url}\n"
                                         f"@corp:registry={collector.npm_url}\n")
        records = run([("npm", "some-lib"), ("npm", "@corp/x")], server, tmp_path)
    assert collector.requests == []
    assert records[("npm", "some-lib")].exists is True and server.requested("@corp/x")
    assert [n.message for n in records.notes if "ignored" in n.message] == [
        "the project's .npmrc names a registry; ignored (the repository does not choose where "
        "package names are sent; --project-indexes to honour it)"]


# ---------------------------------------------------------------- failures, deadline

def test_http_error_is_unverified_with_a_note(server, tmp_path):
    server.add_pypi("fine")
    server.status["broken"] = 500
    records = run([("pypi", "fine"), ("pypi", "broken")], server, tmp_path)
    assert records[("pypi", "fine")].exists is True
    broken = records[("pypi", "broken")]
    assert broken.exists is None and "HTTP 500" in broken.note
    assert any("HTTP 500" in n.message and "broken" in n.message for n in records.notes)


def test_slow_server_cannot_hold_the_run_past_the_deadline(server, tmp_path):
    server.add_pypi("quick")
    server.add_pypi("slow-one")
    server.delays["slow-one"] = 10
    started = time.monotonic()
    records = run([("pypi", "quick"), ("pypi", "slow-one")], server, tmp_path,
                  network_deadline=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 0.5
    assert records[("pypi", "quick")].exists is True
    slow = records[("pypi", "slow-one")]
    assert slow.exists is None and "deadline" in slow.note
    assert any("deadline" in n.message and "slow-one" in n.message for n in records.notes)


def test_server_dripping_a_body_is_cut_at_the_deadline(server, tmp_path):
    server.add_npm("dribble", description="x" * 4000)
    server.chunk_delay = 0.05  # ~250 chunks: 12 s for the whole body
    started = time.monotonic()
    records = run([("npm", "dribble")], server, tmp_path, network_deadline=1.0)
    assert time.monotonic() - started < 1.5
    assert records[("npm", "dribble")].exists is None


def test_network_down_is_unverified_quickly_and_never_raises(tmp_path):
    down = closed_port_url()
    defaults = ManagerDefaults(pip=down, npm=down.replace("simple/", "npm/"))
    started = time.monotonic()
    records = lookup([("pypi", "requests"), ("pypi", "flask"), ("npm", "react")],
                     project_dir=str(tmp_path), config=Config(), defaults=defaults,
                     env=isolated_env(tmp_path))
    assert time.monotonic() - started < 2.0
    assert {r.exists for r in records.values()} == {None}
    assert all("cannot connect" in r.note for r in records.values())
    assert records.notes and all("cannot connect" in n.message for n in records.notes)


# ---------------------------------------------------------------- private packages

def test_private_names_never_reach_the_default_index(server, tmp_path):
    server.add_pypi("acme-billing")
    server.add_pypi("requests")
    records = run([("pypi", "acme-billing"), ("pypi", "requests"), ("npm", "@acme/ui")],
                  server, tmp_path, private_packages=("Acme_*", "@acme/*"))
    assert records[("pypi", "requests")].exists is True
    for name in (("pypi", "acme-billing"), ("npm", "@acme/ui")):
        assert records[name].exists is None and records[name].note == PRIVATE_NOTE
    assert not server.requested("acme-billing") and not server.requested("@acme/ui")
    assert any("private-packages" in n.message for n in records.notes)


def test_private_names_go_only_to_the_index_the_user_configured(server, tmp_path):
    with RegistryServer() as private:
        private.add_pypi("acme-billing")
        env = isolated_env(tmp_path, PIP_EXTRA_INDEX_URL=private.simple_url)
        records = run([("pypi", "acme-billing")], server, tmp_path, env=env,
                      private_packages=("acme-*",))
    assert records[("pypi", "acme-billing")].exists is True
    assert private.requested("acme-billing") and not server.requested("acme-billing")


# ---------------------------------------------------------------- offline, credentials

def test_offline_answers_from_the_cache_only(server, tmp_path):
    server.add_pypi("known")
    run([("pypi", "known")], server, tmp_path)
    server.requests.clear()
    records = run([("pypi", "known"), ("pypi", "unknown")], server, tmp_path, offline=True)
    assert records[("pypi", "known")].exists is True
    assert records[("pypi", "known")].source == "cache"
    assert records[("pypi", "unknown")].exists is None
    assert OFFLINE_NOTE in records[("pypi", "unknown")].note
    assert server.requests == []


def test_credentials_in_an_index_url_are_sent_but_never_shown_or_stored(server, tmp_path):
    server.status["missing"] = 503
    url = server.simple_url.replace("http://", "http://deploy:hunter2@")
    env = isolated_env(tmp_path, PIP_INDEX_URL=url)
    server.add_pypi("thing")
    records = run([("pypi", "thing"), ("pypi", "missing")], server, tmp_path, env=env)
    assert records[("pypi", "thing")].exists is True
    assert all(s.headers.get("Authorization", "").startswith("Basic ") for s in server.requests)
    shown = repr(dict(records)) + repr(records.notes)
    assert "hunter2" not in shown and "***@127.0.0.1" in shown
    folder = os.environ["AICODEGUARD_CACHE_DIR"]
    assert "registry.sqlite3" in os.listdir(folder)
    for name in os.listdir(folder):  # the database and any journal beside it
        with open(os.path.join(folder, name), "rb") as stored:
            assert b"hunter2" not in stored.read()
