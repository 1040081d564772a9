"""A QA pass over the events pages at 390 px (December 2026): a pending lottery reads as a
lottery with the draw's deadline, cancelling asks first, the registration form offers a group
only to people who act for one, mail addresses stand on their own line, My Page keeps
"（2名）" together, a full login-only event tells visitors about the waiting list and sign-up,
the proposal form preselects the only group, and the survey CSV names groups only to staff."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import urlize

from core.fiscal import TOKYO
from events import services
from events.models import Answer, Event, Question, Registration, Response, Survey
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory, SurveyFactory
from tests.factories import GroupFactory, MembershipFactory, UserFactory

S = Registration.Status
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lottery(db):
    return EventFactory(
        slug="workshop-lottery",
        title="親子で楽しむ環境ワークショップ",
        kind=Event.Kind.WORKSHOP,
        mode=Event.Mode.LOTTERY,
        capacity=16,
        start=dt.datetime(2027, 1, 10, 9, 30, tzinfo=TOKYO),
        end=dt.datetime(2027, 1, 10, 12, 0, tzinfo=TOKYO),
        draw_at=dt.datetime(2026, 12, 15, 12, 0, tzinfo=TOKYO),
    )


@pytest.fixture
def full_event(db):
    """A full event with a waiting list of one."""
    event = EventFactory(
        slug="seminar-full",
        title="はじめての助成金申請セミナー",
        kind=Event.Kind.SEMINAR,
        capacity=2,
        start=dt.datetime(2026, 12, 18, 18, 30, tzinfo=TOKYO),
        end=dt.datetime(2026, 12, 18, 20, 30, tzinfo=TOKYO),
        waiting_list=True,
    )
    RegistrationFactory(event=event, people=1)
    return event


def text_of(response) -> str:
    return response.content.decode()


def facts(page: str) -> str:
    """The event's facts list, tags removed (to read a row's label with its value)."""
    block = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


# --- 1. A pending lottery is a lottery on the list and shows the draw's deadline


def test_a_pending_lottery_shows_the_draws_deadline_not_the_events_start(client, lottery):
    row = facts(text_of(client.get(lottery.get_absolute_url())))
    assert "空き状況 抽選（定員16名）" in row
    assert "申し込み 2026年12月15日(火) 12:00まで申し込みを受け付け、その後に抽選" in row
    assert "2027年1月10日(日) 9:30まで" not in row


def test_the_list_calls_a_pending_lottery_a_lottery_not_places_left(client, lottery):
    page = text_of(client.get(reverse("events:list")))
    assert "抽選（定員16名）" in page
    assert "残り16席" not in page


def test_a_drawn_lottery_is_first_come_again(client, lottery):
    lottery.drawn_at = NOW
    lottery.save(update_fields=["drawn_at"])
    page = text_of(client.get(reverse("events:list")))
    assert "残り16席" in page and "抽選（定員" not in page
    row = facts(text_of(client.get(lottery.get_absolute_url())))
    assert "申し込み 2027年1月10日(日) 9:30まで" in row


# --- 2. Cancelling asks first


def test_the_event_page_links_to_a_confirmation_instead_of_cancelling_at_once(
    client_for, citizen, event
):
    services.registration_create(actor=citizen, event=event, people=2)
    page = text_of(client_for("citizen").get(event.get_absolute_url()))
    cancel_url = reverse("events:cancel", args=[event.slug])
    assert f'<a class="button button--danger" href="{cancel_url}">申し込みを取り消す</a>' in page
    assert f'action="{cancel_url}"' not in page


def test_the_confirmation_shows_the_registration_and_cancels_nothing(client_for, citizen, event):
    services.registration_create(actor=citizen, event=event, people=2)
    page = client_for("citizen").get(reverse("events:cancel", args=[event.slug]))
    text = text_of(page)
    assert page.status_code == 200
    assert event.title in text and "2026年12月8日(火) 14:00〜16:00" in text
    assert "2名" in text
    assert "あなたの席は空き、ほかの方が申し込めるようになります" in text
    assert '<button type="submit" class="button--danger">申し込みを取り消す</button>' in text
    assert f'<a href="{event.get_absolute_url()}">申し込みを取り消さない</a>' in text
    assert Registration.objects.get(user=citizen).status == S.CONFIRMED


def test_on_a_full_event_it_says_the_place_goes_to_the_waiting_list(
    client_for, citizen, full_event
):
    services.registration_create(actor=citizen, event=full_event, people=1)
    services.registration_create(actor=UserFactory(), event=full_event, people=1)
    text = text_of(client_for("citizen").get(reverse("events:cancel", args=[full_event.slug])))
    assert "席はすぐにキャンセル待ちの次の方に移り" in text


def test_the_waiting_list_and_the_lottery_say_what_leaving_means(
    client_for, citizen, member, full_event, lottery
):
    services.registration_create(actor=UserFactory(), event=full_event, people=1)
    services.registration_create(actor=citizen, event=full_event, people=1)
    text = text_of(client_for("citizen").get(reverse("events:cancel", args=[full_event.slug])))
    assert "<h1>キャンセル待ちをやめる</h1>" in text
    assert "キャンセル待ちの1番目" in text and "最後の順番になります" in text
    services.registration_create(actor=member, event=lottery, people=2)
    text = text_of(client_for("member").get(reverse("events:cancel", args=[lottery.slug])))
    assert "<h1>抽選の申し込みを取り消す</h1>" in text
    assert "2026年12月15日(火) 12:00までは、もう一度申し込めます" in text


def test_posting_still_cancels_and_hands_the_place_on(client_for, citizen, full_event):
    services.registration_create(actor=citizen, event=full_event, people=1)
    waiting = services.registration_create(actor=UserFactory(), event=full_event, people=1)
    page = client_for("citizen").post(reverse("events:cancel", args=[full_event.slug]), follow=True)
    assert "申し込みを取り消しました" in text_of(page)
    assert Registration.objects.get(user=citizen).status == S.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_without_a_registration_or_signed_out_the_page_sends_you_on(client, client_for, event):
    url = reverse("events:cancel", args=[event.slug])
    response = client_for("citizen").get(url)
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_after_the_start_the_page_says_to_contact_the_office(client_for, citizen, event):
    services.registration_create(actor=citizen, event=event, people=1)
    with time_machine.travel(event.start + dt.timedelta(minutes=5), tick=False):
        text = text_of(client_for("citizen").get(reverse("events:cancel", args=[event.slug])))
    assert "イベントはすでに始まっています" in text
    assert 'class="button--danger"' not in text


# --- 3. A group is offered only to people who act for one


def test_someone_without_a_group_is_not_offered_a_group(client_for, citizen, event):
    page = text_of(client_for("citizen").get(event.get_absolute_url()))
    assert 'name="group"' not in page
    assert "団体としてではない" not in page
    client_for("citizen").post(reverse("events:register", args=[event.slug]), {"people": 1})
    registration = Registration.objects.get(user=citizen)
    assert registration.status == S.CONFIRMED and registration.group is None


def test_a_member_chooses_between_coming_as_an_individual_and_their_group(
    client_for, member, group, event
):
    page = text_of(client_for("member").get(event.get_absolute_url()))
    assert re.search(
        r'<select name="group"[^>]*>\s*<option value="" selected>個人として参加</option>\s*'
        rf'<option value="{group.pk}">{group.name}</option>',
        page,
    )
    client_for("member").post(
        reverse("events:register", args=[event.slug]), {"people": 1, "group": group.pk}
    )
    assert Registration.objects.get(user=member).group == group


# --- 4. An address in a mail stands on its own line (so it is linked, colon left out)


def link_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if "http" in line or "@example" in line]


def assert_addresses_stand_alone(body: str):
    lines = link_lines(body)
    assert lines
    for line in lines:
        assert re.fullmatch(r"(https?://\S+|\S+@\S+)", line.strip()), line
    # The mail viewer (maillog) links them with urlize: the whole address, no colon.
    assert 'href="https://kyodo.example.jp/events/' in urlize(body)


def test_the_registration_mails_put_addresses_on_their_own_line(
    citizen, event, full_event, lottery, commit
):
    with commit():
        services.registration_create(actor=citizen, event=event, people=1)
        services.registration_create(actor=UserFactory(), event=full_event, people=1)
        services.registration_create(actor=citizen, event=full_event, people=1)
        services.registration_create(actor=citizen, event=lottery, people=1)
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) == 4, subjects
    for message in mail.outbox:
        assert "：http" not in message.body and "：" + "office" not in message.body
        assert_addresses_stand_alone(message.body)


@pytest.mark.parametrize(
    "template",
    [
        "events/email/confirmed.txt",
        "events/email/waitlisted.txt",
        "events/email/lottery_applied.txt",
        "events/email/lottery_waitlisted.txt",
        "events/email/lottery_won.txt",
        "events/email/promoted.txt",
        "events/email/reminder.txt",
    ],
)
def test_each_mail_with_a_cancel_link_puts_it_on_its_own_line(template, citizen, lottery):
    registration = RegistrationFactory(event=lottery, user=citizen, people=2, status=S.CONFIRMED)
    body = render_to_string(
        template,
        {
            "event": lottery,
            "registration": registration,
            "rank": 3,
            "manage_url": "https://kyodo.example.jp/events/workshop-lottery/",
            "event_url": "https://kyodo.example.jp/events/workshop-lottery/",
            "site_url": "https://kyodo.example.jp/",
            "office_email": "office@example.jp",
        },
    )
    assert_addresses_stand_alone(body)


# --- 5. My Page: "（2名）" in one piece, and one name for a lottery application


def test_my_page_keeps_the_party_size_together_and_names_the_lottery_as_the_event_page(
    client_for, citizen, lottery
):
    services.registration_create(actor=citizen, event=lottery, people=2)
    page = text_of(client_for("citizen").get(reverse("my_account")))
    assert "抽選に申し込み済み" in page and "応募済み" not in page
    assert '<span class="events-nowrap">（2名）</span>' in page
    assert "(2" not in page
    event_page = text_of(client_for("citizen").get(lottery.get_absolute_url()))
    assert "抽選に申し込み済みです" in event_page


# --- 6. A full login-only event tells visitors about the waiting list and signing up


def test_a_visitor_reads_that_the_waiting_list_is_open_and_how_to_sign_up(client, full_event):
    RegistrationFactory(event=full_event, people=1)
    page = text_of(client.get(full_event.get_absolute_url()))
    assert "満席ですが、キャンセル待ちを受け付けています" in page
    signup = reverse("account_signup")
    assert re.search(
        rf'<a href="{signup}\?next=[^"]+">アカウントをお持ちでない方は新規登録（無料）</a>', page
    )


def test_no_waiting_list_no_promise(client, full_event):
    RegistrationFactory(event=full_event, people=1)
    Event.objects.filter(pk=full_event.pk).update(waiting_list=False)
    page = text_of(client.get(full_event.get_absolute_url()))
    assert "キャンセル待ちを受け付けています" not in page
    assert "新規登録（無料）" in page


# --- 7. The list's last heading says only what is under it


def test_the_calendar_heading_names_proposals_only_for_those_who_can_propose(
    client, client_for, member
):
    assert '<h2 id="more-heading">カレンダー</h2>' in text_of(client.get(reverse("events:list")))
    assert '<h2 id="more-heading">カレンダー</h2>' in text_of(
        client_for("citizen").get(reverse("events:list"))
    )
    assert '<h2 id="more-heading">カレンダーと提案</h2>' in text_of(
        client_for("member").get(reverse("events:list"))
    )


# --- 8. The proposal form


def proposal_data(group, **extra):
    data = {
        "group": group.pk,
        "title": "こども食堂 見学会",
        "kind": Event.Kind.OTHER,
        "start": "2026-12-20 10:00",
        "end": "2026-12-20 12:00",
        "venue": "新居浜公民館",
        "capacity": 10,
        "fee_note": "",
    }
    data.update(extra)
    return data


def test_the_only_group_is_chosen_and_there_is_a_way_back(client_for, member, group):
    page = text_of(client_for("member").get(reverse("events:propose")))
    assert re.search(
        rf'<select name="group"[^>]*>\s*<option value="{group.pk}" selected>{group.name}</option>'
        r"\s*</select>",
        page,
    )
    assert "---------" not in page.split('name="group"')[1].split("</select>")[0]
    assert f'<a href="{reverse("events:list")}">キャンセル（イベント一覧に戻る）</a>' in page
    assert "数字だけのときは円とみなし、0は無料と表示します" in page


def test_with_two_groups_the_member_chooses(client_for, member, group):
    MembershipFactory(user=member, group=GroupFactory(name="環境を守る会"))
    page = text_of(client_for("member").get(reverse("events:propose")))
    select = page.split('name="group"')[1].split("</select>")[0]
    assert "---------" in select and " selected" in select.split("</option>")[0]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("0", "無料"),
        ("０", "無料"),
        ("500", "500円"),
        ("1,000", "1,000円"),
        ("資料代300円", "資料代300円"),
    ],
)
def test_a_bare_number_as_the_fee_gets_its_unit(client_for, member, group, written, shown):
    client_for("member").post(reverse("events:propose"), proposal_data(group, fee_note=written))
    assert Event.objects.get(title="こども食堂 見学会").fee_note == shown


# --- 9. The survey CSV names a response's group only to the office's staff


@pytest.fixture
def office_survey(group):
    survey = SurveyFactory(
        slug="groups-2026",
        title="登録団体アンケート",
        audience=Survey.Audience.REPRESENTATIVES,
        status=Survey.Status.CLOSED,
    )
    rating = QuestionFactory(survey=survey, text="オフィスの対応", kind=Question.Kind.RATING)
    comment = QuestionFactory(
        survey=survey, text="オフィスへのご意見", kind=Question.Kind.LONG_TEXT, required=False
    )
    response = Response.objects.create(survey=survey, group=group)
    Answer.objects.create(response=response, question=rating, rating=2)
    Answer.objects.create(response=response, question=comment, text="窓口の対応が遅い")
    return survey


def csv_rows(client, survey):
    response = client.get(reverse("events:survey_results_csv", args=[survey.slug]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_staff_see_which_group_answered(client_for, office_survey, group):
    header, row = csv_rows(client_for("staff"), office_survey)
    assert header == ["回答番号", "回答日時", "団体", "オフィスの対応", "オフィスへのご意見"]
    assert row[2:] == [group.name, "2", "窓口の対応が遅い"]


@pytest.mark.parametrize("role", ["official", "committee"])
def test_officials_and_committee_members_get_the_answers_without_the_group(
    client_for, office_survey, group, role
):
    rows = csv_rows(client_for(role), office_survey)
    header, row = rows
    assert header == ["回答番号", "回答日時", "オフィスの対応", "オフィスへのご意見"]
    assert row[2:] == ["2", "窓口の対応が遅い"]
    assert group.name not in str(rows)


def test_the_survey_form_tells_respondents_who_sees_whose_answer(client_for, representative):
    survey = SurveyFactory(slug="groups-2027", audience=Survey.Audience.REPRESENTATIVES)
    QuestionFactory(survey=survey, text="オフィスの対応")
    page = text_of(client_for("representative").get(survey.get_absolute_url()))
    assert "どなたの（どの団体の）回答かを見られるのはオフィスのスタッフだけ" in page
