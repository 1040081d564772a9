"""Issue #12 finding 8: remote images in Markdown bodies are shown as links, never loaded.

An image from another site in a news post, a bulletin post or a newsletter issue would be a
tracking pixel in feed readers and mail programs (the CSP only guards the portal's own pages).
So a remote image (http, https or protocol-relative) becomes a link to it, named by its alt text
or, without one, by its address. A ``data:`` image is not fetched from anywhere but may be
megabytes long: only its alt text is kept. The portal's own images (``/media/...``) stay
images; in feeds and mails their address is made absolute with ``SITE_URL`` so they still show.
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from newsletter.mail import build_issue_message
from tests.news.factories import IssueFactory, NewsPostFactory, PostFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)

BODY = (
    "本文です。\n\n"
    "![追跡ピクセル](https://evil.example/pixel.png)\n\n"
    "![](http://evil.example/plain.gif)\n\n"
    "![相対プロトコル](//evil.example/proto.png)\n\n"
    "![埋め込み画像](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==)\n\n"
    "![会場の写真](/media/news/hall.jpg)\n\n"
    "[![リンクの中の画像](https://evil.example/inner.png)](https://kyodo.example.jp/events/)\n"
)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def assert_remote_images_are_links(html: str) -> None:
    assert "evil.example" in html  # the addresses are still there, as links
    assert "<img" not in html.replace('<img src="https://kyodo.example.jp/media/', "")
    assert '<a href="https://evil.example/pixel.png"' in html
    assert ">追跡ピクセル</a>" in html
    # no alt text: the address names the link
    assert '<a href="http://evil.example/plain.gif"' in html
    assert ">http://evil.example/plain.gif</a>" in html
    assert '<a href="//evil.example/proto.png"' in html and ">相対プロトコル</a>" in html
    # a data: image: its words only, not its megabytes
    assert "埋め込み画像" in html and "data:" not in html and "iVBOR" not in html
    # an image inside a link: the link stays, the image becomes its words (no link in a link)
    assert '<a href="https://kyodo.example.jp/events/"' in html
    assert "リンクの中の画像" in html and "inner.png" not in html


def page_html(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_news_page_shows_remote_images_as_links_and_keeps_its_own(client):
    post = NewsPostFactory(body=BODY)
    html = page_html(client.get(reverse("news:detail", kwargs={"slug": post.slug})))
    assert '<img src="/media/news/hall.jpg" alt="会場の写真"' in html
    html = html.replace('<img src="/media/news/hall.jpg"', "")
    assert "<img" not in html
    assert '<a href="https://evil.example/pixel.png"' in html and ">追跡ピクセル</a>" in html
    assert "data:" not in html


def test_bulletin_and_newsletter_pages_show_remote_images_as_links(client):
    post = PostFactory(body=BODY)
    issue = IssueFactory(body=BODY)
    for url in (
        reverse("bulletin:detail", kwargs={"pk": post.pk}),
        reverse("newsletter:detail", kwargs={"number": issue.number}),
    ):
        html = page_html(client.get(url))
        body = html.replace('<img src="/media/news/hall.jpg" alt="会場の写真"', "")
        assert '<a href="https://evil.example/pixel.png"' in body, url
        assert 'src="https://evil.example' not in body and 'src="//evil' not in body, url


def feed_summaries(client, name: str) -> list[str]:
    response = client.get(reverse(name))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [e.find(f"{ATOM}summary").text for e in root.findall(f"{ATOM}entry")]


@pytest.mark.parametrize(
    ("feed", "make"),
    [
        ("news:feed", lambda: NewsPostFactory(body=BODY)),
        ("bulletin:feed", lambda: PostFactory(body=BODY)),
        ("newsletter:feed", lambda: IssueFactory(body=BODY)),
    ],
)
def test_feeds_carry_no_remote_image_and_absolute_own_images(client, feed, make):
    make()
    (summary,) = feed_summaries(client, feed)
    assert_remote_images_are_links(summary)
    assert '<img src="https://kyodo.example.jp/media/news/hall.jpg" alt="会場の写真"' in summary
    assert 'src="/media' not in summary


def test_feeds_make_relative_links_absolute(client):
    NewsPostFactory(body="[団体一覧](/groups/)をご覧ください。")
    (summary,) = feed_summaries(client, "news:feed")
    assert '<a href="https://kyodo.example.jp/groups/"' in summary


def test_newsletter_mail_carries_no_remote_image():
    issue = IssueFactory(body=BODY)
    message = build_issue_message(issue, to="reader@example.net")
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert_remote_images_are_links(html)
    assert '<img src="https://kyodo.example.jp/media/news/hall.jpg" alt="会場の写真"' in html
    text = message.body
    # The text part is plain text (core.markdown.markdown_to_text): an image is "[alt] (URL)".
    assert "![" not in text and "](" not in text
    assert "[追跡ピクセル] (https://evil.example/pixel.png)" in text
    assert "\nhttp://evil.example/plain.gif\n" in text
    assert "[相対プロトコル] (https://evil.example/proto.png)" in text
    assert "[会場の写真] (https://kyodo.example.jp/media/news/hall.jpg)" in text
    assert "リンクの中の画像 (https://kyodo.example.jp/events/)" in text
    assert "埋め込み画像" in text and "iVBOR" not in text
