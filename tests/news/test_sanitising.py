"""Rich text: Markdown bodies are rendered and sanitised, so no script ever reaches a page."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.markdown import excerpt, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="color:red" onclick="alert(1)">x</p>',
    "<style>body{display:none}</style>",
    "[x](vbscript:msgbox(1))",
    "<a href='https://ok.example' onmouseover='alert(1)'>x</a>",
]

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRS = {"href", "title", "src", "alt", "start", "rel"}
SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|[^:]*$)", re.IGNORECASE)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    """Only allowed tags and attributes, and only safe link schemes, as a browser parses it."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, html
        assert set(attrs) <= ALLOWED_ATTRS, html
        for name in ("href", "src"):
            if name in attrs:
                assert SAFE_URL.match(attrs[name].strip()), html


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_handler_or_dangerous_link_survives(attack):
    html = str(render_markdown(f"本文 {attack} おわり"))
    assert_safe(html)
    assert "本文" in html and "おわり" in html  # the words around it stay


def test_markdown_features_are_kept():
    html = str(
        render_markdown(
            "# 大見出し\n\n## 小見出し\n\n- **太字**\n- *斜体*\n\n"
            "[市のサイト](https://www.city.example.jp) <info@example.jp>\n\n"
            "| 日時 | 場所 |\n|---|---|\n| 5/10 | 会議室A |\n\n> 引用\n\n~~取り消し~~"
        )
    )
    # Headings start at h2: a page's title is its only h1.
    assert "<h2>大見出し</h2>" in html and "<h3>小見出し</h3>" in html
    assert "<h1" not in html
    assert "<strong>太字</strong>" in html and "<em>斜体</em>" in html
    assert '<a href="https://www.city.example.jp" rel="noopener noreferrer nofollow">' in html
    assert 'href="mailto:info@example.jp"' in html
    assert "<table>" in html and "<td>会議室A</td>" in html
    assert "<blockquote>" in html and "<s>取り消し</s>" in html


def test_the_highest_heading_of_a_body_becomes_h2_and_the_others_follow():
    html = str(render_markdown("## 特集\n\n### 小見出し\n\n##### 深い見出し"))
    assert "<h2>特集</h2>" in html and "<h3>小見出し</h3>" in html and "<h5>深い見出し</h5>" in html
    assert "<h1" not in str(render_markdown("# A\n\n###### B"))


def test_raw_html_is_shown_as_text_not_interpreted():
    html = str(render_markdown("<b>太字?</b>"))
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def test_empty_body_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_excerpt_is_plain_text():
    assert excerpt("**重要** <script>x</script> [リンク](https://a.example)", 100) == (
        "重要 <script>x</script> リンク"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<",
                    ">",
                    "script",
                    "javascript:",
                    "onerror=",
                    "](",
                    "[",
                    ")",
                    '"',
                    "'",
                    "<img src=x ",
                    "<a href=",
                    "\n\n",
                    "&#",
                    "style=",
                    "data:text/html",
                    "`",
                    " ",
                ]
            ),
            st.text(max_size=5),
        ),
        max_size=30,
    ).map("".join)
)
def test_any_input_renders_without_tags_that_run_code(text):
    assert_safe(str(render_markdown(text)))
