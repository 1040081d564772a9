"""Forms that forgive (issue #16 part 6): after a bad submission every facilities form opens with
an error summary whose items link to the wrong fields, above the form, in Japanese."""

import re

import pytest
from django.urls import reverse

from tests.facilities.factories import EquipmentFactory, open_day

pytestmark = pytest.mark.django_db


def summary_of(page: str) -> str:
    match = re.search(r'<div class="form-errors error-summary".*?</div>', page, re.S)
    assert match, "an error summary at the top of the form"
    return match.group(0)


def test_the_booking_form_lists_every_problem_with_a_link_to_its_field(
    client_for, member, group, room, ja
):
    response = client_for("member").post(
        reverse("facilities:book", kwargs={"slug": room.slug}),
        {"group": group.pk, "date": open_day().isoformat(), "start_time": "10:00",
         "end_time": "12:00", "purpose": "", "attendees": room.capacity + 5, "repeat": "none",
         "action": "check"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page)
    assert 'role="alert"' in summary
    assert 'href="#id_attendees"' in summary and 'href="#id_purpose"' in summary
    assert 'id="id_attendees"' in page and 'id="id_purpose"' in page  # the links land
    assert page.index("error-summary") < page.index('id="id_date"')  # above the fields


def test_the_loan_form_opens_with_a_linked_summary(client_for, member, group, ja):
    pa_set = EquipmentFactory(name="ポータブルPAセット", quantity=2, may_leave_building=True)
    response = client_for("member").post(
        reverse("facilities:loan_new"),
        {"group": group.pk, "pickup_date": "", "return_date": "", "purpose": "",
         f"equipment_{pa_set.pk}": "1"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page)
    assert "項目を確認してください" in summary or "確認してください" in summary
    assert 'href="#id_pickup_date"' in summary
    assert page.index("error-summary") < page.index('id="id_pickup_date"')


def test_a_garbled_free_room_search_shows_the_summary_linking_to_the_date(client, ja):
    response = client.get(
        reverse("facilities:free"), {"date": "2026-13-45", "from": "10:00", "to": "12:00"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    (target,) = re.findall(r'<a href="#([^"]+)">', summary_of(page))
    assert f'id="{target}"' in page and 'name="date"' in page
    field = re.search(rf'<input[^>]*id="{target}"[^>]*>', page)
    assert field and 'name="date"' in field.group(0)  # the link lands on the date field


def test_an_unsent_form_has_no_summary(client_for, member, room):
    page = client_for("member").get(reverse("facilities:loan_new")).content.decode()
    assert "error-summary" not in page
    page = client_for("member").get(reverse("facilities:free")).content.decode()
    assert "error-summary" not in page
