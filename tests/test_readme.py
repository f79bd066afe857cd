"""Generated blocks of the README match the code (rule table, bandit parity).

Regenerate on purpose with:  AICODEGUARD_UPDATE_README=1 python -m pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re

import pytest

from aicodeguard.bandit_parity import parity_markdown
from aicodeguard.cli import rules_markdown

from .conftest import REPO

README = os.path.join(REPO, "README.md")
BLOCKS = {"rules-table": rules_markdown, "bandit-parity": parity_markdown}


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_generated_block_is_current(name):
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)
    match = pattern.search(text)
    assert match, f"README has no {name} block"
    expected = BLOCKS[name]() + "\n"
    if os.environ.get("AICODEGUARD_UPDATE_README") == "1" and match.group(2) != expected:
        text = pattern.sub(lambda m: m.group(1) + expected + m.group(3), text)
        with open(README, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    assert match.group(2) == expected, (
        f"README {name} block is stale: AICODEGUARD_UPDATE_README=1 python -m pytest "
        "tests/test_readme.py")


def test_quick_start_commands_exist():
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    assert "aicodeguard scan --offline bench/samples/ai_app" in text
    with open(os.path.join(REPO, ".ci", "run"), encoding="utf-8") as handle:
        ci = handle.read()
    assert "python -m pytest" in ci and ".ci/run" in text
