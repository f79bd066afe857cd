"""AIG5xx: web frameworks and configuration — debug modes, CORS, paths, redirects, uploads, files.

AIG501–AIG529 are Python rules; AIG530–AIG549 are reserved for JavaScript-only
web rules (AIG536, assigned there, covers Python too), AIG550 and up for later additions.
"""

from ..model import Confidence, RuleInfo, Severity


def _web(id, name, summary, severity, confidence, cwe, tags, fixable=False,
         languages=("python",)) -> RuleInfo:
    return RuleInfo(id=id, name=name, summary=summary, severity=severity, confidence=confidence,
                    cwe=cwe, languages=languages, fixable=fixable, tags=("web", *tags))


WITH_JS = ("python", "javascript", "typescript", "tsx")
H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

DEBUG_MODE = _web(
    "AIG501", "debug-mode-enabled",
    "Web framework debug mode or the interactive debugger is switched on in code",
    H, Confidence.HIGH, (489, 215), ("configuration",), fixable=True)
BIND_ALL_INTERFACES = _web(
    "AIG502", "server-bound-to-all-interfaces",
    "Server listens on every network interface (0.0.0.0, '' or ::)",
    L, Confidence.HIGH, (1327, 668), ("configuration", "network"), fixable=True, languages=WITH_JS)
PERMISSIVE_CORS = _web(
    "AIG503", "cors-allows-any-origin",
    "CORS lets any origin read responses, worst with credentials allowed",
    H, Confidence.HIGH, (942, 346), ("configuration", "cors"), languages=WITH_JS)
INSECURE_TEMP_FILE = _web(
    "AIG504", "insecure-temporary-file",
    "Temporary file created with mktemp() or at a fixed path in a shared temp folder",
    M, Confidence.HIGH, (377,), ("files",), fixable=True, languages=WITH_JS)
PERMISSIVE_FILE_MODE = _web(
    "AIG505", "world-writable-file-permissions",
    "File or directory permissions let every local user write",
    M, Confidence.HIGH, (732,), ("files",), fixable=True)
PATH_TRAVERSAL = _web(
    "AIG506", "file-path-from-request-data",
    "Request data or LLM output chooses the file path that is opened, sent or deleted",
    H, Confidence.HIGH, (22,), ("files", "taint"), languages=WITH_JS)
SSRF = _web(
    "AIG507", "url-fetched-from-request-data",
    "Request data or LLM output chooses the URL or host the server connects to",
    H, Confidence.MEDIUM, (918,), ("network", "taint"), languages=WITH_JS)
TEMPLATE_AUTOESCAPE_OFF = _web(
    "AIG508", "template-autoescape-disabled",
    "HTML templates rendered without autoescaping",
    M, Confidence.HIGH, (79,), ("xss", "templates"), fixable=True)
MARKUP_FROM_DATA = _web(
    "AIG509", "html-marked-safe-from-dynamic-data",
    "A string built from data is marked as safe HTML (mark_safe, Markup, format_html)",
    M, Confidence.HIGH, (79,), ("xss",))
REFLECTED_XSS = _web(
    "AIG510", "request-data-in-html-response",
    "Route returns HTML built from request data without escaping",
    H, Confidence.HIGH, (79,), ("xss", "taint"), languages=WITH_JS)
OPEN_REDIRECT = _web(
    "AIG511", "redirect-to-request-url",
    "Redirect target comes from request data without a host check",
    M, Confidence.HIGH, (601,), ("taint",), languages=WITH_JS)
UPLOAD_CLIENT_FILENAME = _web(
    "AIG512", "upload-saved-under-client-filename",
    "Uploaded file is stored under the file name the client sent",
    H, Confidence.HIGH, (434, 22), ("files", "taint"), languages=WITH_JS)
SECURITY_ASSERT = _web(
    "AIG513", "assert-used-for-security-check",
    "Authorisation or authentication enforced with assert, which python -O removes",
    M, Confidence.MEDIUM, (617,), ("logic",), fixable=True)
SWALLOWED_SECURITY_CHECK = _web(
    "AIG514", "security-check-exception-swallowed",
    "Exception raised by a verification or authentication call is swallowed",
    M, Confidence.MEDIUM, (390, 703), ("logic",))
CSRF_DISABLED = _web(
    "AIG515", "csrf-protection-disabled",
    "CSRF protection is switched off for a view or the whole application",
    M, Confidence.HIGH, (352,), ("configuration", "csrf"), fixable=True)
INSECURE_COOKIE = _web(
    "AIG516", "cookie-without-secure-flags",
    "Session or token cookie set without Secure or HttpOnly",
    M, Confidence.HIGH, (614, 1004), ("configuration", "cookies"), fixable=True, languages=WITH_JS)
REQUEST_WITHOUT_TIMEOUT = _web(
    "AIG517", "http-request-without-timeout",
    "HTTP request made without a timeout can hang the caller forever",
    L, Confidence.HIGH, (400,), ("network", "reliability"), fixable=True)
ALLOWED_HOSTS_WILDCARD = _web(
    "AIG518", "django-allowed-hosts-wildcard",
    "Django ALLOWED_HOSTS accepts any Host header",
    M, Confidence.HIGH, (20,), ("configuration",))
EXCEPTION_IN_RESPONSE = _web(
    "AIG519", "exception-details-in-response",
    "Stack trace or exception message sent to the client in a web response",
    M, Confidence.HIGH, (209,), ("information-disclosure",))
TRUSTED_FORWARDED_FOR = _web(
    "AIG536", "trusted-forwarded-for",
    "Client-supplied X-Forwarded-For / X-Real-IP decides access or rate limiting",
    M, Confidence.MEDIUM, (348, 290), ("auth", "network"), languages=WITH_JS)

RULES = (
    DEBUG_MODE, BIND_ALL_INTERFACES, PERMISSIVE_CORS, INSECURE_TEMP_FILE, PERMISSIVE_FILE_MODE,
    PATH_TRAVERSAL, SSRF, TEMPLATE_AUTOESCAPE_OFF, MARKUP_FROM_DATA, REFLECTED_XSS, OPEN_REDIRECT,
    UPLOAD_CLIENT_FILENAME, SECURITY_ASSERT, SWALLOWED_SECURITY_CHECK, CSRF_DISABLED,
    INSECURE_COOKIE, REQUEST_WITHOUT_TIMEOUT, ALLOWED_HOSTS_WILDCARD, EXCEPTION_IN_RESPONSE,
    TRUSTED_FORWARDED_FOR,
)
