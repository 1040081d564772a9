"""The go-between's record in a browser (issue 18 part 4): staff open a group's page, follow
「紹介を記録する」, pick a partner suggestion, record the introduction, find it due on the
follow-up page and record what came of it; a consultation is referred from the same page. Each
page is looked at on a phone (390 px: no sideways scrolling) and a desk, with screenshots left
in test-results/gobetween/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Introduction, Partner
from groups.models import Consultation
from tests.browser import support
from tests.browser.conftest import browser, live_url, page  # noqa: F401 (the browser fixtures)
from tests.factories import GroupFactory

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "gobetween"


def look(page, name: str, shots: Path = SHOTS) -> None:  # noqa: F811
    """Screenshots at 390×844 and 1366×900; the page never scrolls sideways on a phone."""
    shots.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_load_state()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_introduce_a_group_and_record_what_came_of_it(page, live_url, staff, group):  # noqa: F811
    partner_group = GroupFactory(name="川の清掃クラブ", name_kana="かわのせいそうくらぶ")
    partner_group.fields.set(group.fields.all())
    partner_group.areas.set(group.areas.all())
    Partner.objects.create(name="みどり印刷株式会社", kind=Partner.Kind.COMPANY)
    Consultation.objects.create(
        group=group,
        channel=Consultation.Channel.VISIT,
        category=Consultation.Category.PARTNERSHIP,
        summary="チラシを安く印刷できる協力先を探している",
    )
    support.sign_in(page.context, live_url, staff)

    page.goto(group.get_absolute_url())
    page.get_by_role("link", name="紹介を記録する").click()
    page.wait_for_load_state()
    look(page, "introduction-form")
    page.locator("#id_to_group").select_option(str(partner_group.pk))
    page.locator("#id_follow_up_on").fill(timezone.localdate().isoformat())
    page.locator("#id_note").fill("食材の運搬で協力できそう")
    page.get_by_role("button", name="紹介を記録").click()
    page.wait_for_load_state()
    introduction = Introduction.objects.get()
    assert introduction.to_group == partner_group

    page.goto(reverse("collaboration:gobetween"))
    look(page, "follow-ups")
    page.get_by_role("link", name="結果を記録する").first.click()
    page.wait_for_load_state()
    page.get_by_label("つながった").first.check()
    page.locator("#id_outcome_note").fill("合同で清掃会を開いた")
    look(page, "outcome-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    introduction.refresh_from_db()
    assert introduction.outcome == Introduction.Outcome.CONNECTED

    page.get_by_role("link", name="つなぐ").first.click()
    page.wait_for_load_state()
    page.locator("#id_partner").select_option(label="みどり印刷株式会社")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert Introduction.objects.filter(kind=Introduction.Kind.REFERRAL).count() == 1
    page.goto(reverse("collaboration:gobetween"))
    look(page, "follow-ups-after")
    # The referral form with an error keeps what was typed, with the error summary.
    consultation = Consultation.objects.get()
    page.goto(reverse("collaboration:referral_create", args=[consultation.pk]))
    page.locator("#id_note").fill("両方を選んでしまった")
    page.locator("#id_partner").select_option(label="みどり印刷株式会社")
    page.locator("#id_to_group").select_option(str(partner_group.pk))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_note").input_value() == "両方を選んでしまった"
    look(page, "referral-form-error")
