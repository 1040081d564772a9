"""The attendance form opens with the shared error summary (issue #16, forms that forgive): each
wrong row is listed at the top by the person's name, linked to its field, and what was typed
stays; nothing is saved."""

import re

import pytest
from django.urls import reverse

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory, at
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]


@pytest.fixture
def meeting(db):
    event = EventFactory(slug="meeting", title="登録団体情報交換会", capacity=30, start=at(0, 14))
    yamada = UserFactory(email="yamada@example.org", full_name="山田 一郎")
    services.registration_create(actor=yamada, event=event, people=2)
    RegistrationFactory(event=event, guest_name="ゲスト 花子", people=1)
    return event


def summary_of(page: str) -> str:
    found = re.search(r'<div class="form-errors error-summary" role="alert".*?</div>', page, re.S)
    assert found, "the error summary is at the top of the form"
    return found.group(0)


def test_wrong_counts_are_listed_at_the_top_by_name_and_linked(client_for, meeting):
    yamada = Registration.objects.get(user__email="yamada@example.org")
    guest = Registration.objects.get(guest_name="ゲスト 花子")
    url = reverse("events:attendance", args=[meeting.slug])
    response = client_for("staff").post(
        url,
        {
            f"came_{yamada.pk}": "yes",
            f"people_{yamada.pk}": "-4",
            f"came_{guest.pk}": "yes",
            f"people_{guest.pk}": "abc",
            **{f"seen_{r.pk}": "-1" for r in (yamada, guest)},
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page)
    assert "2 か所を確認してください" in summary
    assert f'href="#id_people_{yamada.pk}"' in summary and "山田 一郎" in summary
    assert f'href="#id_people_{guest.pk}"' in summary and "ゲスト 花子" in summary
    assert "0以上を入力してください" in summary
    # Each link leads to a field on the page, which keeps what was typed.
    assert f'id="id_people_{yamada.pk}" value="-4"' in page
    assert summary.index("<h2") < summary.index("<ul")
    assert page.index("error-summary") < page.index('<table class="table-cards">')
    yamada.refresh_from_db()
    guest.refresh_from_db()
    assert not yamada.attended and yamada.attendance_recorded_at is None
    assert not guest.attended


def test_a_crafted_choice_is_listed_and_links_to_the_rows_first_button(client_for, meeting):
    yamada = Registration.objects.get(user__email="yamada@example.org")
    url = reverse("events:attendance", args=[meeting.slug])
    response = client_for("staff").post(url, {f"came_{yamada.pk}": "maybe"})
    page = response.content.decode()
    summary = summary_of(page)
    assert f'href="#id_came_{yamada.pk}_0"' in summary
    assert f'id="id_came_{yamada.pk}_0"' in page, "the link's target exists"
    assert f'<label for="id_came_{yamada.pk}_1">' in page


def test_a_refusal_of_the_service_is_in_the_summary(client_for, meeting, monkeypatch):
    def refuse(**kwargs):
        raise services.EventError("出席はまだ記録できません。")

    monkeypatch.setattr(services, "attendance_record", refuse)
    yamada = Registration.objects.get(user__email="yamada@example.org")
    response = client_for("staff").post(
        reverse("events:attendance", args=[meeting.slug]),
        {f"came_{yamada.pk}": "yes", f"people_{yamada.pk}": "1", f"seen_{yamada.pk}": "-1"},
    )
    assert "出席はまだ記録できません。" in summary_of(response.content.decode())


def test_a_page_without_errors_has_no_summary(client_for, meeting):
    page = client_for("staff").get(reverse("events:attendance", args=[meeting.slug]))
    assert "error-summary" not in page.content.decode()
