"""AIG5xx: web frameworks and configuration — debug modes, CORS, paths, redirects, uploads, files."""

RULES = ()
