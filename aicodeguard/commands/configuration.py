"""The configuration a command runs with: the configuration file, then the options."""

from __future__ import annotations

import os

from ..config import Config, discover, load_file, with_user_policy
from ..model import Confidence, Severity


def load_config(args, start: str) -> Config:
    """The nearest configuration to `start` (or --config), with the policy options of
    `args` applied (`scan` and `baseline create` share them)."""
    # A file named on the command line is the user's own choice, so it may set what a
    # configuration found inside the scanned repository may not (project-indexes).
    config = load_file(args.config, trusted=True) if args.config else discover(start)
    if config is None:  # --config pointed at a pyproject.toml without the section
        config = Config()
    # Options and the environment only ever add safety (offline) or the user's own opt-in
    # (project-indexes): a repository's `offline = false` cannot undo --offline.
    config = config.with_overrides(
        select=args.select,
        ignore=args.ignore,
        fail_on=Severity.parse(args.fail_on) if args.fail_on else None,
        fail_on_confidence=Confidence.parse(args.fail_on_confidence)
        if args.fail_on_confidence else None,
        offline=True if args.offline or os.environ.get("AICODEGUARD_OFFLINE") == "1" else None,
        project_indexes=True if args.project_indexes
        or os.environ.get("AICODEGUARD_PROJECT_INDEXES") == "1" else None,
        jobs=args.jobs,
        cache=False if args.no_cache else None,
    )
    # The user's own policy (--policy, --rego): trusted, so its files may live anywhere.
    return with_user_policy(config, getattr(args, "policy", None), getattr(args, "rego", None))
