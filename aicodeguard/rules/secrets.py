"""AIG3xx: hard-coded secrets."""

RULES = ()
