"""The booking flow (issue #16 part 3): every problem at once in plain words naming the thing,
a confirmation step before anything is booked, the confirmation mail with the cancellation
deadline and an .ics, the recurring preview at the top, a warning when the group already holds
another room, and ``booking_check`` (the dry run other parts of the portal use)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from facilities.models import Booking
from facilities.services import BookingErrors, booking_check, booking_create
from tests.facilities.factories import EquipmentFactory, at, make_booking, open_day, series_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def form_data(group, day, **extra):
    data = {
        "group": group.pk,
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "定例会",
        "attendees": 8,
        "repeat": "none",
    }
    data.update(extra)
    return data


def book_url(room):
    return reverse("facilities:book", kwargs={"slug": room.slug})


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the confirmation page carries the answers in a signed token"
    return match.group(1)


def test_a_booking_is_confirmed_on_a_second_page_before_anything_is_booked(
    client_for, member, group, room, projector, django_capture_on_commit_callbacks
):
    client = client_for("member")
    day = open_day()
    data = form_data(group, day, **{f"equipment_{projector.pk}": 1})
    response = client.post(book_url(room), {**data, "action": "check"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "予約内容の確認" in page
    assert room.name in page and "10:00–12:00" in page and "プロジェクター ×1" in page
    deadline = at(day, "10:00") - dt.timedelta(hours=room.cancel_deadline_hours)
    # The day as people write it (「2026年12月7日(月) 10:00」), never ISO.
    written = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    assert f"{written}(" in page and f"{deadline:%Y-%m-%d}" not in page
    assert "キャンセル期限" in page
    assert not Booking.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(room), {"token": token_of(response), "action": "book_confirmed"}
        )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.equipment_items.get().equipment == projector

    message = mail.outbox[-1]
    assert "キャンセル期限" in message.body
    assert f"{written}(" in message.body and f"{deadline:%Y-%m-%d}" not in message.body
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    content = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in content and room.name in content


def test_the_final_post_checks_again_and_says_why_when_the_time_was_taken(
    client_for, member, group, other_group, room
):
    client = client_for("member")
    day = open_day()
    response = client.post(book_url(room), {**form_data(group, day), "action": "check"})
    token = token_of(response)
    make_booking(room, at(day, "11:00"), at(day, "13:00"), group=other_group)
    response = client.post(book_url(room), {"token": token, "action": "book_confirmed"})
    assert response.status_code == 200
    assert "11:00" in response.content.decode()
    assert Booking.objects.filter(group=group).count() == 0


def test_a_tampered_or_foreign_token_books_nothing(client_for, member, other_member, group, room):
    day = open_day()
    response = client_for("member").post(book_url(room), {**form_data(group, day)})
    token = token_of(response)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client_for("member").post(
        book_url(room), {"token": forged, "action": "book_confirmed"}
    )
    assert response.status_code == 302
    # Another account replaying the member's token: refused too.
    response = client_for("other_member").post(
        book_url(room), {"token": token, "action": "book_confirmed"}
    )
    assert response.status_code == 302
    assert not Booking.objects.exists()


def test_back_from_the_confirmation_keeps_the_answers(client_for, member, group, room):
    client = client_for("member")
    day = open_day()
    response = client.post(book_url(room), {**form_data(group, day, purpose="印刷作業")})
    response = client.post(book_url(room), {"token": token_of(response), "action": "back"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="印刷作業"' in page and f'value="{day.isoformat()}"' in page


def test_every_problem_is_shown_at_once_in_plain_words_naming_the_thing(
    client_for, member, group, other_group, room, projector
):
    client = client_for("member")
    day = open_day()
    make_booking(room, at(day, "11:00"), at(day, "12:00"), group=other_group)
    data = form_data(
        group,
        day,
        purpose="",
        attendees=room.capacity + 5,
        **{f"equipment_{projector.pk}": 3},
    )
    response = client.post(book_url(room), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "プロジェクターは2台までです" in page
    assert f"{room.name}の定員は{room.capacity}人です" in page
    assert "利用目的を入力してください" in page
    assert "11:00" in page  # the clash, in the same answer
    assert "以下でなければなりません" not in page and "This field" not in page
    # The summary at the top links each problem to its field.
    assert 'id="error-summary"' in page and 'href="#id_attendees"' in page
    assert not Booking.objects.filter(group=group).exists()


def test_the_service_raises_every_problem_at_once(member, group, other_group, room, projector):
    day = open_day()
    make_booking(room, at(day, "11:00"), at(day, "12:00"), group=other_group)
    make_booking(room, at(day, "14:00"), at(day, "15:00"), group=other_group,
                 equipment={projector: 2})  # fmt: skip
    with pytest.raises(BookingErrors) as caught:
        booking_create(
            actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
            purpose="", attendees=room.capacity + 1, equipment={projector: 1},
        )  # fmt: skip
    codes = {e.code for e in caught.value.errors}
    assert {"capacity", "clash", "purpose"} <= codes
    assert not Booking.objects.filter(group=group).exists()


def test_booking_check_is_a_dry_run_with_every_answer(member, group, other_group, room, projector):
    day = open_day()
    make_booking(room, at(day, "11:00"), at(day, "12:00"), group=other_group,
                 equipment={projector: 2})  # fmt: skip
    check = booking_check(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=room.capacity + 1, equipment={projector: 1},
    )  # fmt: skip
    assert not check.ok
    assert {e.code for e in check.errors} == {"capacity", "clash", "equipment"}
    assert check.forbidden is None
    assert Booking.objects.count() == 1

    fine = booking_check(
        actor=member, room=room, group=group, start=at(day, "13:00"), end=at(day, "15:00"),
        purpose="定例会", attendees=4,
    )  # fmt: skip
    assert fine.ok and fine.messages == [] and not fine.needs_approval


def test_booking_check_says_when_the_actor_may_not_book(other_member, group, room):
    day = open_day()
    check = booking_check(
        actor=other_member, room=room, group=group, start=at(day, "10:00"),
        end=at(day, "12:00"), attendees=4,
    )  # fmt: skip
    assert check.forbidden is not None and not check.ok


def test_booking_check_says_when_staff_must_approve(member, group, room):
    room.requires_approval = True
    room.save()
    day = open_day()
    check = booking_check(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        attendees=4,
    )  # fmt: skip
    assert check.ok and check.needs_approval


def test_a_second_room_at_the_same_time_is_a_warning_not_a_refusal(
    client_for, member, group, room, other_room
):
    day = open_day()
    booking_create(
        actor=member, room=other_room, group=group, start=at(day, "10:00"),
        end=at(day, "11:00"), purpose="準備", attendees=3,
    )  # fmt: skip
    client = client_for("member")
    response = client.post(book_url(room), form_data(group, day))
    page = response.content.decode()
    assert "予約内容の確認" in page
    assert other_room.name in page and "両方" in page
    response = client.post(
        book_url(room), {"token": token_of(response), "action": "book_confirmed"}
    )
    assert response.status_code == 302
    assert Booking.objects.filter(group=group).count() == 2


def test_the_recurring_preview_comes_first_on_the_page(client_for, member, group, room):
    day = series_start()
    response = client_for("member").post(
        book_url(room), form_data(group, day, repeat="weekly", repeat_count=3)
    )
    page = response.content.decode()
    assert response.status_code == 200
    preview = page.index('id="preview-heading"')
    assert preview < page.index('name="purpose"')
    assert preview < page.index('name="date"')
    assert page.count('name="dates"') == 3


def test_a_request_for_a_room_needing_approval_says_so_before_and_after(
    client_for, member, group, room
):
    room.requires_approval = True
    room.save()
    client = client_for("member")
    response = client.post(book_url(room), form_data(group, open_day()))
    assert "承認" in response.content.decode()
    response = client.post(
        book_url(room), {"token": token_of(response), "action": "book_confirmed"}, follow=True
    )
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_the_confirmation_page_is_a_few_queries_whatever_the_equipment(
    client_for, member, group, room, django_assert_max_num_queries
):
    for n in range(8):
        EquipmentFactory(name=f"機材{n}", quantity=3)
    client = client_for("member")
    client.get(book_url(room))  # the session and per-process caches warm
    with django_assert_max_num_queries(17):
        response = client.post(book_url(room), form_data(group, open_day()))
    assert response.status_code == 200


def test_a_clash_on_the_first_date_of_a_series_leaves_the_other_dates_bookable(
    client_for, member, group, other_group, room
):
    day = series_start()
    make_booking(room, at(day, "10:00"), at(day, "11:00"), group=other_group)
    response = client_for("member").post(
        book_url(room), form_data(group, day, repeat="weekly", repeat_count=3)
    )
    page = response.content.decode()
    assert 'id="preview-heading"' in page
    assert page.count('name="dates"') == 3 and page.count("disabled") >= 1


def test_a_link_from_the_free_room_search_prefills_people_and_equipment(
    client_for, member, group, room, projector
):
    day = open_day()
    query = (
        f"?start={day}T10%3A00&end={day}T12%3A00&attendees=7"
        f"&equipment={projector.pk}&equipment={projector.pk}&equipment=x&equipment=99999"
    )
    response = client_for("member").get(book_url(room) + query)
    form = response.context["form"]
    assert form.initial["attendees"] == 7
    assert form.initial[f"equipment_{projector.pk}"] == 2
    assert form.initial["start_time"] == dt.time(10)


def test_staff_see_the_kind_of_booking_on_the_confirmation(client_for, staff, room):
    day = open_day()
    data = {
        "kind": "maintenance", "group": "", "date": day.isoformat(), "start_time": "9:00",
        "end_time": "12:00", "purpose": "空調点検", "attendees": 1, "repeat": "none",
    }  # fmt: skip
    page = client_for("staff").post(book_url(room), data).content.decode()
    assert "予約内容の確認" in page
    assert "保守点検（利用不可）" in page


def test_the_confirmation_page_is_english_in_english(client_for, member, group, room, settings):
    client = client_for("member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.post(book_url(room), form_data(group, open_day())).content.decode()
    assert "Check your booking" in page and "Cancellation deadline" in page
    assert "Book with these details" in page
