"""Python checks for AIG5xx cross-site scripting: templates without autoescaping (AIG508),
strings marked as safe HTML (AIG509) and route responses built from request data (AIG510)."""

from __future__ import annotations

import re

from ...model import Confidence, Fix, Severity
from ..web import MARKUP_FROM_DATA, REFLECTED_XSS, TEMPLATE_AUTOESCAPE_OFF
from .checks import on
from .web import (
    append_argument,
    earlier_bindings,
    flow_taint,
    last_assigned,
    on_pair_key,
    receiver,
    replace_node,
    report_flow,
    route_decorator,
)

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
JSON_FRAMEWORKS = frozenset({"fastapi", "starlette", "litestar"})  # a returned str becomes JSON
WEB_MODULES = ("flask", "django", "fastapi", "starlette", "aiohttp", "bottle", "tornado",
               "quart", "sanic", "pyramid", "falcon", "litestar")

# -- AIG508 templates without autoescaping ------------------------------------------
JINJA_ENVIRONMENTS = ("jinja2.Environment", "jinja2.environment.Environment",
                      "jinja2.sandbox.SandboxedEnvironment", "django.template.Engine")
JINJA_TEMPLATES = ("jinja2.Template", "jinja2.environment.Template")
MAKO_TEMPLATES = ("mako.template.Template", "mako.lookup.TemplateLookup")


def renders_html(ctx) -> bool:
    """Does this file deal in HTML at all? Jinja also renders prompts, SQL and configs."""
    data = ctx.source.data
    if b"html" in data or b"HTML" in data or b".htm" in data:
        return True
    return any(target.split(".")[0] in WEB_MODULES for target in ctx.imports.values())


@on.call(*JINJA_ENVIRONMENTS, *JINJA_TEMPLATES)
def template_autoescape_disabled(ctx, call) -> None:
    if call.star_kwargs:
        return
    value = call.keywords.get("autoescape")
    explicit = value is not None and ctx.literal(value) is False
    missing = value is None and call.qualname not in JINJA_TEMPLATES \
        and call.qualname != "django.template.Engine"
    if not (explicit or missing) or not renders_html(ctx):
        return
    if explicit:
        fix = Fix("Set autoescape=True", (replace_node(ctx, value, "True"),), safe=False)
        message = f"`{call.name}(autoescape=False)` renders values into HTML unescaped"
    else:
        fix = Fix("Add autoescape=True", (append_argument(ctx, call, "autoescape=True"),),
                  safe=False)
        message = f"`{call.name}` without `autoescape` does not escape values (Jinja's default)"
    ctx.report(TEMPLATE_AUTOESCAPE_OFF, call.func,
               message + ": any `<script>` in the data runs in the reader's browser; pass "
               "`autoescape=select_autoescape()` (or True)",
               confidence=None if explicit else Confidence.MEDIUM, fix=fix)


# In a Mako template's own text: an HTML tag, and an expression escaped by hand
# (`${name | h}`, `${q|u}`, `${v | trim,h}`).
_HTML_TAG = re.compile(r"<[a-zA-Z!/]")
_ESCAPED_EXPRESSION = re.compile(r"\$\{[^}]*\|\s*(?:[\w.()=' ]+,\s*)*[hux]\s*[,}]")


@on.call(*MAKO_TEMPLATES)
def mako_without_html_escaping(ctx, call) -> None:
    filters = call.keywords.get("default_filters")
    value = ctx.literal(filters) if filters is not None else ()
    if call.star_kwargs or not renders_html(ctx) or not isinstance(value, (list, tuple)) \
            or any(name in ("h", "html_escape") for name in value):
        return
    text = ctx.literal(call.arg(0, "text")) if call.qualname == MAKO_TEMPLATES[0] else None
    confidence = Confidence.MEDIUM
    if isinstance(text, str):
        if not _HTML_TAG.search(text):
            return  # a plain-text template (a traceback, an e-mail body): nothing to escape
        if _ESCAPED_EXPRESSION.search(text):
            confidence = Confidence.LOW  # the template escapes by hand, expression by expression
    ctx.report(TEMPLATE_AUTOESCAPE_OFF, call.func,
               f"`{call.name}` does not escape HTML unless told to: pass "
               "`default_filters=[\"h\"]` so `${value}` is escaped", confidence=confidence)


@on.assign("autoescape")
def autoescape_attribute_off(ctx, assignment, name, value) -> None:
    left = assignment.child_by_field_name("left")
    if left.type == "attribute" and ctx.literal(value) is False and renders_html(ctx):
        ctx.report(TEMPLATE_AUTOESCAPE_OFF, assignment,
                   f"`{ctx.text(left)} = False` turns off HTML escaping for every template",
                   fix=Fix("Set autoescape to True", (replace_node(ctx, value, "True"),), safe=False))


@on_pair_key("autoescape")
def autoescape_option_off(ctx, pair, value) -> None:
    """TEMPLATES = [{"OPTIONS": {"autoescape": False}}] in Django settings."""
    if value.type == "false":
        ctx.report(TEMPLATE_AUTOESCAPE_OFF, pair,
                   "template option `\"autoescape\": False` turns off HTML escaping for every "
                   "template of this engine", fix=Fix("Set autoescape to True",
                                                       (replace_node(ctx, value, "True"),), safe=False))


# -- AIG509 strings marked as safe HTML ----------------------------------------------
MARK_SAFE = ("django.utils.safestring.mark_safe", "django.utils.html.mark_safe",
             "django.utils.safestring.SafeString", "django.utils.safestring.SafeText",
             "markupsafe.Markup", "flask.Markup", "jinja2.Markup", "jinja2.utils.Markup")
FORMAT_HTML = ("django.utils.html.format_html",)


@on.call(*MARK_SAFE, *FORMAT_HTML)
def html_marked_safe_from_data(ctx, call) -> None:
    value = call.arg(0)
    if value is None or ctx.is_literal(value):
        return
    info = ctx.string_info(value)
    taint = flow_taint(ctx, value)
    advice = ("build it with `format_html(\"<b>{}</b>\", value)`, which escapes the values"
              if "django" in call.qualname else "use `Markup(\"<b>{}</b>\").format(value)` or "
              "`Markup(\"<b>%s</b>\") % value`, which escape the values")
    if taint is not None:
        report_flow(ctx, MARKUP_FROM_DATA, value,
                    f"`{call.name}` vouches for HTML that contains outside data: any markup in it "
                    f"runs in the reader's browser; {advice}", taint, severity=Severity.HIGH)
        return
    data = [part for part in info.dynamic_parts if _plain_data(ctx, part)]
    if info.built and data and info.kinds - {"literal"} != {"join"}:
        ctx.report(MARKUP_FROM_DATA, value,
                   f"`{call.name}` vouches for HTML built with {info.describe()} from "
                   f"`{ctx.text(data[0])}`, which is not escaped; {advice}")


def _plain_data(ctx, part) -> bool:
    """A name, attribute or item: data.  Call results are given the benefit of the doubt —
    escapers and HTML helpers (`escape(x)`, `html_params(...)`, `form.as_ul()`) are calls."""
    if part.type not in ("identifier", "attribute", "subscript"):
        return False
    if part.type != "identifier":
        return True
    values = [b.value for b in earlier_bindings(ctx, part)]
    return not values or any(value is None or value.type not in _PRODUCED for value in values)


_PRODUCED = frozenset({"call", "await", "list_comprehension", "generator_expression"})


# -- AIG510 request data in an HTML response ------------------------------------------
# Response class -> (content position, keyword, served as HTML unless a content type says not).
HTML_RESPONSES = {
    "flask.make_response": (0, None, True),
    **dict.fromkeys(("flask.Response", "flask.wrappers.Response", "werkzeug.wrappers.Response",
                     "werkzeug.Response", "quart.Response"), (0, "response", True)),
    **dict.fromkeys(("django.http.HttpResponse", "django.http.response.HttpResponse"),
                    (0, "content", True)),
    **dict.fromkeys(("starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse"),
                    (0, "content", True)),
    **dict.fromkeys(("starlette.responses.Response", "fastapi.Response",
                     "fastapi.responses.Response"), (0, "content", False)),
    "aiohttp.web.Response": (None, "text", False),
}
CONTENT_TYPE_KEYWORDS = ("mimetype", "content_type", "media_type")
# A request value that is a plain string (not parsed JSON): returning it is reflection.
STRING_SOURCE = re.compile(r"\.(args|form|values|cookies|headers|GET|POST|query_params|"
                           r"path_params|match_info)\b")


@on.call(*HTML_RESPONSES)
def html_response_from_request_data(ctx, call) -> None:
    position, keyword, html = HTML_RESPONSES[call.qualname]
    for name in CONTENT_TYPE_KEYWORDS:
        if name in call.keywords:
            content_type = ctx.literal(call.keywords[name])
            html = isinstance(content_type, str) and "html" in content_type.lower()
    value = call.arg(position, keyword)
    if html and value is not None:
        _html_sink(ctx, value, f"the body given to `{call.name}`")


@on.node("return_statement")
def route_returns_request_data(ctx, node) -> None:
    if not node.named_child_count:
        return
    value = node.named_children[0]
    if value.type == "expression_list" and value.named_child_count:
        value = value.named_children[0]
    function = ctx.function_of(node)
    if function is not None and _serves_html(ctx, function):
        _html_sink(ctx, value, "the route's response")


def _serves_html(ctx, function) -> bool:
    """A route whose plain string return value is sent as text/html."""
    route = route_decorator(ctx, function)
    if route is None:
        return False
    response_class = route.keywords.get("response_class")
    if response_class is not None:
        return "HTML" in ctx.text(response_class)
    return _app_framework(ctx, receiver(route)) not in JSON_FRAMEWORKS


def _app_framework(ctx, app) -> str | None:
    """The package whose constructor made the app or router object, else (unknown) the
    first web framework the file imports."""
    if app is not None and app.type == "identifier":
        for binding in reversed(ctx.reaching(ctx.text(app), app)):
            if binding.value is not None and binding.value.type == "call":
                name = ctx.call(binding.value).qualname
                if name:
                    return name.partition(".")[0]
            break
    found = [target.partition(".")[0] for target in ctx.imports.values()]
    return next((name for name in found if name in WEB_MODULES), None)


def _html_barrier(ctx, node) -> bool:
    """Values already made safe HTML: `Markup(...)` (and its escaping `.format()`/`%`),
    `format_html(...)` — an unsafe `Markup(f"...")` is AIG509's finding; and the contents
    of a file read by name (`path.read_text()`), which the client does not write."""
    operand = node.child_by_field_name("left") if node.type == "binary_operator" else None
    if operand is not None:  # Markup("<b>%s</b>") % value, Markup(a) + b escape the values
        return operand.type == "call" and ctx.call(operand).qualname in MARK_SAFE
    if node.type != "call":
        return False
    call = ctx.call(node)
    if call.qualname in MARK_SAFE or call.qualname in FORMAT_HTML \
            or call.method in ("read_text", "read_bytes"):
        return True
    target = receiver(call)
    return call.method == "format" and target is not None and target.type == "call" \
        and ctx.call(target).qualname in MARK_SAFE


def _html_sink(ctx, value, where: str) -> None:
    if ctx.is_literal(value):
        return
    info = ctx.string_info(value)
    taint = flow_taint(ctx, value, lambda node: _html_barrier(ctx, node))
    if taint is None or _numeric_route_parameter(ctx, taint):
        return
    if not info.built and not (_plain_value(ctx, value) and (
            STRING_SOURCE.search(taint.text) or _is_parameter(taint))):
        return
    tagged = bool(HTML_TAG.search(info.literal_text))
    report_flow(ctx, REFLECTED_XSS, value,
                f"{where} is HTML built from outside data that is not escaped: a link can make "
                "it run script in the visitor's browser; escape each value "
                "(`markupsafe.escape`, `html.escape`) or render a template with autoescaping",
                taint, severity=None if tagged else Severity.MEDIUM,
                confidence=None if tagged else Confidence.MEDIUM)


def _plain_value(ctx, value) -> bool:
    """Not a container: Flask serialises a returned dict or list as JSON."""
    if value.type == "identifier":
        value = last_assigned(ctx, value) or value
    return value.type not in _CONTAINERS


_CONTAINERS = frozenset({"dictionary", "list", "tuple", "set", "dictionary_comprehension",
                         "list_comprehension", "set_comprehension"})


def _is_parameter(taint) -> bool:
    parent = taint.node.parent
    return parent is not None and parent.type == "parameters"


def _numeric_route_parameter(ctx, taint) -> bool:
    """Flask `<int:item_id>` converters only let digits through."""
    if not _is_parameter(taint):
        return False
    function = taint.node.parent.parent
    decorated = function.parent
    if decorated is None or decorated.type != "decorated_definition":
        return False
    head = ctx.source.data[decorated.start_byte:function.start_byte].decode("utf-8", "replace")
    return re.search(rf"<(?:int|float|uuid):{re.escape(taint.text)}>", head) is not None
