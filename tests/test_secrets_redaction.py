"""Secrets never leave aicodeguard unredacted: every output is searched for every full value.

A project holding credentials of each kind (known formats, a private key, a URL password,
a JWT, name-based secrets in code and in configuration, a default account) is scanned
through the real CLI in every format (text, concise, JSON, SARIF), through the language
server (diagnostics, hover, code actions), and the result cache database is read byte
by byte.  Each check also asserts the findings are there, redacted, so a scan that
found nothing cannot pass.
"""

from __future__ import annotations

import json
import os

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from aicodeguard.analysis.source import redact
from aicodeguard.model import FileResult

from .conftest import run_cli
from .lsp_fixtures.harness import (
    SERVER_COMMAND,
    capabilities,
    make_client,
    open_document,
    published,
    server_env,
)

# Built from parts so this file is not itself a leak report.
GITHUB = "ghp_" + "Q7dLm2VxT9kRb4NcW8zHj3YpF6sAe1GuK5oZ"
STRIPE = "sk_live_" + "4mN8qT2vXz6Lb9Rk3Wc7Yp1H"
PASSWORD_URL = "Xk92!mQz7vLp"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsInJvbGUiOiJhZG1pbiJ9."
       "c2lnbmF0dXJlLW9mLWEtcmVhbC1sb29raW5nLXRva2Vu")
KEY_BODY = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn" + "ygWyF8PbnGy0AHB7MmrFbnbnhRJXlQdqq8w"
NAMED = "f3a9c2e1b7d84e6a" + "9c0b2d4f6e8a1c3e"
ENV_SECRET = "8f2a9c4e7b1d6f3a" + "0e5c8b2d9f4a7e1cQ"
YAML_PASSWORD = "Tr0ub4dor&3x" + "Zq"
ADMIN_PASSWORD = "Adm1n!" + "Start"
DOC_PASSWORD = "mypass" + "word1"  # no rule reports it in a document: masked by its shape
PRIVATE_KEY = f"-----BEGIN PRIVATE KEY-----\\n{KEY_BODY}\\n-----END PRIVATE KEY-----"

SECRETS = {
    "AIG302": GITHUB, "AIG302 (js)": STRIPE, "AIG304": PASSWORD_URL, "AIG305": JWT,
    "AIG303": KEY_BODY, "AIG301": NAMED, "AIG306": ENV_SECRET, "AIG306 (yaml)": YAML_PASSWORD,
    "AIG551": ADMIN_PASSWORD, "URL password (shape only)": DOC_PASSWORD,
}
FILES = {
    "app.py": f'''import os

GITHUB_TOKEN = "{GITHUB}"
DATABASE_URL = "postgresql://app:{PASSWORD_URL}@db.prod.internal:5432/shop"
SESSION_JWT = "{JWT}"
SERVICE_KEY = "{PRIVATE_KEY}"
app_secret_key = "{NAMED}"


def login(username, password):
    if username == "admin" and password == "{ADMIN_PASSWORD}":
        return True
    return False
''',
    "server.js": f"""const Stripe = require('stripe');
const stripe = new Stripe('{STRIPE}');
module.exports = {{ stripe }};
""",
    ".env": f"SESSION_SECRET={ENV_SECRET}\n",
    "config.yml": f"database:\n  password: \"{YAML_PASSWORD}\"\n",
    "README.md": "```sh\npip install --index-url "
                 f"https://ci:{DOC_PASSWORD}@pypi.acme-corp.io/simple nonexistentpkg123\n```\n",
}
EXPECTED_RULES = {"AIG301", "AIG302", "AIG303", "AIG304", "AIG305", "AIG306", "AIG601"}


@pytest.fixture
def project(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def assert_redacted(output: str, where: str) -> None:
    leaked = [label for label, value in SECRETS.items()
              if value in output or json.dumps(value)[1:-1] in output]
    assert not leaked, f"{where} shows the full value of {leaked}"


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif"])
def test_no_output_format_shows_a_secret(project, output_format, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    result = run_cli("scan", "--offline", "--format", output_format, str(project),
                     env={"AICODEGUARD_CACHE_DIR": str(cache)})
    output = result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
    assert result.returncode == 1, output
    for rule_id in EXPECTED_RULES:
        assert rule_id in output, f"{rule_id} missing from the {output_format} output"
    if output_format in ("text", "json"):
        assert redact(GITHUB) in output
    assert_redacted(output, f"the {output_format} output")


def test_the_result_cache_holds_no_secret(project, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    env = {"AICODEGUARD_CACHE_DIR": str(cache)}
    first = run_cli("scan", "--offline", "--format", "json", str(project), env=env)
    again = run_cli("scan", "--offline", "--format", "json", str(project), env=env)
    assert json.loads(first.stdout)["findings"] == json.loads(again.stdout)["findings"]
    stored = b""
    for folder, _, names in os.walk(cache):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                stored += handle.read()
    assert json.dumps(redact(GITHUB))[1:-1].encode() in stored, \
        "the cache holds no findings: nothing was tested"
    assert_redacted(stored.decode("utf-8", "replace"), "the result cache")


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env()))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")]))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_the_language_server_shows_no_secret(client, tmp_path):
    shown: list[str] = []
    seen_rules: set[str] = set()
    for name, text in FILES.items():
        uri = (tmp_path / name).as_uri()
        language = {"app.py": "python", "server.js": "javascript"}.get(name, "plaintext")
        open_document(client, uri, text, language)
        diagnostics = await published(client, uri, version=1)
        for diagnostic in diagnostics:
            seen_rules.add(str(diagnostic.code))
            shown.append(json.dumps(client.protocol._converter.unstructure(diagnostic)))
            hover = await client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(uri), diagnostic.range.start))
            shown.append(hover.contents.value if hover else "")
            actions = await client.text_document_code_action_async(types.CodeActionParams(
                types.TextDocumentIdentifier(uri), diagnostic.range,
                types.CodeActionContext(diagnostics=[diagnostic])))
            shown.extend(json.dumps(client.protocol._converter.unstructure(action))
                         for action in actions or [])
    assert EXPECTED_RULES <= seen_rules, f"diagnostics missing: {EXPECTED_RULES - seen_rules}"
    assert_redacted("\n".join(shown), "the language server")


def test_no_echo_of_a_secret_through_another_finding_on_its_line(tmp_path):
    (tmp_path / "client.py").write_text(f'''import requests

requests.get("https://deploy:{PASSWORD_URL}@api.acme.io/v1", verify=False)
TOKEN = "{GITHUB}"  # aicodeguard: ignore[AIG302]
''', encoding="utf-8")
    result = run_cli("scan", "--offline", "--format", "json", str(tmp_path))
    output = result.stdout.decode("utf-8")
    rules = {finding["rule_id"] for finding in json.loads(output)["findings"]}
    assert {"AIG201", "AIG304", "AIG002"} <= rules, rules
    assert_redacted(output, "another rule's snippet or a suppression finding")


def test_bandit_findings_do_not_echo_a_secret(tmp_path):
    (tmp_path / "tokens.py").write_text(f'GITHUB_TOKEN = "{GITHUB}"\n', encoding="utf-8")
    result = run_cli("scan", "--offline", "--no-cache", "--bandit", "--format", "json",
                     str(tmp_path))
    output = result.stdout.decode("utf-8")
    assert "AIG302" in output, output
    assert_redacted(output, "a finding copied from bandit")


# --- the redaction step itself (aicodeguard/redaction.py) ---------------------------------

def _finding(rule_id: str, line: int, snippet: str, **extra):
    from aicodeguard.model import Confidence, Finding, Location, Severity

    return Finding(rule_id, Severity.HIGH, Confidence.HIGH, extra.pop("message", "m"),
                   Location("app.py", line, 1, line, 2), snippet, **extra)


def test_values_come_back_from_a_masked_copy_of_the_same_line():
    from aicodeguard.redaction import recovered

    raw = f'import x; key = "{NAMED}"; url = "{GITHUB}"'
    masked = f'import x; key = "{redact(NAMED)}"; url = "{redact(GITHUB)}"'
    assert recovered(masked, raw) == [NAMED, GITHUB]
    assert recovered(masked, masked) == []  # nothing to recover from a masked copy
    assert recovered(masked, raw[:30]) == [NAMED[:30 - len('import x; key = "')]]  # cut off
    assert recovered(masked, "another line entirely") == []


def test_findings_added_after_the_file_pass_are_masked():
    from aicodeguard.policy import Outcome
    from aicodeguard.redaction import redact_outcome

    line = f'import nonexistentpkg123; app_secret_key = "{NAMED}"'
    secret = _finding("AIG301", 1, line.replace(NAMED, redact(NAMED)))
    package = _finding("AIG601", 1, line, message=f"`{NAMED}` is quoted here")
    result = FileResult("app.py", findings=[secret, package], language="python")
    outcome = redact_outcome(Outcome(findings=[package]), [result])  # AIG301 not shown
    assert outcome.findings[0].snippet == secret.snippet
    assert NAMED not in outcome.findings[0].message


def test_shapes_are_masked_where_no_rule_reported_them():
    from aicodeguard.redaction import mask_shapes

    line = f"pip install --index-url https://ci:{DOC_PASSWORD}@pypi.acme-corp.io/simple x"
    assert mask_shapes(line) == line.replace(DOC_PASSWORD, redact(DOC_PASSWORD))
    assert mask_shapes(mask_shapes(line)) == mask_shapes(line)
    assert redact(GITHUB) in mask_shapes(f"# token {GITHUB}")
    for slot in ("${PIP_PASSWORD}", "<pass>", "{password}", "%s", "****"):
        url = f"https://ci:{slot}@pypi.acme-corp.io/simple"
        assert mask_shapes(url) == url


def test_a_fix_that_would_write_a_secret_is_dropped():
    from aicodeguard.model import Edit, Fix
    from aicodeguard.redaction import Masker

    writes = Fix("Remove the hidden character", (Edit(1, 1, 1, 9, f'url = "{GITHUB}"'),))
    harmless = Fix("Add timeout=10", (Edit(1, 9, 1, 9, ", timeout=10"),))
    assert Masker().finding(_finding("AIG702", 1, "x", fix=writes)).fix is None
    assert Masker().finding(_finding("AIG517", 1, "x", fix=harmless)).fix == harmless
