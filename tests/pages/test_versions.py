"""Every change to a page is kept as a version with who and when; staff publish and restore in
the admin; nobody else can."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from pages import services
from pages.models import Page, PageVersion
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


def _change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


def _admin_post(page, **fields):
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "position": page.position,
        "new_title": "",
        "new_body": "",
        "new_note": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_publishing_archives_the_previous_version_and_keeps_who_and_when(staff):
    page, first = make_page(staff, "terms", body="第1版")
    second = services.page_version_create(actor=staff, page=page, title="利用規約", body="第2版")
    services.page_version_publish(actor=staff, version=second)
    first.refresh_from_db()
    second.refresh_from_db()
    page.refresh_from_db()
    assert first.status == PageVersion.Status.ARCHIVED and first.body == "第1版"
    assert second.status == PageVersion.Status.PUBLISHED and page.published_version == second
    assert [v.number for v in page.versions.all()] == [2, 1]
    assert all(v.created_by == staff and v.created_at for v in page.versions.all())
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"pages.page_version_create", "pages.page_version_publish"} <= actions


def test_restoring_an_old_version_makes_a_new_draft_copy(client, staff):
    page, first = make_page(staff, "guide", title="案内", body="古い文面")
    second = services.page_version_create(actor=staff, page=page, title="案内", body="新しい文面")
    services.page_version_publish(actor=staff, version=second)
    copy = services.page_version_restore(actor=staff, version=first)
    assert copy.number == 3 and copy.status == PageVersion.Status.DRAFT
    assert copy.body == "古い文面" and "1" in copy.note
    assert "新しい文面" in client.get("/guide/").content.decode()  # still the published one
    services.page_version_publish(actor=staff, version=copy)
    assert "古い文面" in client.get("/guide/").content.decode()
    assert page.versions.count() == 3


def test_only_a_draft_can_be_published(staff):
    _page, first = make_page(staff, "faq")
    with pytest.raises(services.PageError):
        services.page_version_publish(actor=staff, version=first)


def test_staff_write_a_new_version_in_the_admin_and_the_old_one_stays(client_for, staff):
    page, _first = make_page(staff, "guide", title="利用案内", body="最初の本文")
    client = client_for("staff")
    form = client.get(_change_url(page))
    assert form.status_code == 200
    html = form.content.decode()
    assert "最初の本文" in html  # the form starts from the newest text
    response = client.post(
        _change_url(page),
        _admin_post(page, new_title="利用案内", new_body="改訂した本文", new_note="開館時間の変更"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    versions = list(page.versions.order_by("number"))
    assert [v.body for v in versions] == ["最初の本文", "改訂した本文"]
    assert versions[1].status == PageVersion.Status.DRAFT and versions[1].note == "開館時間の変更"
    assert versions[1].created_by.email == "staff@example.org"
    # Saving again without a change of text writes nothing new.
    client.post(_change_url(page), _admin_post(page, new_title="利用案内", new_body="改訂した本文"))
    assert page.versions.count() == 2


def test_staff_publish_and_restore_with_the_buttons_in_the_admin(client_for, staff):
    page, first = make_page(staff, "faq", body="第1版")
    draft = services.page_version_create(actor=staff, page=page, title="質問", body="第2版")
    client = client_for("staff")
    html = client.get(_change_url(page)).content.decode()
    publish = reverse("admin:pages_page_publish", args=[page.pk, draft.pk])
    restore = reverse("admin:pages_page_restore", args=[page.pk, first.pk])
    assert f'formaction="{publish}"' in html and f'formaction="{restore}"' in html

    assert client.get(publish).status_code == 405
    assert client.post(publish).status_code == 302
    page.refresh_from_db()
    assert page.published_version == draft
    assert client.post(restore).status_code == 302
    assert page.versions.count() == 3 and page.versions.first().body == "第1版"
    # Publishing a version that is no longer a draft says why, and changes nothing.
    response = client.post(publish, follow=True)
    assert "下書きだけ" in response.content.decode()


@pytest.mark.parametrize("role", ["citizen", "official", "member", "representative"])
def test_a_crafted_post_to_the_admin_actions_by_anyone_but_staff_is_refused(
    client_for, staff, role
):
    page, first = make_page(staff, "terms", body="第1版")
    draft = services.page_version_create(actor=staff, page=page, title="規約", body="勝手な版")
    client = client_for(role)
    for name, version in (("publish", draft), ("restore", first)):
        url = reverse(f"admin:pages_page_{name}", args=[page.pk, version.pk])
        assert client.post(url).status_code == 403
    page.refresh_from_db()
    assert page.published_version == first and page.versions.count() == 2


def test_an_anonymous_post_goes_to_the_admin_log_in(client, staff):
    page, _first = make_page(staff, "terms")
    draft = services.page_version_create(actor=staff, page=page, title="規約", body="版")
    response = client.post(reverse("admin:pages_page_publish", args=[page.pk, draft.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    draft.refresh_from_db()
    assert draft.status == PageVersion.Status.DRAFT


def test_a_version_of_another_page_is_a_404(client_for, staff):
    page, _ = make_page(staff, "terms")
    _other, other_version = make_page(staff, "privacy")
    url = reverse("admin:pages_page_restore", args=[page.pk, other_version.pk])
    assert client_for("staff").post(url).status_code == 404


def test_staff_add_a_page_with_its_first_version(client_for):
    client = client_for("staff")
    response = client.post(
        reverse("admin:pages_page_add"),
        {
            "title": "ボランティア保険",
            "slug": "insurance",
            "kind": "other",
            "position": "9",
            "new_title": "ボランティア保険のご案内",
            "new_body": "保険の説明",
            "publish_now": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = Page.objects.get(slug="insurance")
    assert page.published_version.body == "保険の説明"
    assert "保険の説明" in client_for("anonymous").get("/pages/insurance/").content.decode()


def test_a_new_page_without_text_is_refused_with_a_message(client_for):
    response = client_for("staff").post(
        reverse("admin:pages_page_add"),
        {"title": "空", "slug": "empty", "kind": "other", "position": "0"},
    )
    assert response.status_code == 200
    assert "最初の版" in response.content.decode()
    assert not Page.objects.filter(slug="empty").exists()
