"""Markdown bodies, rendered safely: the one function every publishing app uses.

Bodies of news posts, newsletter issues and bulletin posts are written in Markdown
(CommonMark plus tables and strikethrough). Raw HTML in the source is not interpreted
(markdown-it-py with ``html`` off prints it as text), and the rendered HTML then goes through
nh3 (the Rust ``ammonia`` sanitiser) with a short allow-list of tags and attributes and only
http(s)/mailto/tel links: no script, no event handler, no ``javascript:`` link, no inline style
ever reaches a page, an e-mail or a feed.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)


def _shift_headings(tokens) -> None:
    """The body's highest heading becomes h2 (the page's title is its only h1), the others
    follow in step: "# A / ## B" and "## A / ### B" both render as h2 / h3."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = 2 - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(max(int(token.tag[1]) + shift, 2), 6)}"


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to print in a template, an e-mail or a feed."""
    if not text:
        return mark_safe("")
    tokens = _md.parse(text)
    _shift_headings(tokens)
    rendered = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)


_space = re.compile(r"\s+")


def markdown_to_text(text: str | None) -> str:
    """The words of a Markdown body without markup (e-mail plain-text part, excerpts)."""
    if not text:
        return ""
    return html.unescape(strip_tags(str(render_markdown(text)))).strip()


def excerpt(text: str | None, length: int = 120) -> str:
    """A one-line summary of a Markdown body for lists and feeds."""
    plain = _space.sub(" ", markdown_to_text(text))
    return Truncator(plain).chars(length)
