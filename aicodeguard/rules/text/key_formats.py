"""Data: the formats of credentials that identify themselves (a provider prefix and a
random body).  Each row: the provider's name for the finding message, the rule id, the
pattern (bytes regex, no groups), and whether the body must look random (formats whose
shape alone is not distinctive enough).

Patterns are tried only around runs of 20+ token characters (see secrets.py), so every
format here must contain such a run.  Publicly documented example values are listed
in EXAMPLE_VALUES and never reported.
"""

from __future__ import annotations

from typing import NamedTuple

# What may not precede a token (it would be the middle of a longer word).
TOKEN_START = rb"(?<![A-Za-z0-9_-])"
_DIGIT_PAIRS = tuple(bytes((a, b)) for a in b"0123456789" for b in b"0123456789")


class KeyFormat(NamedTuple):
    provider: str
    rule_id: str
    pattern: bytes
    starts: tuple[bytes, ...]  # the first two bytes a token can have (to dispatch on)
    must_look_random: bool = False
    start: bytes = TOKEN_START


KNOWN = "AIG302"
JWT = "AIG305"

FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat("AWS access key ID", KNOWN, rb"(?:AKIA|ASIA)[A-Z0-9]{16}",
              (b"AK", b"AS")),
    KeyFormat("GitHub token", KNOWN, rb"gh[pousr]_[A-Za-z0-9]{36,251}",
              (b"gh",)),
    KeyFormat("GitHub fine-grained token", KNOWN, rb"github_pat_[A-Za-z0-9_]{50,255}",
              (b"gi",)),
    KeyFormat("GitLab token", KNOWN, rb"gl(?:pat|ptt|dt|rt)-[A-Za-z0-9_-]{20,}",
              (b"gl",)),
    KeyFormat("Anthropic API key", KNOWN, rb"sk-ant-[a-z]{3,6}\d\d-[A-Za-z0-9_-]{80,}",
              (b"sk",)),
    KeyFormat("OpenAI API key", KNOWN, rb"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}",
              (b"sk",)),
    KeyFormat("OpenAI API key", KNOWN, rb"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
              (b"sk",)),
    KeyFormat("API key in the sk- format", KNOWN, rb"sk-[A-Za-z0-9]{32,}",
              (b"sk",), True),
    KeyFormat("Stripe live secret key", KNOWN, rb"[sr]k_live_[A-Za-z0-9]{20,}",
              (b"sk", b"rk")),
    KeyFormat("Stripe webhook signing secret", KNOWN, rb"whsec_[A-Za-z0-9+/=]{32,}",
              (b"wh",)),
    KeyFormat("Slack token", KNOWN, rb"xox[abprs]-[0-9]{6,}-[0-9A-Za-z-]{10,}",
              (b"xo",)),
    KeyFormat("Slack app token", KNOWN, rb"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{32,}",
              (b"xa",)),
    KeyFormat("Google API key", KNOWN, rb"AIza[0-9A-Za-z_-]{35}",
              (b"AI",)),
    KeyFormat("Google OAuth client secret", KNOWN, rb"GOCSPX-[A-Za-z0-9_-]{28}",
              (b"GO",)),
    KeyFormat("Hugging Face token", KNOWN, rb"hf_[A-Za-z0-9]{30,40}",
              (b"hf",), True),
    KeyFormat("npm access token", KNOWN, rb"npm_[A-Za-z0-9]{36}",
              (b"np",)),
    KeyFormat("PyPI upload token", KNOWN, rb"pypi-AgE[A-Za-z0-9_-]{50,}",
              (b"py",)),
    KeyFormat("SendGrid API key", KNOWN, rb"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
              (b"SG",)),
    KeyFormat("Groq API key", KNOWN, rb"gsk_[A-Za-z0-9]{48,}",
              (b"gs",)),
    KeyFormat("Replicate API token", KNOWN, rb"r8_[A-Za-z0-9]{37}",
              (b"r8",)),
    KeyFormat("Perplexity API key", KNOWN, rb"pplx-[A-Za-z0-9]{48}",
              (b"pp",)),
    KeyFormat("xAI API key", KNOWN, rb"xai-[A-Za-z0-9]{70,}",
              (b"xa",)),
    KeyFormat("Databricks token", KNOWN, rb"dapi[0-9a-f]{32}(?:-\d)?",
              (b"da",)),
    KeyFormat("DigitalOcean token", KNOWN, rb"do[opr]_v1_[a-f0-9]{64}",
              (b"do",)),
    KeyFormat("Shopify access token", KNOWN, rb"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
              (b"sh",)),
    KeyFormat("Linear API key", KNOWN, rb"lin_api_[A-Za-z0-9]{40}",
              (b"li",)),
    KeyFormat("Notion integration token", KNOWN, rb"ntn_[0-9]{11}[A-Za-z0-9]{35}",
              (b"nt",)),
    KeyFormat("Postman API key", KNOWN, rb"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
              (b"PM",)),
    KeyFormat("Doppler token", KNOWN, rb"dp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{40,}",
              (b"dp",)),
    KeyFormat("Atlassian API token", KNOWN, rb"ATATT3[A-Za-z0-9_=-]{150,}",
              (b"AT",)),
    KeyFormat("Telegram bot token", KNOWN, rb"\d{8,10}:AA[A-Za-z0-9_-]{33}",
              _DIGIT_PAIRS,
              start=rb"(?:(?<=/bot)|" + TOKEN_START + rb")"),  # also inside bot API URLs
    KeyFormat("Azure storage account key", KNOWN, rb"AccountKey=[A-Za-z0-9+/]{86}==",
              (b"Ac",)),
    KeyFormat("JSON Web Token", JWT,
              rb"eyJ[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
              (b"ey",)),
)

# Values published in providers' and standards' documentation as examples.
EXAMPLE_VALUES = frozenset({
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    # jwt.io's sample token (HS256, "John Doe")
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
     "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
})

# An AWS secret access key (40 characters of base64) within this many lines of an
# access key ID belongs to it.
AWS_SECRET_PATTERN = rb"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
AWS_SECRET_DISTANCE = 3
