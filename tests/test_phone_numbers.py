"""Phone numbers are stored half-width, whatever width people type them in (issue #16).

「０８９７－１２－３４５６」 typed on a phone's Japanese keyboard is kept as "0897-12-3456" in every
phone field (my account, a group's representative, the office's details); something that is not a
phone number gets a clear message and the form keeps what was typed. Numbers stored before are
normalised by a data migration per app."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.text import clean_phone, normalise_phone, normalise_stored_phone
from pages import footer
from pages.models import OfficeDetails
from tests.factories import GroupFactory, UserFactory
from tests.groups.test_fullwidth_text import profile_data


@pytest.fixture(autouse=True)
def _footer_kept():
    """Changing the office's details forgets the footer; the other tests get back the footer read
    before the session (tests/conftest.py), so their query counts do not depend on these tests."""
    kept = footer._kept
    yield
    footer._kept = kept


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """The activity fields of groups' migration 0002 and the staff's permissions (a transactional
    test elsewhere may have flushed them)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from accounts.roles import sync_role_permissions
    from groups.models import ActivityField

    if ActivityField.objects.count() < 20:
        _migration("groups", "0002_npo_law_fields").add_fields(apps, None)
    sync_role_permissions()


TYPED = "０８９７－１２－３４５６"
STORED = "0897-12-3456"
GARBAGE = "でんわ090"
MESSAGE_JA = "電話番号は10〜15桁の数字で"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (TYPED, STORED),
        ("０８９７ー１２ー３４５６", STORED),  # the long vowel mark, as some keyboards give
        ("0897‐12‐3456", STORED),  # U+2010 hyphen
        (" 0897 12 3456 ", "0897123456"),
        ("＋８１ ８９７－１２－３４５６", "+81897-12-3456"),
        ("(0897)12-3456", "(0897)12-3456"),
        ("", ""),
    ],
)
def test_a_phone_number_is_kept_half_width(typed, stored):
    assert normalise_phone(typed) == stored
    assert clean_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", [GARBAGE, "090-1234", "0897-12-3456 内線12", "81+897123456", "0" * 16]
)
def test_something_that_is_not_a_phone_number_is_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        clean_phone(typed)


@pytest.mark.django_db
def test_my_phone_typed_full_width_is_stored_half_width(client_for, citizen):
    response = client_for("citizen").post(
        reverse("my_account"), {"full_name": "協働 花子", "phone": TYPED}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == STORED


@pytest.mark.django_db
def test_garbage_in_my_phone_gets_a_message_and_the_form_keeps_it(client_for, citizen, ja):
    response = client_for("citizen").post(
        reverse("my_account"), {"full_name": "協働 花子", "phone": GARBAGE}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE_JA in html
    assert f'value="{GARBAGE}"' in html
    citizen.refresh_from_db()
    assert citizen.phone == ""


@pytest.mark.django_db
def test_the_representatives_phone_typed_full_width_is_stored_half_width(
    client_for, group, representative
):
    data = profile_data(
        group,
        representative_name="協働 太郎",
        representative_phone=TYPED,
        representative_address="中央市一番町1-1",
    )
    response = client_for("representative").post(reverse("groups:edit", args=[group.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert group.representative_phone == STORED


@pytest.mark.django_db
def test_garbage_in_the_representatives_phone_gets_a_message(client_for, group, representative, ja):
    data = profile_data(
        group,
        representative_name="協働 太郎",
        representative_phone=GARBAGE,
        representative_address="中央市一番町1-1",
    )
    response = client_for("representative").post(reverse("groups:edit", args=[group.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE_JA in html
    assert f'value="{GARBAGE}"' in html


OFFICE = {
    "name": "まちづくり協働オフィス",
    "postal_code": "790-0001",
    "address": "中央市一番町1-1",
    "fax": "",
    "email": "office@example.jp",
    "map_url": "",
    "access_note": "",
}


@pytest.mark.django_db
def test_the_office_phone_typed_full_width_is_stored_half_width(client_for):
    details = OfficeDetails.load()
    response = client_for("staff").post(
        reverse("admin:pages_officedetails_change", args=[details.pk]),
        {**OFFICE, "phone": TYPED, "fax": "０８９７－１２－３４５７"},
    )
    assert response.status_code == 302
    details = OfficeDetails.load()
    assert (details.phone, details.fax) == (STORED, "0897-12-3457")


@pytest.mark.django_db
def test_garbage_in_the_office_phone_gets_a_message(client_for, ja):
    details = OfficeDetails.load()
    before = details.phone
    response = client_for("staff").post(
        reverse("admin:pages_officedetails_change", args=[details.pk]),
        {**OFFICE, "phone": GARBAGE},
    )
    assert response.status_code == 200
    assert MESSAGE_JA in response.content.decode()
    assert OfficeDetails.load().phone == before


def test_a_stored_number_that_is_not_a_phone_number_is_only_nfkc_normalised():
    assert normalise_stored_phone(TYPED) == STORED
    assert normalise_stored_phone("ＴＥＬ ０８９７") == "TEL 0897"


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.django_db
def test_the_data_migrations_normalise_stored_numbers():
    user = UserFactory(email="old@example.org")
    group = GroupFactory()
    odd = UserFactory(email="odd@example.org")
    UserFactory._meta.model.objects.filter(pk=user.pk).update(phone=TYPED)
    UserFactory._meta.model.objects.filter(pk=odd.pk).update(phone="ＴＥＬ ０８９７")
    GroupFactory._meta.model.objects.filter(pk=group.pk).update(representative_phone=TYPED)
    details = OfficeDetails.load()
    OfficeDetails.objects.filter(pk=details.pk).update(phone=TYPED, fax="０８９７　１２　３４５７")

    _migration("accounts", "0004_normalise_phone_numbers").normalise_phone_numbers(apps, None)
    _migration("groups", "0009_normalise_phone_numbers").normalise_phone_numbers(apps, None)
    _migration("pages", "0003_normalise_phone_numbers").normalise_phone_numbers(apps, None)

    user.refresh_from_db()
    odd.refresh_from_db()
    group.refresh_from_db()
    details = OfficeDetails.load()
    assert user.phone == STORED
    assert odd.phone == "TEL 0897"
    assert group.representative_phone == STORED
    assert (details.phone, details.fax) == (STORED, "0897123457")
