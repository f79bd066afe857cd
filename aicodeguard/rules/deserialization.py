"""AIG4xx: unsafe deserialization, unsafe model loading and XML external entities."""

RULES = ()
