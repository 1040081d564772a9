"""Survey charts as SVG, drawn on the server with pygal.

pygal's output carries a small configuration <script> and inline styles. Pages show a chart as
``<img src>`` of its own URL (an image never runs scripts), the <script> elements are removed
anyway, and the SVG response gets its own Content-Security-Policy that allows its inline styles
and nothing else.
"""

from __future__ import annotations

import re

from django.http import HttpResponse

from core.pygal_compat import Style, halo_values, pygal

SCRIPT_RE = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#4a4a4a",
    colors=("#1d5e3a",),
    font_family="'Noto Sans JP', 'Hiragino Sans', Meiryo, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    title_font_size=16,
)

SVG_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'; "
    "script-src 'none'; frame-ancestors 'self'"
)


def sanitise(svg: str) -> str:
    return SCRIPT_RE.sub("", svg)


def question_chart(result) -> str:
    """A horizontal bar per option (or rating), value = number of answers."""
    rows = result.rows
    # pygal sizes label space for Latin letters; Japanese characters are about twice as wide.
    widest = max((len(label) for label, _n, _p in rows), default=1)
    chart = pygal.HorizontalBar(
        margin_left=min(300, int(widest * STYLE.label_font_size * 0.5)),
        style=STYLE,
        width=720,
        height=max(160, 60 + 44 * len(rows)),
        show_legend=False,
        print_values=True,
        disable_xml_declaration=True,
        js=[],
        truncate_label=30,
        margin=10,
        show_y_guides=False,
    )
    # pygal draws the first value at the bottom: reverse so the chart reads top-down.
    chart.add_xml_filter(halo_values)
    chart.x_labels = [label for label, _n, _p in reversed(rows)]
    chart.add("", [n for _label, n, _p in reversed(rows)])
    return sanitise(chart.render())


def svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    # Replaces the site-wide policy for this response only (see the module docstring).
    response._csp_exempt = True
    response["Content-Security-Policy"] = SVG_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
