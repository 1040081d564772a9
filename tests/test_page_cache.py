"""Public pages kept for anonymous visitors (core/pagecache.py): what is served from the cache,
to whom, and that forms on a kept page still work for each visitor."""

import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="submission_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def queries(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, len(captured)


def test_the_next_anonymous_visitor_gets_the_kept_page_with_one_query(group):
    url = group.get_absolute_url()
    first, built = queries(Client(), url)
    again, served = queries(Client(), url)
    assert served == 1  # the cache row
    # Like the page built afresh, it tells proxies that it depends on the session cookie.
    assert "Cookie" in first["Vary"] and "Cookie" in again["Vary"]
    assert built > served
    assert group.name in again.content.decode()
    # Apart from the per-visitor tokens, it is the same page.
    strip = lambda html: ONCE.sub("", CSRF.sub("", html))  # noqa: E731
    assert strip(again.content.decode()) == strip(first.content.decode())


def test_a_change_reaches_anonymous_visitors_when_the_page_expires(group, settings):
    url = group.get_absolute_url()
    Client().get(url)
    Group.objects.filter(pk=group.pk).update(summary="新しい活動紹介です。")
    assert "新しい活動紹介です。" not in Client().get(url).content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # as after expiry: built afresh
    assert "新しい活動紹介です。" in Client().get(url).content.decode()


def test_signed_in_people_always_get_a_fresh_page_and_never_store_one(
    client_for, group, representative
):
    url = group.get_absolute_url()
    Client().get(url)
    Group.objects.filter(pk=group.pk).update(summary="代表者が更新しました。")
    rep = client_for("representative")
    page = rep.get(url).content.decode()
    assert "代表者が更新しました。" in page
    assert "ページを編集" in page or reverse("groups:edit", args=[group.slug]) in page
    # What the representative saw was not kept for anonymous visitors.
    anonymous = Client().get(url).content.decode()
    assert reverse("groups:edit", args=[group.slug]) not in anonymous
    assert "代表者が更新しました。" not in anonymous  # still the page kept before


def test_each_visitor_gets_tokens_of_their_own_and_the_form_works(
    group, representative, django_capture_on_commit_callbacks
):
    url = group.get_absolute_url()
    Client().get(url)  # kept
    tokens = []
    for n in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(url).content.decode()
        csrf, once = CSRF.search(page).group(1), ONCE.search(page).group(1)
        uuid.UUID(once)
        tokens.append((csrf, once))
        with django_capture_on_commit_callbacks(execute=True):
            response = visitor.post(
                reverse("groups:contact", args=[group.slug]),
                {
                    "csrfmiddlewaretoken": csrf,
                    "submission_token": once,
                    "sender_name": f"市民 {n}",
                    "sender_email": f"visitor{n}@example.net",
                    "subject": "見学したい",
                    "message": "次回の活動を見学できますか。",
                    "website_url": "",
                },
            )
        assert response.status_code == 302, response.content.decode()[:500]
        # The confirmation travels with the visitor: that page is never the kept one.
        assert "送信しました" in visitor.get(response["Location"]).content.decode()
    assert tokens[0][1] != tokens[1][1]
    assert tokens[0][0] != tokens[1][0]
    assert len(mail.outbox) == 2  # the second visitor's message is not taken for a repeat


def test_japanese_and_english_are_kept_apart(group):
    url = group.get_absolute_url()
    assert 'lang="ja"' in Client().get(url).content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    assert 'lang="en"' in english.get(url).content.decode()
    assert 'lang="ja"' in Client().get(url).content.decode()


def test_errors_and_unknown_pages_are_not_kept(db):
    missing = reverse("groups:detail", args=["no-such-group"])
    assert Client().get(missing).status_code == 404
    _, n = queries(Client(), reverse("groups:directory"))
    _, again = queries(Client(), reverse("groups:directory"))
    assert again == 1 < n
    assert Client().get(missing).status_code == 404


def test_each_query_string_is_its_own_page(group, other_group):
    directory = reverse("groups:directory")
    assert other_group.name in Client().get(directory).content.decode()
    found = Client().get(directory, {"q": "子ども"}).content.decode()
    assert group.name in found and other_group.name not in found


# --- Only parameters a page understands make a kept page (issue #12, 6).
def test_a_query_the_page_does_not_understand_is_served_but_never_kept(group):
    directory = reverse("groups:directory")
    _, built = queries(Client(), directory, data={"utm_source": "flood-1"})
    again, rebuilt = queries(Client(), directory, data={"utm_source": "flood-1"})
    assert group.name in again.content.decode()
    assert rebuilt == built > 1  # built afresh each time: nothing was stored


def test_known_parameters_in_any_order_are_one_kept_page(group, other_group):
    directory = reverse("groups:directory")
    _, built = queries(Client(), f"{directory}?q=子ども&sort=new")
    page, served = queries(Client(), f"{directory}?sort=new&q=子ども")
    assert served == 1 < built
    html = page.content.decode()
    assert group.name in html and other_group.name not in html


def test_a_repeated_parameter_is_never_kept(group):
    directory = reverse("groups:directory")
    _, built = queries(Client(), f"{directory}?q=a&q=b")
    _, again = queries(Client(), f"{directory}?q=a&q=b")
    assert again == built > 1


def test_the_kept_pages_stay_bounded_and_apart_from_other_cached_things(group, settings):
    from django.core.cache import caches

    settings.CACHES = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": 20}}
        for alias, config in settings.CACHES.items()
    }
    caches["default"].set("something-else", 1, 600)
    directory = reverse("groups:directory")
    for i in range(50):
        Client().get(directory, {"q": f"flood-{i}"})
    table = settings.CACHES["pages"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] <= 20
    assert caches["default"].get("something-else") == 1


def test_every_kept_page_declares_the_parameters_it_understands():
    from core.pagecache import PAGE_PARAMETERS, public_page

    assert "groups:directory" in PAGE_PARAMETERS
    with pytest.raises(KeyError):
        public_page("no-such:page")
