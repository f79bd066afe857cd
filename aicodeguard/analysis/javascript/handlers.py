"""Route handlers: which parameter of a function is the request (or the Koa context).

A handler's first parameter holds request data whatever it is called (`r.payload` in
a Hapi handler, `context.query` in a Koa middleware), so the tracker reads it as the
name the source tables use: `request` or `ctx`.  Handlers are recognised by how they are
registered (tables in `sources.py`); the type annotation decides first, the name
`ctx`/`context` or a Koa import next.
"""

from __future__ import annotations

from .sources import (
    CONTEXT_MODULES,
    NEXT_ROUTE_EXPORTS,
    PARAMETER_TYPES,
    ROUTE_METHODS,
    ROUTE_OPTION_CALLS,
    ROUTE_OPTION_KEYS,
    SERVER_MODULES,
)
from .values import TRANSPARENT

_CONTEXT_NAMES = frozenset({"ctx", "context"})


def parameter_role(ctx, function, name: str) -> str | None:
    """'request' or 'ctx' when `name` is the first parameter of a route handler, else None."""
    param = ctx.parameters(function).get(name)
    if param is None or param[0] != 0:
        return None
    key = ("handler-role", function.id)
    role = ctx.memo.get(key, "")
    if role == "":
        role = ctx.memo[key] = _role(ctx, function, param[1], name)
    return role


def _role(ctx, function, param, name: str) -> str | None:
    annotation = param.child_by_field_name("type") if param.type in (
        "required_parameter", "optional_parameter") else None
    if annotation is not None:
        text = ctx.text(annotation).lstrip(": ").partition("<")[0].strip()
        if text in PARAMETER_TYPES:
            return PARAMETER_TYPES[text]
    if not _is_handler(ctx, function):
        return None
    if name in _CONTEXT_NAMES or any(module in CONTEXT_MODULES
                                     for module in ctx.imports.values()):
        return "ctx"
    return "request"


def _is_handler(ctx, function) -> bool:
    parent = function.parent
    while parent is not None and parent.type in TRANSPARENT:
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "arguments":
        return _serves_http(ctx) and _registered_by_route_call(ctx, parent, function)
    if parent.type == "pair":  # { handler: (request, h) => ... }
        key = parent.child_by_field_name("key")
        return key is not None and ctx.key_text(key) in ROUTE_OPTION_KEYS and \
            _serves_http(ctx) and _in_route_options(ctx, parent.parent)
    if function.type == "method_definition":  # { handler(request, h) { ... } }
        name = function.child_by_field_name("name")
        return name is not None and ctx.text(name) in ROUTE_OPTION_KEYS and \
            _serves_http(ctx) and _in_route_options(ctx, parent)
    return _next_route_export(ctx, function, parent)


def _serves_http(ctx) -> bool:
    """Does the file import or require a server framework (see `SERVER_MODULES`)?"""
    return not ctx.imported_modules().isdisjoint(SERVER_MODULES)


def _registered_by_route_call(ctx, arguments, function) -> bool:
    """`app.get('/path', auth, (req, res) => ...)`: a path first, the handler after it."""
    call_node = arguments.parent
    if call_node is None or call_node.type != "call_expression":
        return False
    call = ctx.call(call_node)
    if call.method not in ROUTE_METHODS or not call.args or call.args[0].id == function.id:
        return call.method == "use" and bool(call.args) and call.args[-1].id == function.id
    path = ctx.literal(call.args[0])
    return isinstance(path, str) and path.startswith("/")


def _in_route_options(ctx, obj) -> bool:
    """`obj` is the object literal passed to `server.route(...)`."""
    args = obj.parent if obj is not None and obj.type == "object" else None
    if args is not None and args.type == "array":  # server.route([{...}, {...}])
        args = args.parent
    call_node = args.parent if args is not None and args.type == "arguments" else None
    return call_node is not None and call_node.type == "call_expression" and \
        ctx.call(call_node).method in ROUTE_OPTION_CALLS


def _next_route_export(ctx, function, parent) -> bool:
    """`export default function handler(req, res)` in `pages/api/`; `export async function
    GET(request)` (Next.js app-router `route.ts`, and the same shape in SvelteKit and Astro
    endpoints, whose first parameter is the request event)."""
    if parent.type != "export_statement":
        return False
    if any(child.type == "default" for child in parent.children):
        return "/pages/api/" in "/" + ctx.source.project_path.replace("\\", "/")
    name = function.child_by_field_name("name")
    return name is not None and ctx.text(name) in NEXT_ROUTE_EXPORTS
