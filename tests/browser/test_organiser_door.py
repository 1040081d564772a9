"""An organiser takes attendance at the door on a phone (issue 15 part 2): from My Page to the
event's organiser page, then the attendance page, marks who came and adds a walk-in, at 390×844.
The organiser pages fit a phone and a desk (no sideways scrolling, 44-px targets), pass axe's
WCAG 2.1 AA rules, and leave screenshots in test-results/organiser_*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from core.fiscal import TOKYO
from events.models import Registration, RegistrationAnswer
from tests.a11y import layout
from tests.browser.conftest import RESULTS_DIR
from tests.browser.widths import at_each_width, axe_problems
from tests.events.factories import EventFactory, RegistrationFactory, RegistrationQuestionFactory

pytestmark = pytest.mark.browser

DAY = dt.datetime(2026, 12, 1, 13, 30, tzinfo=TOKYO)


@pytest.fixture
def door_day():
    """The event's day, half an hour before it starts (the clock ticks for the live server)."""
    with time_machine.travel(DAY, tick=True):
        yield


@pytest.fixture
def ours(door_day, group):
    event = EventFactory(
        slug="mimamori",
        title="子ども見守り隊 説明会",
        organiser=group,
        capacity=30,
        start=DAY + dt.timedelta(minutes=30),
        end=DAY + dt.timedelta(hours=2, minutes=30),
    )
    care = RegistrationQuestionFactory(
        event=event, text="配慮が必要なこと", kind="text", is_accessibility=True
    )
    names = ["青木 里美", "石田 誠一郎", "上野 ゆかり", "遠藤 健", "小川 千代子"]
    for n, name in enumerate(names):
        registration = RegistrationFactory(
            event=event,
            guest_name=name,
            guest_email=f"p{n}@example.net",
            people=1 + n % 3,
            share_needs_with_organiser=n == 0,
        )
        if n in (0, 1):
            RegistrationAnswer.objects.create(
                registration=registration, question=care, value="車いすで参加します"
            )
    RegistrationFactory(
        event=event,
        guest_name="岡本 待子",
        status=Registration.Status.WAITLISTED,
        waitlist_position=1,
    )
    return event


@pytest.mark.django_db(transaction=True)
def test_an_organiser_takes_attendance_at_the_door_on_a_phone(
    page, sign_in, live_url, member, ours
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(member)
    page.goto(f"{live_url}{reverse('my_account')}")
    page.get_by_role("link", name="子ども見守り隊 説明会").first.click()
    page.wait_for_url(re.compile(reverse("events:manage", args=[ours.slug]) + "$"))
    page.get_by_role("link", name="受付で出欠をとる").click()
    page.wait_for_url(re.compile(reverse("events:attendance", args=[ours.slug]) + "$"))
    assert layout.measure(page)["overflow"] <= 0

    first = Registration.objects.get(event=ours, guest_name="青木 里美")
    second = Registration.objects.get(event=ours, guest_name="石田 誠一郎")
    row = page.get_by_role("group", name="青木 里美")
    row.get_by_label("出席").check()
    page.get_by_role("group", name="石田 誠一郎").get_by_label("欠席").check()
    page.screenshot(path=str(RESULTS_DIR / "organiser_attendance_marking_390.png"), full_page=True)
    page.get_by_role("button", name="出席を保存する").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attended and first.attended_people == first.people
    assert not second.attended and second.attendance_recorded_at is not None

    page.get_by_label("人数").last.fill("2")
    page.get_by_role("button", name="当日参加を追加する").click()
    page.wait_for_load_state()
    assert ours.registrations.filter(is_walk_in=True, attended_people=2).exists()
    assert page.get_by_role("status").count()


@pytest.mark.django_db(transaction=True)
def test_the_organiser_pages_fit_a_phone_and_a_desk(page, sign_in, live_url, member, ours):
    sign_in(member)
    pages = {
        "manage": reverse("events:manage", args=[ours.slug]),
        "registrants": reverse("events:registrants", args=[ours.slug]),
        "attendance": reverse("events:attendance", args=[ours.slug]),
        "door_list": reverse("events:door_list", args=[ours.slug]),
        "message": reverse("newsletter:event_message", args=[ours.slug]),
    }
    problems = []
    for name, width, found in at_each_width(page, live_url, pages, shots="organiser"):
        problems += layout.problems_of(found, where=f"{name} {width}px")
        problems += axe_problems(page, where=f"{name} {width}px")
    assert not problems, "\n".join(problems)
    # Writing to the registrants on a phone: the preview names how many and who.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}{pages['message']}")
    page.get_by_label("件名").fill("当日の持ち物について")
    page.get_by_label("本文").fill("**筆記用具**をお持ちください。\n\n- 上履き\n- 名札")
    page.get_by_role("button", name="プレビュー").click()
    page.wait_for_load_state()
    assert page.get_by_text("5名に届きます").is_visible()
    assert page.get_by_role("button", name="5名に送る").is_visible()
    assert layout.measure(page)["overflow"] <= 0
    page.screenshot(path=str(RESULTS_DIR / "organiser_message_preview_390.png"), full_page=True)
    # The needs of the registrant who did not agree to share them never reach the page.
    page.goto(f"{live_url}{pages['registrants']}")
    assert page.get_by_text("車いすで参加します").count() == 1
