"""Leaving changes no figure (issue #19, done when): three years of known data made through the
services (groups applied and approved, members invited, rooms booked and used, exchange
meetings with registrations and attendance, a survey answered, mails sent through the mail
log), the annual CSV of all years and each year's CSV taken, three people leave (one on their
own page, one who first hands the representative role over, one at the desk), and then every
figure of every year is the same while their names, addresses and phones are in no text column
of any table of the database."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import sync_role_permissions
from accounts.services import account_close, user_profile_update
from core.fiscal import FiscalYear
from events.models import Event, Question, Registration, Response, Survey
from events.services.history import PastEvent, PastRegistration, events_record_bulk
from events.services.survey_history import PastResponse, survey_responses_record_bulk
from facilities.models import Booking, OpeningHours, Room
from facilities.services.history import PastBooking, bookings_record_bulk
from groups.models import Group, Invitation, Membership
from groups.services import (
    GroupHistory,
    group_histories_create_bulk,
    invitation_accept,
    invitation_create,
    representative_hand_over,
)
from reports.annual import TrendReport

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-2026"

# The people who leave, with values found nowhere else in the data.
HANAKO = {
    "email": "hanako.taikai@example.org",
    "name": "退会 花子",
    "kana": "たいかい はなこ",
    "phone": "090-1111-2222",
}
JIRO = {
    "email": "jiro.ridatsu@example.org",
    "name": "離脱 次郎",
    "kana": "",
    "phone": "080-3333-4444",
}
SABURO = {
    "email": "saburo.hikitsugi@example.org",
    "name": "引継 三郎",
    "kana": "ひきつぎ さぶろう",
    "phone": "070-5555-6666",
}
LEAVERS = [HANAKO, JIRO, SABURO]


def tokyo(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def weekday_in(fy: int, month: int, day: int = 10) -> dt.date:
    """A weekday in ``month`` of fiscal year ``fy`` (April–March)."""
    year = fy if month >= 4 else fy + 1
    found = dt.date(year, month, day)
    while found.weekday() >= 5:
        found += dt.timedelta(days=1)
    return found


def sign_up(client: Client, person: dict, *, phone: bool = True) -> User:
    """Through allauth's sign-up form (its confirmation mail goes through the mail log)."""
    response = client.post(
        reverse("account_signup"),
        {
            "email": person["email"],
            "full_name": person["name"],
            "password1": PASSWORD,
            "password2": PASSWORD,
            "agree": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email=person["email"])
    EmailAddress.objects.filter(user=user).update(verified=True)  # the link was opened
    user_profile_update(
        user=user,
        full_name=person["name"],
        full_name_kana=person["kana"],
        phone=person["phone"] if phone else "",
    )
    return user


def history(representative, slug: str, name: str, kana: str, approved_on, now) -> GroupHistory:
    return GroupHistory(
        representative=representative,
        data={
            "name": name,
            "name_kana": kana,
            "slug": slug,
            "summary": "地域で活動する市民活動団体です。",
            "representative_name": "団体 代表",
            "representative_phone": "0897-00-1234",
            "representative_address": "新居浜市一宮町1-1-1",
        },
        applied_at=tokyo(approved_on - dt.timedelta(days=14)),
        approved_on=approved_on,
        renewals={
            fy: tokyo(FiscalYear(fy).first_day + dt.timedelta(days=20))
            for fy in range(FiscalYear.of(approved_on).year + 1, FiscalYear.of(now).year + 1)
            if tokyo(FiscalYear(fy).first_day + dt.timedelta(days=20)) < now
        },
    )


def join(group: Group, by, user) -> Membership:
    invitation = invitation_create(actor=by, group=group, email=user.email)
    invitation = Invitation.objects.get(pk=invitation.pk)
    return invitation_accept(user=user, invitation=invitation)


@pytest.fixture(autouse=True)
def mail_log(settings):
    """Every mail goes through the mail log, as in production (the tests' default is locmem)."""
    settings.EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
    settings.MAILLOG_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def office(staff, django_capture_on_commit_callbacks):
    """Three fiscal years of the office, through the services, with mails sent for real."""
    now = timezone.now()
    this_fy = FiscalYear.of(timezone.localdate()).year
    years = [this_fy - 2, this_fy - 1]
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    room = Room.objects.create(name="ミーティングスペースA", slug="meeting-a", capacity=20, order=1)
    with django_capture_on_commit_callbacks(execute=True):
        people = {p["email"]: sign_up(Client(), p, phone=p is not JIRO) for p in LEAVERS}
        keeper = sign_up(
            Client(),
            {"email": "keeper@example.org", "name": "継続 四郎", "kana": "", "phone": ""},
        )
        heir = sign_up(
            Client(), {"email": "heir@example.org", "name": "後任 五郎", "kana": "", "phone": ""}
        )
        hanako, jiro, saburo = (people[p["email"]] for p in LEAVERS)
        first_day = FiscalYear(years[0]).first_day
        kodomo, satoyama = group_histories_create_bulk(
            actor=staff,
            histories=[
                history(keeper, "kodomo", "こども応援の会", "こどもおうえんのかい", first_day, now),
                history(saburo, "satoyama", "里山を守る会", "さとやまをまもるかい", first_day, now),
            ],
            now=now,
        )
        join(kodomo, keeper, jiro)
        heir_membership = join(satoyama, saburo, heir)

        bookings = []
        for fy in years:
            for month, who, group, came in [
                (5, jiro, kodomo, 8),
                (9, keeper, kodomo, 6),
                (11, saburo, satoyama, 11),
            ]:
                day = weekday_in(fy, month)
                bookings.append(
                    PastBooking(
                        room=room,
                        start=tokyo(day, 10),
                        end=tokyo(day, 12),
                        purpose="定例会",
                        attendees=came,
                        outcome="used",
                        requested_at=tokyo(day - dt.timedelta(days=10), 19),
                        group=group,
                        booked_by=who,
                        headcount=came,
                    )
                )
        bookings_record_bulk(actor=staff, rows=bookings, now=now)

        meetings = []
        for fy in years:
            day = weekday_in(fy, 7, 20)
            meetings.append(
                PastEvent(
                    title=f"登録団体情報交換会 {fy}",
                    slug=f"exchange-{fy}",
                    kind=Event.Kind.EXCHANGE,
                    start=tokyo(day, 14),
                    end=tokyo(day, 16),
                    capacity=30,
                    published_at=tokyo(day - dt.timedelta(days=30)),
                    registrations=[
                        PastRegistration(tokyo(day - dt.timedelta(days=5)), user=hanako, came=1),
                        PastRegistration(
                            tokyo(day - dt.timedelta(days=4)), user=jiro, group=kodomo, came=1
                        ),
                        PastRegistration(
                            tokyo(day - dt.timedelta(days=4)), user=saburo, people=2, came=2
                        ),
                        PastRegistration(tokyo(day - dt.timedelta(days=3)), user=keeper, came=0),
                        PastRegistration(
                            tokyo(day - dt.timedelta(days=2)), name="窓口 来場", came=1
                        ),
                    ],
                )
            )
        events = events_record_bulk(actor=staff, rows=meetings, now=now)

        last = events[-1]
        survey = Survey.objects.create(
            title="情報交換会 参加者アンケート",
            slug="survey-exchange",
            event=last,
            audience=Survey.Audience.ATTENDEES,
            status=Survey.Status.OPEN,
            opens_at=last.end,
            closes_at=last.end + dt.timedelta(days=30),
        )
        rating = Question.objects.create(
            survey=survey, text="満足度", kind=Question.Kind.RATING, required=True, order=1
        )
        comment = Question.objects.create(
            survey=survey, text="ご意見", kind=Question.Kind.LONG_TEXT, required=False, order=2
        )
        survey_responses_record_bulk(
            survey=survey,
            rows=[
                PastResponse(
                    last.end + dt.timedelta(days=1),
                    {rating: 5, comment: "他の団体の話が参考になった"},
                    user=hanako,
                ),
                PastResponse(last.end + dt.timedelta(days=2), {rating: 4}, user=jiro),
                PastResponse(last.end + dt.timedelta(days=3), {rating: 3}, user=saburo),
            ],
            now=now,
        )
        # The representative of 里山を守る会 hands the role over before leaving (its mail
        # to the new representative names him).
        representative_hand_over(actor=saburo, group=satoyama, to=heir_membership)
        # At the desk, staff corrected Jiro's phone in his account's admin page (the admin's
        # own log names the account too).
        sync_role_permissions()
        desk = Client()
        desk.force_login(staff)
        response = desk.post(
            reverse("admin:accounts_user_change", args=[jiro.pk]),
            {
                "email": JIRO["email"],
                "full_name": JIRO["name"],
                "full_name_kana": "",
                "phone": JIRO["phone"],
                "is_active": "on",
                "date_joined_0": "2024-04-01",
                "date_joined_1": "10:00:00",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    return {"people": (hanako, jiro, saburo), "years": years}


def figures(official) -> dict[str, str]:
    """The reports as the city downloads them: every year side by side, and each year's."""
    for alias in settings.CACHES:
        caches[alias].clear()
    client = Client()
    client.force_login(official)
    taken = {"all": client.get(reverse("reports:annual_trend_csv")).content.decode()}
    for year in TrendReport().years:
        response = client.get(reverse("reports:annual_csv", kwargs={"year": year}))
        assert response.status_code == 200
        taken[str(year)] = response.content.decode()
    return taken


def figure(csv_text: str, key: str) -> str:
    for line in csv_text.splitlines():
        if line.startswith(f"{key},"):
            return line.rsplit(",", 1)[-1]
    raise AssertionError(f"{key} not in the report")


TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY")


def where_found(values: list[str]) -> list[str]:
    """``table.column: value in rows`` for every text column of every table holding a value."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s) ORDER BY 1, 2",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            for value in values:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                    [f"%{value}%"],
                )
                if cursor.fetchone()[0]:
                    # The rows themselves, so a failure shows where the value was left.
                    cursor.execute(
                        f'SELECT * FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 3',
                        [f"%{value}%"],
                    )
                    rows = "; ".join(str(row)[:300] for row in cursor.fetchall())
                    found.append(f"{table}.{column}: {value} in {rows}")
    return found


def erased_values(person: dict) -> list[str]:
    values = [person["email"], person["email"].split("@")[0], person["name"], person["phone"]]
    values.append(person["name"].replace(" ", ""))  # 退会花子, as a form may store it
    values.append(re.sub(r"\D", "", person["phone"]))
    if person["kana"]:
        values.append(person["kana"])
    return values


def test_leaving_changes_no_figure_of_any_year_and_leaves_no_trace(office, staff, official):
    hanako, jiro, saburo = office["people"]
    # Sanity: the values to look for are there before, in many tables.
    assert len(where_found(erased_values(HANAKO))) > 3
    before = figures(official)
    assert len(before) >= 4  # all years, and at least the three years of data
    for fy in office["years"]:
        year_csv = before[str(fy)]
        assert figure(year_csv, "facility_users") == "25"  # 8 + 6 + 11 came
        assert figure(year_csv, "exchange_participants") == "5"  # 1 + 1 + 2 + 0 + 1
    counts = (Booking.objects.count(), Registration.objects.count(), Response.objects.count())

    # Hanako leaves on her own page; Saburo (no longer representative) too; Jiro at the desk.
    for user in (hanako, saburo):
        client = Client()
        client.force_login(user)
        response = client.post(reverse("account_close"), {"password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:3000]
    account_close(actor=staff, user=jiro, reason="窓口で申し出、本人確認済み")

    assert figures(official) == before
    assert (
        Booking.objects.count(),
        Registration.objects.count(),
        Response.objects.count(),
    ) == counts
    for user in office["people"]:
        user.refresh_from_db()
        assert user.closed_at is not None
        # Their records stay, linked to the anonymous account.
        assert Registration.objects.filter(user=user, attended=True).count() == 2
        assert not Membership.objects.filter(user=user).exists()  # they left their groups
    found = where_found([value for person in LEAVERS for value in erased_values(person)])
    assert found == [], "\n".join(found)
