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

``markdown_to_text`` writes the same body as readable plain text (the text part of an e-mail):
no markup, every address absolute and written out.
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
from markdown_it.tree import SyntaxTreeNode

from core.links import absolute_url

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
    return absolute_url(url)


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


def plain_words(text: str | None) -> str:
    """The words of a Markdown body without markup or addresses (excerpts, search snippets)."""
    if not text:
        return ""
    return html.unescape(strip_tags(str(render_markdown(text)))).strip()


def excerpt(text: str | None, length: int = 120) -> str:
    """A one-line summary of a Markdown body for lists and feeds."""
    plain = _space.sub(" ", plain_words(text))
    return Truncator(plain).chars(length)


# --- Plain text for the text part of an e-mail

HEADING_MARKS = {2: "■ ", 3: "□ "}  # lower headings: "・"
BULLET = "・"
RULE = "――――――――――"


def markdown_to_text(source: str | None, *, base_url: str | None = None) -> str:
    """A Markdown body as readable plain text: the text part of an e-mail.

    Walks markdown-it's syntax tree (the same parse as the HTML): headings become lines marked
    ■ (and □, ・ below), emphasis loses its asterisks, lists are marked ・ or numbered, a link
    reads ``words (address)``, an image ``[alt] (address)`` (never fetched: a text part shows
    no picture), code and raw HTML stay as written, a quote keeps its ``>``, paragraphs are
    separated by a blank line. Relative addresses get ``base_url`` (``SITE_URL`` by default)
    in front. Nothing is wrapped: Japanese has no spaces to break at, and a mail program wraps
    long lines itself.
    """
    if not source:
        return ""
    base = (base_url or settings.SITE_URL).rstrip("/")
    tokens = _md.parse(source)
    _shift_headings(tokens)
    blocks = _text_blocks(SyntaxTreeNode(tokens).children, base)
    lines = "\n\n".join(b for b in blocks if b).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _text_url(href: str, base: str) -> str | None:
    """The address a reader can use, or None (a page anchor, a scheme we never link)."""
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme:
        return href if parts.scheme.lower() in URL_SCHEMES else None
    if parts.netloc or href.startswith("//"):
        return urljoin(f"{base}/", href)
    return f"{base}/{href.lstrip('/')}"


def _text_blocks(nodes, base: str) -> list[str]:
    blocks = []
    for node in nodes:
        kind = node.type
        if kind == "heading":
            mark = HEADING_MARKS.get(int(node.tag[1]), BULLET)
            blocks.append(mark + _text_inline(node.children[0], base))
        elif kind == "paragraph":
            blocks.append(_text_inline(node.children[0], base))
        elif kind in ("bullet_list", "ordered_list"):
            blocks.append(_text_list(node, base))
        elif kind == "blockquote":
            inner = "\n\n".join(_text_blocks(node.children, base))
            blocks.append("\n".join(f"> {line}" if line else ">" for line in inner.split("\n")))
        elif kind in ("fence", "code_block"):
            blocks.append(node.content.rstrip("\n"))
        elif kind == "hr":
            blocks.append(RULE)
        elif kind == "table":
            rows = [
                " | ".join(_text_inline(cell.children[0], base) for cell in row.children)
                for section in node.children
                for row in section.children
            ]
            blocks.append("\n".join(rows))
    return blocks


def _text_list(node, base: str) -> str:
    ordered = node.type == "ordered_list"
    start = int(node.attrs.get("start", 1)) if ordered else 1
    items = []
    tight = True
    for number, item in enumerate(node.children, start=start):
        marker = f"{number}. " if ordered else BULLET
        indent = " " * len(marker) if ordered else "  "  # ・ is two columns wide
        tight = tight and all(child.hidden for child in item.children if child.type == "paragraph")
        body = "\n".join(_text_blocks(item.children, base))
        lines = body.split("\n") or [""]
        items.append(
            "\n".join([marker + lines[0], *((indent + line) if line else "" for line in lines[1:])])
        )
    return ("\n" if tight else "\n\n").join(items)


def _text_inline(node, base: str, *, in_link: bool = False) -> str:
    parts = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "link":
            words = _text_inline(child, base, in_link=True)
            href = str(child.attrs.get("href", ""))
            url = _text_url(href, base)
            # No usable address, a link in a link, or an autolink (the address once): words only.
            if url is None or in_link or words in (url, href, url.split(":", 1)[-1]):
                parts.append(words)
            else:
                parts.append(f"{words} ({url})")
        elif kind == "image":
            alt = _text_inline(child, base, in_link=True)
            src = str(child.attrs.get("src", ""))
            url = None if src.lower().startswith("data:") else _text_url(src, base)
            if url is None or in_link:
                parts.append(alt)
            else:
                parts.append(f"[{alt}] ({url})" if alt else url)
        elif child.children:  # strong, em, s: the words without their marks
            parts.append(_text_inline(child, base, in_link=in_link))
        else:
            parts.append(child.content)
    return "".join(parts)
