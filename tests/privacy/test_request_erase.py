"""Erasing from the request page (開示請求): what the database held under the address is gone from
every table afterwards, searched in the database (information_schema), while the records that
count in figures stay; a person with an account is erased by closing it, the same as 退会
(issue 19, part 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Registration
from news.models import Opinion
from newsletter.models import Subscriber
from tests.events.factories import RegistrationFactory
from tests.factories import UserFactory
from tests.privacy.test_request_export_complete import rows_naming

ADDRESS = "ichiro@example.net"


@pytest.fixture
def office(client_for):
    return client_for("staff")


@pytest.fixture
def someone(db):
    """A person with no account: a guest of an event, a newsletter subscriber, an opinion."""
    RegistrationFactory(guest_name="佐藤一郎", guest_email=ADDRESS)
    Subscriber.objects.create(email=ADDRESS)
    Opinion.objects.create(
        addressed_to=Opinion.Addressee.OFFICE,
        topic=Opinion.Topic.OTHER,
        message="会議室の予約がしやすくなりました。",
        name="佐藤一郎",
        email=ADDRESS,
    )


def test_erasing_leaves_no_trace_of_the_address_in_any_table(office, someone):
    before = rows_naming([ADDRESS])
    assert {t for t, _pk, _c in before} >= {
        "events_registration",
        "newsletter_subscriber",
        "news_opinion",
    }
    registrations = Registration.objects.count()
    response = office.post(
        reverse("admin:personal_data_erase"),
        {"email": ADDRESS, "confirm": ADDRESS, "reason": "書面で依頼、窓口で本人確認"},
    )
    assert response.status_code == 200
    # What stays under the address is the suppression list's keyed hash (never mailed again).
    left = response.context["report"]
    kept = [v.text for s in left.sections for r in s.records for v in r.personal]
    assert kept and all(text.endswith("@suppressed.invalid") for text in kept), kept
    assert rows_naming([ADDRESS, "佐藤一郎"]) == set()
    assert Registration.objects.count() == registrations  # still counted, anonymously


def test_a_person_with_an_account_is_erased_by_closing_the_account(office, group):
    user = UserFactory(email="hanako@example.org", full_name="山田花子", phone="090-1111-2222")
    RegistrationFactory(user=user, guest_name="", guest_email="")
    page = office.post(reverse("admin:personal_data_request"), {"email": user.email})
    close = reverse("admin:accounts_user_decide", args=[user.pk, "close"])
    assert f'action="{close}"' in page.content.decode()
    # The request page's form leads to the user admin's confirmation, then to account_close.
    confirm = office.post(close, {"reason": "窓口で本人確認"})
    assert confirm.status_code == 200
    done = office.post(close, {"reason": "窓口で本人確認", "confirmed": "yes"})
    assert done.status_code == 302
    again = office.post(reverse("admin:personal_data_request"), {"email": "hanako@example.org"})
    assert again.context["not_found"] == "hanako@example.org"
    assert rows_naming(["hanako@example.org", "山田花子", "090-1111-2222"]) == set()
