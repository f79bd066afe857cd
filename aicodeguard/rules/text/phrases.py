"""Data: phrasings of instructions injected into AI assistant instruction files.

Each pattern is a whole directive, never a single word: a verb, its object and, where
the verb alone is innocent, where it points (`send ... .env ... to https://`).  In the
patterns a space outside brackets stands for one or more separators (white space, line
breaks, Markdown emphasis, quotes) and ` ?` for optional ones, so `**ignore** all previous
instructions` matches too.  Directives that are negated (`never disable security checks`)
or quoted as examples of attacks are filtered by injection.py.
"""

from __future__ import annotations

from typing import NamedTuple

_WHO = r"(?:the |any )?(?:users?|developers?|humans?|reviewers?|operators?|maintainers?)\b"
_SENSITIVE = (r"(?:the |your |all |any |every |a copy of |contents? of |values? of |user'?s? )*"
              r"(?:\.env(?: files?)?|env(?:ironment)?(?: variables?| vars?)?|process\.env"
              r"|os\.environ|api[ _-]?keys?|secrets?|credentials?|access tokens?|auth tokens?"
              r"|tokens?|passwords?|private[ _-]?keys?|ssh[ _-]?keys?|~?/?\.ssh\S*|\.aws\S*"
              r"|aws credentials|keychain|cookies|session (?:tokens?|cookies?))")
_OUTSIDE = (r"(?:https?://|(?:an? |my |our |this |that |the following |the attacker'?s? )"
            r"(?:external |remote |outside |third-party )?"
            r"(?:url|endpoint|webhook|server|address|domain|host|site|pastebin)\b)")


class Directive(NamedTuple):
    rule_id: str
    what: str  # completes "the file tells the assistant to ..."
    patterns: tuple[str, ...]


DIRECTIVES: tuple[Directive, ...] = (
    Directive("AIG710", "ignore its earlier, system or user instructions", (
        (r"(?:ignore|disregard|forget|override|bypass) (?:all |any |every )?(?:of )?"
         r"(?:the |your |my |these |those )?(?:previous|prior|earlier|above|preceding|former|"
         r"original|initial|system|other|existing|old) (?:instructions?|rules|prompts?|"
         r"directions|directives|guidelines|guidance|context|messages?|commands|constraints|"
         r"policies)\b"),
        (r"(?:do not|don't|never) (?:follow|obey|listen to|apply) (?:the |your |any )?"
         r"(?:previous|prior|earlier|above|system|original|other) (?:instructions?|rules|"
         r"prompts?|guidelines)\b"),
        (r"(?:ignore|disregard|override) (?:what |anything |whatever )?(?:the )?(?:user|"
         r"developer|human)(?:'s|s')? (?:says?|said|asks?|asked|instructions?|requests?|"
         r"wants?)\b"),
        (r"(?:your|the) (?:new|real|actual|true) (?:instructions|task|rules|role|objective) "
         r"(?:are|is)\b"),
        (r"(?:you are|act as) (?:now )?(?:in )?(?:developer|dan|jailbreak|god|unrestricted|"
         r"unfiltered) mode\b"),
        (r"(?:these|the following) (?:instructions|rules) (?:take|have|get) (?:precedence|"
         r"priority) over (?:the |any |all )?(?:system|user|developer)\b"),
    )),
    Directive("AIG711", "add a dependency or script, or fetch and follow a URL", (
        (r"(?:fetch|download|curl|wget|retrieve|load|read|get|visit|open) (?:and (?:follow|"
         r"execute|run|apply|obey) )?(?:the |your )?(?:latest |new |updated |additional |"
         r"further |real |full )?(?:instructions|rules|prompt|guidelines|directives|commands|"
         r"tasks?|script|payload|configuration|config) (?:from|at|found at|hosted at|on) "
         r"(?:https?://|www\.)"),
        (r"(?:follow|obey|execute|run|apply) (?:the )?(?:instructions|commands|rules|directives|"
         r"steps|script) (?:from|at|found at|hosted at|in|on) (?:https?://|www\.)"),
        (r"(?:always|also|silently|quietly|automatically|secretly) (?:add|include|insert|"
         r"inject|install|import|require|append) (?:the following |this |the |a )?(?:(?:npm|"
         r"pip|pypi|python|node) )?(?:package|dependency|library|module|script|snippet|"
         r"requirement) (?:[`\"'][^`\"'\n]{2,80}[`\"']|https?://|named|called)"),
        (r"(?:add|include|insert|inject|append) (?:the following |this |these |the )?"
         r"(?:line|lines|snippet|import|script tag|dependency|package|code) [^.\n]{0,40}?"
         r"(?:to|in|into|at the top of) (?:every|each|all|any) (?:files?|pages?|scripts?|"
         r"modules?|components?|responses?|commits?)\b"),
        r"(?:add|include|insert|inject|append)[^.\n]{0,60}<script[^>]*\bsrc=[\"']?https?://",
        (r"(?:always|before (?:every|each|any)|each time|every time|whenever|silently|"
         r"automatically|at the start of (?:every|each))[^.\n]{0,80}(?:curl|wget|iwr|irm|"
         r"Invoke-WebRequest|Invoke-RestMethod)\b[^\n|]{0,200}\| ?(?:sudo )?(?:ba|z|da|k)?sh\b"),
    )),
    Directive("AIG712", "disable security checks, TLS verification, hooks or failing tests", (
        (r"(?:disable|turn off|switch off|skip|bypass|deactivate|remove|comment out|suppress|"
         r"silence|circumvent|get around) (?:all |any |the |every )?(?:security|ssl|tls|"
         r"certificate|cert|csrf|xsrf|cors|auth|authentication|authorization|permission|"
         r"signature|integrity|checksum|hostname|host key|sandbox|safety|secret) (?:checks?|"
         r"checking|verification|validation|warnings?|hooks?|rules|scans?|scanning|"
         r"protection|middleware|guards?|filters?|restrictions?)\b"),
        (r"(?:disable|skip|bypass|remove|delete|uninstall|comment out) (?:all |any |the )?"
         r"(?:pre-commit|git|commit|pre-push) hooks?\b"),
        r"(?:use|pass|add|with|always|run|commit) [^.\n]{0,40}--no-verify\b",
        # a policy ends there or says why (`delete failing tests instead of fixing them`);
        # `skip failing tests on Windows` is a scoped workaround
        (r"(?:delete|remove|skip|disable|comment out|xfail|mark) (?:any |all |the )?"
         r"(?:failing|broken|failed) (?:tests?|checks?|specs?)"
         r"(?= ?(?:[.,;:!)\n]|$| instead\b| rather\b| so\b| and\b| as\b| to (?:make|get|keep)\b))"),
        (r"(?:add|use|insert|put|append) [^.\n]{0,30}?(?:# ?nosec|# ?noqa|eslint-disable|"
         r"nosemgrep|NOSONAR)\b"),
        (r"(?:set|use|pass|add|always) [^.\n]{0,40}?(?:verify ?= ?False|rejectUnauthorized ?: ?"
         r"false|NODE_TLS_REJECT_UNAUTHORIZED|InsecureSkipVerify ?: ?true|--no-check-certificate"
         r"|CURLOPT_SSL_VERIFYPEER)"),
    )),
    Directive("AIG713", "send environment variables, keys or files to an outside address", (
        (r"(?:send|post|upload|transmit|exfiltrate|forward|leak|email|submit|share|copy|sync|"
         r"beacon|pipe) " + _SENSITIVE + r"\b[^.\n]{0,120}?\b(?:to|at|via|using|into) "
         + _OUTSIDE),
        (r"(?:include|embed|put|add|append|insert|leak|encode) " + _SENSITIVE
         + r" (?:in|into|to) (?:the |your |every |each |a |all )?(?:commit messages?|pr "
         r"descriptions?|pull requests?|responses?|comments?|urls?|query (?:strings?|"
         r"parameters?)|image urls?|markdown images?|links?|issues?)\b"),
        r"(?:cat|type|printenv|env|set)\b[^\n|]{0,80}\| ?(?:curl|wget|nc|ncat|netcat)\b",
        (r"(?:curl|wget)\b[^\n]{0,120}(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form|-T|"
         r"--upload-file|--post-file)[ =]?[\"']?@?[^\s\"']*(?:\.env|id_rsa|id_ed25519|\.ssh/|"
         r"\.aws/|credentials|\.npmrc|\.pypirc|\$\(env\)|\$\(printenv\)|\$\{?[A-Z_]*(?:KEY|"
         r"TOKEN|SECRET))"),
    )),
    Directive("AIG714", "hide what it does from the user", (
        (r"(?:do not|don't|never|must not|should not|shouldn't) (?:let " + _WHO
         + r" (?:know|see|notice|find out)|(?:tell|inform|notify|alert|warn) " + _WHO
         + r"(?! to\b)(?! how\b)|(?:mention|reveal|disclose|show|explain|report) (?:this|these|"
         r"it|that|them|any of this|the (?:above|following|previous|hidden) (?:instructions?|"
         r"steps?|changes?|rules?)) (?:to|with) " + _WHO + r")"),
        (r"(?:hide|conceal|obscure|disguise) (?:this|these|it|them|the|any|all|your) "
         r"[^.\n]{0,40}?from " + _WHO),
        (r"(?:do not|don't|never) (?:mention|include|list|show|describe|explain|report|log|"
         r"record) (?:this|these|it|them|any of (?:this|these|the above)|the (?:above|"
         r"following|previous|injected|hidden) \w+) (?:steps? |changes? |instructions? |"
         r"actions? |additions? |requests? )?(?:in|to|within|inside) (?:the |your |any )?"
         r"(?:summary|summaries|commit messages?|pr|pull requests?|descriptions?|responses?|"
         r"replies|output|explanations?|chat|diff|changelog)\b"),
        (r"(?:do not|don't|never) (?:mention|reveal|disclose|repeat|acknowledge|discuss|"
         r"reference) (?:these|this|the (?:hidden |above |following )?)(?:instructions|"
         r"directives|hidden rules|prompt)\b"),
        (r"(?:silently|secretly|covertly|stealthily|without (?:telling|informing|notifying|"
         r"alerting) " + _WHO + r")[^.\n]{0,12}?\b(?:add|insert|include|install|send|upload|"
         r"modify|change|replace|run|execute|download|fetch|remove|delete|commit|push|disable)\b"),
        # the adverb ends the clause: `install the hook silently.`, not `install commands
        # silently skip scripts`
        (r"(?:add|insert|install|send|upload|modify|run|execute|download|fetch|commit|push|"
         r"disable)\b[^.\n()/]{0,50}?(?:(?:silently|secretly|covertly|stealthily)"
         r"(?= ?(?:[.,;:!)]|$| and\b| so\b| without\b))|without (?:telling|informing|"
         r"notifying|alerting) " + _WHO + r")"),
    )),
)
