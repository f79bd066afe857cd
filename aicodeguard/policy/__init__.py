"""Policy: which findings a user sees and which fail the run.

`selection` (select/ignore, suppressions, baseline, the severity and confidence gates),
`native` (the `[tool.aicodeguard.policy]` table: max-cvss, presets, scoped gates,
require-https) and `rego` (Rego policies over the JSON report; imported only when one is
configured, since it needs the report).
"""

from .native import PolicyError, PolicySettings, rule_tags, short_tag
from .selection import (
    FAIL_ON,
    Outcome,
    Policy,
    apply_policy,
    config_relative,
    failed_by,
    gate,
    gating,
    level,
    narrow,
)

__all__ = [
    "FAIL_ON", "Outcome", "Policy", "PolicyError", "PolicySettings", "apply_policy",
    "config_relative", "failed_by", "gate", "gating", "level", "narrow", "rule_tags",
    "short_tag",
]
