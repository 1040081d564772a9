"""Booking mails through the background worker (issue #20): with FACILITIES_MAIL_IN_BACKGROUND
a booking queues one job inside its own transaction and sends nothing in the request; the job
sends the very mail the request would have sent (subject, text, .ics, recipients, mail log);
a booking that fails or is rolled back queues nothing."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from core.fiscal import TOKYO
from facilities import notifications
from facilities.models import Booking
from facilities.services import (
    BookingError,
    booking_cancel,
    booking_create,
    series_create,
)
from facilities.tasks import send_booking_mail
from maillog.models import MailMessage, SentMail
from tests.facilities.factories import at

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)  # a Monday
DAY = dt.date(2026, 6, 4)  # a Thursday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def in_background(settings):
    settings.FACILITIES_MAIL_IN_BACKGROUND = True
    # The portal's own backend in front of locmem, as in production: the mail log is written.
    settings.EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"


def jobs():
    return list(ProcrastinateJob.objects.filter(task_name="facilities.send_booking_mail"))


def book(member, group, room, projector, start="10:00", end="12:00"):
    return booking_create(
        actor=member,
        room=room,
        group=group,
        start=at(DAY, start),
        end=at(DAY, end),
        purpose="定例会",
        attendees=8,
        equipment={projector: 1},
    )


def run(job):
    """What the worker does with the job (its arguments went through JSON)."""
    return send_booking_mail(**job.args)


def sent():
    return [
        (
            m.subject,
            m.body,
            sorted(m.to),
            [
                (name, bytes(content) if isinstance(content, bytes) else content, kind)
                for name, content, kind in m.attachments
            ],
        )
        for m in mail.outbox
    ]


def test_a_booking_queues_one_job_and_sends_nothing_in_the_request(
    in_background,
    member,
    representative,
    group,
    room,
    projector,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(member, group, room, projector)
    assert mail.outbox == []
    assert not SentMail.objects.exists()
    [job] = jobs()
    # What send_booking_mail.configure(lock=...).defer(...) queues: the task's queue and
    # priority, the group's lock (its mails go out in order), no queueing lock, at once.
    assert job.queue_name == "facilities"
    assert job.priority == 0
    assert job.lock == f"facilities-mail-group-{group.pk}"
    assert job.queueing_lock is None
    assert job.scheduled_at is None
    assert job.status == "todo"
    assert job.args == {
        "event": "confirmed",
        "booking_ids": [booking.pk],
        "reason": "",
        "previous": None,
        "is_change": False,
    }
    assert run(job) == 1
    [message] = mail.outbox
    assert sorted(message.to) == ["member@example.org", "rep@example.org"]
    assert message.attachments[0][0] == "booking.ics"


def test_the_page_says_the_mail_is_on_its_way_and_sends_nothing(
    in_background,
    client_for,
    member,
    group,
    room,
    projector,
    django_capture_on_commit_callbacks,
):
    from tests.facilities.test_booking_flow import form_data, token_of

    client = client_for("member")
    url = reverse("facilities:book", kwargs={"slug": room.slug})
    data = form_data(group, DAY, **{f"equipment_{projector.pk}": 1})
    page = client.post(url, {**data, "action": "check"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"token": token_of(page), "action": "book_confirmed"})
    assert response.status_code == 302
    assert Booking.objects.count() == 1
    assert len(jobs()) == 1 and mail.outbox == []


def test_the_job_sends_the_same_mail_as_the_request_would(
    in_background,
    member,
    representative,
    group,
    room,
    projector,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(member, group, room, projector)
    [job] = jobs()
    run(job)
    from_job = sent()
    logged = list(SentMail.objects.values_list("message__digest", "address", "field", "kind"))
    mail.outbox.clear()
    # The request's own path: the same booking as booking_create returned it, sent on commit.
    notifications.send("confirmed", [booking])
    assert sent() == from_job
    assert "プロジェクター ×1" in from_job[0][1] and "キャンセル期限" in from_job[0][1]
    assert logged and all(kind == "facilities" for *_, kind in logged)
    # The same content, logged once, for the same recipients each time.
    assert MailMessage.objects.count() == 1
    again = list(SentMail.objects.values_list("message__digest", "address", "field", "kind"))
    assert sorted(again) == sorted(logged * 2)


def test_the_inline_path_is_kept_without_the_setting(
    member, representative, group, room, projector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(member, group, room, projector)
    assert jobs() == []
    assert len(mail.outbox) == 1


def test_a_refused_booking_queues_nothing(
    in_background,
    member,
    group,
    other_group,
    room,
    projector,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        book(member, group, room, projector)
    with pytest.raises(BookingError), django_capture_on_commit_callbacks(execute=True):
        book(member, group, room, projector, start="11:00", end="13:00")  # a clash
    assert len(jobs()) == 1


def test_a_rolled_back_booking_queues_nothing(in_background, member, group, room, projector):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        book(member, group, room, projector)
        assert len(jobs()) == 1  # queued inside the booking's transaction...
        raise Undo
    assert jobs() == []  # ...and gone with it
    assert not Booking.objects.exists()


def test_a_series_and_a_cancellation_each_queue_one_job(
    in_background,
    member,
    representative,
    group,
    room,
    projector,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = series_create(
            actor=member,
            room=room,
            group=group,
            start=at(DAY, "18:00"),
            end=at(DAY, "19:00"),
            purpose="練習",
            attendees=5,
            rule="weekly",
            count=3,
            dates=[DAY + dt.timedelta(weeks=n) for n in range(3)],
        )
    [job] = jobs()
    assert job.args["booking_ids"] == [b.pk for b in result.booked]
    run(job)
    assert mail.outbox[0].body.count("練習") == 3
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=member, booking=result.booked[0], reason="雨天")
    cancel = [j for j in jobs() if j.args["event"] == "cancelled"]
    assert [j.args["reason"] for j in cancel] == ["雨天"]
    # The group's mails share one lock: the worker sends them in the order they were queued.
    assert {j.lock for j in jobs()} == {f"facilities-mail-group-{group.pk}"}
    run(cancel[0])
    assert "雨天" in mail.outbox[-1].body


def test_a_mail_server_that_does_not_answer_fails_the_run_for_a_retry(
    in_background,
    member,
    group,
    room,
    projector,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        book(member, group, room, projector)

    def refuse(self, messages):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(OSError):
        run(jobs()[0])
    assert not SentMail.objects.exists()
