"""At the door: the participant list, ticking who came, walk-ins, and what the reports count."""

import csv
import io

import pytest
from django.urls import reverse

from core.fiscal import FiscalYear
from events import selectors, services
from events.models import Event, Registration, RegistrationAnswer, RegistrationQuestion
from groups.models import ActivityField
from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationQuestionFactory,
    at,
)
from tests.factories import GroupFactory, UserFactory

S = Registration.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]


@pytest.fixture
def meeting(db, group):
    event = EventFactory(
        slug="meeting", title="第12回 登録団体情報交換会", capacity=30, start=at(0, 14)
    )
    social = RegistrationQuestionFactory(event=event, text="懇親会に参加しますか", order=1)
    care = RegistrationQuestionFactory(
        event=event,
        text="配慮が必要なこと（保育・手話通訳など）",
        kind=RegistrationQuestion.Kind.TEXT,
        order=2,
    )
    yamada = UserFactory(email="yamada@example.org", full_name="山田 一郎")
    services.registration_create(
        actor=yamada,
        event=event,
        people=2,
        answers={social.pk: True, care.pk: "保育（2歳児1名）"},
    )
    sato = UserFactory(email="sato@example.org", full_name="佐藤 美咲")
    services.registration_create(actor=sato, event=event, answers={social.pk: False})
    RegistrationFactory(event=event, guest_name="ゲスト 花子", group=group, people=1)
    RegistrationFactory(event=event, guest_name="取消 太郎", status=S.CANCELLED)
    return event


def test_door_list_shows_confirmed_people_with_answers_and_checklist(client_for, meeting):
    page = client_for("staff").get(reverse("events:door_list", args=[meeting.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "山田 一郎" in text and "佐藤 美咲" in text and "ゲスト 花子" in text
    assert "取消 太郎" not in text
    assert "保育（2歳児1名）" in text
    assert "スタッフ用チェックリスト" in text
    assert "懇親会に参加しますか" in text
    assert "申し込み：4名" in text


def test_checklist_counts_people_who_said_yes(meeting):
    rows = selectors.door_list(meeting)
    items = {item.question.text: item for item in selectors.checklist(meeting, rows)}
    social = items["懇親会に参加しますか"]
    assert social.people == 2
    assert [r.display_name for r, _value in social.entries] == ["山田 一郎"]
    care = items["配慮が必要なこと（保育・手話通訳など）"]
    assert [value for _r, value in care.entries] == ["保育（2歳児1名）"]


def test_door_list_csv(client_for, meeting):
    response = client_for("staff").get(reverse("events:door_list_csv", args=[meeting.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["番号", "氏名", "メールアドレス", "団体", "人数"]
    assert rows[0][-2:] == ["懇親会に参加しますか", "配慮が必要なこと（保育・手話通訳など）"]
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(["山田 一郎", "佐藤 美咲", "ゲスト 花子"])
    yamada = next(row for row in rows if row[1] == "山田 一郎")
    assert yamada[-2:] == ["はい", "保育（2歳児1名）"]


def test_csv_cells_cannot_run_as_formulas(client_for, meeting):
    RegistrationFactory(event=meeting, guest_name='=HYPERLINK("http://x")')
    response = client_for("staff").get(reverse("events:door_list_csv", args=[meeting.slug]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_staff_tick_who_came_and_add_walk_ins(client_for, meeting, group):
    client = client_for("staff")
    url = reverse("events:attendance", args=[meeting.slug])
    page = client.get(url)
    assert page.status_code == 200
    yamada = Registration.objects.get(user__email="yamada@example.org")
    sato = Registration.objects.get(user__email="sato@example.org")
    guest = Registration.objects.get(guest_name="ゲスト 花子")
    page = client.post(
        url,
        {
            f"came_{yamada.pk}": "on",
            f"people_{yamada.pk}": "1",  # one of the two came
            f"came_{guest.pk}": "on",
            f"people_{guest.pk}": "",  # empty: the registered number
            f"people_{sato.pk}": "1",  # not ticked: did not come
            # What each row showed (nobody marked yet).
            **{f"seen_{r.pk}": "0" for r in (yamada, sato, guest)},
        },
        follow=True,
    )
    assert "出席を保存しました" in page.content.decode()
    yamada.refresh_from_db()
    sato.refresh_from_db()
    guest.refresh_from_db()
    assert (yamada.attended, yamada.attended_people) == (True, 1)
    assert (sato.attended, sato.attended_people) == (False, 0)
    assert (guest.attended, guest.attended_people) == (True, 1)
    page = client.post(
        reverse("events:walk_in", args=[meeting.slug]),
        {"name": "飛び入り 参加", "people": "3", "group": group.pk},
        follow=True,
    )
    assert "当日参加を記録しました" in page.content.decode()
    walk_in = Registration.objects.get(is_walk_in=True)
    assert (walk_in.attended_people, walk_in.group) == (3, group)
    summary = selectors.attendance_summary(meeting)
    assert summary["came"] == 5
    assert summary["walk_ins"] == 3
    assert summary["groups"] == 1
    assert "出席：5名" in page.content.decode()


def test_walk_ins_do_not_take_registration_places(meeting):
    before = meeting.places_left()
    services.walk_in_add(actor=None, event=meeting, people=5)
    assert meeting.places_left() == before


def test_bad_attendance_input_saves_nothing(client_for, meeting):
    yamada = Registration.objects.get(user__email="yamada@example.org")
    page = client_for("staff").post(
        reverse("events:attendance", args=[meeting.slug]),
        {f"came_{yamada.pk}": "on", f"people_{yamada.pk}": "-4"},
    )
    assert "0以上を入力してください" in page.content.decode()
    page = client_for("staff").post(reverse("events:walk_in", args=[meeting.slug]), {"people": "0"})
    assert "1名以上を入力してください" in page.content.decode()
    yamada.refresh_from_db()
    assert not yamada.attended
    assert not Registration.objects.filter(is_walk_in=True).exists()


def test_attendance_of_another_events_registration_is_refused(meeting, staff):
    other = RegistrationFactory()
    with pytest.raises(services.EventError):
        services.attendance_record(actor=staff, event=meeting, marks={other.pk: 1})
    other.refresh_from_db()
    assert not other.attended


def test_participants_kpi_counts_recorded_attendance_by_fiscal_year_group_and_field():
    field = ActivityField.objects.create(slug="kodomo", name="テスト分野 子ども", order=91)
    env = ActivityField.objects.create(slug="kankyo", name="テスト分野 環境", order=92)
    kids = GroupFactory()
    kids.fields.add(field)
    green = GroupFactory()
    green.fields.add(env, field)
    fy2024 = EventFactory(start=FiscalYear(2024).start.replace(month=6, day=10, hour=14))
    fy2024.end = fy2024.start.replace(hour=16)
    fy2024.save()
    seminar = EventFactory(
        kind=Event.Kind.SEMINAR,
        start=fy2024.start.replace(month=7),
        end=fy2024.end.replace(month=7),
    )
    RegistrationFactory(event=fy2024, group=kids, people=3, attended=True, attended_people=2)
    RegistrationFactory(event=fy2024, group=green, people=1, attended=True, attended_people=1)
    RegistrationFactory(event=fy2024, people=4)  # registered, did not come
    RegistrationFactory(event=fy2024, is_walk_in=True, people=5, attended=True, attended_people=5)
    RegistrationFactory(event=seminar, group=kids, attended=True, attended_people=7)
    # A cancelled event does not count.
    cancelled = EventFactory(status=Event.Status.CANCELLED, start=fy2024.start, end=fy2024.end)
    RegistrationFactory(event=cancelled, attended=True, attended_people=50)

    exchange = selectors.participants_by_fiscal_year()
    assert exchange[2024] == {"events": 1, "participants": 8, "groups": 2}
    everything = selectors.participants_by_fiscal_year(kind=None)
    assert everything[2024] == {"events": 2, "participants": 15, "groups": 2}
    by_field = {
        f.slug: people
        for f, people in selectors.participants_by_activity_field(2024, kind=Event.Kind.EXCHANGE)
    }
    assert by_field["kodomo"] == 3 and by_field["kankyo"] == 1


def test_registration_answers_are_saved_with_the_registration(meeting):
    yamada = Registration.objects.get(user__email="yamada@example.org")
    assert RegistrationAnswer.objects.filter(registration=yamada).count() == 2
