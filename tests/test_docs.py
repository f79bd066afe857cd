"""The reference in docs/ stays whole: generated tables match the code, every rule has its
page, every page is reachable, every relative link resolves.

Regenerate the generated tables on purpose with:
    AICODEGUARD_UPDATE_DOCS=1 python -m pytest tests/test_docs.py
(AICODEGUARD_UPDATE_README=1 works too.)
"""

from __future__ import annotations

import os
import re

import pytest

from aicodeguard.bandit_parity import parity_markdown
from aicodeguard.commands.rules import rules_markdown
from aicodeguard.rules import ALL_RULES

from .conftest import REPO

DOCS = os.path.join(REPO, "docs")
README = os.path.join(REPO, "README.md")
RULES_PAGE = os.path.join(DOCS, "rules.md")


def _from_docs(markdown: str) -> str:
    """The generators link rule pages relative to the repository root; docs/ is one down."""
    return markdown.replace("](aicodeguard/", "](../aicodeguard/")


BLOCKS = {"rules-table": lambda: _from_docs(rules_markdown()),
          "bandit-parity": lambda: _from_docs(parity_markdown())}


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _pages() -> list[str]:
    return sorted(os.path.join(DOCS, name) for name in os.listdir(DOCS) if name.endswith(".md"))


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_generated_block_is_current(name):
    text = _read(RULES_PAGE)
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)
    match = pattern.search(text)
    assert match, f"docs/rules.md has no {name} block"
    expected = BLOCKS[name]() + "\n"
    updating = "1" in (os.environ.get("AICODEGUARD_UPDATE_DOCS"),
                       os.environ.get("AICODEGUARD_UPDATE_README"))
    if updating and match.group(2) != expected:
        text = pattern.sub(lambda m: m.group(1) + expected + m.group(3), text)
        with open(RULES_PAGE, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    assert match.group(2) == expected, (
        f"docs/rules.md {name} block is stale: AICODEGUARD_UPDATE_DOCS=1 python -m pytest "
        "tests/test_docs.py")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_has_its_page_linked_from_the_index(rule):
    assert os.path.isfile(os.path.join(REPO, "aicodeguard", "rules", "docs", f"{rule.id}.md"))
    assert f"[{rule.id}](../aicodeguard/rules/docs/{rule.id}.md)" in _read(RULES_PAGE)


def test_every_docs_page_is_linked_from_the_readme_or_the_index():
    linked = set()
    for source in (README, os.path.join(DOCS, "index.md")):
        for target in _links(_read(source)):
            path = target.split("#", 1)[0]
            if path:
                linked.add(os.path.normpath(os.path.join(os.path.dirname(source), path)))
    orphans = [os.path.relpath(page, REPO) for page in _pages()
               if page not in linked and os.path.basename(page) != "index.md"]
    assert not orphans, f"docs pages linked from neither README.md nor docs/index.md: {orphans}"
    assert os.path.join(DOCS, "index.md") in linked, "README.md must link docs/index.md"


# -- links -----------------------------------------------------------------------------

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _links(markdown: str) -> list[str]:
    prose = INLINE_CODE.sub("", FENCE.sub("", markdown))
    return [target for target in LINK.findall(prose)
            if not target.startswith(("http://", "https://", "mailto:"))]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())  # a link's text only
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _anchors(markdown: str) -> set[str]:
    found, seen = set(), {}
    for line in FENCE.sub("", markdown).splitlines():
        match = re.match(r"#{1,6} (.*)", line)
        if match:
            slug = _slug(match.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


@pytest.mark.parametrize("source", [README, *_pages()], ids=lambda p: os.path.relpath(p, REPO))
def test_every_relative_link_resolves(source):
    broken = []
    for target in _links(_read(source)):
        path, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(source), path)) if path \
            else source
        if not os.path.exists(resolved):
            broken.append(f"{target} (no such file)")
        elif anchor and (not resolved.endswith(".md") or anchor not in _anchors(_read(resolved))):
            broken.append(f"{target} (no such anchor)")
    assert not broken, f"broken links in {os.path.relpath(source, REPO)}: {broken}"
