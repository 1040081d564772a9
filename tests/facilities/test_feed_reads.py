"""A group's private calendar address is made with the group: opening "my bookings" only reads.
A group that has no address yet (made before addresses were) is offered one, which its
representative makes with a click."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.models import GroupCalendarFeed
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_new_group_has_its_calendar_address_from_the_start():
    group = GroupFactory()
    assert GroupCalendarFeed.objects.filter(group=group).exists()


@pytest.mark.parametrize("role", ["member", "representative", "staff"])
def test_opening_my_bookings_writes_nothing(client_for, group, representative, role):
    client = client_for(role)
    GroupCalendarFeed.objects.filter(group=group).delete()  # an old group, without an address
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("facilities:bookings"))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert not GroupCalendarFeed.objects.filter(group=group).exists()


def test_a_group_without_an_address_is_offered_one_by_its_representative(
    client_for, group, member, representative
):
    GroupCalendarFeed.objects.filter(group=group).delete()
    reset_url = reverse("facilities:group_feed_reset", kwargs={"slug": group.slug})
    member_page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert "カレンダーのアドレスはまだありません" in member_page
    assert "団体の管理者が作れます" in member_page
    assert reset_url not in member_page
    rep = client_for("representative")
    assert reset_url in rep.get(reverse("facilities:bookings")).content.decode()
    assert rep.post(reset_url).status_code == 302
    feed = GroupCalendarFeed.objects.get(group=group)
    page = rep.get(reverse("facilities:bookings")).content.decode()
    assert feed.token in page
