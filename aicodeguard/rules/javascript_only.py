"""Rules whose concept exists only in JavaScript and TypeScript (the DOM, React, Node, Electron).

Ids sit in the ranges the families reserve for them: AIG120–AIG139 injection,
AIG220–AIG229 crypto, AIG420–AIG429 deserialization, AIG530–AIG549 web.
Concepts shared with Python keep the Python rule's id (its `languages` lists
JavaScript too).
"""

from ..model import Confidence, RuleInfo, Severity

JS_LANGUAGES = ("javascript", "typescript", "tsx")


def _rule(id, name, summary, severity, confidence, cwe, tags, fixable=False) -> RuleInfo:
    return RuleInfo(id=id, name=name, summary=summary, severity=severity, confidence=confidence,
                    cwe=cwe, languages=JS_LANGUAGES, fixable=fixable, tags=tags)


H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

PROTOTYPE_POLLUTION = _rule(
    "AIG120", "prototype-pollution-in-recursive-merge",
    "Deep merge or clone copies every key, `__proto__` included, into nested objects",
    H, Confidence.MEDIUM, (1321,), ("injection",))
DEPRECATED_CREATE_CIPHER = _rule(
    "AIG220", "cipher-created-from-password",
    "crypto.createCipher/createDecipher derive key and IV from a password with one MD5 round",
    H, Confidence.HIGH, (327, 916), ("crypto",))
SERIALIZE_JAVASCRIPT_UNSAFE = _rule(
    "AIG420", "serialize-javascript-unsafe-mode",
    "serialize-javascript is called with unsafe: true, so its output is not HTML-escaped",
    M, Confidence.HIGH, (79,), ("deserialization", "xss"), fixable=True)
DOM_HTML_SINK = _rule(
    "AIG530", "dom-html-built-from-data",
    "HTML built from data is written with innerHTML, outerHTML, insertAdjacentHTML or "
    "document.write",
    M, Confidence.MEDIUM, (79,), ("web", "xss"), fixable=True)
RAW_HTML_PROP = _rule(
    "AIG531", "raw-html-prop-from-data",
    "Unsanitised data is rendered as raw HTML (dangerouslySetInnerHTML, v-html)",
    M, Confidence.MEDIUM, (79,), ("web", "xss"))
STATIC_PROJECT_ROOT = _rule(
    "AIG532", "static-files-served-from-project-root",
    "express.static serves the project folder or dot-files (.env, .git)",
    H, Confidence.HIGH, (538, 552), ("web", "configuration"))
MESSAGE_WITHOUT_ORIGIN = _rule(
    "AIG533", "message-handler-without-origin-check",
    "window message handler uses the data without checking event.origin",
    M, Confidence.MEDIUM, (346, 940), ("web",))
ELECTRON_WEB_PREFERENCES = _rule(
    "AIG534", "electron-insecure-web-preferences",
    "Electron window runs web content with Node integration, without isolation or web security",
    H, Confidence.HIGH, (94, 693), ("web", "electron", "configuration"))
MASS_ASSIGNMENT = _rule(
    "AIG535", "request-body-mass-assignment",
    "The whole request body is written into a database record or model",
    M, Confidence.MEDIUM, (915,), ("web", "taint"))

RULES = (PROTOTYPE_POLLUTION, DEPRECATED_CREATE_CIPHER, SERIALIZE_JAVASCRIPT_UNSAFE,
         DOM_HTML_SINK, RAW_HTML_PROP, STATIC_PROJECT_ROOT, MESSAGE_WITHOUT_ORIGIN,
         ELECTRON_WEB_PREFERENCES, MASS_ASSIGNMENT)
