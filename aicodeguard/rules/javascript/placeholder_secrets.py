"""JavaScript checks for AIG307: a credential-named variable or property holds a
placeholder literal (`new OpenAI({ apiKey: 'YOUR_API_KEY' })`,
`const API_KEY = 'your-api-key-here'`), where the real key gets pasted next."""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import is_secret_name
from ..secret_formats import PLACEHOLDER
from ..text.placeholders import is_fill_in_placeholder, placeholder_message
from .checks import on

STRING_VALUES = frozenset({"string", "template_string"})


def _report(ctx, name: str, value) -> None:
    value = unwrap(value)
    if value is None or value.type not in STRING_VALUES:
        return
    text = ctx.literal(value)
    if isinstance(text, str) and is_fill_in_placeholder(text):
        ctx.report(PLACEHOLDER, value, placeholder_message(name, text, "process.env.{}"),
                   secret=text.split("\n", 1)[0])


@on.assign_where(is_secret_name, STRING_VALUES)
def placeholder_assigned(ctx, node, name, value) -> None:
    _report(ctx, name, value)


@on.property_where(is_secret_name, STRING_VALUES)
def placeholder_property(ctx, node, key, value) -> None:
    _report(ctx, key, value)
