"""Renderers: pure functions from an `Outcome` to text (text, concise, JSON, SARIF, HTML,
and the CI formats: GitHub workflow commands, GitLab Code Quality and SAST, JUnit XML)."""

FORMATS = ("text", "concise", "json", "sarif", "html", "github", "gitlab", "gitlab-sast",
           "junit")


def render(outcome, config, output_format: str, *, color: bool = False,
           sarif_all_rules: bool = False, started=None, ended=None) -> str:
    """`started`/`ended`: the run's times (GitLab SAST's scan block); `sarif_all_rules`:
    full help for every enabled rule, not only those with results."""
    if output_format == "json":
        from .json_report import render_json

        return render_json(outcome, config)
    if output_format == "sarif":
        from .sarif import render_sarif

        return render_sarif(outcome, config, all_rules_help=sarif_all_rules)
    if output_format in ("github", "gitlab", "gitlab-sast", "junit"):
        from . import ci

        if output_format == "gitlab-sast":
            return ci.render_gitlab_sast(outcome, config, started=started, ended=ended)
        renderer = {"github": ci.render_github, "gitlab": ci.render_gitlab,
                    "junit": ci.render_junit}[output_format]
        return renderer(outcome, config)
    if output_format == "html":
        import os

        from ..custody.settings import load_custody
        from ..custody.share import ai_share
        from .html import render_html

        # The one renderer that looks beyond the outcome: git's view of the findings'
        # lines (paths are as given, relative to the working directory), when there is one.
        lines: dict[str, set[int]] = {}
        for finding in outcome.findings:
            lines.setdefault(finding.location.path, set()).add(finding.location.line)
        team = load_custody(os.getcwd())
        return render_html(outcome, config, ai_share(
            os.getcwd(), lines, markers=team.ai_markers, identities=team.ai_identities))
    from .text import render_text

    return render_text(outcome, config, color=color, concise=output_format == "concise")
