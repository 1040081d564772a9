"""Issue 15: the registration's admin page shows whether the registrant agreed to share their
accessibility needs (配慮事項) with the organising group, read-only (their consent, not staff's)."""

import pytest
from django.urls import reverse

from events.models import Registration
from tests.events.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LABEL = "配慮事項を主催団体と共有する"


@pytest.mark.parametrize("shared", [True, False])
def test_staff_see_the_consent_and_cannot_change_it(client_for, shared):
    registration = RegistrationFactory(share_needs_with_organiser=shared)
    client = client_for("staff")
    url = reverse("admin:events_registration_change", args=[registration.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert LABEL in html
    assert 'name="share_needs_with_organiser"' not in html  # shown, not a form field
    assert "share_needs_with_organiser" in page.context["adminform"].readonly_fields

    # A crafted POST that flips it changes nothing.
    data = {"people": 1, "attended_people": 0, "note": "電話で確認"}
    if not shared:
        data["share_needs_with_organiser"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, html[-2000:]
    registration.refresh_from_db()
    assert registration.share_needs_with_organiser is shared
    assert registration.note == "電話で確認"


def test_the_add_form_has_no_consent_box(client_for):
    html = client_for("staff").get(reverse("admin:events_registration_add")).content.decode()
    assert 'name="share_needs_with_organiser"' not in html
    assert Registration.objects.count() == 0
