"""Group members propose events; staff approve, return or cancel them (admin and services)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from core.models import AuditLog
from events import services
from events.models import Event, Registration
from groups.models import Group
from tests.events.factories import EventFactory, RegistrationFactory, at
from tests.factories import UserFactory

S = Registration.Status
pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def proposal(group, **data):
    return {
        "group": group.pk,
        "title": "子ども食堂 ボランティア説明会",
        "kind": "other",
        "start": local(at(14, 18)),
        "end": local(at(14, 20)),
        "venue": "オフィスのミーティングスペース",
        "summary": "活動の紹介と見学",
        "description": "",
        "capacity": "15",
        "fee_note": "無料",
        **data,
    }


def test_member_proposes_an_event_that_staff_approve(client_for, member, group, commit):
    client = client_for("member")
    assert client.get(reverse("events:propose")).status_code == 200
    with commit():
        page = client.post(reverse("events:propose"), proposal(group), follow=True)
    assert "オフィスで内容を確認してから公開します" in page.content.decode()
    event = Event.objects.get()
    assert (event.status, event.organiser, event.proposed_by) == (
        Event.Status.PROPOSED,
        group,
        member,
    )
    assert timezone.localtime(event.start).hour == 18
    assert {m.to[0] for m in mail.outbox} == {"office@kyodo-office.example.jp", member.email}
    # Not public yet.
    assert (
        "子ども食堂 ボランティア説明会"
        not in client_for("anonymous").get(reverse("events:list")).content.decode()
    )
    mail.outbox.clear()
    with commit():
        client_for("staff").post(
            reverse("admin:events_event_changelist"),
            {"action": "approve", "_selected_action": [event.pk]},
        )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "公開しました" in mail.outbox[0].subject
    assert AuditLog.objects.filter(action="events.event_approve").exists()


def test_proposal_with_an_image(client_for, group):
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "PNG")
    upload = SimpleUploadedFile("chirashi.png", image.getvalue(), content_type="image/png")
    response = client_for("member").post(
        reverse("events:propose"), {**proposal(group), "image": upload}
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.image.name.startswith("events/") and event.image.name.endswith(".png")
    page = client_for("member").get(event.get_absolute_url())
    assert event.image.url in page.content.decode()


def test_someone_else_cannot_cancel_my_registration(citizen, event):
    registration = services.registration_create(actor=citizen, event=event)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(actor=UserFactory(), registration=registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_proposal_errors_are_clear_and_nothing_is_saved(client_for, group):
    page = client_for("member").post(
        reverse("events:propose"),
        proposal(group, title="", end=local(at(14, 17)), capacity="0"),
    )
    text = page.content.decode()
    assert "タイトルを入力してください" in text
    assert "終了日時は開始日時より後にしてください" in text
    assert "定員は1人以上にしてください" in text
    page = client_for("member").post(
        reverse("events:propose"), proposal(group, start=local(at(-1)), end=local(at(-1, 16)))
    )
    assert "開始日時は現在より後にしてください" in page.content.decode()
    page = client_for("member").post(reverse("events:propose"), proposal(group, start="明日"))
    assert "日時は「2025-04-01 13:30」の形で入力してください" in page.content.decode()
    assert not Event.objects.exists()


def test_only_members_of_registered_groups_propose_and_only_for_their_group(
    client_for, group, other_group
):
    assert client_for("citizen").get(reverse("events:propose")).status_code == 403
    page = client_for("member").post(reverse("events:propose"), proposal(other_group))
    assert "所属する登録団体から選んでください" in page.content.decode()
    group.status = Group.Status.SUSPENDED
    group.save()
    assert client_for("member").get(reverse("events:propose")).status_code == 403
    assert not Event.objects.exists()


def test_staff_return_a_proposal_with_a_note(member, group, staff, commit):
    event = EventFactory(status=Event.Status.PROPOSED, organiser=group, proposed_by=member)
    with commit():
        services.event_reject(actor=staff, event=event, reason="会場が確保できませんでした。")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert "会場が確保できませんでした" in mail.outbox[0].body


def test_cancelling_an_event_tells_everyone_and_frees_them(staff, event, commit):
    people = [UserFactory() for _ in range(3)]
    for user in people:
        services.registration_create(actor=user, event=event)
    mail.outbox.clear()
    with commit():
        services.event_cancel(actor=staff, event=event, reason="台風の接近のため中止します。")
    assert set(Registration.objects.values_list("status", flat=True)) == {S.CANCELLED}
    assert len(mail.outbox) == 3
    assert all("中止" in m.subject for m in mail.outbox)
    assert "台風の接近" in mail.outbox[0].body
    with pytest.raises(services.EventError):
        services.event_cancel(actor=staff, event=event)


def test_admin_pages_open_for_staff(client_for, event):
    client = client_for("staff")
    RegistrationFactory(event=event)
    for url in [
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_add"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_registration_changelist"),
        reverse("admin:events_registration_add"),
        reverse("admin:events_registration_change", args=[Registration.objects.get().pk]),
        reverse("admin:events_survey_changelist"),
        reverse("admin:events_survey_add"),
        reverse("admin:events_response_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def admin_form_data(client, event) -> dict:
    """The event's admin change form as a browser would post it back unchanged."""
    page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if name == "image":
            continue
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        elif hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, dt.datetime):
            data[f"{name}_0"] = timezone.localtime(value).strftime("%Y-%m-%d")
            data[f"{name}_1"] = timezone.localtime(value).strftime("%H:%M:%S")
            continue
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data.update(
        {
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_admin_edit_to_cancelled_goes_through_the_service(client_for, event, commit):
    services.registration_create(actor=UserFactory(email="p@example.org"), event=event)
    mail.outbox.clear()
    client = client_for("staff")
    data = admin_form_data(client, event)
    data.update({"status": "cancelled", "staff_note": "講師の体調不良のため中止します。"})
    with commit():
        response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert Registration.objects.get().status == S.CANCELLED
    assert [m.to for m in mail.outbox] == [["p@example.org"]]


def test_moving_an_event_tells_everyone_coming_or_waiting_with_old_and_new(client_for, commit):
    event = EventFactory(capacity=1, start=at(10, 18), end=at(10, 20), venue="2階 会議室A")
    services.registration_create(actor=UserFactory(email="in@example.org"), event=event)
    services.registration_create(actor=UserFactory(email="wait@example.org"), event=event)
    gone = services.registration_create(actor=UserFactory(email="gone@example.org"), event=event)
    services.registration_cancel(actor=gone.user, registration=gone)
    mail.outbox.clear()
    client = client_for("staff")
    data = admin_form_data(client, event)
    new_start = timezone.localtime(at(11, 19))
    data.update(
        {
            "start_0": new_start.strftime("%Y-%m-%d"),
            "start_1": "19:00:00",
            "end_0": new_start.strftime("%Y-%m-%d"),
            "end_1": "21:00:00",
            "venue": "3階 多目的室",
        }
    )
    with commit():
        response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(m.to[0] for m in mail.outbox) == ["in@example.org", "wait@example.org"]
    message = next(m for m in mail.outbox if m.to == ["in@example.org"])
    assert "変更" in message.subject
    assert "18:00" in message.body and "2階 会議室A" in message.body  # before
    assert "19:00" in message.body and "3階 多目的室" in message.body  # now
    assert message.attachments and message.attachments[0][0] == "event.ics"
    entry = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert entry.decoded("dtstart") == new_start.replace(hour=19, minute=0)
    waiting = next(m for m in mail.outbox if m.to == ["wait@example.org"])
    assert not waiting.attachments  # no place yet: no calendar entry
    assert AuditLog.objects.filter(action="events.event_move").count() == 1


def test_editing_only_the_description_or_a_draft_tells_nobody(client_for, event, commit):
    services.registration_create(actor=UserFactory(), event=event)
    mail.outbox.clear()
    client = client_for("staff")
    data = admin_form_data(client, event)
    data["description"] = "持ち物：筆記用具"
    with commit():
        client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert mail.outbox == []
    draft = EventFactory(status=Event.Status.DRAFT, start=at(12, 18), end=at(12, 20))
    before = services.event_schedule(draft)
    draft.start, draft.end = at(13, 18), at(13, 20)
    draft.save()
    with commit():
        services.event_after_edit(actor=None, event=draft, before=before)
    assert mail.outbox == []
    assert not AuditLog.objects.filter(action="events.event_move").exists()


def test_staff_add_a_phone_registration_in_the_admin(client_for, event):
    RegistrationFactory(event=event, people=10)
    response = client_for("staff").post(
        reverse("admin:events_registration_add"),
        {
            "event": event.pk,
            "guest_name": "電話 受付",
            "guest_email": "",
            "people": "1",
            "note": "電話",
        },
    )
    assert response.status_code == 302
    added = Registration.objects.get(guest_name="電話 受付")
    assert added.status == S.WAITLISTED  # the same rules: the event is full


def test_day_before_reminders_once_per_event(event, commit):
    tomorrow = EventFactory(start=at(1, 18), end=at(1, 20))
    RegistrationFactory(event=tomorrow, guest_email="a@example.net")
    RegistrationFactory(event=tomorrow, guest_email="w@example.net", status=S.WAITLISTED)
    RegistrationFactory(event=event, guest_email="later@example.net")  # next week
    with commit():
        call_command("events_reminders_send", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["a@example.net"]]
    assert "明日開催" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "event.ics"
    with commit():
        call_command("events_reminders_send", stdout=io.StringIO())
    assert len(mail.outbox) == 1
