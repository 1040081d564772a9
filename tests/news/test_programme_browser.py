"""The programme in a browser (issue 18 part 5): a member asks to appear from the programme's
page, staff schedule the request from the admin's decision panel on an upcoming episode, and the
episode's page shows the group. Phone (390 px, no sideways scrolling) and desk screenshots are
left in test-results/programme/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import AppearanceRequest
from tests.browser import support
from tests.browser.conftest import browser, live_url, page  # noqa: F401 (the browser fixtures)
from tests.collaboration.test_gobetween_browser import look
from tests.news.factories import EpisodeFactory

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "programme"


def test_a_member_asks_and_staff_schedule_the_group(page, live_url, member, group, staff):  # noqa: F811
    episode = EpisodeFactory(
        title="まちづくり協働チャンネル「川と暮らす」",
        air_date=timezone.localdate() + dt.timedelta(days=20),
    )
    support.sign_in(page.context, live_url, member)
    page.goto(reverse("programme:list"))
    look(page, "programme", SHOTS)
    page.get_by_role("link", name="広報番組への出演を希望する").click()
    page.wait_for_load_state()
    page.locator("#id_topic").fill("子ども食堂のボランティア募集")
    page.locator("#id_note").fill("代表と学生2名で出演したいです")
    look(page, "appear-form", SHOTS)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    request = AppearanceRequest.objects.get()
    look(page, "appear-sent", SHOTS)

    staff_context = support.new_context(page.context.browser, live_url)
    support.sign_in(staff_context, live_url, staff)
    admin = staff_context.new_page()
    admin.goto(reverse("admin:news_appearancerequest_change", args=[request.pk]))
    admin.locator("#decision-schedule-reason").select_option(str(episode.pk))
    look(admin, "admin-request", SHOTS)
    admin.get_by_role("button", name="この回に出演を決定").click()
    admin.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == AppearanceRequest.Status.SCHEDULED

    page.goto(episode.get_absolute_url())
    assert page.get_by_role("link", name=group.name).count() >= 1
    look(page, "episode", SHOTS)
