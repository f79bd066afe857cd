"""Python checks for AIG307: a credential-named place holds a placeholder literal.

`client = OpenAI(api_key="YOUR_API_KEY")`, `API_KEY = "your-api-key-here"`,
`{"password": "changeme"}`: AIG301 stays quiet on placeholders (they are not
secrets), but they are where the real key gets pasted next.  Found at the same places
AIG301 looks: assignments, keyword arguments, dict entries and parameter defaults.
"""

from __future__ import annotations

from ...analysis.secret_names import is_secret_name
from ..secret_formats import PLACEHOLDER
from ..text.placeholders import is_fill_in_placeholder, placeholder_message
from .checks import on

_STRINGS = frozenset({"string", "concatenated_string"})


def _report(ctx, name: str, value_node) -> None:
    if value_node is None or value_node.type not in _STRINGS:
        return
    text = ctx.literal(value_node)
    if isinstance(text, str) and is_fill_in_placeholder(text):
        ctx.report(PLACEHOLDER, value_node, placeholder_message(name, text, 'os.environ["{}"]'),
                   secret=text.split("\n", 1)[0])


@on.assign_where(is_secret_name)
def placeholder_assigned(ctx, node, name, value) -> None:
    _report(ctx, name, value)


@on.node("keyword_argument", "default_parameter", "typed_default_parameter")
def placeholder_passed(ctx, node) -> None:
    name_node = node.child_by_field_name("name")
    if name_node is not None and is_secret_name(ctx.text(name_node)):
        _report(ctx, ctx.text(name_node), node.child_by_field_name("value"))


@on.node("pair")
def placeholder_in_dict(ctx, node) -> None:
    key = ctx.literal(node.child_by_field_name("key"))
    if isinstance(key, str) and is_secret_name(key):
        _report(ctx, key, node.child_by_field_name("value"))
