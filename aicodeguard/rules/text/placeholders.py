"""Which credential values are placeholders someone is meant to replace (AIG307).

`analysis.secret_names.is_placeholder` answers "is this not a real secret?" and so also
accepts empty strings, `none`, `bearer` and format templates (`"{token}"`, `"%(pw)s"`)
that code fills in on purpose.  A fill-in placeholder is narrower: text left for a
person to overwrite with the real credential (`your-api-key-here`, `changeme`,
`<TOKEN>`, `sk-...`, `xxxx`), the step before a real key gets committed.
"""

from __future__ import annotations

import re

from ...analysis.secret_names import (
    NON_SECRET_VALUES,
    is_placeholder,
    is_plain_text,
    words,
)
from ...analysis.source import redact

# Templates filled in by code (str.format, %-formatting).
_CODE_TEMPLATE = re.compile(r"\{[\w.]*\}|%\(\w+\)[sd]|^%[sd]$")
# A shell variable written into a plain string is never expanded there (configuration
# files, where it is, are excluded by their callers).
_SHELL_VARIABLE = re.compile(r"^\$\{?[A-Za-z_]\w*\}?$")
_MASK = re.compile(r"^[\W_]*\*{3,}[\W_]*$")
MIN_LENGTH = 3
MAX_LENGTH = 60  # longer text is prose (a docstring, a help message), not a credential


def is_fill_in_placeholder(value: str) -> bool:
    text = value.strip()
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH or "\n" in text \
            or text.lower() in NON_SECRET_VALUES:
        return False
    if _SHELL_VARIABLE.match(text):
        return True
    if _MASK.match(text):
        return False  # a display mask (`"********"`) stands for a value, it awaits none
    if _CODE_TEMPLATE.search(text) or (" " in text and is_plain_text(text)):
        return False  # a template code fills in, or a sentence ("Enter your password:")
    return is_placeholder(text)


def placeholder_message(name: str, value: str, read_from: str) -> str:
    """The AIG307 message for code; `read_from` formats the variable's name into the way
    the language reads the environment (`os.environ["{}"]`)."""
    variable = "_".join(words(name)).upper() or "API_KEY"
    return (f"`{name}` holds a placeholder credential (`{redact(value)}`): the code runs with "
            "a fake value until someone pastes the real one into the source; read it from the "
            f"environment (`{read_from.format(variable)}`) instead")
