"""Surveys end to end: built by staff, sent to attendees or representatives, answered once,
results with counts, percentages, charts and CSV."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events import services, tokens
from events.models import Answer, Question, Response, Survey
from groups.models import Membership
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
    at,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_meeting(db):
    return EventFactory(
        slug="past-meeting", title="第11回 情報交換会", start=at(-2), end=at(-2, 16)
    )


@pytest.fixture
def survey(past_meeting):
    survey = SurveyFactory(
        slug="meeting-11",
        title="第11回 情報交換会 参加者アンケート",
        event=past_meeting,
        audience=Survey.Audience.ATTENDEES,
    )
    QuestionFactory(survey=survey, text="満足度", kind=Question.Kind.RATING, order=1)
    QuestionFactory(
        survey=survey,
        text="どこで知りましたか",
        kind=Question.Kind.SINGLE,
        options="情報紙\nホームページ\n知人の紹介",
        order=2,
    )
    QuestionFactory(
        survey=survey,
        text="関心のある分野",
        kind=Question.Kind.MULTIPLE,
        options="子ども\n環境\n福祉\nまちづくり",
        required=False,
        order=3,
    )
    QuestionFactory(
        survey=survey, text="ご意見", kind=Question.Kind.LONG_TEXT, required=False, order=4
    )
    return survey


def questions(survey):
    return {q.text: q for q in survey.questions.all()}


def answer_payload(survey, rating="4", source="情報紙", fields=("子ども", "環境"), comment=""):
    q = questions(survey)
    data = {
        f"q_{q['満足度'].pk}": rating,
        f"q_{q['どこで知りましたか'].pk}": source,
        f"q_{q['関心のある分野'].pk}": list(fields),
        f"q_{q['ご意見'].pk}": comment,
    }
    return data


def attended(event, user=None, **kwargs):
    defaults = {"attended": True, "attended_people": 1}
    if user is not None:
        defaults.update(user=user, guest_name="", guest_email="")
    return RegistrationFactory(event=event, **{**defaults, **kwargs})


def test_attendee_answers_once(client_for, citizen, survey, past_meeting):
    attended(past_meeting, citizen)
    client = client_for("citizen")
    url = survey.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "満足度" in page.content.decode()
    page = client.post(url, answer_payload(survey, comment="交流の時間がもっと欲しい"))
    assert "ご協力ありがとうございました" in page.content.decode()
    response = Response.objects.get()
    assert response.user == citizen
    answers = {a.question.text: a for a in response.answers.all()}
    assert answers["満足度"].rating == 4
    assert answers["どこで知りましたか"].choices == ["情報紙"]
    assert answers["関心のある分野"].choices == ["子ども", "環境"]
    assert answers["ご意見"].text == "交流の時間がもっと欲しい"
    # A second time: refused, nothing added.
    page = client.post(url, answer_payload(survey))
    assert "回答いただきました" in page.content.decode()
    with pytest.raises(services.SurveyError, match="既に回答"):
        services.survey_submit(survey=survey, user=citizen, answers={})
    assert Response.objects.count() == 1 and Answer.objects.count() == 4


def test_missing_required_answer_saves_nothing(client_for, citizen, survey, past_meeting):
    attended(past_meeting, citizen)
    payload = answer_payload(survey)
    del payload[f"q_{questions(survey)['満足度'].pk}"]
    page = client_for("citizen").post(survey.get_absolute_url(), payload)
    assert "この質問に回答してください" in page.content.decode()
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_service_refuses_bad_answers_as_a_whole(citizen, survey, past_meeting):
    attended(past_meeting, citizen)
    q = questions(survey)
    for bad in (
        {q["満足度"].pk: 9, q["どこで知りましたか"].pk: "情報紙"},
        {q["満足度"].pk: 3, q["どこで知りましたか"].pk: "テレビ"},
        {q["満足度"].pk: 3, q["どこで知りましたか"].pk: "情報紙", q["関心のある分野"].pk: ["宇宙"]},
    ):
        with pytest.raises(services.SurveyError):
            services.survey_submit(survey=survey, user=citizen, answers=bad)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_people_who_did_not_attend_cannot_answer(client_for, citizen, survey, past_meeting):
    RegistrationFactory(event=past_meeting, user=citizen, guest_name="", guest_email="")
    page = client_for("citizen").post(survey.get_absolute_url(), answer_payload(survey))
    assert page.status_code == 403
    assert "回答対象" in page.content.decode()
    assert not Response.objects.exists()


def test_anonymous_is_sent_to_login(client, survey):
    response = client.get(survey.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_closed_or_draft_surveys(client_for, citizen, survey, past_meeting):
    attended(past_meeting, citizen)
    survey.closes_at = timezone.now() - dt.timedelta(days=1)
    survey.save()
    page = client_for("citizen").get(survey.get_absolute_url())
    assert "回答を受け付けていません" in page.content.decode()
    survey.status = Survey.Status.DRAFT
    survey.closes_at = None
    survey.save()
    assert client_for("citizen").get(survey.get_absolute_url()).status_code == 404


def test_attendees_are_invited_after_the_event_and_guests_answer_by_link(
    client, past_meeting, survey, commit
):
    member = UserFactory(email="came@example.org")
    attended(past_meeting, member)
    guest = attended(past_meeting, guest_name="ゲスト", guest_email="guest@example.net")
    RegistrationFactory(event=past_meeting, guest_email="absent@example.net")  # did not come
    with commit():
        call_command("events_surveys_send", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["came@example.org", "guest@example.net"]
    survey.refresh_from_db()
    assert survey.invitations_sent_at is not None
    # Sent once only.
    call_command("events_surveys_send", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    guest_mail = next(m for m in mail.outbox if m.to == ["guest@example.net"])
    link = re.search(r"https://\S+", guest_mail.body.split("アンケート")[-1]).group(0)
    path = link.replace("https://kyodo.example.jp", "")
    assert client.get(path).status_code == 200
    page = client.post(path, answer_payload(survey))
    assert "ご協力ありがとうございました" in page.content.decode()
    response = Response.objects.get()
    assert response.registration == guest and response.user is None
    page = client.post(path, answer_payload(survey))
    assert "回答いただきました" in page.content.decode()
    assert Response.objects.count() == 1


def test_a_token_for_another_survey_is_refused(client, survey, past_meeting):
    guest = attended(past_meeting, guest_name="ゲスト", guest_email="guest@example.net")
    other = SurveyFactory(event=past_meeting, audience=Survey.Audience.ATTENDEES)
    token = tokens.survey_token(other, guest)
    assert client.get(survey.get_absolute_url() + "?t=" + token).status_code == 404
    assert client.get(survey.get_absolute_url() + "?t=nonsense").status_code == 404


def test_yearly_survey_of_registered_groups_is_for_representatives(
    client_for, representative, member, group, commit
):
    survey = SurveyFactory(
        slug="groups-2025", title="登録団体アンケート", audience=Survey.Audience.REPRESENTATIVES
    )
    question = QuestionFactory(
        survey=survey, text="活動上の課題", kind=Question.Kind.SHORT_TEXT, required=True
    )
    assert client_for("member").get(survey.get_absolute_url()).status_code == 403
    page = client_for("representative").post(
        survey.get_absolute_url(), {f"q_{question.pk}": "担い手の不足"}
    )
    assert "ご協力ありがとうございました" in page.content.decode()
    assert Response.objects.get().group == group
    with commit():
        services.survey_send_invitations(actor=None, survey=survey)
    assert [m.to for m in mail.outbox] == [[representative.email]]


def test_account_panel_lists_surveys_waiting_for_an_answer(client_for, representative):
    SurveyFactory(
        slug="groups-2025", title="登録団体アンケート", audience=Survey.Audience.REPRESENTATIVES
    )
    page = client_for("representative").get(reverse("my_account"))
    assert "登録団体アンケート" in page.content.decode()


def results_setup(survey, past_meeting):
    q = questions(survey)
    answers = [
        ("5", "情報紙", ["子ども"], "とても良かった"),
        ("4", "情報紙", ["子ども", "環境"], ""),
        ("4", "ホームページ", [], "駐車場の案内が欲しい"),
        ("2", "知人の紹介", ["福祉"], ""),
    ]
    for rating, source, fields, comment in answers:
        user = UserFactory()
        attended(past_meeting, user)
        services.survey_submit(
            survey=survey,
            user=user,
            answers={
                q["満足度"].pk: rating,
                q["どこで知りましたか"].pk: source,
                q["関心のある分野"].pk: fields,
                q["ご意見"].pk: comment,
            },
        )


def test_results_page_counts_percentages_charts_and_texts(client_for, survey, past_meeting):
    results_setup(survey, past_meeting)
    page = client_for("staff").get(reverse("events:survey_results", args=[survey.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "回答4件" in text
    assert "平均3.75" in text
    # 情報紙: 2 of 4 = 50%
    assert re.search(r"情報紙</th><td class=\"num\">2</td><td class=\"num\">50.0%", text)
    # 子ども chosen by 2 of the 3 who answered the multiple choice question
    assert re.search(r"子ども</th><td class=\"num\">2</td><td class=\"num\">66.7%", text)
    assert "駐車場の案内が欲しい" in text
    chart_url = reverse("events:survey_chart", args=[survey.slug, questions(survey)["満足度"].pk])
    assert f'<img class="chart" src="{chart_url}"' in text
    assert "<script" not in text


def test_results_page_leads_back_through_the_reports(client_for, survey, past_meeting):
    """The results are read with the reports: the trail leads back to the survey list, the
    business report and the figures pages."""
    results_setup(survey, past_meeting)
    text = client_for("official").get(reverse("events:survey_results", args=[survey.slug]))
    nav = text.content.decode().split('<nav class="breadcrumbs no-print"')[1].split("</nav>")[0]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', nav)
    assert [href for href, _text in links] == [
        reverse("reports:annual"),
        reverse("reports:business_index"),
        reverse("reports:surveys"),
    ]
    assert f'<span aria-current="page">{survey.title}</span>' in nav


def test_chart_is_a_clean_svg(client_for, survey, past_meeting):
    results_setup(survey, past_meeting)
    question = questions(survey)["どこで知りましたか"]
    response = client_for("staff").get(
        reverse("events:survey_chart", args=[survey.slug, question.pk])
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    assert body.startswith("<svg") and "<script" not in body.lower()
    assert "情報紙" in body
    assert "script-src 'none'" in response["Content-Security-Policy"]
    # Each count is written on its dark bar as dark text on a light halo.
    values = re.findall(r'<text[^>]*class="value"[^>]*>', body)
    assert values and all('style="stroke:#ffffff !important;' in text for text in values)
    # Free-text questions have no chart.
    text_q = questions(survey)["ご意見"]
    assert (
        client_for("staff")
        .get(reverse("events:survey_chart", args=[survey.slug, text_q.pk]))
        .status_code
        == 404
    )


def test_csv_export(client_for, survey, past_meeting):
    results_setup(survey, past_meeting)
    response = client_for("staff").get(reverse("events:survey_results_csv", args=[survey.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][3:] == ["満足度", "どこで知りましたか", "関心のある分野", "ご意見"]
    assert len(rows) == 5
    assert rows[2][3:] == ["4", "情報紙", "子ども / 環境", ""]


def test_admin_keeps_options_of_answered_questions(client_for, survey, past_meeting):
    results_setup(survey, past_meeting)
    from events.admin import QuestionInlineForm

    question = questions(survey)["どこで知りましたか"]
    form = QuestionInlineForm(
        instance=question,
        data={
            "order": 2,
            "text": question.text,
            "kind": question.kind,
            "options": "情報紙\nホームページ\nSNS",
            "required": "on",
        },
    )
    assert not form.is_valid()
    assert "知人の紹介" in str(form.errors)


def test_staff_build_a_survey_in_the_admin(client_for, past_meeting):
    client = client_for("staff")
    assert client.get(reverse("admin:events_survey_add")).status_code == 200
    prefix = "questions"
    response = client.post(
        reverse("admin:events_survey_add"),
        {
            "title": "講座アンケート",
            "slug": "seminar-survey",
            "description": "",
            "event": past_meeting.pk,
            "audience": "attendees",
            "status": "open",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-order": "1",
            f"{prefix}-0-text": "満足度",
            f"{prefix}-0-kind": "rating",
            f"{prefix}-0-required": "on",
            f"{prefix}-1-order": "2",
            f"{prefix}-1-text": "参加した理由",
            f"{prefix}-1-kind": "single",
            f"{prefix}-1-options": "",
        },
    )
    # A choice question without options is refused: nothing is saved.
    assert response.status_code == 200
    assert "選択肢を1行に1つずつ" in response.content.decode()
    assert not Survey.objects.filter(slug="seminar-survey").exists()


def test_members_audience_and_membership(member, group):
    survey = SurveyFactory(audience=Survey.Audience.MEMBERS)
    from events.permissions import can_answer_survey

    assert can_answer_survey(member, survey)
    Membership.objects.filter(user=member).delete()
    member._portal_memberships = None
    assert not can_answer_survey(member, survey)


def test_survey_for_attendees_needs_an_event():
    from django.core.exceptions import ValidationError

    survey = Survey(title="x", slug="x", audience=Survey.Audience.ATTENDEES)
    with pytest.raises(ValidationError):
        survey.full_clean()
