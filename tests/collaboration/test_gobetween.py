"""Issue 18 part 4: the go-between's record. Staff refer a consultation to a partner or a group,
record an introduction from a group's partner suggestions, see the follow-ups due (their page
and the admin home) and record what came of each; everything audited, nobody else sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration import services_gobetween as services
from collaboration.models import Introduction, Partner
from core.models import AuditLog
from groups.models import Consultation, Group
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(db):
    return Partner.objects.create(name="みどり印刷株式会社", kind=Partner.Kind.COMPANY)


@pytest.fixture
def consultation(group, staff):
    return Consultation.objects.create(
        held_on=timezone.localdate() - dt.timedelta(days=3),
        group=group,
        channel=Consultation.Channel.VISIT,
        category=Consultation.Category.PARTNERSHIP,
        summary="チラシを安く印刷できる協力先を探している",
        staff_member=staff,
    )


def _today():
    return timezone.localdate()


# --------------------------------------------------------------------------- referral


def test_staff_refer_a_consultation_to_a_partner_and_it_is_due_on_its_day(
    client_for, staff, consultation, company
):
    client = client_for("staff")
    page = client.get(reverse("collaboration:gobetween"))
    assert page.status_code == 200
    assert "チラシを安く印刷できる協力先を探している" in page.content.decode()

    url = reverse("collaboration:referral_create", args=[consultation.pk])
    follow_up = _today() + dt.timedelta(days=7)
    response = client.post(
        url,
        {
            "partner": company.pk,
            "made_on": _today().isoformat(),
            "follow_up_on": follow_up.isoformat(),
            "assignee": staff.pk,
            "note": "印刷会社の担当者を紹介",
        },
    )
    assert response.status_code == 302
    referral = Introduction.objects.get()
    assert referral.kind == Introduction.Kind.REFERRAL
    assert referral.consultation == consultation
    assert referral.from_group == consultation.group
    assert referral.partner == company
    assert referral.outcome == Introduction.Outcome.PENDING
    assert AuditLog.objects.filter(action="collaboration.introduction_record", actor=staff).exists()

    # Not due yet: pending "later"; referred consultations leave the "to refer" list.
    page = client.get(reverse("collaboration:gobetween"))
    assert list(page.context["due"]) == []
    assert list(page.context["later"]) == [referral]
    assert consultation not in page.context["to_refer"]
    assert Introduction.objects.due(follow_up).get() == referral


def test_a_referral_needs_exactly_one_target_and_keeps_what_staff_typed(
    client_for, consultation, company, other_group
):
    client = client_for("staff")
    url = reverse("collaboration:referral_create", args=[consultation.pk])
    both = client.post(
        url,
        {
            "partner": company.pk,
            "to_group": other_group.pk,
            "made_on": _today().isoformat(),
            "note": "両方を選んだ",
        },
    )
    assert both.status_code == 200
    assert "両方を選んだ" in both.content.decode()
    assert both.context["form"].errors
    neither = client.post(url, {"made_on": _today().isoformat()})
    assert neither.status_code == 200 and neither.context["form"].errors
    assert not Introduction.objects.exists()


def test_bad_dates_and_a_citizen_assignee_are_refused(staff, citizen, consultation, company):
    with pytest.raises(services.GoBetweenError):
        services.referral_record(
            actor=staff,
            consultation=consultation,
            partner=company,
            made_on=_today() + dt.timedelta(days=1),
        )
    with pytest.raises(services.GoBetweenError):
        services.referral_record(
            actor=staff,
            consultation=consultation,
            partner=company,
            follow_up_on=_today() - dt.timedelta(days=1),
        )
    with pytest.raises(services.GoBetweenError):
        services.referral_record(
            actor=staff, consultation=consultation, partner=company, assignee=citizen
        )
    with pytest.raises(services.GoBetweenError):
        services.referral_record(
            actor=staff,
            consultation=consultation,
            partner=company,
            made_on=consultation.held_on - dt.timedelta(days=1),
        )
    assert not Introduction.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="collaboration.introduction").exists()


def test_a_crafted_date_gives_a_form_error_not_a_500(client_for, consultation, company):
    response = client_for("staff").post(
        reverse("collaboration:referral_create", args=[consultation.pk]),
        {"partner": company.pk, "made_on": "2026-02-31", "follow_up_on": "x"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"made_on", "follow_up_on"}


# --------------------------------------------------------------------------- introductions


def test_staff_record_an_introduction_from_the_partner_suggestions(client_for, staff, group):
    partner_group = GroupFactory(name="川の清掃クラブ", name_kana="かわのせいそうくらぶ")
    field = group.fields.first()
    if field is not None:
        partner_group.fields.add(field)
    client = client_for("staff")
    # The group's page leads staff to the introduction page.
    page = client.get(group.get_absolute_url()).content.decode()
    introduce_url = reverse("collaboration:introduction_create", args=[group.slug])
    assert introduce_url in page

    response = client.get(introduce_url + f"?to={partner_group.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["to_group"] == partner_group.pk
    response = client.post(
        introduce_url,
        {
            "to_group": partner_group.pk,
            "made_on": _today().isoformat(),
            "follow_up_on": _today().isoformat(),
            "assignee": staff.pk,
            "note": "清掃活動で子ども食堂の食材運搬に協力できそう",
        },
    )
    assert response.status_code == 302
    introduction = Introduction.objects.get()
    assert introduction.kind == Introduction.Kind.SUGGESTION
    assert (introduction.from_group, introduction.to_group) == (group, partner_group)
    shown = client.get(introduce_url)
    assert list(shown.context["introductions"]) == [introduction]
    # Due today: on the follow-up page, and counted on the admin home.
    assert list(client.get(reverse("collaboration:gobetween")).context["due"]) == [introduction]
    home = client.get(reverse("admin:index")).content.decode()
    assert 'data-key="collaboration.follow_ups"' in home


def test_the_group_page_shows_the_link_to_staff_only(client_for, group):
    url = reverse("collaboration:introduction_create", args=[group.slug])
    for role in ("anonymous", "citizen", "member", "official"):
        assert url not in client_for(role).get(group.get_absolute_url()).content.decode(), role


def test_a_group_is_not_introduced_to_itself_nor_to_an_unregistered_group(staff, group):
    applied = GroupFactory(status=Group.Status.APPLIED, registered_on=None)
    with pytest.raises(services.GoBetweenError):
        services.introduction_record(actor=staff, from_group=group, to_group=group)
    with pytest.raises(services.GoBetweenError):
        services.introduction_record(actor=staff, from_group=group, to_group=applied)
    with pytest.raises(services.GoBetweenError):
        services.introduction_record(actor=staff, from_group=applied, to_group=group)
    assert not Introduction.objects.exists()


def test_an_unregistered_group_has_no_introduction_page(client_for):
    applied = GroupFactory(status=Group.Status.APPLIED, registered_on=None)
    url = reverse("collaboration:introduction_create", args=[applied.slug])
    assert client_for("staff").get(url).status_code == 404


# --------------------------------------------------------------------------- outcomes


def test_staff_record_what_came_of_it(client_for, staff, group, other_group):
    introduction = services.introduction_record(
        actor=staff, from_group=group, to_group=other_group, follow_up_on=_today()
    )
    client = client_for("staff")
    url = reverse("collaboration:introduction_outcome", args=[introduction.pk])
    assert client.get(url).status_code == 200
    # "No result" needs a note: the form says so and keeps the choice.
    refused = client.post(url, {"outcome": "no_result", "outcome_note": ""})
    assert refused.status_code == 200 and "outcome_note" in refused.context["form"].errors
    response = client.post(url, {"outcome": "connected", "outcome_note": "合同で清掃会を開催"})
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.outcome == Introduction.Outcome.CONNECTED
    assert introduction.outcome_on == _today()
    assert AuditLog.objects.filter(action="collaboration.introduction_outcome").count() == 1
    page = client.get(reverse("collaboration:gobetween"))
    assert list(page.context["due"]) == []
    assert list(page.context["closed"]) == [introduction]
    # The same outcome again is refused with a message, nothing written.
    again = client.post(url, {"outcome": "connected", "outcome_note": "合同で清掃会を開催"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert AuditLog.objects.filter(action="collaboration.introduction_outcome").count() == 1


def test_a_bad_outcome_value_is_a_form_error(client_for, staff, group, other_group):
    introduction = services.introduction_record(actor=staff, from_group=group, to_group=other_group)
    url = reverse("collaboration:introduction_outcome", args=[introduction.pk])
    response = client_for("staff").post(url, {"outcome": "lost"})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    assert (
        client_for("staff")
        .get(reverse("collaboration:introduction_outcome", args=[999999]))
        .status_code
        == 404
    )


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    "role", ["citizen", "other_member", "member", "representative", "official", "committee"]
)
def test_only_staff_reach_the_go_between_pages(client_for, role, group, consultation, staff):
    introduction = services.introduction_record(
        actor=staff, from_group=group, to_group=GroupFactory()
    )
    client = client_for(role)
    urls = [
        reverse("collaboration:gobetween"),
        reverse("collaboration:referral_create", args=[consultation.pk]),
        reverse("collaboration:introduction_create", args=[group.slug]),
        reverse("collaboration:introduction_outcome", args=[introduction.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in urls[1:]:  # the follow-up page only reads (a POST is 405 for everyone)
        assert client.post(url, {"outcome": "connected"}).status_code == 403, url
    introduction.refresh_from_db()
    assert introduction.outcome == Introduction.Outcome.PENDING


def test_a_department_official_is_refused_too(client, department_official):
    client.force_login(department_official)
    assert client.get(reverse("collaboration:gobetween")).status_code == 403


def test_anonymous_goes_to_the_login(client):
    response = client.get(reverse("collaboration:gobetween"))
    assert response.status_code == 302 and "login" in response["Location"]


# --------------------------------------------------------------------------- admin


def test_the_admin_records_the_outcome_with_its_buttons(client_for, staff, group, other_group):
    introduction = services.introduction_record(actor=staff, from_group=group, to_group=other_group)
    client = client_for("staff")
    change = reverse("admin:collaboration_introduction_change", args=[introduction.pk])
    assert client.get(change).status_code == 200
    decide = reverse("admin:collaboration_introduction_decide", args=[introduction.pk, "no_result"])
    # A reason is required for "nothing came of it".
    client.post(decide, {"reason": ""})
    introduction.refresh_from_db()
    assert introduction.outcome == Introduction.Outcome.PENDING
    client.post(decide, {"reason": "日程が合わなかった"})
    introduction.refresh_from_db()
    assert introduction.outcome == Introduction.Outcome.NO_RESULT
    assert introduction.outcome_note == "日程が合わなかった"
    listing = client.get(reverse("admin:collaboration_introduction_changelist") + "?due=yes")
    assert listing.status_code == 200
    # The admin's list leads to the staff page where new ones are recorded.
    assert f'href="{reverse("collaboration:gobetween")}"' in listing.content.decode()


def test_the_admin_edits_the_follow_up_through_the_service(client_for, staff, group, other_group):
    introduction = services.introduction_record(actor=staff, from_group=group, to_group=other_group)
    client = client_for("staff")
    change = reverse("admin:collaboration_introduction_change", args=[introduction.pk])
    later = _today() + dt.timedelta(days=14)
    response = client.post(
        change,
        {
            "made_on": _today().isoformat(),
            "note": "",
            "follow_up_on": later.isoformat(),
            "assignee": staff.pk,
        },
    )
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.follow_up_on == later and introduction.assignee == staff
    entry = AuditLog.objects.get(action="collaboration.introduction_update")
    assert entry.data["fields"] == ["assignee", "follow_up_on"]


# --------------------------------------------------------------------------- queries


def test_the_follow_up_page_has_a_fixed_query_count(
    client_for, staff, company, django_assert_max_num_queries
):
    for n in range(12):
        a, b = GroupFactory(), GroupFactory()
        services.introduction_record(
            actor=staff, from_group=a, to_group=b, follow_up_on=_today(), assignee=staff
        )
        c = Consultation.objects.create(
            group=a, channel="visit", category="partnership", summary=f"相談{n}"
        )
        services.referral_record(
            actor=staff,
            consultation=c,
            partner=company,
            follow_up_on=_today() + dt.timedelta(days=3),
        )
        Consultation.objects.create(
            person_name=f"相談者{n}", channel="phone", category="other", summary="未紹介"
        )
    client = client_for("staff")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("collaboration:gobetween")).status_code == 200
