"""Data tables for Python taint: sources, propagators and sanitisers."""

# Calls whose result is untrusted, by qualified name.
SOURCE_CALLS = {
    "input": "input",
    "raw_input": "input",
    "sys.stdin.read": "input",
    "sys.stdin.readline": "input",
    "sys.stdin.readlines": "input",
    "os.getenv": "env",
    "os.environ.get": "env",
    # Streamlit widgets: what the browser user typed or uploaded.
    **{f"streamlit.{widget}": "request" for widget in (
        "file_uploader", "text_input", "text_area", "chat_input", "camera_input")},
}

ENV_ATTRIBUTES = frozenset({"os.environ", "os.environb"})

# `<request object>.<attribute>` is request data for these attribute names.
REQUEST_ATTRIBUTES = frozenset({
    # Flask / Werkzeug / Quart
    "args", "form", "values", "json", "data", "files", "cookies", "headers", "view_args",
    "get_json", "get_data", "stream", "query_string", "full_path", "url", "base_url",
    "host", "referrer", "user_agent", "authorization", "path", "remote_user",
    # Django / DRF
    "GET", "POST", "body", "COOKIES", "META", "FILES", "query_params", "raw_post_data",
    # Starlette / FastAPI / aiohttp
    "path_params", "query", "match_info", "content", "text", "post", "read",  # aiohttp `await request.read()`, Django `request.read()`
    # Tornado (`self.request.arguments`), Bottle, Pyramid, Falcon (`req.get_param("q")`)
    "arguments", "query_arguments", "body_arguments", "forms", "params", "matchdict",
    "json_body", "media", "get_media", "get_param", "get_param_as_list", "get_header",
    "uri", "relative_uri", "get_cookie",
})

# Names a request object goes by (Django/DRF views, Starlette, aiohttp, `self.request`).
REQUEST_OBJECT_NAMES = frozenset({"request", "req", "flask.request", "bottle.request"})

# Classes whose bases name this are request handlers (http.server, socketserver, tornado):
# `self.<attribute>` and `self.<method>(...)` below are request data there.
HANDLER_BASE_HINT = "RequestHandler"
HANDLER_ATTRIBUTES = frozenset({"path", "headers", "rfile", "requestline", "raw_requestline"})
HANDLER_METHODS = frozenset({
    "get_argument", "get_arguments", "get_query_argument", "get_query_arguments",
    "get_body_argument", "get_body_arguments", "get_cookie", "get_secure_cookie",
    "get_signed_cookie", "decode_argument",
})

# Decorator methods that make a function a web route handler.
ROUTE_DECORATOR_METHODS = frozenset({
    "route", "get", "post", "put", "delete", "patch", "head", "options", "api_route",
    "websocket", "view", "api_view",
})

# Route-handler parameters that the framework fills with trusted objects.
TRUSTED_PARAMETER_TYPES = frozenset({
    "Request", "Response", "Session", "AsyncSession", "BackgroundTasks", "WebSocket",
    "HTTPConnection", "SecurityScopes", "Depends", "int", "float", "bool", "UUID",
})

# LLM client calls, matched as the end of a qualified name.
LLM_CALL_TAILS = (
    "chat.completions.create", "completions.create", "responses.create", "messages.create",
    "generate_content", "generate_content_async", "chat.complete", "ollama.chat",
    "ollama.generate", "litellm.completion", "litellm.acompletion", "ChatCompletion.create",
    "Completion.create", "messages.stream", "beta.chat.completions.parse",
)

# `<receiver>.<method>(...)` is an LLM call when the receiver's name hints at a model.
LLM_RUN_METHODS = frozenset({
    "invoke", "ainvoke", "predict", "apredict", "run", "arun", "generate", "agenerate",
    "chat", "complete", "call", "__call__", "stream", "batch", "query", "kickoff",
})
LLM_RECEIVER_HINTS = frozenset({
    "llm", "chain", "agent", "gpt", "claude", "openai", "anthropic", "gemini", "ollama",
    "chat", "assistant", "copilot", "mistral", "groq", "cohere", "completion", "langchain",
    "qa", "rag", "model", "executor", "runnable", "graph", "crew",
})
# Top-level packages whose objects answer `invoke()`/`generate()`… with model output
# (`ai = ChatOpenAI(); ai.invoke(q)`, whatever the variable is called).
LLM_CLIENT_MODULES = frozenset({
    "openai", "anthropic", "ollama", "litellm", "mistralai", "groq", "cohere", "google",
    "vertexai", "langchain", "langchain_openai", "langchain_anthropic", "langchain_community",
    "langchain_core", "langchain_ollama", "langchain_google_genai", "langchain_mistralai",
    "langchain_groq", "langchain_aws", "llama_index", "transformers", "huggingface_hub",
    "together", "replicate", "dspy", "guidance", "instructor",
})

# Attribute paths that read the text of an LLM response, whatever the receiver.
LLM_ATTRIBUTE_TAILS = (
    ".choices[0].message.content", ".choices[0].text", ".choices[-1].message.content",
    ".output_text", ".content[0].text", ".message.content", ".generations[0]",
    ".choices[0].message.tool_calls", ".choices[0].message.function_call",
)

# Calls that return (a transformation of) their positional arguments.
PROPAGATING_CALLS = frozenset({
    "str", "bytes", "bytearray", "repr", "format", "dict", "list", "tuple", "set",
    "sorted", "reversed", "json.loads", "json.load",
    *(f"base64.{kind}{way}code" for kind in ("b64", "urlsafe_b64", "standard_b64", "b32",
                                             "b16", "b85", "a85") for way in ("en", "de")),
    "codecs.encode", "binascii.hexlify", "binascii.unhexlify", "binascii.b2a_hex",
    "binascii.a2b_hex", "urllib.parse.unquote", "urllib.parse.unquote_plus",
    "urllib.parse.unquote_to_bytes",
    "urllib.parse.urljoin", "os.path.join", "os.path.abspath", "os.path.normpath",
    "os.path.expanduser", "pathlib.Path", "pathlib.PurePath", "ast.literal_eval",
    "textwrap.dedent", "codecs.decode", "yaml.safe_load", "html.unescape",
    "shlex.split", "urllib.parse.urlparse", "urllib.parse.urlsplit",
    "urllib.parse.parse_qs", "urllib.parse.parse_qsl", "json.dumps",
    # Markdown renderers pass raw HTML in the text through.
    "markdown.markdown", "markdown2.markdown", "mistune.html", "commonmark.commonmark",
})

# Method calls that also pass their arguments' taint into the result.
PROPAGATING_METHOD_ARGS = frozenset({"format", "join", "replace", "format_map", "joinpath", "__add__"})

# Calls whose result is safe to use whatever went in (for every sink).
SANITIZERS = frozenset({
    "int", "float", "bool", "len", "hash", "abs", "round", "ord", "id",
    "shlex.quote", "pipes.quote", "html.escape", "markupsafe.escape", "flask.escape",
    "jinja2.escape", "django.utils.html.escape", "werkzeug.utils.secure_filename",
    "werkzeug.secure_filename", "secure_filename", "os.path.basename", "re.escape",
    "urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.urlencode",
    "uuid.UUID", "bleach.clean", "escape", "isdigit", "isalnum", "isnumeric", "count",
    "startswith", "endswith", "exists", "isfile", "isdir",
})
