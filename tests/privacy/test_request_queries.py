"""The request page reads a fixed number of queries per holding of the registry, whatever the
number of rows the person has (issue 19, part 3)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import personal_data
from core.audit import log_action
from core.personal_data_requests import person_report
from groups.models import Membership
from tests.events.factories import RegistrationFactory
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def _count(email: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = person_report(email=email)
        assert report is not None
    return len(queries)


def _more_rows(user, n: int) -> None:
    for _ in range(n):
        MembershipFactory(group=GroupFactory(), user=user, role=Membership.Role.MEMBER)
        registration = RegistrationFactory(user=user, guest_name="", guest_email="")
        log_action(actor=user, action="events.registration_cancel", target=registration)
        RegistrationFactory(guest_name=user.full_name, guest_email="")  # phoned in by name


def test_the_report_costs_the_same_queries_for_one_row_or_many(db):
    user = UserFactory(email="many@example.org", full_name="多田 数子")
    _more_rows(user, 1)
    person_report(email=user.email)  # caches warmed (content types)
    few = _count(user.email)
    _more_rows(user, 6)
    assert _count(user.email) == few
    # At most a few per holding (the account, its addresses, then each holding and name search).
    assert few <= 2 * len(personal_data.holdings()) + 5


def test_the_page_costs_the_same_queries_for_one_row_or_many(client_for, staff):
    user = UserFactory(email="many@example.org", full_name="多田 数子")
    _more_rows(user, 1)
    client = client_for("staff")
    url = reverse("admin:personal_data_request")
    client.post(url, {"email": user.email})  # caches warmed (content types, the site)
    with CaptureQueriesContext(connection) as few:
        assert client.post(url, {"email": user.email}).status_code == 200
    _more_rows(user, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.post(url, {"email": user.email}).status_code == 200
    assert len(many) == len(few)
