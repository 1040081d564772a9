"""The site-wide search in every page's header (issue #16 part 5): a labelled GET form to
/search/, no JavaScript, in the reader's language; the home page and the results page carry the
same box in their content, so their header leaves it out (one search landmark each)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

HEADER = re.compile(r"<header\b.*?</header>", re.S)
FORM = re.compile(r'<form [^>]*class="header-search"[^>]*>.*?</form>', re.S)


def _header(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    (header,) = HEADER.findall(response.content.decode())
    return header


def _search_form(header: str) -> str | None:
    found = FORM.search(header)
    return found.group(0) if found else None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("groups:directory"),
        reverse("events:list"),
        reverse("news:list"),
        reverse("facilities:index"),
        reverse("account_login"),
        reverse("account_signup"),
    ],
)
def test_every_page_has_the_site_search_in_its_header(client, url):
    form = _search_form(_header(client, url))
    assert form is not None, url
    assert 'method="get"' in form
    assert f'action="{reverse("search")}"' in form
    assert 'role="search"' in form
    assert 'aria-label="サイト内検索"' in form
    # A real label tied to the field (visually hidden: the placeholder and the button speak).
    assert re.search(r'<label for="header-search-q"[^>]*>さがす言葉</label>', form)
    assert re.search(r'<input type="search" id="header-search-q" name="q"', form)
    assert re.search(r'<button type="submit">検索</button>', form)
    assert "csrfmiddlewaretoken" not in form  # a GET: the cached public pages stay the same


@pytest.mark.django_db
def test_signed_in_pages_have_it_too(client_for):
    assert _search_form(_header(client_for("citizen"), reverse("my_account")))


@pytest.mark.django_db
def test_in_english_the_box_speaks_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    form = _search_form(_header(client, reverse("groups:directory")))
    assert 'aria-label="Search the site"' in form
    assert ">Words to look for</label>" in form
    assert ">Search</button>" in form


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("home"), reverse("search") + "?q=環境"])
def test_pages_with_their_own_box_have_one_search_box(client, url):
    html = client.get(url).content.decode()
    assert _search_form(HEADER.search(html).group(0)) is None
    assert html.count('role="search"') == 1


@pytest.mark.django_db
def test_the_header_box_leads_to_the_results_page(client):
    response = client.get(reverse("search"), {"q": "協働"})
    assert response.status_code == 200
    assert 'value="協働"' in response.content.decode()
