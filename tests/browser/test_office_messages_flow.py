"""Messages from the office in Chromium: staff write one in the admin, check its recipients
(cards on a 390-px phone, a table on a 1366-px desk, nothing wider than the screen), and the
pages pass axe's WCAG 2.1 AA rules. Screenshots go to test-results/office_message_*.png."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsletter import services
from tests.browser.widths import at_each_width, axe_problems
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def message(staff):
    for n, name in enumerate(["みどりの会", "ささえ愛ネットワーク", "はま子ども食堂"]):
        group = GroupFactory(name=name)
        MembershipFactory(
            group=group,
            user=UserFactory(
                email=f"representative-with-a-long-address-{n}@example-community.jp",
                full_name=f"代表 {n}郎",
            ),
            role="representative",
        )
    return services.office_message_create(
        actor=staff,
        subject="総会のご案内",
        body="今年度の**総会**を開きます。",
        segment={"all_groups": True},
    )


@pytest.mark.django_db(transaction=True)
def test_the_recipients_and_the_form_fit_a_phone_and_a_desk(
    page, sign_in, live_url, staff, message
):
    sign_in(staff)
    pages = {
        "recipients": reverse("admin:newsletter_message_recipients", args=[message.pk]),
        "send": reverse("admin:newsletter_message_send", args=[message.pk]),
        "change": reverse("admin:newsletter_officemessage_change", args=[message.pk]),
    }
    problems = []
    for name, width, found in at_each_width(page, live_url, pages, shots="office_message"):
        if name == "recipients":
            if found["overflow"]:
                problems.append(f"{name} {width}px: {found['overflow']} px too wide")
            problems += axe_problems(page, where=f"{name} {width}px")
    assert not problems, "\n".join(problems)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}{pages['recipients']}")
    assert page.get_by_text("現在 3 件のアドレス。").is_visible()
    # On a phone each recipient is a card led by its column's name.
    cell = page.locator(".office-message-recipients td").first
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
