"""The office's details are one setting staff edit; the footer shows them with today's hours."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.fiscal import TOKYO
from core.models import AuditLog
from pages import services
from pages.models import OfficeDetails

pytestmark = pytest.mark.django_db


def footer_of(client, path="/"):
    html = client.get(path).content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_staff_edit_the_details_in_the_admin_and_the_footer_shows_them_at_once(client_for):
    staff_client = client_for("staff")
    details = OfficeDetails.load()
    assert staff_client.get(reverse("admin:pages_officedetails_changelist")).status_code == 302
    url = reverse("admin:pages_officedetails_change", args=[details.pk])
    response = staff_client.post(
        url,
        {
            "name": "まちづくり協働オフィス",
            "postal_code": "790-0001",
            "address": "中央市一番町1-1",
            "phone": "089-000-1234",
            "fax": "",
            "email": "office@example.jp",
            "map_url": "https://maps.example.jp/office",
            "access_note": "",
        },
    )
    assert response.status_code == 302
    footer = footer_of(client_for("anonymous"))
    assert "中央市一番町1-1" in footer
    assert '<a href="tel:0890001234">089-000-1234</a>' in footer
    assert 'href="mailto:office@example.jp"' in footer
    assert 'href="https://maps.example.jp/office"' in footer
    entry = AuditLog.objects.get(action="pages.office_details_update")
    assert "address" in entry.data["fields"]


def test_a_bad_map_link_is_refused_with_a_message(client_for):
    details = OfficeDetails.load()
    response = client_for("staff").post(
        reverse("admin:pages_officedetails_change", args=[details.pk]),
        {"name": "オフィス", "map_url": "javascript:alert(1)", "email": "not-an-address"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_only_staff_change_the_details(client_for):
    details = OfficeDetails.load()
    url = reverse("admin:pages_officedetails_change", args=[details.pk])
    for role in ("citizen", "official", "member"):
        response = client_for(role).post(url, {"name": "乗っ取り"})
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert OfficeDetails.load().name != "乗っ取り"
    assert (
        client_for("staff")
        .post(reverse("admin:pages_officedetails_delete", args=[details.pk]), {"post": "yes"})
        .status_code
        == 403
    )


def test_the_footer_shows_todays_opening_hours_from_the_booking_rules(client, opening_hours):
    from facilities.models import ClosedDay, OpeningHours

    OpeningHours.objects.filter(weekday=0).update(opens=dt.time(9), closes=dt.time(17))
    monday = dt.datetime(2027, 1, 18, 12, 0, tzinfo=TOKYO)
    with time_machine.travel(monday):
        assert "本日の開館 9:00–17:00" in footer_of(client)  # G:i, as every time the portal writes
    with time_machine.travel(dt.datetime(2027, 1, 17, 12, 0, tzinfo=TOKYO)):  # a Sunday
        assert "本日休館" in footer_of(client)
    with time_machine.travel(dt.datetime(2026, 12, 30, 12, 0, tzinfo=TOKYO)):
        assert "年末年始" in footer_of(client)
    services.office_details_update(actor=None, phone="089-000-1234")  # forgets the kept footer
    ClosedDay.objects.create(date=dt.date(2027, 1, 25), reason="館内点検")
    services.office_details_update(actor=None, phone="089-000-1235")
    with time_machine.travel(dt.datetime(2027, 1, 25, 12, 0, tzinfo=TOKYO)):
        assert "館内点検" in footer_of(client)
