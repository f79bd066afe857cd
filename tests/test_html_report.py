"""The HTML pages (`scan --format html`, `render_audit_html`) in a real headless Chromium:
one self-contained file that loads with no console error and no network request, shows
the findings, charts and filters that work, shows attacker-controlled text as text, and
reads at desktop and phone widths (screenshots written to a temp folder for people).
"""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser

import pytest

from aicodeguard.custody.audit import AuditOptions, audit
from aicodeguard.custody.html import render_audit_html

from .browser_helpers import DESKTOP, PHONE, Browser, find_browser, screenshots
from .conftest import REPO, run_cli
from .test_hooks_helpers import GitRepo, clean_env

pytestmark = pytest.mark.slow

SAMPLE = os.path.join("bench", "samples", "ai_app")
SCRIPT_BREAKOUT = "</script><script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = (
    "from flask import request\n\n\n"
    "def search(cur):\n"
    '    term = request.args.get("q")\n'
    f"    cur.execute(f\"SELECT * FROM t WHERE a = '{{term}}' -- {SCRIPT_BREAKOUT} "
    f"{ATTRIBUTE_BREAKOUT.replace(chr(34), chr(92) + chr(34))}\")\n"
)
HOSTILE_NAME = "x\"><img src=x onerror=alert(2)>.py"
HOSTILE_AUTHOR = 'Mallory" autofocus onfocus="alert(3)'  # git drops < and > from names

# How many rows the findings table shows, and its filters (plain DOM, as a person sees it).
VISIBLE_ROWS = "[...document.querySelectorAll('#{table} tbody tr')].filter(r => !r.hidden).length"
SET_FILTER = """(() => {{ const c = document.getElementById({id!r}); c.value = {value!r};
  c.dispatchEvent(new Event(c.tagName === 'INPUT' ? 'input' : 'change', {{bubbles: true}}));
  return c.value; }})()"""
RESET = "document.querySelector('form.filters button[type=reset]').click()"
# WCAG 2 contrast of each element's text against the first opaque background behind it.
LOWEST_CONTRAST = """(() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] === 1) return c; }
    return [255, 255, 255]; };
  let worst = [99, ''];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst[0]) worst = [ratio, el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 30)];
  }
  return worst; })()"""


@pytest.fixture(scope="module")
def browser():
    executable = find_browser()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Chromium: .ci/run installs it with apt-get (chromium)")
        pytest.skip("no Chromium to drive (apt-get install chromium); CI installs it")
    instance = Browser(executable)
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go: $AICODEGUARD_SCREENSHOTS, or a temp folder (printed)."""
    folder = os.environ.get("AICODEGUARD_SCREENSHOTS") or str(tmp_path_factory.mktemp("shots"))
    print(f"\nscreenshots: {folder}", file=sys.stderr)
    return folder


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The bench sample app's scan, as HTML (through the CLI) and as JSON."""
    folder = tmp_path_factory.mktemp("sample")
    page = str(folder / "report.html")
    done = run_cli("scan", "--offline", "--format", "html", "-o", page, SAMPLE, cwd=REPO)
    assert done.returncode == 1, done.stderr.decode()
    assert done.stdout == b""
    listed = run_cli("scan", "--offline", "--format", "json", SAMPLE, cwd=REPO)
    return page, json.loads(listed.stdout)


def read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    parser = _Elements()
    parser.feed(html)
    tags = [tag for tag, _ in parser.found]
    # Nothing the browser would fetch or run besides the one inline script: no element
    # that loads, no URL but in-page anchors, no event-handler or style attribute.
    assert tags.count("script") == 1 and tags.count("style") == 1
    assert not {"img", "link", "iframe", "object", "embed", "image", "use"} & set(tags)
    for tag, attributes in parser.found:
        for name, value in attributes.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("src", "href", "action", "srcset", "poster", "formaction"):
                assert (value or "").startswith("#"), (tag, name, value)
    assert not re.search(r"@import|url\(", html)


def assert_clean_load(load) -> None:
    assert load.errors() == []
    assert load.other_requests() == []


def test_the_scan_report_is_one_self_contained_file(sample_report):
    page, _ = sample_report
    html = read(page)
    assert_self_contained(html)
    assert not re.search(r"https?://", html)  # not even a link out (the help pages are online)


def test_the_scan_report_shows_counts_charts_findings_and_filters(browser, sample_report, shots):
    page, listed = sample_report
    findings = listed["findings"]
    load = browser.open(page)
    assert_clean_load(load)
    headings = browser.evaluate("[...document.querySelectorAll('h1, h2')].map(h => h.textContent)")
    assert headings == ["aicodeguard report", "Summary", "Findings", "Notes",
                        "AI-assisted changes"]  # the checkout is a git repository
    assert browser.evaluate(VISIBLE_ROWS.format(table="findings-table")) == len(findings)
    bars = browser.evaluate("[...document.querySelectorAll('#chart-severity rect title')]"
                            ".map(t => t.textContent)")
    counts = listed["summary"]["by_severity"]
    assert bars == [f"{s}: {counts[s]}" for s in ("critical", "high", "medium", "low")]
    assert browser.evaluate("document.querySelectorAll('#chart-rule rect').length") == min(
        15, len({f["rule_id"] for f in findings}))
    assert "CWE-89" in browser.evaluate("document.getElementById('summary').textContent")
    assert "Supply chain" in browser.evaluate("document.getElementById('summary').textContent")

    def shown_after(control: str, value: str) -> int:
        assert browser.evaluate(SET_FILTER.format(id=control, value=value)) == value
        return browser.evaluate(VISIBLE_ROWS.format(table="findings-table"))

    assert shown_after("filter-severity", "critical") == sum(
        f["severity"] == "critical" for f in findings)
    assert shown_after("filter-confidence", "high") == sum(
        f["severity"] == "critical" and f["confidence"] == "high" for f in findings)
    status = browser.evaluate("document.getElementById('findings-table-count').textContent")
    assert re.fullmatch(rf"Showing \d+ of {len(findings)} findings\.", status)
    browser.evaluate(RESET)
    browser.settle()
    assert shown_after("filter-gate", "fail") == listed["summary"]["failing"]
    browser.evaluate(RESET)
    browser.settle()
    assert shown_after("filter-path", "DEPLOY") == sum(
        "deploy" in f["location"]["path"] for f in findings) > 0
    assert shown_after("filter-rule", "AIG601") == sum(
        f["rule_id"] == "AIG601" and "deploy" in f["location"]["path"] for f in findings) == 0
    assert browser.evaluate("document.getElementById('findings-table-empty').hidden") is False
    browser.evaluate(RESET)
    browser.settle()
    assert browser.evaluate(VISIBLE_ROWS.format(table="findings-table")) == len(findings)
    assert_accessible(browser)
    # The code around a finding, its flagged part marked, and the taint source.
    sql = next(i for i, f in enumerate(findings) if f["rule_id"] == "AIG101")
    row = browser.evaluate(f"document.getElementById('finding-{sql + 1}').textContent")
    assert "db.execute" in row and "request data enters here" in row
    assert browser.evaluate(f"document.querySelector('#finding-{sql + 1} mark').textContent") \
        .startswith('f"SELECT')
    assert_clean_load(browser.load)
    assert screenshots(browser, page, shots, "scan")
    assert_reads_on_a_phone(browser, page)


def assert_accessible(browser) -> None:
    unlabeled = browser.evaluate("[...document.querySelectorAll('select, input, button')]"
                                 ".filter(c => !c.labels?.length && !c.textContent.trim()).length")
    assert unlabeled == 0
    assert browser.evaluate("document.querySelectorAll('th[scope]').length") > 0
    browser.evaluate("document.getElementById('filter-severity').focus()")
    outline = browser.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                               " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2
    for selector in ("body *", ".badge"):
        ratio, where = browser.evaluate(LOWEST_CONTRAST.replace("SELECTOR", repr(selector)))
        assert ratio >= 4.5, f"contrast {ratio:.2f} below WCAG AA: {where}"


def assert_reads_on_a_phone(browser, page) -> None:
    browser.open(page, PHONE)
    assert browser.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    # The table reflows into labelled cards.
    assert browser.evaluate("getComputedStyle(document.querySelector('table.data td'))"
                            ".display") != "table-cell"
    browser.open(page, DESKTOP)


@pytest.fixture
def hostile_project(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(HOSTILE, encoding="utf-8")
    (project / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    return project


def test_text_from_findings_is_shown_as_text_never_run(browser, hostile_project, shots):
    page = str(hostile_project.parent / "report.html")
    done = run_cli("scan", "--offline", "--format", "html", "-o", page, ".", cwd=hostile_project,
                   env={"GIT_CEILING_DIRECTORIES": str(hostile_project.parent)})
    assert done.returncode == 1, done.stderr.decode()
    html = read(page)
    assert_self_contained(html)
    assert SCRIPT_BREAKOUT not in html and "<img" not in html
    load = browser.open(page)
    assert_clean_load(load)  # no alert() dialog, no request for the image `x`
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.querySelectorAll('img, [onerror]').length") == 0
    table = browser.evaluate("document.getElementById('findings-table').textContent")
    assert SCRIPT_BREAKOUT in table and ATTRIBUTE_BREAKOUT.replace('"', '\\"') in table
    assert HOSTILE_NAME in table
    paths = browser.evaluate("[...document.querySelectorAll('#findings-table tbody tr')]"
                             ".map(r => r.dataset.path)")
    assert sorted(set(paths)) == sorted({"app.py", HOSTILE_NAME})
    assert browser.evaluate(SET_FILTER.format(id="filter-path", value='"><img')) == '"><img'
    assert browser.evaluate(VISIBLE_ROWS.format(table="findings-table")) == paths.count(
        HOSTILE_NAME)
    # Outside a git repository there is nothing to say about AI-assisted changes.
    assert browser.evaluate("document.getElementById('ai-changes')") is None
    assert screenshots(browser, page, shots, "hostile", tiles=2)


@pytest.fixture
def history(tmp_path):
    """Two commits: the human one adds an unsafe YAML load, the AI-assisted one (hostile subject
    and author) the SQL injection, a waiver, a dependency and a gate change."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("requirements.txt", "flask==2.0.1\n")
    repo.write("old.py", "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Start")
    repo.write("requirements.txt", "flask==2.3.3\nrequests==2.19.0\n")
    repo.write("db.py", "def q(cur, n):\n    cur.execute(f'SELECT {n}')\n"
               "    cur.execute(f'SELECT {n}')  # aicodeguard: ignore[AIG101] until=2027-03-01"
               " owner=@sec-team n is a column\n")
    repo.write(".aicodeguard.toml", 'ignore = ["AIG517"]\n')
    repo.git("add", "-A")
    repo.run("git", "commit", "-q", "-m", f"Add the query helper {SCRIPT_BREAKOUT}\n\n"
             "Co-Authored-By: Claude <noreply@anthropic.com>\nAI-Prompt-Ref: session-7",
             check=True, env={"GIT_AUTHOR_NAME": HOSTILE_AUTHOR})
    return repo


def test_the_scan_report_tells_which_findings_sit_on_ai_assisted_lines(browser, history):
    page = os.path.join(history.path, "..", "report.html")
    done = run_cli("scan", "--offline", "--format", "html", "-o", page, ".", cwd=history.path,
                   env=clean_env())
    assert done.returncode == 1, done.stderr.decode()
    assert_clean_load(browser.open(page))
    section = browser.evaluate("document.getElementById('ai-changes').textContent")
    assert "1 of all 2 commits (50%) are AI-assisted" in section and "Claude (1)" in section
    origins = browser.evaluate("[...document.querySelectorAll('#findings-table tbody tr')]"
                               ".map(r => r.dataset.path + ':' + r.dataset.origin)")
    assert "db.py:ai" in origins and "old.py:other" in origins
    assert browser.evaluate(SET_FILTER.format(id="filter-origin", value="ai")) == "ai"
    assert browser.evaluate(VISIBLE_ROWS.format(table="findings-table")) == sum(
        origin.endswith(":ai") for origin in origins)


def test_the_audit_page_shows_the_timeline_and_filters_the_commits(browser, history, shots):
    history.write("app.py", "print('hi')\n")
    history.git("add", "-A")
    history.git("commit", "-q", "-m", "Add the app\n\nChecked-by: aicodeguard 0.1.0; findings 0")
    report = audit(history.path, AuditOptions(blame=("db.py:2", "nowhere.py:1")))
    html = render_audit_html(report)
    assert_self_contained(html)
    assert SCRIPT_BREAKOUT not in html and "<img" not in html
    page = os.path.join(history.path, "..", "audit.html")
    with open(page, "w", encoding="utf-8") as handle:
        handle.write(html)
    load = browser.open(page)
    assert_clean_load(load)
    assert browser.evaluate("document.scripts.length") == 1
    lanes = browser.evaluate("[...document.querySelectorAll('#chart-timeline rect title')]"
                             ".map(t => t.textContent.split(': ').pop())")
    assert sorted(lanes) == sorted(["ai-assisted", "checked", "waivers added", "dependencies",
                                    "gate files", "dependencies"])
    assert browser.evaluate(VISIBLE_ROWS.format(table="commits-table")) == 3
    text = browser.evaluate("document.getElementById('commits-table').textContent")
    assert SCRIPT_BREAKOUT in text and HOSTILE_AUTHOR in text
    assert "AIG101 in db.py: @sec-team, 2027-03-01" in text and "changed flask ==2.3.3" in text
    assert browser.evaluate(SET_FILTER.format(id="filter-ai", value="yes")) == "yes"
    assert browser.evaluate(VISIBLE_ROWS.format(table="commits-table")) == 1
    assert browser.evaluate(SET_FILTER.format(id="filter-ai", value="")) == ""
    assert browser.evaluate(SET_FILTER.format(id="filter-checked", value="yes")) == "yes"
    assert browser.evaluate(VISIBLE_ROWS.format(table="commits-table")) == 1
    browser.evaluate(RESET)
    browser.settle()
    assert browser.evaluate(SET_FILTER.format(id="filter-text", value="mallory")) == "mallory"
    assert browser.evaluate(VISIBLE_ROWS.format(table="commits-table")) == 1
    blamed = browser.evaluate("document.getElementById('blame').textContent")
    assert "db.py:2" in blamed and "git cannot attribute this line" in blamed
    browser.evaluate(RESET)
    assert_accessible_audit(browser)
    assert screenshots(browser, page, shots, "audit", tiles=3)
    assert_reads_on_a_phone(browser, page)


def assert_accessible_audit(browser) -> None:
    ratio, where = browser.evaluate(LOWEST_CONTRAST.replace("SELECTOR", repr("body *")))
    assert ratio >= 4.5, f"contrast {ratio:.2f} below WCAG AA: {where}"
    assert browser.evaluate("[...document.querySelectorAll('select, input')]"
                            ".every(c => c.labels.length === 1)")
