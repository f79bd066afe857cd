"""Python checks for AIG5xx configuration: debug modes (AIG501), CORS (AIG503), CSRF
(AIG515), cookie settings (AIG516; `set_cookie` calls are in `cookies.py`) and Django
ALLOWED_HOSTS (AIG518).

A setting counts where a framework reads it: `app.config[...]`, `app.config.update(...)`,
a module-level name in a settings module, an attribute of a `*Config`/`*Settings`
class.  Development and test settings (by file or class name) are left alone: debug
mode there is the point.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ...analysis.shared import UNKNOWN
from ...model import Confidence, Fix, RuleInfo, Severity
from ..web import ALLOWED_HOSTS_WILDCARD, CSRF_DISABLED, DEBUG_MODE, INSECURE_COOKIE
from .checks import on
from .web import is_module, on_pair_key, receiver, replace_node

# settings.py, settings/prod.py, prod_settings.py, config.py, app_config.py
SETTINGS_FILE = re.compile(r"(?:^|[/\\])(?:settings[/\\][^/\\]+|[^/\\]*settings[^/\\]*"
                           r"|[^/\\]*config)\.py$", re.IGNORECASE)
DEV_WORDS = frozenset({"dev", "develop", "development", "local", "test", "tests", "testing",
                       "conftest"})
DEV_CLASS = re.compile(r"dev|test|local", re.IGNORECASE)
DJANGO_SETTING_NAMES = ("INSTALLED_APPS", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "ROOT_URLCONF",
                        "WSGI_APPLICATION", "DATABASES")
CONFIG_CLASS = re.compile(r"(config|settings|configuration)$", re.IGNORECASE)


def settings_module(ctx) -> bool:
    """A settings module (Django, or Flask's `from_pyfile`/`from_object` modules), by file
    name or by the Django settings it defines."""
    return SETTINGS_FILE.search(ctx.source.project_path) is not None \
        or any(name in ctx.bindings for name in DJANGO_SETTING_NAMES)


def development_context(ctx, node) -> bool:
    """Settings for development or tests, by file name (inside the project: never the
    folders the checkout lives in) or enclosing class name."""
    if DEV_WORDS.intersection(re.split(r"[/\\._-]+", ctx.source.project_path.lower())):
        return True
    current = node.parent
    while current is not None:
        if current.type == "class_definition":
            name = current.child_by_field_name("name")
            if name is not None and DEV_CLASS.search(ctx.text(name)):
                return True
        current = current.parent
    return False


def config_assignment(ctx, assignment) -> bool:
    left = assignment.child_by_field_name("left")
    if left.type in ("subscript", "attribute"):
        owner = left.child_by_field_name("value" if left.type == "subscript" else "object")
        return owner is not None and ctx.text(owner).lower().endswith(("config", "settings"))
    if left.type != "identifier":
        return False
    scope = ctx.scope_of(assignment)
    if scope.type == "module":
        return settings_module(ctx)
    name = scope.child_by_field_name("name") if scope.type == "class_definition" else None
    return name is not None and CONFIG_CLASS.search(ctx.text(name)) is not None


def config_call(ctx, call) -> bool:
    """`app.config.update(DEBUG=True)`, `app.config.from_mapping(...)`."""
    target = receiver(call)
    return call.method in ("update", "from_mapping") and target is not None \
        and ctx.text(target).lower().endswith("config")


# -- settings as data -----------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    rule: RuleInfo
    is_bad: Callable[[object], bool]
    why: str
    severity: Severity | None = None
    better: str | None = None  # replacement for a True/False literal


def _is_true(value) -> bool:
    return value is True


def _is_false(value) -> bool:
    return value is False


def _samesite_none(value) -> bool:
    return value is None or (isinstance(value, str) and value.lower() == "none")


def _any_host(value) -> bool:
    return isinstance(value, (list, tuple)) and "*" in value


_COOKIE_PLAIN_HTTP = "lets the cookie travel over plain HTTP, where anyone on the network reads it"
_COOKIE_SCRIPTS = "lets page scripts read the cookie, so any XSS can steal the session"
SETTINGS = {
    "DEBUG": Setting(DEBUG_MODE, _is_true, "switches debug mode on: error pages show source code, "
                     "settings and local variables to whoever triggers an error",
                     Severity.MEDIUM, "False"),
    "WTF_CSRF_ENABLED": Setting(CSRF_DISABLED, _is_false, "turns off Flask-WTF's CSRF "
                                "protection: other sites can post forms with the user's cookies",
                                better="True"),
    "WTF_CSRF_CHECK_DEFAULT": Setting(CSRF_DISABLED, _is_false, "stops Flask-WTF checking CSRF "
                                      "tokens unless each view asks", better="True"),
    "SESSION_COOKIE_SECURE": Setting(INSECURE_COOKIE, _is_false, _COOKIE_PLAIN_HTTP,
                                     better="True"),
    "SESSION_COOKIE_HTTPONLY": Setting(INSECURE_COOKIE, _is_false, _COOKIE_SCRIPTS, better="True"),
    "REMEMBER_COOKIE_SECURE": Setting(INSECURE_COOKIE, _is_false, _COOKIE_PLAIN_HTTP,
                                      better="True"),
    "REMEMBER_COOKIE_HTTPONLY": Setting(INSECURE_COOKIE, _is_false, _COOKIE_SCRIPTS,
                                        better="True"),
    "CSRF_COOKIE_SECURE": Setting(INSECURE_COOKIE, _is_false, _COOKIE_PLAIN_HTTP, Severity.LOW,
                                  "True"),
    "SESSION_COOKIE_SAMESITE": Setting(INSECURE_COOKIE, _samesite_none, "sends the session "
                                       "cookie along with requests other sites trigger",
                                       Severity.LOW),
    "ALLOWED_HOSTS": Setting(ALLOWED_HOSTS_WILDCARD, _any_host, "accepts any Host header, so "
                             "password-reset links and cached pages can be made to point at an "
                             "attacker's domain; list the real host names"),
}
_WERKZEUG_DEBUGGER = ("turns on Flask debug mode; run with `app.run()` that is the Werkzeug "
                      "debugger, a Python console for anyone who can trigger an error (its PIN "
                      "is the only guard)")


@on.assign(*SETTINGS)
def insecure_setting(ctx, assignment, name, value) -> None:
    if config_assignment(ctx, assignment) and not development_context(ctx, assignment):
        left = assignment.child_by_field_name("left")
        flask = left.type != "identifier" and "config" in ctx.text(left).lower()
        _report_setting(ctx, assignment, name, value, flask=flask)


@on.keyword(*SETTINGS)
def insecure_setting_keyword(ctx, call, value) -> None:
    keyword = value.parent
    if config_call(ctx, call) and not development_context(ctx, call.node):
        name = ctx.text(keyword.child_by_field_name("name"))
        _report_setting(ctx, keyword, name, value, flask=True)


def _report_setting(ctx, node, name: str, value, *, flask: bool) -> None:
    setting = SETTINGS[name]
    literal = ctx.literal(value)
    if literal is UNKNOWN or not setting.is_bad(literal):
        return
    severity, why = setting.severity, setting.why
    if name == "DEBUG" and flask:
        severity, why = Severity.HIGH, _WERKZEUG_DEBUGGER
    fix = None
    if setting.better and value.type in ("true", "false"):
        fix = Fix(f"Set {name} to {setting.better}", (replace_node(ctx, value, setting.better),),
                  safe=name == "DEBUG")
    ctx.report(setting.rule, node, f"`{ctx.text(node)}` {why}", severity=severity, fix=fix)


# -- AIG501 debug switches in code -------------------------------------------------------
# App constructors whose debug=True sends tracebacks to the client.
DEBUG_APPS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette",
                        "tornado.web.Application"})
RUN_METHODS = frozenset({"run", "run_server"})
WEB_RUNNER_MODULES = frozenset({"bottle"})


@on.keyword("debug")
def debug_keyword(ctx, call, value) -> None:
    if ctx.literal(value) is not True or development_context(ctx, call.node):
        return
    if call.qualname in DEBUG_APPS:
        severity = Severity.MEDIUM
        why = "sends stack traces with source lines to the client on every error"
    elif call.method in RUN_METHODS and _runs_web_app(ctx, call):
        severity, why = Severity.HIGH, ("turns on the Werkzeug debugger (Flask, Dash): a Python "
                                        "console for anyone who can trigger an error; its PIN is "
                                        "the only guard")
    else:
        return
    _report_debug(ctx, call, value, severity, why)


def _runs_web_app(ctx, call) -> bool:
    """`app.run(...)` on an object, not `asyncio.run(...)` on a module."""
    target = receiver(call)
    if is_module(ctx, target):
        return ctx.imports[ctx.text(target)].split(".")[0] in WEB_RUNNER_MODULES
    return True


@on.call("werkzeug.serving.run_simple", "werkzeug.run_simple")
def werkzeug_debugger(ctx, call) -> None:
    value = call.keywords.get("use_debugger")
    if value is not None and ctx.literal(value) is True and not development_context(ctx, call.node):
        _report_debug(ctx, call, value, None, "serves the Werkzeug debugger, a Python console "
                      "for anyone who can trigger an error")


@on.call("werkzeug.debug.DebuggedApplication")
def debugged_application(ctx, call) -> None:
    value = call.arg(1, "evalex")
    if value is not None and ctx.literal(value) is True and not development_context(ctx, call.node):
        _report_debug(ctx, call, value, None, "wraps the app in the Werkzeug debugger with its "
                      "Python console enabled")


@on.assign("debug")
def app_debug_attribute(ctx, assignment, name, value) -> None:
    left = assignment.child_by_field_name("left")
    owner = left.child_by_field_name("object") if left.type == "attribute" else None
    if owner is None or ctx.text(owner) in ("self", "cls") or ctx.literal(value) is not True:
        return
    if not ctx.text(owner).lower().endswith(("app", "application", "server", "api")) \
            or development_context(ctx, assignment):
        return
    ctx.report(DEBUG_MODE, assignment, f"`{ctx.text(assignment)}` {_WERKZEUG_DEBUGGER}",
               fix=_to_false(ctx, value))


def _report_debug(ctx, call, value, severity, why: str) -> None:
    node = value.parent if value.parent.type == "keyword_argument" else value
    ctx.report(DEBUG_MODE, node, f"`{ctx.text(node)}` in `{call.name}(...)` {why}; read it from "
               "the environment or leave it off outside development", severity=severity,
               fix=_to_false(ctx, value))


def _to_false(ctx, value):
    if value.type != "true":
        return None
    return Fix("Turn debug off", (replace_node(ctx, value, "False"),))


# -- AIG515 CSRF protection switched off ----------------------------------------------------
CSRF_EXEMPT = "django.views.decorators.csrf.csrf_exempt"
_CSRF_WHY = ("another site can send this request with the user's cookies; keep the check (send "
             "the token in the X-CSRFToken header from JavaScript) or authenticate the endpoint "
             "with a header token instead of cookies")


@on.node("decorated_definition")
def csrf_exempt_view(ctx, node) -> None:
    definition = node.child_by_field_name("definition")
    name_node = definition.child_by_field_name("name") if definition is not None else None
    name = ctx.text(name_node) if name_node is not None else "this view"
    if "webhook" in name.lower():
        return
    for decorator in node.named_children:
        expr = decorator.named_children[0] if decorator.type == "decorator" \
            and decorator.named_child_count else None
        if expr is not None and _is_csrf_exempt(ctx, expr):
            ctx.report(CSRF_DISABLED, decorator,
                       f"`@{ctx.text(expr)}` turns off CSRF checks for `{name}`: {_CSRF_WHY}",
                       confidence=Confidence.MEDIUM)


def _is_csrf_exempt(ctx, expr) -> bool:
    if expr.type not in ("identifier", "attribute"):
        return False
    if ctx.qualname(expr) == CSRF_EXEMPT:
        return True
    return expr.type == "attribute" and ctx.text(expr.child_by_field_name("attribute")) == "exempt" \
        and "csrf" in ctx.text(expr.child_by_field_name("object")).lower()


@on.call(CSRF_EXEMPT, "django.utils.decorators.method_decorator")
@on.method("exempt")
def csrf_exempt_call(ctx, call) -> None:
    """`path("x/", csrf_exempt(view))`, `@method_decorator(csrf_exempt, ...)`, `csrf.exempt(bp)`."""
    first = call.arg(0)
    if first is None or "webhook" in ctx.text(first).lower():
        return
    exempting = call.qualname == CSRF_EXEMPT or ctx.qualname(first) == CSRF_EXEMPT \
        or (call.method == "exempt" and _is_csrf_exempt(ctx, call.func))
    if exempting:
        ctx.report(CSRF_DISABLED, call.node,
                   f"`{ctx.text(call.func)}` turns off CSRF checks for `{ctx.text(first)}`: "
                   f"{_CSRF_WHY}", confidence=Confidence.MEDIUM)


@on.assign("csrf")
def form_meta_csrf_off(ctx, assignment, name, value) -> None:
    """Flask-WTF / WTForms `class Meta: csrf = False`."""
    scope = ctx.scope_of(assignment)
    owner = scope.child_by_field_name("name") if scope.type == "class_definition" else None
    if owner is not None and ctx.text(owner) == "Meta" and ctx.literal(value) is False \
            and not development_context(ctx, scope.parent):
        ctx.report(CSRF_DISABLED, assignment, f"`csrf = False` turns off CSRF tokens for this "
                   f"form: {_CSRF_WHY}", fix=Fix("Set csrf to True",
                                                (replace_node(ctx, value, "True"),), safe=False))


@on_pair_key("csrf")
def form_meta_dict_csrf_off(ctx, pair, value) -> None:
    """`MyForm(meta={"csrf": False})`."""
    holder = pair.parent.parent if pair.parent is not None else None
    name = holder.child_by_field_name("name") if holder is not None \
        and holder.type == "keyword_argument" else None
    if name is not None and ctx.text(name) == "meta" and value.type == "false":
        ctx.report(CSRF_DISABLED, pair, f"`meta={{\"csrf\": False}}` turns off CSRF tokens for "
                   f"this form: {_CSRF_WHY}")


@on.assign("MIDDLEWARE", "MIDDLEWARE_CLASSES")
def middleware_without_csrf(ctx, assignment, name, value) -> None:
    left = assignment.child_by_field_name("left")
    if left.type != "identifier" or not settings_module(ctx) or development_context(ctx, assignment):
        return
    if value.type not in ("list", "tuple"):
        return
    items = [ctx.literal(item) for item in value.named_children if item.type != "comment"]
    if not all(isinstance(item, str) for item in items):
        return
    if any("SessionMiddleware" in i or "AuthenticationMiddleware" in i for i in items) \
            and not any(i.endswith("CsrfViewMiddleware") for i in items):
        ctx.report(CSRF_DISABLED, left, f"`{name}` has sessions but no "
                   "`django.middleware.csrf.CsrfViewMiddleware`: no view checks CSRF tokens; "
                   "put it back after SessionMiddleware")
