"""Recurring bookings: preview clashes, book the free dates, cancel one or the rest."""

import datetime as dt

import pytest
from django.urls import reverse

from facilities.models import Booking, BookingSeries
from facilities.rules import series_dates
from facilities.selectors import series_preview
from facilities.services import BookingError, booking_cancel, series_create
from tests.facilities.factories import at, make_booking, series_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wide_window(room):
    """Four weekly dates may reach past the two-month window around the year end."""
    room.window_months = 4
    room.save()


def test_weekly_dates_keep_the_weekday_and_time():
    dates = series_dates(
        at(dt.date(2026, 6, 2), "18:00"), at(dt.date(2026, 6, 2), "20:00"), "weekly", 4
    )
    assert [s.date() for s, _e in dates] == [
        dt.date(2026, 6, 2),
        dt.date(2026, 6, 9),
        dt.date(2026, 6, 16),
        dt.date(2026, 6, 23),
    ]
    assert all(s.hour == 18 and e.hour == 20 for s, e in dates)


def test_monthly_dates_fall_on_the_same_nth_weekday():
    # 2026-06-09 is the 2nd Tuesday of June.
    dates = series_dates(
        at(dt.date(2026, 6, 9), "10:00"), at(dt.date(2026, 6, 9), "12:00"), "monthly_nth", 4
    )
    assert [s.date() for s, _e in dates] == [
        dt.date(2026, 6, 9),
        dt.date(2026, 7, 14),
        dt.date(2026, 8, 11),
        dt.date(2026, 9, 8),
    ]
    assert all(s.weekday() == 1 for s, _e in dates)


def test_a_fifth_weekday_is_skipped_in_months_without_one():
    # 2026-06-30 is the 5th Tuesday of June; July has no 5th Tuesday, September has one.
    dates = series_dates(
        at(dt.date(2026, 6, 30), "10:00"), at(dt.date(2026, 6, 30), "12:00"), "monthly_nth", 4
    )
    assert [s.date() for s, _e in dates] == [dt.date(2026, 6, 30), dt.date(2026, 9, 29)]


def weekly(member, room, group, day, count=4, **extra):
    return series_preview(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        rule="weekly", count=count, attendees=5, **extra,
    )  # fmt: skip


def test_the_preview_shows_which_dates_clash(member, other_group, group, room):
    day = series_start()
    clash = day + dt.timedelta(weeks=2)
    make_booking(room, at(clash, "11:00"), at(clash, "13:00"), group=other_group)
    preview = weekly(member, room, group, day)
    assert [o.ok for o in preview] == [True, True, False, True]
    assert "11:00" in preview[2].problem
    assert not Booking.objects.filter(group=group).exists()  # a preview books nothing


def test_the_preview_counts_the_series_itself_against_the_monthly_limit(member, group, room, rules):
    rules.group_monthly_hours = 4
    rules.close_on_public_holidays = False
    rules.close_year_end = False
    rules.save()
    room.window_months = 6
    room.save()
    today = dt.date.today()
    first_tuesday = (today.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    while first_tuesday.weekday() != 1:
        first_tuesday += dt.timedelta(days=1)
    preview = weekly(member, room, group, first_tuesday, count=4)
    # 2 hours a week, all in one month: two fit in the 4-hour limit, the next two do not.
    assert [o.ok for o in preview] == [True, True, False, False]
    assert "4" in preview[2].problem


def test_booking_the_free_dates_only(member, group, other_group, room):
    day = series_start()
    clash = day + dt.timedelta(weeks=1)
    make_booking(room, at(clash, "10:00"), at(clash, "12:00"), group=other_group)
    preview = weekly(member, room, group, day)
    result = series_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        rule="weekly", count=4, dates=[o.date for o in preview if o.ok], purpose="練習会",
        attendees=5,
    )  # fmt: skip
    assert len(result.booked) == 3
    assert result.series.count == 3
    assert Booking.objects.filter(series=result.series).count() == 3


def test_a_date_taken_between_preview_and_saving_is_skipped_not_double_booked(
    member, group, other_group, room
):
    day = series_start()
    preview = weekly(member, room, group, day, count=3)
    assert all(o.ok for o in preview)
    taken = day + dt.timedelta(weeks=1)
    make_booking(room, at(taken, "10:00"), at(taken, "12:00"), group=other_group)
    result = series_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        rule="weekly", count=3, dates=[o.date for o in preview], purpose="練習会", attendees=5,
    )  # fmt: skip
    assert [b.start.date() for b in result.booked] == [day, day + dt.timedelta(weeks=2)]
    assert [o.date for o in result.skipped] == [taken]


def test_nothing_free_means_nothing_saved(member, group, other_group, room):
    day = series_start()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=other_group)
    with pytest.raises(BookingError):
        series_create(
            actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
            rule="weekly", count=1, dates=[day], purpose="練習会", attendees=5,
        )  # fmt: skip
    assert not BookingSeries.objects.exists()


def make_series(member, room, group, day, count=4):
    return series_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        rule="weekly", count=count,
        dates=[day + dt.timedelta(weeks=n) for n in range(count)], purpose="練習会", attendees=5,
    )  # fmt: skip


def test_cancelling_one_occurrence_leaves_the_others(member, group, room):
    result = make_series(member, room, group, series_start())
    booking_cancel(actor=member, booking=result.booked[1])
    statuses = list(
        Booking.objects.filter(series=result.series)
        .order_by("start")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "cancelled", "confirmed", "confirmed"]


def test_cancelling_the_rest_of_a_series(member, group, room):
    result = make_series(member, room, group, series_start())
    cancelled = booking_cancel(actor=member, booking=result.booked[1], following=True)
    assert len(cancelled) == 3
    statuses = list(
        Booking.objects.filter(series=result.series)
        .order_by("start")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]


def test_the_form_previews_then_books_the_checked_dates(client_for, group, other_group, room):
    client = client_for("member")
    day = series_start()
    clash = day + dt.timedelta(weeks=2)
    make_booking(room, at(clash, "10:00"), at(clash, "11:00"), group=other_group)
    data = {
        "group": group.pk,
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "合唱練習",
        "attendees": 8,
        "repeat": "weekly",
        "repeat_count": 4,
    }
    url = reverse("facilities:book", kwargs={"slug": room.slug})
    response = client.post(url, {**data, "action": "book"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [o.ok for o in preview] == [True, True, False, True]
    page = response.content.decode()
    assert f'value="{clash.isoformat()}"' in page and "disabled" in page
    assert not Booking.objects.filter(group=group).exists()
    chosen = [o.key for o in preview if o.ok]
    response = client.post(url, {**data, "action": "confirm", "dates": chosen})
    assert response.status_code == 302
    assert Booking.objects.filter(group=group, series__isnull=False).count() == 3


def test_the_cancel_page_offers_the_rest_of_the_series(client_for, member, group, room):
    result = make_series(member, room, group, series_start())
    client = client_for("member")
    url = reverse("facilities:booking_cancel", kwargs={"pk": result.booked[2].pk})
    response = client.get(url)
    assert "scope" in response.context["form"].fields
    response = client.post(url, {"scope": "following", "reason": ""})
    assert response.status_code == 302
    assert Booking.objects.filter(series=result.series, status="cancelled").count() == 2
