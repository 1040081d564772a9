"""Messages from the office in the admin: compose (with a PDF, refused when it is not one or is
too large), see the recipients and the preview, test to oneself, send, follow the progress; the
history read-only; a group's admin page lists the messages it received; only staff."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.uploads import MAX_DOCUMENT_BYTES
from newsletter.models import OfficeMessage
from newsletter.sending import deliver_message
from tests.admin_access import assert_only_staff_reach
from tests.conftest import ROLES
from tests.newsletter import office_data
from tests.newsletter.office_data import NOW

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _june_2026(settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world():
    return office_data.build()


def add_url() -> str:
    return reverse("admin:newsletter_officemessage_add")


def change_url(message) -> str:
    return reverse("admin:newsletter_officemessage_change", args=[message.pk])


def form_data(**extra) -> dict:
    data = {
        "subject": "総会のご案内",
        "body": "今年度の**総会**を開きます。",
        "audience": "representatives",
        "event_statuses": ["confirmed"],
    }
    data.update(extra)
    return data


def compose(client, **extra) -> OfficeMessage:
    response = client.post(add_url(), form_data(**extra))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return OfficeMessage.objects.latest("pk")


def test_staff_compose_check_test_and_send(client_for, world, staff):
    client = client_for("staff")
    assert client.get(add_url()).status_code == 200
    message = compose(
        client,
        activity_fields=[world.env.pk],
        not_renewed="on",
        attachment=SimpleUploadedFile("総会資料.pdf", PDF, content_type="application/pdf"),
    )
    assert message.segment["fields"] == [world.env.pk] and message.segment["not_renewed"]
    assert message.attachment_name == "総会資料.pdf" and message.attachment

    html = client.get(change_url(message)).content.decode()
    for word in ["宛先", "プレビュー", "自分あてにテスト送信"]:
        assert word in html
    assert f'href="{reverse("admin:newsletter_message_send", args=[message.pk])}"' in html

    recipients = client.get(reverse("admin:newsletter_message_recipients", args=[message.pk]))
    page = recipients.content.decode()
    assert "現在 2 件のアドレス" in page
    assert "a-rep@example.org" in page and "b-rep@example.org" in page
    assert "c-rep@example.org" not in page and "d-rep@example.org" not in page
    assert "活動分野 環境保全X の団体：管理者" in page

    preview = client.get(reverse("admin:newsletter_message_preview", args=[message.pk]))
    assert preview.status_code == 200 and "<iframe" in preview.content.decode()
    framed = client.get(reverse("admin:newsletter_message_preview_html", args=[message.pk]))
    assert framed.status_code == 200 and "このメールは、" in framed.content.decode()
    assert "sandbox" in framed["Content-Security-Policy"]

    send = reverse("admin:newsletter_message_send", args=[message.pk])
    response = client.post(send, follow=True)
    assert "テスト送信してください" in response.content.decode()
    client.post(reverse("admin:newsletter_message_test_send", args=[message.pk]))
    assert mail.outbox[-1].to == ["staff@example.org"]
    assert mail.outbox[-1].attachments[0][0] == "総会資料.pdf"
    assert "現在 2 件のアドレス" in client.get(send).content.decode()
    response = client.post(send)
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OfficeMessage.Status.SENDING and message.recipient_count == 2

    deliver_message(message_id=message.pk)
    html = client.get(change_url(message)).content.decode()
    assert "<td>2</td><td>0</td><td>0</td><td>0</td><td>2</td>" in html
    assert "送信時の宛先" in html  # the history, read-only
    assert 'name="subject"' not in html
    page = client.get(reverse("admin:newsletter_message_recipients", args=[message.pk]))
    assert "2 件のアドレスに送信しました" in page.content.decode()

    # The group's admin page lists the message it received.
    group_page = client.get(reverse("admin:groups_group_change", args=[world.a.pk]))
    assert "総会のご案内" in group_page.content.decode()
    # ...sent when, in Japan time as every date in the admin (not the database's UTC).
    message.refresh_from_db()
    with translation.override("ja"):
        sent = date_format(timezone.localtime(message.sent_at), "DATETIME_FORMAT")
    assert sent in group_page.content.decode()
    assert "+00:00" not in group_page.content.decode()
    other = client.get(reverse("admin:groups_group_change", args=[world.c.pk]))
    assert "総会のご案内" not in other.content.decode()


def test_an_empty_segment_says_so_and_is_not_sent(client_for, world):
    client = client_for("staff")
    message = compose(client, groups=[world.a.pk])
    OfficeMessage.objects.filter(pk=message.pk).update(segment={"groups": []})
    page = client.get(reverse("admin:newsletter_message_recipients", args=[message.pk]))
    assert "選んだ宛先に該当する人がいないため、送信できません。" in page.content.decode()
    client.post(reverse("admin:newsletter_message_test_send", args=[message.pk]))
    response = client.post(reverse("admin:newsletter_message_send", args=[message.pk]), follow=True)
    assert "該当する人がいないため" in response.content.decode()
    message.refresh_from_db()
    assert message.is_draft


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"), "PDFファイルをアップロード"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4 cut short"), "PDFファイルが壊れているか"),
        (
            SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES),
            "ファイルが大きすぎます",
        ),
    ],
    ids=["not-a-pdf", "damaged", "too-large"],
)
def test_an_attachment_that_is_not_a_real_pdf_or_too_large_is_refused(
    client_for, world, upload, error
):
    response = client_for("staff").post(add_url(), form_data(attachment=upload))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not OfficeMessage.objects.exists()


def test_a_half_given_booking_period_is_refused(client_for, world):
    response = client_for("staff").post(add_url(), form_data(booked_from="2026-06-15"))
    assert "予約期間の初日と末日の両方を入力してください。" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_write_and_send_messages(client_for, role, world, staff):
    from newsletter import services

    message = services.office_message_create(
        actor=staff, subject="件名", body="本文", segment={"groups": [world.a.pk]}
    )
    client = client_for(role)
    pages = [
        reverse("admin:newsletter_officemessage_changelist"),
        add_url(),
        change_url(message),
        reverse("admin:newsletter_message_recipients", args=[message.pk]),
        reverse("admin:newsletter_message_preview", args=[message.pk]),
        reverse("admin:newsletter_message_preview_html", args=[message.pk]),
        reverse("admin:newsletter_message_send", args=[message.pk]),
        reverse("admin:newsletter_officemessagedelivery_changelist"),
    ]
    posts = [
        reverse("admin:newsletter_message_test_send", args=[message.pk]),
        reverse("admin:newsletter_message_send", args=[message.pk]),
        reverse("admin:newsletter_message_retry", args=[message.pk]),
        reverse("admin:newsletter_message_resume", args=[message.pk]),
        reverse("admin:newsletter_message_stop", args=[message.pk]),
    ]
    assert_only_staff_reach(client, role, pages=pages, posts=posts)
    message.refresh_from_db()
    if role != "staff":
        assert message.is_draft and not message.deliveries.exists()
        assert not mail.outbox


def test_the_recipients_page_costs_the_same_whatever_the_number(
    client_for, world, django_assert_max_num_queries
):
    from tests.factories import GroupFactory, MembershipFactory

    client = client_for("staff")
    message = compose(client, all_groups="on", audience="members")
    url = reverse("admin:newsletter_message_recipients", args=[message.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    for _ in range(12):
        group = GroupFactory()
        MembershipFactory.create_batch(3, group=group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "現在 39 件のアドレス" in page


def test_the_message_list_query_count(client_for, world, staff, django_assert_max_num_queries):
    from newsletter import services

    for n in range(12):
        message = services.office_message_create(
            actor=staff, subject=f"お知らせ{n}", body="本文", segment={"all_groups": True}
        )
        services.office_message_send(actor=staff, message=message, require_test=False)
    client = client_for("staff")
    url = reverse("admin:newsletter_officemessage_changelist")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
