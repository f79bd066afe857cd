"""JavaScript, TypeScript and TSX/JSX checks (one query per file, dictionary dispatch)."""
