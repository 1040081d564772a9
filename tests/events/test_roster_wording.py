"""One name for one list: the roster of the people registered, used on the day to take
attendance, is 「参加者名簿」 on every page that links it (never 「受付名簿」 beside it); 受付 is
left to the reception desk and to "taking registrations"/"taking answers", each said in full."""

import pytest
from django.urls import reverse

from events.models import Survey
from tests.events.factories import EventFactory, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day", "ja")]


@pytest.mark.parametrize(
    "name", ["events:detail", "events:manage", "events:registrants", "events:attendance"]
)
def test_the_pages_that_link_the_roster_call_it_the_participant_list(client_for, name):
    event = EventFactory(slug="roster", title="見学会", start=at(0, 14), end=at(0, 16))
    html = client_for("staff").get(reverse(name, args=[event.slug])).content.decode()
    door = reverse("events:door_list", args=[event.slug])
    assert f'href="{door}">参加者名簿（印刷用）</a>' in html
    assert "受付名簿" not in html


def test_the_admin_links_the_roster_by_the_same_name(client_for):
    event = EventFactory(slug="roster", title="見学会")
    html = client_for("staff").get(reverse("admin:events_event_change", args=[event.pk]))
    html = html.content.decode()
    assert f'href="{reverse("events:door_list", args=[event.slug])}">参加者名簿</a>' in html
    assert "受付名簿" not in html


def test_a_surveys_dates_say_they_are_about_answers():
    assert str(Survey._meta.get_field("opens_at").verbose_name) == "回答受付開始"
    assert str(Survey._meta.get_field("closes_at").verbose_name) == "回答締切"
