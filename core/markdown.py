"""Markdown bodies, rendered safely: the one renderer of every publishing app.

Bodies of news posts, newsletter issues and bulletin posts are written in Markdown
(CommonMark plus tables and strikethrough). Raw HTML in the source is not interpreted
(markdown-it-py with ``html`` off prints it as text), and the rendered HTML then goes through
nh3 (the Rust ``ammonia`` sanitiser) with a short allow-list of tags and attributes and only
http(s)/mailto/tel links: no script, no event handler, no ``javascript:`` link, no inline style
ever reaches a page, an e-mail or a feed.

Images: only the portal's own (a path such as ``/media/...``, or an address under
``SITE_URL``) are shown. An image from another site (http, https, protocol-relative ``//``)
would be a tracking pixel in feed readers and mail programs, so it becomes a link to it, named
by its alt text or, without one, by its address; inside a link it becomes its words only (no
link in a link). A ``data:`` image is fetched from nowhere but may be megabytes of text: only
its alt text is kept. With ``absolute_urls`` (feeds and e-mails, read away from the site) the
portal's own images and relative links get ``SITE_URL`` in front: the office's own pictures
still show, at one address for every reader, so they tell no one who opened what.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from markdown_it.token import Token

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


def _site_url(url: str) -> str:
    return urljoin(f"{settings.SITE_URL}/", url)


def _is_own(url: str) -> bool:
    """An address on the portal itself: a path, or an absolute address under SITE_URL."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("//", "\\")):
        return url.startswith(f"{settings.SITE_URL}/")
    return True


def _is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith(("//", "#")))


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _image_words(image: Token) -> str:
    return _md.renderer.renderInlineAsText(image.children or [], _md.options, {})


def _images_and_links(tokens, *, absolute_urls: bool) -> None:
    """Remote and data: images become links or words; with ``absolute_urls`` the portal's own
    images and relative links get SITE_URL in front."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
                href = token.attrGet("href") or ""
                if absolute_urls and _is_relative(href):
                    token.attrSet("href", _site_url(href))
            elif token.type == "link_close":
                depth -= 1
            elif token.type == "image":
                src = token.attrGet("src") or ""
                words = _image_words(token)
                if src.lower().startswith("data:"):
                    children.append(_text(words))
                    continue
                if _is_own(src):
                    if absolute_urls and _is_relative(src):
                        token.attrSet("src", _site_url(src))
                    children.append(token)
                    continue
                if depth:
                    children.append(_text(words or src))
                    continue
                link = Token("link_open", "a", 1)
                link.attrSet("href", src)
                if token.attrGet("title"):
                    link.attrSet("title", token.attrGet("title"))
                children += [link, _text(words or src), Token("link_close", "a", -1)]
                continue
            children.append(token)
        block.children = children


def render_markdown(text: str | None, *, absolute_urls: bool = False) -> SafeString:
    """Markdown → sanitised HTML, safe to print in a template, an e-mail or a feed.

    ``absolute_urls=True`` for anything read away from the site (feeds, e-mails)."""
    if not text:
        return mark_safe("")
    tokens = _md.parse(text)
    _shift_headings(tokens)
    _images_and_links(tokens, absolute_urls=absolute_urls)
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


_inline_image = re.compile(
    r"(?<!\\)!\[(?P<alt>(?:[^\]\\]|\\.)*)\]"
    r"\(\s*(?P<src><[^>\n]*>|[^\s)]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
_image_mark = re.compile(r"(?<!\\)!\[")


def _image_as_link(match: re.Match) -> str:
    alt, src = match["alt"], match["src"].strip("<>")
    if src.lower().startswith("data:"):
        return alt
    if _is_relative(src):
        src = _site_url(src)
    return f"[{alt or src}]({src})"


def markdown_for_text_mail(text: str | None) -> str:
    """The Markdown source for a plain-text e-mail part: every image written as a link to its
    absolute address (``[alt](url)``), a data: image as its alt text only, so the text part
    matches the HTML part and carries no image for a mail program to fetch."""
    if not text:
        return ""
    return _image_mark.sub("[", _inline_image.sub(_image_as_link, text))
