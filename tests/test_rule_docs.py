"""Every rule is documented under the same headings, with its CWE, and the README lists it."""

from __future__ import annotations

import os
import re

import pytest

from aicodeguard.rules import ALL_RULES, BY_ID, doc_sections, rule_doc

from .conftest import REPO

HEADINGS = ("What it does", "Why is this bad?", "Why assistants write it", "Example",
            "Use instead", "References")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_doc_has_every_heading_and_cwe(rule):
    doc = rule_doc(rule.id)
    assert doc.startswith(f"# {rule.id}: {rule.name}\n"), "title line must be '# ID: name'"
    sections = doc_sections(rule.id)
    for heading in HEADINGS:
        assert sections.get(heading), f"missing or empty section {heading!r}"
    for number in rule.cwe:
        assert f"CWE-{number}" in sections["References"], f"References must cite CWE-{number}"
    assert "```" in sections["Example"] and "```" in sections["Use instead"]


def test_rule_ids_and_names_are_unique_and_well_formed():
    assert len(BY_ID) == len(ALL_RULES)
    names = [rule.name for rule in ALL_RULES]
    assert len(set(names)) == len(names)
    for rule in ALL_RULES:
        assert re.fullmatch(r"AIG\d{3}", rule.id)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.cwe and rule.summary and not rule.summary.endswith(".")


def test_no_orphan_doc_pages():
    docs = os.path.join(REPO, "aicodeguard", "rules", "docs")
    orphans = [name for name in os.listdir(docs) if name.removesuffix(".md") not in BY_ID]
    assert not orphans
