"""Attendance (issue #14): names in 50音 order of their reading, and "mark all as attended"."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from events import selectors, services
from events.models import Registration
from events.rules import EventError
from tests.events.factories import EventFactory, RegistrationFactory, at
from tests.factories import UserFactory

S = Registration.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]


def _register(event, name, kana, email):
    user = UserFactory(email=email, full_name=name, full_name_kana=kana)
    return RegistrationFactory(event=event, user=user, guest_name="", guest_email="", people=1)


@pytest.fixture
def meeting(db):
    event = EventFactory(slug="meeting", capacity=30, start=at(0, 14))
    _register(event, "中村 健", "なかむら けん", "nakamura@example.org")
    _register(event, "伊藤 花", "いとう はな", "ito@example.org")
    _register(event, "佐々木 学", "ササキ マナブ", "sasaki@example.org")  # typed in katakana
    return event


def _names(page):
    text = page.content.decode()
    return sorted(
        (
            name
            for name in ["中村 健", "伊藤 花", "佐々木 学", "ゲスト 一郎", "上野 空"]
            if name in text
        ),
        key=text.index,
    )


def test_attendance_lists_people_in_the_order_of_their_reading(client_for, meeting):
    page = client_for("staff").get(reverse("events:attendance", args=[meeting.slug]))
    assert page.status_code == 200
    assert _names(page) == ["伊藤 花", "佐々木 学", "中村 健"]


def test_people_without_a_reading_come_after_those_with_one(client_for, meeting):
    RegistrationFactory(event=meeting, guest_name="ゲスト 一郎", people=1)
    _register(meeting, "上野 空", "", "ueno@example.org")  # no reading
    rows = selectors.door_list(meeting)
    assert [r.display_name for r in rows] == [
        "伊藤 花",
        "佐々木 学",
        "中村 健",
        "上野 空",
        "ゲスト 一郎",
    ]


def test_the_attendance_page_takes_the_same_number_of_queries_for_more_people(
    client_for, meeting, django_assert_max_num_queries
):
    client = client_for("staff")
    url = reverse("events:attendance", args=[meeting.slug])
    with django_assert_max_num_queries(9):
        client.get(url)
    for n in range(10):
        _register(meeting, f"追加 {n}", f"ついか {n}", f"extra{n}@example.org")
    with django_assert_max_num_queries(9):
        client.get(url)


def test_mark_all_marks_confirmed_rows_not_yet_recorded(staff, meeting):
    ito = meeting.registrations.get(user__email="ito@example.org")
    services.attendance_record(actor=staff, event=meeting, marks={ito.pk: 3})
    party = RegistrationFactory(event=meeting, guest_name="団体 御一行", people=4)
    waiting = RegistrationFactory(event=meeting, guest_name="待ち 太郎", status=S.WAITLISTED)
    walk_in = services.walk_in_add(actor=staff, event=meeting, name="飛び込み", people=2)

    changed = services.attendance_mark_all(actor=staff, event=meeting)

    assert changed == 3  # 中村, 佐々木 and the party of four
    ito.refresh_from_db()
    assert (ito.attended, ito.attended_people) == (True, 3)  # kept as recorded
    party.refresh_from_db()
    assert (party.attended, party.attended_people) == (True, 4)
    waiting.refresh_from_db()
    assert waiting.attended is False
    walk_in.refresh_from_db()
    assert walk_in.attended_people == 2
    logged = AuditLog.objects.get(action="events.attendance_mark_all")
    assert (logged.actor, logged.data["changed"], logged.data["people"]) == (staff, 3, 6)
    assert services.attendance_mark_all(actor=staff, event=meeting) == 0


def test_mark_all_follows_the_day_rule(staff, db):
    event = EventFactory(slug="later", capacity=30, start=at(3, 14))
    RegistrationFactory(event=event, guest_name="早い 人", people=1)
    with pytest.raises(EventError):
        services.attendance_mark_all(actor=staff, event=event)
    assert not event.registrations.filter(attended=True).exists()


def test_staff_mark_all_from_the_page(client_for, meeting):
    url = reverse("events:attendance", args=[meeting.slug])
    client = client_for("staff")
    assert "全員出席にする" in client.get(url).content.decode()
    response = client.post(url, {"mark_all": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "3件を出席にしました" in response.content.decode()
    assert meeting.registrations.filter(attended=True).count() == 3


def test_mark_all_before_the_day_says_why(client_for, db):
    event = EventFactory(slug="later", capacity=30, start=at(3, 14))
    RegistrationFactory(event=event, guest_name="早い 人", people=1)
    response = client_for("staff").post(
        reverse("events:attendance", args=[event.slug]), {"mark_all": "1"}
    )
    assert response.status_code == 200
    assert "開催日" in response.content.decode()
    assert not event.registrations.filter(attended=True).exists()


@pytest.mark.parametrize("role", ["member", "official"])
def test_only_staff_may_mark_all(client_for, meeting, role):
    response = client_for(role).post(
        reverse("events:attendance", args=[meeting.slug]), {"mark_all": "1"}
    )
    assert response.status_code == 403
    assert not meeting.registrations.filter(attended=True).exists()


def test_anonymous_is_sent_to_sign_in(client_for, meeting):
    response = client_for("anonymous").post(
        reverse("events:attendance", args=[meeting.slug]), {"mark_all": "1"}
    )
    assert response.status_code == 302
    assert not meeting.registrations.filter(attended=True).exists()
