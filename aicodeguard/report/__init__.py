"""Renderers: pure functions from an `Outcome` to text (text, concise, JSON, SARIF, HTML)."""

FORMATS = ("text", "concise", "json", "sarif", "html")


def render(outcome, config, output_format: str, *, color: bool = False) -> str:
    if output_format == "json":
        from .json_report import render_json

        return render_json(outcome, config)
    if output_format == "sarif":
        from .sarif import render_sarif

        return render_sarif(outcome, config)
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
