"""Committee members (運営委員会・審査委員会, issue 17 part 5): they read the reports, the business
report, the survey results and the opinions addressed to the committee, and nothing else staff
can. Officials also read survey results. Any staff action posted by either is refused (403).
The full URL × role table is tests/security/matrix.py (role "committee")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import (
    COMMITTEE_GROUP,
    can_read_committee_opinions,
    can_view_reports,
    can_view_survey_results,
    is_committee_member,
    make_committee_member,
    remove_committee_member,
)
from news.models import Opinion
from tests.events.factories import QuestionFactory, SurveyFactory
from tests.factories import UserFactory
from tests.news.factories import OpinionFactory

pytestmark = pytest.mark.django_db


def test_the_committee_group_exists_and_reads_reports_only():
    group = Group.objects.get(name=COMMITTEE_GROUP)
    assert sorted(p.codename for p in group.permissions.all()) == ["view_reports"]


def test_the_role_is_given_and_taken(citizen):
    assert not is_committee_member(citizen)
    make_committee_member(citizen)
    assert is_committee_member(citizen)
    assert can_view_reports(citizen) and can_view_survey_results(citizen)
    assert can_read_committee_opinions(citizen)
    assert not citizen.is_staff
    remove_committee_member(citizen)
    fresh = type(citizen).objects.get(pk=citizen.pk)
    assert not is_committee_member(fresh) and not can_view_reports(fresh)


def test_an_inactive_committee_member_reads_nothing(committee):
    committee.is_active = False
    committee.save()
    assert not can_view_reports(committee)


def test_officials_read_survey_results_but_not_the_committees_opinions(official):
    assert can_view_survey_results(official)
    assert not can_read_committee_opinions(official)


@pytest.mark.parametrize("role", ["committee", "official", "staff"])
def test_survey_results_are_read_by_committee_officials_and_staff(role, client_for, ja):
    survey = SurveyFactory(title="交流会アンケート")
    QuestionFactory(survey=survey, text="満足度")
    client = client_for(role)
    page = client.get(f"/events/surveys/{survey.slug}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "満足度" in html
    # The admin's edit link is for staff only.
    assert ("/admin/events/survey/" in html) == (role == "staff")
    listing = client.get("/reports/surveys/").content.decode()
    assert "交流会アンケート" in listing


def test_a_citizen_reads_no_survey_results(client_for):
    survey = SurveyFactory()
    assert client_for("citizen").get(f"/events/surveys/{survey.slug}/results/").status_code == 403
    assert client_for("citizen").get("/reports/surveys/").status_code == 403


def test_the_committee_reads_only_the_opinions_addressed_to_it(
    client_for, ja, django_assert_max_num_queries
):
    OpinionFactory(
        addressed_to=Opinion.Addressee.COMMITTEE,
        message="運営委員会への提案です。",
        name="山田",
        email="yamada@example.jp",
    )
    OpinionFactory(addressed_to=Opinion.Addressee.OFFICE, message="事務局あての意見です。")
    for n in range(25):
        OpinionFactory(addressed_to=Opinion.Addressee.COMMITTEE, message=f"意見{n}")
    client = client_for("committee")
    with django_assert_max_num_queries(12):
        page = client.get("/reports/opinions/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "意見24" in html and "事務局あての意見" not in html
    assert "yamada@example.jp" not in html
    older = client.get("/reports/opinions/?page=2").content.decode()
    assert "運営委員会への提案です。" in older and "山田" in older
    assert client_for("official").get("/reports/opinions/").status_code == 403


@pytest.mark.parametrize("role", ["committee", "official"])
def test_committee_members_and_officials_post_to_no_staff_action(role, client_for, ja):
    client = client_for(role)
    # The desk, a walk-in booking, an object's decision in the admin: refused outright.
    assert client.post("/facilities/desk/").status_code == 403
    assert client.post(reverse("facilities:desk_walk_in")).status_code == 403
    opinion = OpinionFactory(addressed_to=Opinion.Addressee.COMMITTEE)
    from django.contrib import admin

    key = admin.site._registry[Opinion].decisions[0].key
    response = client.post(f"/admin/news/opinion/{opinion.pk}/decide/{key}/")
    assert response.status_code == 403
    # The admin itself: sent to the admin's login, nothing shown.
    assert client.get("/admin/").status_code == 302
    assert client.get(f"/admin/news/opinion/{opinion.pk}/change/").status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.NEW


def test_report_pages_open_to_the_committee(client_for):
    assert client_for("committee").get("/reports/annual/").status_code == 200
    assert client_for("citizen").get("/reports/annual/").status_code == 403


def test_the_nav_shows_the_reports_to_the_committee(client_for):
    html = client_for("committee").get("/").content.decode()
    assert "/reports/" in html


def test_a_fresh_user_has_no_committee_flag():
    assert not is_committee_member(UserFactory())


def test_staff_give_and_take_the_committee_role_in_the_admin(client_for, citizen, staff, ja):
    from core.models import AuditLog

    admin = client_for("staff")
    url = reverse("admin:accounts_user_changelist")
    other_staff = UserFactory(email="other-staff@example.org", is_staff=True)
    data = {"action": "make_committee", "_selected_action": [citizen.pk, other_staff.pk]}
    assert admin.post(url, data).status_code == 302
    citizen = type(citizen).objects.get(pk=citizen.pk)
    assert is_committee_member(citizen)
    # Never on a staff account.
    assert (
        not type(citizen)
        .objects.get(pk=other_staff.pk)
        .groups.filter(name=COMMITTEE_GROUP)
        .exists()
    )
    assert AuditLog.objects.filter(action="accounts.committee_role_grant").count() == 1
    admin.post(url, {"action": "remove_committee", "_selected_action": [citizen.pk]})
    assert not is_committee_member(type(citizen).objects.get(pk=citizen.pk))
    assert AuditLog.objects.filter(action="accounts.committee_role_revoke").count() == 1
