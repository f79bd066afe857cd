"""Every bandit check (B1xx–B7xx): the native rule that covers it, or why none does.

Used by `scan --bandit` to map bandit's results onto native rule ids, and
rendered into the README's parity table (a test keeps both in step with the
checks of the installed bandit).
"""

from __future__ import annotations

# Hard-coded credentials: by name (AIG301) or by format, place and placeholder (AIG302+).
SECRET_RULES = ("AIG301", "AIG302", "AIG303", "AIG304", "AIG305", "AIG306", "AIG307")

# bandit test id -> native rules covering the same check (first = the id a merged
# bandit result is reported under)
BANDIT_TO_RULES: dict[str, tuple[str, ...]] = {
    "B101": ("AIG513",),
    "B102": ("AIG103",),
    "B103": ("AIG505",),
    "B104": ("AIG502",),
    "B105": SECRET_RULES,
    "B106": SECRET_RULES,
    "B107": SECRET_RULES,
    "B108": ("AIG504",),
    "B110": ("AIG514",),
    "B112": ("AIG514",),
    "B113": ("AIG517",),
    "B201": ("AIG501",),
    "B202": ("AIG406",),
    "B301": ("AIG401",),
    "B302": ("AIG401",),
    "B303": ("AIG204", "AIG210"),
    "B304": ("AIG205",),
    "B305": ("AIG206",),
    "B306": ("AIG504",),
    "B307": ("AIG103",),
    "B308": ("AIG509",),
    "B310": ("AIG507",),
    "B311": ("AIG209",),
    "B312": ("AIG213",),
    "B313": ("AIG405",),
    "B314": ("AIG405",),
    "B315": ("AIG405",),
    "B316": ("AIG405",),
    "B317": ("AIG405",),
    "B318": ("AIG405",),
    "B319": ("AIG405",),
    "B321": ("AIG213",),
    "B323": ("AIG202",),
    "B324": ("AIG204", "AIG210"),
    "B501": ("AIG201",),
    "B502": ("AIG203",),
    "B503": ("AIG203",),
    "B504": ("AIG203",),
    "B505": ("AIG207",),
    "B506": ("AIG402",),
    "B507": ("AIG212",),
    "B601": ("AIG102",),
    "B602": ("AIG102",),
    "B604": ("AIG102",),
    "B605": ("AIG102",),
    "B608": ("AIG101",),
    "B610": ("AIG101",),
    "B611": ("AIG101",),
    "B612": ("AIG103",),
    "B613": ("AIG701",),
    "B614": ("AIG403",),
    "B701": ("AIG508",),
    "B702": ("AIG508",),
    "B703": ("AIG509",),
    "B704": ("AIG509",),
}

# Checks the native rule covers only where it matters (e.g. B101 flags every assert,
# AIG513 only asserts that guard security decisions); bandit's other results for
# these are reported as AIG090 under `--bandit`.
PARTIAL: dict[str, str] = {
    "B101": "only asserts that guard authorisation or other security decisions",
    "B102": "only code that is not a constant",
    "B103": "only world-writable modes, not every mode wider than owner-only",
    "B104": "only servers and sockets bound to all interfaces, not every '0.0.0.0' string",
    "B108": "only temporary paths opened for writing",
    "B110": "only exceptions swallowed around security checks",
    "B112": "only exceptions swallowed around security checks",
    "B310": "only URLs that carry untrusted data",
    "B307": "only code that is not a constant",
    "B308": "only strings built from data or carrying request data",
    "B311": "only random numbers used as tokens, passwords, keys and the like",
    "B313": "only parsing of request, upload or network data",
    "B314": "only parsing of request, upload or network data",
    "B315": "only parsing of request, upload or network data",
    "B316": "only parsing of request, upload or network data",
    "B317": "only parsing of request, upload or network data",
    "B318": "only parsing of request, upload or network data",
    "B319": "only parsing of request, upload or network data",
    "B601": "only commands that are not constants",
    "B602": "only commands that are not constants (a literal command is not injectable)",
    "B604": "only commands that are not constants",
    "B605": "only commands that are not constants",
    "B701": "only in files that render HTML",
    "B702": "not Mako templates that escape by default (`default_filters=['h']`)",
    "B703": "only strings built from data or carrying request data",
    "B704": "only strings built from data or carrying request data",
}

# Checks with no native rule, and why.
NOT_COVERED: dict[str, str] = {
    "B401": "import of telnetlib: an import is not a vulnerability; AIG213 flags the use",
    "B402": "import of ftplib: an import is not a vulnerability; AIG213 flags the use",
    "B403": "import of pickle: the loads are flagged (AIG401), not the import",
    "B404": "import of subprocess: the dangerous calls are flagged (AIG102), not the import",
    "B405": "XML imports: the parsing of untrusted data is flagged (AIG405)",
    "B406": "XML imports: the parsing of untrusted data is flagged (AIG405)",
    "B407": "XML imports: the parsing of untrusted data is flagged (AIG405)",
    "B408": "XML imports: the parsing of untrusted data is flagged (AIG405)",
    "B409": "XML imports: the parsing of untrusted data is flagged (AIG405)",
    "B411": "xmlrpc import: modern xmlrpc is hardened against entity expansion since 3.7.1",
    "B412": "httpoxy CGI handler import: only affects CGI deployments, rare in AI-written code",
    "B413": "pycrypto import: pycryptodome uses the same `Crypto` package name, so the "
            "import alone cannot tell the dead library from its maintained fork",
    "B415": "pyghmi import (IPMI): too rare to be worth a rule",
    "B508": "SNMPv1/v2c: rare in application code",
    "B509": "SNMPv3 without auth/priv: rare in application code",
    "B603": "subprocess without a shell is the recommended form, not a vulnerability",
    "B606": "os.exec*/spawn* without a shell are not injectable",
    "B607": "partial executable paths: PATH hijacking needs a compromised environment; "
            "very noisy on real code",
    "B609": "shell wildcards: covered in spirit by AIG102 when the command is built "
            "from data; a literal `tar *` is the author's intent",
    "B615": "Hugging Face download without a pinned revision: supply-chain hygiene, not "
            "a code flaw; AIG804 covers the dangerous case (trust_remote_code)",
}


def parity_markdown() -> str:
    """The README's bandit parity table."""
    rows = ["| bandit | aicodeguard |", "|---|---|"]
    for test_id in sorted({*BANDIT_TO_RULES, *NOT_COVERED}):
        if test_id in BANDIT_TO_RULES:
            ids = ", ".join(f"[{rule}](aicodeguard/rules/docs/{rule}.md)"
                            for rule in BANDIT_TO_RULES[test_id])
            partly = f" (partly: {PARTIAL[test_id]})" if test_id in PARTIAL else ""
            rows.append(f"| {test_id} | {ids}{partly} |")
        else:
            rows.append(f"| {test_id} | not covered: {NOT_COVERED[test_id]} |")
    return "\n".join(rows)
