"""Staff answer a person's request (開示請求) on the admin's request page: find everything the
portal holds about one e-mail address, grouped by kind, download it, correct it, erase it; every
step audited; officials and citizens refused (issue 19, part 3)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from core.models import AuditLog
from core.personal_data import address_hash
from events.models import Registration
from groups.models import Membership
from tests.events.factories import RegistrationFactory
from tests.factories import MembershipFactory, UserFactory

PAGE = "admin:personal_data_request"


@pytest.fixture
def hanako(group):
    user = UserFactory(email="hanako@example.org", full_name="山田花子", phone="090-1111-2222")
    MembershipFactory(group=group, user=user, role=Membership.Role.MEMBER)
    RegistrationFactory(user=user, guest_name="", guest_email="")
    return user


@pytest.fixture
def guest(db):
    """Someone with no account who registered for an event as a guest."""
    return RegistrationFactory(guest_name="佐藤一郎", guest_email="ichiro@example.net")


@pytest.fixture
def office(client_for):
    return client_for("staff")


def find(client, email):
    return client.post(reverse(PAGE), {"email": email})


def test_the_admin_home_leads_to_the_request_page(office):
    page = office.get(reverse("admin:index")).content.decode()
    assert reverse(PAGE) in page
    assert office.get(reverse(PAGE)).status_code == 200


def test_staff_see_each_kind_of_data_held_about_an_account(office, hanako, staff):
    response = find(office, "  Hanako@Example.org ")
    assert response.status_code == 200
    page = response.content.decode()
    assert "山田花子" in page and "090-1111-2222" in page
    holdings = {s.key for s in response.context["report"].sections}
    assert {"accounts.account", "groups.membership", "events.registration"} <= holdings
    # The page is the registry's: one section per holding, in its order, named by it.
    for section in response.context["report"].sections:
        assert f'data-holding="{section.key}"' in page
    entry = AuditLog.objects.get(action="core.personal_data_view")
    assert entry.actor == staff
    assert entry.target_id == str(hanako.pk)
    assert entry.data["address"] == address_hash("hanako@example.org")
    assert "hanako@example.org" not in json.dumps(entry.data)


def test_a_guest_without_an_account_is_found_by_the_address(office, guest):
    response = find(office, "ichiro@example.net")
    page = response.content.decode()
    assert "佐藤一郎" in page
    assert response.context["report"].user is None
    assert "events.guest" in {s.key for s in response.context["report"].sections}
    assert AuditLog.objects.filter(action="core.personal_data_view", target_id="").count() == 1


def test_an_address_the_portal_does_not_know_says_so(office, hanako):
    response = find(office, "nobody@example.com")
    assert response.status_code == 200
    assert response.context["not_found"] == "nobody@example.com"
    assert "nobody@example.com" in response.content.decode()
    assert response.context["report"] is None
    assert not AuditLog.objects.filter(action="core.personal_data_view").exists()


@pytest.mark.parametrize("typed", ["", "hanako", "hanako@", "a b@example.org", "x" * 300])
def test_what_is_not_an_address_is_a_form_error_and_kept(office, hanako, typed):
    response = find(office, typed)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "error-summary" in response.content.decode()
    assert response.context["report"] is None


def test_a_nul_byte_is_refused_as_the_admin_refuses_it(office, hanako):
    assert find(office, "a\x00b@example.org").status_code == 400


def test_the_json_file_holds_every_kind_with_every_record(office, hanako):
    response = office.post(
        reverse("admin:personal_data_download"), {"email": hanako.email, "format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["request"]["email"] == "hanako@example.org"
    assert document["request"]["account"] is True
    by_key = {h["key"]: h for h in document["holdings"]}
    account = by_key["accounts.account"]["records"][0]
    assert account["personal"]["full_name"] == "山田花子"
    assert account["personal"]["phone"] == "090-1111-2222"
    assert "password" not in account["other"] and "password" not in account["personal"]
    assert by_key["groups.membership"]["why"]
    entry = AuditLog.objects.get(action="core.personal_data_export")
    assert entry.data["format"] == "json" and entry.target_id == str(hanako.pk)


def test_the_printable_file_is_a_page_of_its_own(office, hanako):
    response = office.post(
        reverse("admin:personal_data_download"), {"email": hanako.email, "format": "html"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.html"')
    page = response.content.decode()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "山田花子" in page and "090-1111-2222" in page
    assert "<form" not in page and "csrfmiddlewaretoken" not in page
    assert AuditLog.objects.get(action="core.personal_data_export").data["format"] == "html"


def test_a_download_for_an_unknown_or_bad_address_gives_no_file(office, hanako):
    unknown = office.post(
        reverse("admin:personal_data_download"), {"email": "no@example.com", "format": "json"}
    )
    assert unknown.status_code == 200 and unknown.context["not_found"] == "no@example.com"
    bad = office.post(reverse("admin:personal_data_download"), {"email": "x", "format": "pdf"})
    assert bad.status_code == 400
    assert not AuditLog.objects.filter(action="core.personal_data_export").exists()


def correct(client, **data):
    return client.post(reverse("admin:personal_data_correct"), data)


def test_staff_correct_a_guests_name(office, guest):
    response = correct(
        office,
        email="ichiro@example.net",
        holding="events.guest",
        pk=guest.pk,
        field="guest_name",
        value="佐藤 一朗",
    )
    assert response.status_code == 200
    guest.refresh_from_db()
    assert guest.guest_name == "佐藤 一朗"
    assert "佐藤 一朗" in response.content.decode()
    entry = AuditLog.objects.get(action="core.personal_data_correct")
    assert entry.data == {"holding": "events.guest", "fields": ["guest_name"]}
    assert "佐藤" not in json.dumps(entry.data, ensure_ascii=False)


@pytest.mark.parametrize(
    "change",
    [
        {"holding": "events.guest", "field": "guest_email", "value": "not an address"},
        {"holding": "events.guest", "field": "event", "value": "1"},  # a link
        {"holding": "events.guest", "field": "no_such_field", "value": "x"},
        {"holding": "no.such_holding", "field": "guest_name", "value": "x"},
        {"holding": "accounts.account", "field": "email", "value": "x@example.org"},  # unique
        {"holding": "events.guest", "field": "guest_name", "value": "佐藤一郎"},  # unchanged
        {"holding": "events.guest", "field": "guest_name", "value": "x" * 500},  # too long
        {"holding": "events.guest", "field": "guest_name", "value": "x", "pk": "abc"},
        {"holding": "events.guest", "field": "guest_name", "value": "x", "pk": "99999999"},
        {"holding": "events.guest", "field": "guest_name", "value": "x", "pk": "1" * 40},
    ],
)
def test_a_correction_that_cannot_be_made_says_why_and_changes_nothing(office, guest, change):
    response = correct(office, email="ichiro@example.net", **{"pk": guest.pk, **change})
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    guest.refresh_from_db()
    assert (guest.guest_name, guest.guest_email) == ("佐藤一郎", "ichiro@example.net")
    assert not AuditLog.objects.filter(action="core.personal_data_correct").exists()


def test_a_record_of_someone_else_cannot_be_corrected_through_a_persons_request(
    office, guest, hanako
):
    other = RegistrationFactory(guest_name="別の人", guest_email="other@example.net")
    response = correct(
        office,
        email="ichiro@example.net",
        holding="events.guest",
        pk=other.pk,
        field="guest_name",
        value="書き換え",
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    other.refresh_from_db()
    assert other.guest_name == "別の人"
    assert correct(office, email="ichiro@example.net").status_code == 400  # fields missing


def erase(client, **data):
    return client.post(reverse("admin:personal_data_erase"), data)


def test_staff_erase_a_person_without_an_account(office, guest):
    kept = Registration.objects.count()
    response = erase(
        office,
        email="ichiro@example.net",
        confirm="ICHIRO@example.net",
        reason="書面で依頼、窓口で本人確認",
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    guest.refresh_from_db()
    assert guest.guest_email == "" and guest.guest_name != "佐藤一郎"
    assert Registration.objects.count() == kept  # the registration still counts
    assert response.context["not_found"] == "ichiro@example.net"
    entry = AuditLog.objects.get(action="core.personal_data_erase")
    assert entry.data["counts"]["events.guest"] == 1
    assert "ichiro" not in json.dumps(entry.data)


@pytest.mark.parametrize(
    "data",
    [
        {"confirm": "someone@example.net", "reason": "窓口"},  # the addresses differ
        {"confirm": "ichiro@example.net", "reason": ""},  # no reason
        {"confirm": "", "reason": "窓口"},
    ],
)
def test_an_erasure_not_confirmed_changes_nothing(office, guest, data):
    response = erase(office, email="ichiro@example.net", **data)
    assert response.status_code == 400
    assert response.context["erase_form"].errors
    guest.refresh_from_db()
    assert guest.guest_name == "佐藤一郎"
    assert not AuditLog.objects.filter(action="core.personal_data_erase").exists()


def test_a_person_with_an_account_is_erased_by_closing_it(office, hanako):
    page = find(office, hanako.email).content.decode()
    close = reverse("admin:accounts_user_decide", args=[hanako.pk, "close"])
    assert f'action="{close}"' in page
    # The request page's own erase refuses an account: closing it is the one way.
    response = erase(office, email=hanako.email, confirm=hanako.email, reason="窓口")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    hanako.refresh_from_db()
    assert hanako.full_name == "山田花子"


URLS = [
    ("admin:personal_data_request", {"get": 200, "post": 200}),
    ("admin:personal_data_download", {"get": 405, "post": 400}),
    ("admin:personal_data_correct", {"get": 405, "post": 400}),
    ("admin:personal_data_erase", {"get": 405, "post": 400}),
]
ROLES = [
    "anonymous",
    "citizen",
    "other_member",
    "member",
    "representative",
    "staff",
    "official",
    "committee",
    "department_official",
]


@pytest.mark.parametrize(("name", "staff_gets"), URLS, ids=[u[0] for u in URLS])
def test_only_staff_reach_the_request_page(name, staff_gets, client_for):
    """The permission matrix's rows for the page (the admin's rule: anonymous to the admin's
    log-in, any other signed-in role 403, also with a crafted POST)."""
    url = reverse(name)
    login = reverse("admin:login")
    for role in ROLES:
        client = client_for(role)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"email": "citizen@example.org"})
            if role == "anonymous":
                assert response.status_code == 302, (role, method)
                assert response["Location"].startswith(login), (role, method)
            elif role == "staff":
                expected = staff_gets[method]
                if name == "admin:personal_data_download" and method == "post":
                    expected = 400  # no format chosen
                assert response.status_code == expected, (role, method)
            else:
                assert response.status_code == 403, (role, method)
    assert (
        not AuditLog.objects.filter(action__startswith="core.personal_data_")
        .exclude(action="core.personal_data_view")
        .exists()
    )


def test_the_audit_log_is_never_corrected_from_the_request_page(office, hanako, staff):
    from core.audit import log_action

    entry = log_action(actor=staff, action="core.personal_data_view", target=hanako)
    page = find(office, hanako.email).content.decode()
    assert f'name="pk" value="{entry.pk}"' not in page  # no correction form for it
    response = correct(
        office,
        email=hanako.email,
        holding="core.audit_details",
        pk=entry.pk,
        field="target_repr",
        value="書き換え",
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    entry.refresh_from_db()
    assert entry.target_repr == "山田花子"


def test_an_address_people_sign_in_with_is_not_corrected_here(office, hanako):
    from allauth.account.models import EmailAddress

    address, _made = EmailAddress.objects.get_or_create(user=hanako, email=hanako.email)
    response = correct(
        office,
        email=hanako.email,
        holding="accounts.email_address",
        pk=address.pk,
        field="email",
        value="someone-else@example.org",
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    address.refresh_from_db()
    assert address.email == "hanako@example.org"
