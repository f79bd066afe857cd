"""Index discovery: pip, uv and npm settings from variables and files, in each manager's order."""

from __future__ import annotations

import os
import shutil

import pytest

from aicodeguard.supply.indexes import DEFAULT_ORIGIN, ManagerDefaults, plan_for, redact
from tests.test_supply_online import isolated_env

PIP_DEFAULT = "http://127.0.0.1:9/public/simple/"
NPM_DEFAULT = "http://127.0.0.1:9/public/npm/"
DEFAULTS = ManagerDefaults(pip=PIP_DEFAULT, npm=NPM_DEFAULT)


def urls(plan, name="anything"):
    return [index.url for index in plan.for_name(name)]


def pip_env(tmp_path, **extra):
    """Like isolated_env but lets pip read its files (PIP_CONFIG_FILE unset)."""
    env = isolated_env(tmp_path, **extra)
    if "PIP_CONFIG_FILE" not in extra:
        del env["PIP_CONFIG_FILE"]
    return env


# ---------------------------------------------------------------- pip

def test_nothing_configured_uses_the_managers_defaults(tmp_path):
    env = isolated_env(tmp_path)
    pip = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert pip.manager == "pip" and urls(pip) == [PIP_DEFAULT]
    assert pip.indexes[0].is_default and pip.indexes[0].origin == DEFAULT_ORIGIN
    assert pip.indexes[0].json_api == "http://127.0.0.1:9/public/pypi/"
    npm = plan_for("npm", str(tmp_path), DEFAULTS, env)
    assert urls(npm) == [NPM_DEFAULT] and npm.indexes[0].is_default


def test_pip_environment_variables(tmp_path):
    env = isolated_env(tmp_path, PIP_INDEX_URL="http://127.0.0.1:1/corp/simple",
                       PIP_EXTRA_INDEX_URL="http://127.0.0.1:2/a/ file:///srv/simple")
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert urls(plan) == ["http://127.0.0.1:1/corp/simple/", "http://127.0.0.1:2/a/",
                          "file:///srv/simple/"]
    assert [i.origin for i in plan.indexes] == ["PIP_INDEX_URL"] + ["PIP_EXTRA_INDEX_URL"] * 2
    assert not any(i.is_default or i.json_api for i in plan.indexes)


def test_pip_config_files_in_pips_order(tmp_path):
    home = tmp_path / "home"
    legacy = home / ".pip" / "pip.conf"
    user = home / ".config" / "pip" / "pip.conf"
    site = tmp_path / "venv" / "pip.conf"
    for path in (legacy, user, site):
        path.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text("[global]\nindex-url = http://127.0.0.1:1/legacy/\n")
    user.write_text("[global]\nindex-url = http://127.0.0.1:1/user/\n"
                    "extra-index-url =\n    http://127.0.0.1:1/x/\n    file:///opt/mirror/simple\n")
    env = pip_env(tmp_path)
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert urls(plan) == ["http://127.0.0.1:1/user/", "http://127.0.0.1:1/x/",
                          "file:///opt/mirror/simple/"]
    assert plan.indexes[0].origin == str(user)
    # $VIRTUAL_ENV/pip.conf overrides the user file; [install] overrides [global].
    site.write_text("[global]\nindex-url = http://127.0.0.1:1/site/\n"
                    "[install]\nextra_index_url = http://127.0.0.1:1/install/\n")
    env = pip_env(tmp_path, VIRTUAL_ENV=str(site.parent))
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert urls(plan) == ["http://127.0.0.1:1/site/", "http://127.0.0.1:1/install/"]


def test_pip_config_file_variable_replaces_user_files_and_devnull_disables(tmp_path):
    user = tmp_path / "home" / ".config" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("[global]\nindex-url = http://127.0.0.1:1/user/\n")
    chosen = tmp_path / "chosen.conf"
    chosen.write_text("[global]\nextra-index-url = http://127.0.0.1:1/chosen/\n")
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, pip_env(tmp_path, PIP_CONFIG_FILE=str(chosen)))
    assert urls(plan) == [PIP_DEFAULT, "http://127.0.0.1:1/chosen/"]
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, pip_env(tmp_path, PIP_CONFIG_FILE=os.devnull))
    assert urls(plan) == [PIP_DEFAULT]
    # Variables beat files.
    env = pip_env(tmp_path, PIP_EXTRA_INDEX_URL="http://127.0.0.1:1/env/")
    assert urls(plan_for("pypi", str(tmp_path), DEFAULTS, env))[1:] == ["http://127.0.0.1:1/env/"]


def test_pip_no_index_and_unreadable_config(tmp_path):
    broken = tmp_path / "broken.conf"
    broken.write_text("index-url = no section header\n")
    plan = plan_for("pypi", str(tmp_path), DEFAULTS,
                    pip_env(tmp_path, PIP_CONFIG_FILE=str(broken), PIP_NO_INDEX="1",
                            PIP_FIND_LINKS="/opt/wheels"))
    assert [(i.url, i.flat) for i in plan.indexes] == [("file:///opt/wheels", True)]
    assert any("no-index" in n for n in plan.notes)
    assert any(str(broken) in n for n in plan.notes)


def test_configured_url_equal_to_the_default_counts_as_the_public_default(tmp_path):
    env = isolated_env(tmp_path, PIP_INDEX_URL=PIP_DEFAULT.rstrip("/"))
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert plan.indexes[0].is_default and plan.indexes[0].json_api


def test_redact_removes_credentials_and_query():
    assert redact("https://u:p@127.0.0.1/simple/?token=x") == "https://***@127.0.0.1/simple/?***"
    assert redact("http://127.0.0.1:3/simple/") == "http://127.0.0.1:3/simple/"


# ---------------------------------------------------------------- uv

def test_uv_applies_with_a_lock_file_and_ignores_pip_settings(tmp_path):
    (tmp_path / "uv.lock").write_text("version = 1\n")
    (tmp_path / "pkg").mkdir()
    env = isolated_env(tmp_path, PIP_INDEX_URL="http://127.0.0.1:1/pip-only/")
    plan = plan_for("pypi", str(tmp_path / "pkg"), DEFAULTS, env)
    assert plan.manager == "uv" and urls(plan) == [PIP_DEFAULT]
    assert plan_for("pypi", str(tmp_path.parent), DEFAULTS, env).manager == "pip"


def test_uv_environment_variables(tmp_path):
    (tmp_path / "uv.lock").write_text("")
    env = isolated_env(tmp_path, UV_INDEX="corp=http://127.0.0.1:1/corp/ http://127.0.0.1:1/b/",
                       UV_DEFAULT_INDEX="http://127.0.0.1:1/mirror/")
    assert urls(plan_for("pypi", str(tmp_path), DEFAULTS, env)) == [
        "http://127.0.0.1:1/corp/", "http://127.0.0.1:1/b/", "http://127.0.0.1:1/mirror/"]
    env = isolated_env(tmp_path, UV_INDEX_URL="http://127.0.0.1:1/old-default/",
                       UV_EXTRA_INDEX_URL="http://127.0.0.1:1/old-extra/")
    assert urls(plan_for("pypi", str(tmp_path), DEFAULTS, env)) == [
        "http://127.0.0.1:1/old-extra/", "http://127.0.0.1:1/old-default/"]


def test_uv_index_tables_explicit_indexes_and_sources(tmp_path):
    (tmp_path / "pyproject.toml").write_text("""
[project]
name = "app"

[[tool.uv.index]]
name = "internal"
url = "http://127.0.0.1:1/internal/simple"
explicit = true

[[tool.uv.index]]
name = "mirror"
url = "http://127.0.0.1:1/mirror/simple"
default = true

[[tool.uv.index]]
name = "local"
url = "./wheels-index"

[tool.uv.sources]
Corp_Auth = { index = "internal" }
""")
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, isolated_env(tmp_path),
                    project_indexes=True)
    assert plan.manager == "uv"
    local = (tmp_path / "wheels-index").as_uri() + "/"
    assert urls(plan) == [local, "http://127.0.0.1:1/mirror/simple/"]
    assert urls(plan, "corp-auth") == ["http://127.0.0.1:1/internal/simple/"]
    # A uv.toml next to it wins over [tool.uv].
    (tmp_path / "uv.toml").write_text('[[index]]\nurl = "http://127.0.0.1:1/from-uv-toml/"\n')
    assert urls(plan_for("pypi", str(tmp_path), DEFAULTS, isolated_env(tmp_path),
                         project_indexes=True)) == ["http://127.0.0.1:1/from-uv-toml/",
                                                    PIP_DEFAULT]


def test_uv_project_index_settings_are_ignored_by_default(tmp_path):
    (tmp_path / "pyproject.toml").write_text("""
[project]
name = "app"

[tool.uv]
index-url = "http://127.0.0.1:1/repository-host/simple"

[[tool.uv.index]]
name = "internal"
url = "http://127.0.0.1:1/repository-host/internal"
explicit = true

[[tool.uv.index]]
name = "users"
url = "http://127.0.0.1:1/repository-host/users"

[tool.uv.sources]
corp-auth = { index = "internal" }
corp-tools = { index = "corp" }
""")
    # The user's own index named "corp": the repository may pin a name to it.
    env = isolated_env(tmp_path, UV_INDEX="corp=http://127.0.0.1:1/user-corp/")
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert plan.manager == "uv"  # the manager still follows the repository
    assert urls(plan) == ["http://127.0.0.1:1/user-corp/", PIP_DEFAULT]
    assert urls(plan, "corp-auth") == urls(plan)  # its own index is not known
    assert urls(plan, "corp-tools") == ["http://127.0.0.1:1/user-corp/"]
    assert plan.notes == ("pyproject.toml [tool.uv] names a package index; ignored (the "
                          "repository does not choose where package names are sent; "
                          "--project-indexes to honour it)",)
    (tmp_path / "uv.toml").write_text('index-url = "http://127.0.0.1:1/repository-host/"\n')
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, env)
    assert "repository-host" not in repr(urls(plan)) and plan.notes[0].startswith("uv.toml")


def test_uv_user_config_file(tmp_path):
    (tmp_path / "uv.lock").write_text("")
    user = tmp_path / "home" / ".config" / "uv" / "uv.toml"
    user.parent.mkdir(parents=True)
    user.write_text('index-url = "http://127.0.0.1:1/user-default/"\n')
    plan = plan_for("pypi", str(tmp_path), DEFAULTS, isolated_env(tmp_path))
    assert urls(plan) == ["http://127.0.0.1:1/user-default/"]
    assert urls(plan_for("pypi", str(tmp_path), DEFAULTS,
                         isolated_env(tmp_path, UV_NO_CONFIG="1"))) == [PIP_DEFAULT]


# ---------------------------------------------------------------- npm

def test_npmrc_chain_project_user_and_environment(tmp_path):
    project = tmp_path / "web"
    (project / "packages" / "ui").mkdir(parents=True)
    (project / "package.json").write_text("{}")
    (project / ".npmrc").write_text("registry=http://127.0.0.1:1/project/\n"
                                    "@corp:registry = \"http://127.0.0.1:1/corp\"\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".npmrc").write_text("registry=http://127.0.0.1:1/user/\n"
                                 "@other:registry=http://127.0.0.1:1/other/\n")
    start = str(project / "packages" / "ui")
    plan = plan_for("npm", start, DEFAULTS, isolated_env(tmp_path), project_indexes=True)
    assert urls(plan, "react") == ["http://127.0.0.1:1/project/"]
    assert urls(plan, "@corp/button") == ["http://127.0.0.1:1/corp/"]
    assert urls(plan, "@other/x") == ["http://127.0.0.1:1/other/"]
    assert plan.pinned["@corp"][0].origin == str(project / ".npmrc")
    for variable in ("npm_config_registry", "NPM_CONFIG_REGISTRY"):
        env = isolated_env(tmp_path, **{variable: "http://127.0.0.1:1/env/"})
        assert urls(plan_for("npm", start, DEFAULTS, env, project_indexes=True),
                    "react") == ["http://127.0.0.1:1/env/"]
    # Without the user's opt-in the project's file counts for nothing.
    plan = plan_for("npm", start, DEFAULTS, isolated_env(tmp_path))
    assert urls(plan, "react") == ["http://127.0.0.1:1/user/"]
    assert urls(plan, "@corp/button") == ["http://127.0.0.1:1/user/"]
    assert urls(plan, "@other/x") == ["http://127.0.0.1:1/other/"]
    assert len(plan.notes) == 1 and "ignored" in plan.notes[0]


def test_npm_global_config_and_auth_lines_stay_private(tmp_path):
    global_rc = tmp_path / "global-npmrc"
    global_rc.write_text("registry=http://127.0.0.1:1/global/\n"
                         "//127.0.0.1:1/global/:_authToken=tok-global\n"
                         "//127.0.0.1:2/:_authToken=tok-elsewhere\n")
    plan = plan_for("npm", str(tmp_path), DEFAULTS, isolated_env(tmp_path))
    index = plan.indexes[0]
    assert index.url == "http://127.0.0.1:1/global/" and index.origin == str(global_rc)
    assert index.auth == "Bearer tok-global"
    assert "tok-" not in repr(plan) + index.label


def test_npm_token_never_goes_to_the_public_default(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".npmrc").write_text(f"registry={NPM_DEFAULT}\n"
                                 f"//{NPM_DEFAULT.split('//')[1]}:_authToken=tok-public\n")
    index = plan_for("npm", str(tmp_path), DEFAULTS, isolated_env(tmp_path)).indexes[0]
    assert index.is_default and index.auth is None


# ---------------------------------------------------------------- the managers' own defaults

def test_pip_default_comes_from_the_installed_pip():
    pip_index = pytest.importorskip("pip._internal.models.index")
    assert ManagerDefaults().get("pip") == pip_index.PyPI.simple_url


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm not installed")
def test_npm_default_is_asked_from_npm_and_remembered(tmp_path):
    from aicodeguard.supply.registry_cache import RegistryCache

    cache = RegistryCache()
    url = ManagerDefaults(memo=cache).get("npm")
    assert url.startswith(("https://", "http://"))
    assert cache.get_setting("default-index:npm") == url
    cache.close()
