"""Visitors read the pages staff edit: from the footer, published text only, fast."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.fiscal import TOKYO
from pages import services
from pages.models import Page
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db

FIXED = ["guide", "access", "faq", "downloads", "privacy", "terms"]


def test_every_published_page_is_linked_from_the_footer_and_opens(client, staff):
    for kind in FIXED:
        make_page(staff, kind, title=f"{kind}のページ", body=f"{kind}の本文")
    _other, _ = make_page(staff, Page.Kind.OTHER, title="ボランティア保険", slug="insurance")
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for path in [f"/{kind}/" for kind in FIXED] + ["/pages/insurance/"]:
        assert f'href="{path}"' in footer, path
        response = client.get(path)
        assert response.status_code == 200, path
    assert "ボランティア保険" in footer
    assert "個人情報の取扱い" in footer and "利用規約" in footer


def test_the_starting_texts_are_there_in_japanese(client):
    """A new installation has its guide, FAQ, privacy policy and terms (a data migration; run
    again here, as an emptied test database may have lost them)."""
    from importlib import import_module

    from django.apps import apps

    Page.objects.all().delete()
    import_module("pages.migrations.0002_starting_texts").add_starting_texts(apps, None)
    privacy = client.get("/privacy/").content.decode()
    for words in ("配慮事項", "アンケート", "操作の記録", "アカウントを閉じるまで", "削除"):
        assert words in privacy
    faq = client.get("/faq/").content.decode()
    assert faq.count("<h3>") >= 8
    for path in ("/guide/", "/access/", "/downloads/", "/terms/"):
        assert client.get(path).status_code == 200


def test_markdown_goes_through_the_sanitiser(client, staff):
    make_page(staff, "guide", body="**太字**<script>alert(1)</script>[x](javascript:alert(1))")
    html = client.get("/guide/").content.decode()
    assert "<strong>太字</strong>" in html
    assert "<script>alert" not in html and 'href="javascript:' not in html


def test_a_draft_is_for_staff_only_with_a_preview_banner(client, client_for, staff):
    page, _published = make_page(staff, "faq", title="公開中の質問", body="公開中の本文")
    draft = services.page_version_create(
        actor=staff, page=page, title="下書きの質問", body="まだ秘密の本文"
    )
    for role in ("anonymous", "citizen", "official", "member"):
        c = client_for(role)
        html = c.get(f"/faq/?version={draft.number}").content.decode()
        assert "まだ秘密の本文" not in html and "公開中の本文" in html, role

    html = client_for("staff").get(f"/faq/?version={draft.number}").content.decode()
    assert "まだ秘密の本文" in html
    assert "スタッフ向けのプレビュー" in html


def test_a_page_never_published_is_a_404_except_for_staff(client_for, staff):
    make_page(staff, Page.Kind.OTHER, title="準備中", slug="coming", publish=False)
    assert client_for("anonymous").get("/pages/coming/").status_code == 404
    assert client_for("citizen").get("/pages/coming/").status_code == 404
    response = client_for("staff").get("/pages/coming/")
    assert response.status_code == 200 and "スタッフ向けのプレビュー" in response.content.decode()
    html = client_for("anonymous").get(reverse("home")).content.decode()
    assert "/pages/coming/" not in html


def test_unknown_or_garbled_addresses_are_404_never_500(client, staff):
    make_page(staff, "guide")
    assert client.get("/pages/no-such-page/").status_code == 404
    assert client.get("/pages/guide/").status_code == 404  # fixed pages live at /guide/
    client.force_login(staff)
    assert client.get("/guide/?version=abc").status_code == 200
    assert client.get("/guide/?version=999999999999999999999").status_code == 200


def test_the_page_says_when_it_was_last_updated(client, staff):
    with time_machine.travel(dt.datetime(2027, 4, 3, 10, 0, tzinfo=TOKYO)):
        make_page(staff, "terms")
    html = client.get("/terms/").content.decode()
    assert 'datetime="2027-04-03"' in html and "最終更新" in html


def test_english_visitors_are_told_the_text_is_japanese(client, staff):
    make_page(staff, "guide", body="日本語の本文")
    client.cookies["django_language"] = "en"
    html = client.get("/guide/", headers={"accept-language": "en"}).content.decode()
    assert "日本語の本文" in html
    assert "available in Japanese only" in html


def test_the_access_page_shows_the_office_details_and_the_opening_hours(
    client, staff, opening_hours
):
    services.office_details_update(
        actor=staff,
        postal_code="790-0001",
        address="中央市一番町1-1 市民会館2階",
        phone="089-000-1234",
        email="office@example.jp",
        map_url="https://maps.example.jp/office",
        access_note="中央駅から徒歩5分",
    )
    make_page(staff, "access", body="公共交通機関をご利用ください。")
    html = client.get("/access/").content.decode()
    assert "中央市一番町1-1 市民会館2階" in html and "中央駅から徒歩5分" in html
    assert 'href="tel:0890001234"' in html
    assert "<caption>開館時間</caption>" in html
    assert (
        html.count("<td>9:00–21:00</td>") == 6
    )  # Monday to Saturday (the footer sums them up too)
    assert "休館" in html  # Sunday


def test_a_page_costs_a_fixed_number_of_queries(client, staff, django_assert_max_num_queries):
    page, _ = make_page(staff, "downloads")
    for n in range(10):
        services.page_version_create(actor=staff, page=page, title=f"版{n}", body="本文")
    client.get("/downloads/")  # the footer is read once and kept
    with django_assert_max_num_queries(2):
        assert client.get("/downloads/").status_code == 200


def test_the_footer_is_read_once_and_kept(client, staff, django_assert_num_queries):
    make_page(staff, "guide")
    client.get("/guide/")
    # A second page costs the page's own queries only, whatever the day.
    later = timezone.now() + dt.timedelta(days=40)
    with time_machine.travel(later), django_assert_num_queries(1):
        client.get("/guide/")
