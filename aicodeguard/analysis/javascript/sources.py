"""Data tables for JavaScript/TypeScript taint: sources, propagators and sanitisers.

Names are qualified the way `JsContext.qualname` spells them: module specifiers
without `node:` (`child_process.exec`), globals as written (`JSON.parse`).
"""

# `<object>.<attribute>` is request data, by the object's dotted name.  Express,
# Fastify, Next.js pages (`req`/`request`), Koa (`ctx`, `ctx.request`), Hono
# (`c.req`), AWS Lambda (`event`).
REQUEST_ATTRIBUTES = {
    "req": frozenset({
        "query", "params", "body", "headers", "cookies", "signedCookies", "files", "file",
        "originalUrl", "url", "path", "hostname", "rawBody", "raw", "nextUrl",
    }),
    "request": frozenset({
        "query", "params", "body", "headers", "cookies", "signedCookies", "files", "file",
        "url", "originalUrl", "nextUrl", "rawBody", "raw", "payload", "hostname", "path",
    }),
    "ctx": frozenset({"query", "params", "querystring", "headers", "header", "href", "url",
                      "originalUrl", "path"}),
    "ctx.request": frozenset({"body", "query", "files", "headers", "header", "url", "href",
                              "querystring", "rawBody"}),
    "ctx.req": frozenset({"body", "query", "headers", "url"}),
    "c.req": frozenset({"query", "param", "queries", "header"}),
    "event": frozenset({"queryStringParameters", "multiValueQueryStringParameters",
                        "pathParameters", "body"}),
}

# `<object>.<method>(...)` returns request data.
REQUEST_METHODS = {
    "req": frozenset({"get", "header", "param"}),
    "ctx": frozenset({"get"}),
    "ctx.request": frozenset({"get"}),
    "request": frozenset({"json", "formData", "text", "get", "header", "param"}),
    "c.req": frozenset({"query", "param", "queries", "header", "json", "text", "parseBody",
                        "formData"}),
    "ctx.cookies": frozenset({"get"}),
    "req.cookies": frozenset({"get"}),
}

# Every attribute name above: a member chain must name one of them before the tracker
# asks what its head parameter stands for.
REQUEST_ATTRIBUTE_NAMES = frozenset().union(*REQUEST_ATTRIBUTES.values(), *REQUEST_METHODS.values())

# A route handler's first parameter is the request (`request`) or the Koa context (`ctx`),
# whatever it is called.  Handlers are recognised by how they are registered:
# `app.get('/path', ..., handler)` (Express, Fastify, koa-router), a `handler` property or
# method of the options given to `server.route({...})` (Hapi, Fastify) in a file that
# imports a server framework, a Next.js `export default function (req, res)` under
# `pages/api/` and exported functions named after HTTP verbs (app-router `route.ts`).
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "head",
                           "options", "use"})
ROUTE_OPTION_CALLS = frozenset({"route"})
ROUTE_OPTION_KEYS = frozenset({"handler"})
NEXT_ROUTE_EXPORTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Server frameworks: a file must import one before `x.get('/path', fn)` or
# `x.route({handler})` counts as a route (HTTP clients take paths and callbacks too).
SERVER_MODULES = frozenset({"express", "fastify", "koa", "koa-router", "@koa/router",
                            "@hapi/hapi", "hapi", "restify", "polka", "hono", "router"})
# Modules whose route handlers get a context rather than a request.
CONTEXT_MODULES = frozenset({"koa", "koa-router", "@koa/router"})
# Parameter type annotations that say which it is (generic arguments dropped).
PARAMETER_TYPES = {
    "Request": "request", "NextRequest": "request", "NextApiRequest": "request",
    "FastifyRequest": "request", "express.Request": "request", "Hapi.Request": "request",
    "Context": "ctx", "Koa.Context": "ctx", "ParameterizedContext": "ctx",
    "RouterContext": "ctx",
}

# Calls whose result is untrusted, by qualified name.
SOURCE_CALLS = {
    "prompt": "input",
    "window.prompt": "input",
    "readline.question": "input",
    "readline-sync.question": "input",
    "useSearchParams": "url",
    "next/navigation.useSearchParams": "url",
    "next/navigation.useParams": "url",
    "react-router-dom.useParams": "url",
    "react-router-dom.useSearchParams": "url",
    "react-router.useParams": "url",
}

# Member accesses that read the page URL or other attacker-influenced browser state.
BROWSER_SOURCES = frozenset({
    "location.search", "location.hash", "location.href", "location.pathname",
    "window.location.search", "window.location.hash", "window.location.href",
    "window.location.pathname", "document.location.search", "document.location.hash",
    "document.location.href", "document.URL", "document.documentURI", "document.referrer",
    "document.baseURI", "window.name",
})

# `<element>.value` is what the user typed when the element is looked up in the page.
DOM_LOOKUPS = frozenset({"document.getElementById", "document.querySelector",
                         "document.getElementsByName"})
FORM_VALUE_MEMBERS = frozenset({"value", "innerText", "textContent"})

ENV_SOURCES = frozenset({"process.env", "import.meta.env", "Deno.env"})
ARGV_SOURCES = frozenset({"process.argv", "Deno.args"})

# LLM client calls, matched as the end of a qualified name: OpenAI, Anthropic,
# Vercel AI SDK, Google Generative AI, Ollama, Mistral, Cohere.
LLM_CALL_TAILS = (
    "chat.completions.create", "completions.create", "responses.create", "messages.create",
    "chat.completions.parse", "beta.chat.completions.parse", "messages.stream",
    "generateText", "streamText", "generateObject", "streamObject", "generateContent",
    "generateContentStream", "sendMessage", "ollama.chat", "ollama.generate", "chat.complete",
)

# `<receiver>.<method>(...)` is an LLM call when the receiver's name hints at a model
# (LangChain JS runnables: `model.invoke`, `chain.invoke`, `agent.invoke`).
LLM_RUN_METHODS = frozenset({
    "invoke", "call", "predict", "run", "generate", "stream", "batch", "complete", "chat",
})
LLM_RECEIVER_HINTS = frozenset({
    "llm", "chain", "agent", "gpt", "claude", "openai", "anthropic", "gemini", "ollama",
    "chat", "assistant", "mistral", "groq", "cohere", "completion", "langchain", "rag",
    "model",
})

# Access paths that read the text of an LLM response, whatever the receiver
# (compared after dropping optional-chaining `?`).
LLM_ACCESS_TAILS = (
    ".choices[0].message.content", ".choices[0].text", ".choices[0].message.tool_calls",
    ".choices[0].message.function_call", ".output_text", ".content[0].text",
    ".content[0].input", ".message.content", ".generations[0]",
    ".response.text()", ".candidates[0].content",
)

# Calls that return (a transformation of) their arguments.
PROPAGATING_CALLS = frozenset({
    "String", "decodeURIComponent", "decodeURI", "unescape", "JSON.parse", "JSON.stringify",
    "Buffer.from", "Object.assign", "Object.values", "Object.keys", "Object.entries",
    "Array.from", "Array.of", "atob", "util.format", "path.join", "path.resolve",
    "path.normalize", "path.posix.join", "path.win32.join", "url.resolve", "URL",
    "URLSearchParams", "querystring.parse", "qs.parse", "structuredClone", "String.raw",
    "url.parse", "url.format",
    "yaml.load", "js-yaml.load",
    # Markdown renderers that pass raw HTML through
    "marked", "marked.parse", "marked.marked", "marked.marked.parse", "showdown.makeHtml",
})

# Method calls that pass their arguments' taint into the result as well.
PROPAGATING_METHOD_ARGS = frozenset({
    "concat", "join", "replace", "replaceAll", "format", "push", "unshift", "padStart",
    "padEnd", "assign",
})

# Calls whose result is safe whatever went in (for every sink), by qualified name or
# method name.  Type conversions to numbers and booleans, escapers, validators.
SANITIZERS = frozenset({
    "Number", "parseInt", "parseFloat", "Boolean", "Math.floor", "Math.round", "Math.abs",
    "Number.parseInt", "Number.parseFloat", "encodeURIComponent", "encodeURI", "escape",
    "path.basename", "DOMPurify.sanitize", "dompurify.sanitize", "sanitize", "sanitizeHtml",
    "sanitize-html", "xss", "escapeHtml", "escape-html", "he.encode", "he.escape",
    "validator.escape", "validator.isURL", "mysql.escape", "mysql2.escape", "sqlstring.escape",
    "pg-format", "shell-quote.quote", "shellescape", "shell-escape", "escapeRegExp",
    "lodash.escapeRegExp", "_.escapeRegExp", "escape-string-regexp", "isNaN", "Number.isInteger",
    "mongo-sanitize", "mongoSanitize", "sanitizeFilter", "mongoose.sanitizeFilter",
    "uuid.validate", "crypto.randomUUID",
    # methods that answer a question rather than return the data
    "includes", "startsWith", "endsWith", "test", "indexOf", "lastIndexOf", "has",
    "isValid", "localeCompare", "hasOwnProperty", "some", "every", "findIndex",
    "escapeId", "escapeIdentifier", "escapeLiteral", "quote", "quoteIdentifier",
})

# Member names that turn any value into a number or a boolean.
SAFE_MEMBERS = frozenset({"length", "size", "byteLength"})
