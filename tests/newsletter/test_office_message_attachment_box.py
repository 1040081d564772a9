"""The office message form offers "Remove the attachment" only when the draft has one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletter.models import OfficeMessage
from tests.newsletter import office_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ADD = "admin:newsletter_officemessage_add"
CHANGE = "admin:newsletter_officemessage_change"


def _data(**extra) -> dict:
    return {
        "subject": "総会のご案内",
        "body": "今年度の**総会**を開きます。",
        "audience": "representatives",
        "all_groups": "on",
        "event_statuses": ["confirmed"],
        **extra,
    }


def test_the_remove_box_shows_only_when_there_is_an_attachment(client_for):
    office_data.build()
    client = client_for("staff")
    assert 'name="remove_attachment"' not in client.get(reverse(ADD)).content.decode()

    assert client.post(reverse(ADD), _data()).status_code == 302
    plain = OfficeMessage.objects.latest("pk")
    html = client.get(reverse(CHANGE, args=[plain.pk])).content.decode()
    assert 'name="attachment"' in html
    assert 'name="remove_attachment"' not in html and "添付ファイルを外す" not in html

    upload = SimpleUploadedFile("資料.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse(ADD), _data(attachment=upload)).status_code == 302
    with_file = OfficeMessage.objects.latest("pk")
    html = client.get(reverse(CHANGE, args=[with_file.pk])).content.decode()
    assert 'name="remove_attachment"' in html

    # Ticking it removes the file; the box then goes away again.
    response = client.post(reverse(CHANGE, args=[with_file.pk]), _data(remove_attachment="on"))
    assert response.status_code == 302
    with_file.refresh_from_db()
    assert not with_file.attachment
    html = client.get(reverse(CHANGE, args=[with_file.pk])).content.decode()
    assert 'name="remove_attachment"' not in html
