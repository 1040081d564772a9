"""The public pages: the list (upcoming, past by month, filters), the event page, calendars."""

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import selectors, services
from events.models import Event
from tests.events.factories import EventFactory, RegistrationFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(group):
    return {
        "soon": EventFactory(title="来週の情報交換会", start=at(3), end=at(3, 16)),
        "later": EventFactory(
            title="NPO会計講座", kind=Event.Kind.SEMINAR, start=at(20), end=at(20, 16)
        ),
        "group": EventFactory(
            title="子ども食堂見学会",
            kind=Event.Kind.OTHER,
            organiser=group,
            start=at(10, 10),
            end=at(10, 12),
        ),
        "past": EventFactory(title="先月の情報交換会", start=at(-30), end=at(-30, 16)),
        "draft": EventFactory(title="準備中の講座", status=Event.Status.DRAFT),
        "proposal": EventFactory(
            title="提案中の企画", status=Event.Status.PROPOSED, organiser=group
        ),
        "cancelled": services.event_cancel(
            actor=None, event=EventFactory(title="中止になった講座", start=at(5), end=at(5, 16))
        ),
    }


def test_list_shows_upcoming_first_and_hides_unpublished(client, calendar):
    text = client.get(reverse("events:list")).content.decode()
    assert (
        text.index("来週の情報交換会") < text.index("子ども食堂見学会") < text.index("NPO会計講座")
    )
    assert "中止になった講座" in text  # announced, marked as cancelled
    assert "先月の情報交換会" not in text
    assert "準備中の講座" not in text and "提案中の企画" not in text


def test_past_events_by_month(client, calendar):
    past = calendar["past"]
    month = timezone.localtime(past.start).strftime("%Y-%m")
    page = client.get(reverse("events:list"))
    assert f"?month={month}" in page.content.decode()
    page = client.get(reverse("events:list"), {"month": month})
    text = page.content.decode()
    assert page.status_code == 200
    assert "先月の情報交換会" in text and "来週の情報交換会" not in text


def test_filters_by_type_and_organiser(client, calendar, group):
    text = client.get(reverse("events:list"), {"kind": "seminar"}).content.decode()
    assert "NPO会計講座" in text and "来週の情報交換会" not in text
    text = client.get(reverse("events:list"), {"organiser": group.slug}).content.decode()
    assert "子ども食堂見学会" in text and "NPO会計講座" not in text
    text = client.get(reverse("events:list"), {"organiser": "office"}).content.decode()
    assert "子ども食堂見学会" not in text and "NPO会計講座" in text


@pytest.mark.parametrize(
    "params, message",
    [
        ({"month": "2025-13"}, "月は「2025-04」の形で指定してください"),
        ({"month": "abc"}, "月は「2025-04」の形で指定してください"),
        ({"kind": "party"}, "という種類はありません"),
        ({"organiser": "no-such-group"}, "指定された主催者は見つかりません"),
        ({"page": "999"}, None),
        ({"page": "x"}, None),
    ],
)
def test_bad_query_parameters_give_a_clear_message_not_an_error(client, calendar, params, message):
    response = client.get(reverse("events:list"), params)
    assert response.status_code in (200, 400)
    if message:
        assert response.status_code == 400
        assert message in response.content.decode()


def test_event_page(client, calendar, group):
    event = calendar["group"]
    RegistrationFactory(event=event, people=4)
    text = client.get(event.get_absolute_url()).content.decode()
    assert "子ども食堂見学会" in text
    assert "残り16席" in text
    assert group.name in text
    assert reverse("events:ics", args=[event.slug]) in text


def test_unpublished_event_pages_are_hidden_except_from_the_group_and_staff(
    client, client_for, calendar
):
    proposal = calendar["proposal"]
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client_for("other_member").get(proposal.get_absolute_url()).status_code == 404
    page = client_for("member").get(proposal.get_absolute_url())
    assert page.status_code == 200 and "オフィスの承認待ち" in page.content.decode()
    assert client_for("staff").get(calendar["draft"].get_absolute_url()).status_code == 200
    assert client.get(reverse("events:detail", args=["no-such-event"])).status_code == 404


def test_full_event_page_offers_the_waiting_list(client_for, calendar):
    event = calendar["soon"]
    RegistrationFactory(event=event, people=20)
    RegistrationFactory(event=event, people=2, status="waitlisted", waitlist_position=1)
    text = client_for("citizen").get(event.get_absolute_url()).content.decode()
    assert "満席" in text and "キャンセル待ち2名" in text
    assert "キャンセル待ちに登録する" in text


def test_ics_feed_and_per_event_file(client, calendar):
    response = client.get(reverse("events:feed"))
    assert response["Content-Type"].startswith("text/calendar")
    feed = Calendar.from_ical(response.content)
    titles = {str(component["summary"]) for component in feed.walk("VEVENT")}
    assert {"来週の情報交換会", "NPO会計講座", "子ども食堂見学会", "先月の情報交換会"} <= titles
    assert "準備中の講座" not in titles and "提案中の企画" not in titles
    cancelled = next(c for c in feed.walk("VEVENT") if str(c["summary"]) == "中止になった講座")
    assert str(cancelled["status"]) == "CANCELLED"

    event = calendar["soon"]
    response = client.get(reverse("events:ics", args=[event.slug]))
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert component.decoded("dtstart") == event.start
    assert component.decoded("dtend") == event.end
    assert str(component["location"]) == event.venue
    assert str(component["url"]).endswith(event.get_absolute_url())
    assert client.get(reverse("events:ics", args=[calendar["draft"].slug])).status_code == 404


def test_home_and_group_page_selectors(calendar, group):
    assert [e.title for e in selectors.upcoming(limit=2)] == [
        "来週の情報交換会",
        "子ども食堂見学会",
    ]
    assert all(e.is_published for e in selectors.upcoming(limit=10))
    assert [e.title for e in selectors.upcoming_for_group(group)] == ["子ども食堂見学会"]
    event = selectors.upcoming(limit=1)[0]
    assert event.get_absolute_url() == reverse("events:detail", args=[event.slug])


def test_reserved_slug_is_refused():
    from django.core.exceptions import ValidationError

    event = EventFactory.build(slug="propose")
    with pytest.raises(ValidationError):
        event.full_clean()


def test_slug_is_made_from_the_date_when_empty():
    event = EventFactory(slug="", start=at(4), end=at(4, 16))
    twin = EventFactory(slug="", start=at(4), end=at(4, 16))
    assert event.slug.endswith("-exchange") and twin.slug == event.slug + "-2"
