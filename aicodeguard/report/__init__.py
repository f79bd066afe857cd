"""Renderers: pure functions from an `Outcome` to text (text, concise, JSON, SARIF)."""

FORMATS = ("text", "concise", "json", "sarif")


def render(outcome, config, output_format: str, *, color: bool = False) -> str:
    if output_format == "json":
        from .json_report import render_json

        return render_json(outcome, config)
    if output_format == "sarif":
        from .sarif import render_sarif

        return render_sarif(outcome, config)
    from .text import render_text

    return render_text(outcome, config, color=color, concise=output_format == "concise")
