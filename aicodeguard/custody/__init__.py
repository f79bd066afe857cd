"""The chain of custody of AI-assisted commits: which commits were assisted and by what
(`trailers`), what checked them (the `Checked-by` trailer and git notes), and `audit`
over the history (`history`: git plumbing only, batched)."""
