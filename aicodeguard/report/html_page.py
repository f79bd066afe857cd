"""What the HTML pages (scan report, audit) share: escaping, the page shell with its
inline stylesheet and filter script, counted tables and SVG bar charts.

A page is one self-contained file: no network resource of any kind, and a
Content-Security-Policy that allows only the page's own inline style and script (by
hash), so that even a mistake in escaping could not run injected script or fetch
anything.  Everything a finding or a commit carries is attacker-controlled text: it
goes through `esc`, always.
"""

from __future__ import annotations

import base64
import hashlib
import html
from functools import cache
from importlib import resources


def esc(value: object) -> str:
    """`value` as HTML text or attribute value (quotes escaped too)."""
    return html.escape(str(value), quote=True)


@cache
def asset(name: str) -> str:
    return resources.files(__package__).joinpath("html_assets", name).read_text("utf-8")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page(title: str, header: str, sections: list[tuple[str, str, str]], footer: str) -> str:
    """A whole document.  `sections`: (id, heading, inner HTML) in order; the headings
    become the page's table of contents."""
    style, script = asset("page.css"), asset("filters.js")
    policy = (f"default-src 'none'; style-src {_sha256(style)}; script-src {_sha256(script)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    toc = "".join(f'<li><a href="#{esc(key)}">{esc(heading)}</a></li>'
                  for key, heading, _ in sections)
    body = "".join(f'<section id="{esc(key)}" aria-labelledby="{esc(key)}-h">'
                   f'<h2 id="{esc(key)}-h">{esc(heading)}</h2>{inner}</section>\n'
                   for key, heading, inner in sections)
    first = esc(sections[0][0]) if sections else "main"
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#{first}">Skip to content</a>\n'
        f'<header class="page">{header}'
        f'<nav class="sections" aria-label="Sections"><ul>{toc}</ul></nav></header>\n'
        f"<main>\n{body}</main>\n"
        f'<footer class="page">{footer}</footer>\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def stats(items: list[tuple[str, object]]) -> str:
    """Headline numbers as a description list."""
    cells = "".join(f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>"
                    for label, value in items)
    return f'<dl class="stats">{cells}</dl>'


def count_table(caption: str, head: tuple[str, ...], rows: list[tuple]) -> str:
    """A small table of counts; the last column of `head` and of each row is the count.
    A cell given as ("html", markup) is inserted as is (the caller escaped it)."""
    def cell(value, column: int, last: int) -> str:
        text = value[1] if isinstance(value, tuple) else esc(value)
        if column == 0:
            return f'<th scope="row">{text}</th>'
        return f'<td class="num">{text}</td>' if column == last else f"<td>{text}</td>"

    header = "".join(f'<th scope="col"{" class=num" if i == len(head) - 1 else ""}>{esc(h)}</th>'
                     for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell(v, i, len(row) - 1) for i, v in enumerate(row))
                   + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(head)}" class="muted">none</td></tr>'
    return (f'<table class="count-table"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>")


def bar_chart(chart_id: str, caption: str, bars: list[tuple[str, int, str]],
              *, label_width: int = 80) -> str:
    """A horizontal bar chart as inline SVG in a figure; `bars`: (label, value, class of
    the bar's fill).  Each bar carries its number as text, so colour is never the only
    cue; the chart is an image to assistive technology, described by its caption and a
    summary (the counted tables next to it hold the same numbers)."""
    width, row, top = 400, 26, 6
    plot = width - label_width - 48
    most = max((value for _, value, _ in bars), default=0) or 1
    height = top * 2 + row * max(len(bars), 1)
    marks = []
    for index, (label, value, fill) in enumerate(bars):
        y = top + index * row
        length = plot * value / most
        fits = label_width // 8
        shown = label if len(label) <= fits else label[:fits - 1] + "\u2026"
        marks.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end">{esc(shown)}</text>'
            f'<rect class="{esc(fill)}" x="{label_width}" y="{y + 4}" '
            f'width="{max(length, 1.5 if value else 0):.1f}" height="{row - 8}" rx="2">'
            f"<title>{esc(label)}: {value}</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}">{value}</text>')
    if not bars:
        marks.append(f'<text x="{label_width}" y="{top + 17}">nothing to show</text>')
    summary = ", ".join(f"{label} {value}" for label, value, _ in bars) or "nothing to show"
    return (f'<figure id="{esc(chart_id)}" class="chart"><figcaption id="{esc(chart_id)}-c">'
            f"{esc(caption)}</figcaption>"
            f'<svg viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{esc(chart_id)}-c '
            f'{esc(chart_id)}-d"><desc id="{esc(chart_id)}-d">{esc(summary)}</desc>'
            f'<line class="axis" x1="{label_width}" y1="0" x2="{label_width}" y2="{height}"/>'
            f'{"".join(marks)}</svg></figure>')


def select(key: str, label: str, options: list[tuple[str, str]], *, control_id: str) -> str:
    """A labelled filter <select>; `options`: (value, text); the first means any."""
    choices = "".join(f'<option value="{esc(value)}">{esc(text)}</option>'
                      for value, text in options)
    return (f'<label for="{esc(control_id)}">{esc(label)}'
            f'<select id="{esc(control_id)}" data-key="{esc(key)}">{choices}</select></label>')


def search_box(key: str, label: str, *, control_id: str, placeholder: str = "") -> str:
    return (f'<label for="{esc(control_id)}">{esc(label)}'
            f'<input type="search" id="{esc(control_id)}" data-key="{esc(key)}" '
            f'data-match="contains" placeholder="{esc(placeholder)}" autocomplete="off"></label>')


def filter_form(table_id: str, noun: str, controls: list[str]) -> str:
    """The filter bar of a table (hidden until the script runs, as it does nothing
    without it), its live count and the no-match message."""
    return (f'<form class="filters" data-filters="{esc(table_id)}" data-noun="{esc(noun)}" '
            f'data-status="{esc(table_id)}-count" data-empty="{esc(table_id)}-empty" '
            f'aria-label="Filter {esc(noun)}" hidden>{"".join(controls)}'
            '<button type="reset">Reset filters</button></form>'
            f'<p class="filter-count" id="{esc(table_id)}-count" role="status" '
            'aria-live="polite" hidden></p>')


def no_match(table_id: str, noun: str) -> str:
    return f'<p class="empty" id="{esc(table_id)}-empty" hidden>No {esc(noun)} match these filters.</p>'
