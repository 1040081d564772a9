"""The admin home is the office's day: what waits (with counts and links), today's bookings,
loans and events, this month's figures, and the admin's sections by the office's work.

Issue #14, part 1. The page is built from the apps' panels (core.registry, slot "admin_home");
core/admin_site.py and templates/admin/index.html know no app.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletin.models import BulletinPost, PostReport
from core import registry
from core.fiscal import FiscalYear
from events.models import Event
from facilities.models import Booking, EquipmentLoan
from groups.models import Group, GroupRenewal
from news.models import Opinion
from tests.events.factories import EventFactory, RegistrationFactory
from tests.facilities.factories import RoomFactory, make_booking
from tests.factories import GroupFactory
from tests.news.factories import OpinionFactory, PostFactory, SubscriberFactory

JST = ZoneInfo("Asia/Tokyo")
# A Monday morning at the office (not a holiday, not the year-end closure).
NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=JST)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _monday_morning():
    cache.clear()  # the reports' figures are kept in the cache
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST)


def home(client, language: str = "ja") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def waiting(html: str) -> dict[str, tuple[int, str, str]]:
    """{item key: (count, link, label)} of the "waiting" list."""
    found = {}
    for key, href, count, label in re.findall(
        r'data-key="([^"]+)">\s*<a href="([^"]+)">\s*'
        r'<span class="dash-waiting__count">([\d,]+)</span>\s*'
        r'<span class="dash-waiting__label">([^<]+)</span>',
        html,
    ):
        found[key] = (int(count.replace(",", "")), unescape(href), label)
    return found


def section_names(html: str) -> list[str]:
    return re.findall(r'<h3 id="section-[a-z]+-heading">([^<]+)</h3>', html)


def loan(group, status, pickup: dt.date, back: dt.date) -> EquipmentLoan:
    return EquipmentLoan.objects.create(
        group=group,
        purpose="地域のお祭り",
        pickup_date=pickup,
        return_date=back,
        start=at(pickup, "09:00"),
        end=at(back, "21:00"),
        status=status,
    )


def the_office_on_a_monday(group, other_group):
    """Two of everything that waits, and one of each that was decided (which must not count)."""
    year = FiscalYear.of(TODAY).year
    # Groups: two applications waiting, one declined; `group` renewed this year, `other_group`
    # and a third registered group not.
    GroupFactory.create_batch(2, status=Group.Status.APPLIED, registered_on=None)
    GroupFactory(status=Group.Status.REJECTED, registered_on=None)
    GroupFactory(status=Group.Status.REGISTERED)
    GroupRenewal.objects.create(group=group, fiscal_year=year)
    GroupRenewal.objects.create(group=other_group, fiscal_year=year - 1)
    # Bookings: two requests still to come, one confirmed, one request already over.
    room = RoomFactory(name="ミーティングスペースA")
    later = TODAY + dt.timedelta(days=3)
    requested = Booking.Status.REQUESTED
    make_booking(room, at(later, "10:00"), at(later, "12:00"), group=group, status=requested)
    make_booking(room, at(later, "13:00"), at(later, "15:00"), group=group, status=requested)
    make_booking(room, at(later, "16:00"), at(later, "18:00"), group=group)
    gone = TODAY - dt.timedelta(days=2)
    make_booking(room, at(gone, "10:00"), at(gone, "12:00"), group=group, status=requested)
    # Loans: two requests, one refused.
    status = EquipmentLoan.Status
    loan(group, status.REQUESTED, later, later + dt.timedelta(days=1))
    loan(other_group, status.REQUESTED, later, later + dt.timedelta(days=2))
    loan(group, status.REFUSED, later, later + dt.timedelta(days=1))
    # Bulletin: two posts to review, a published one; two posts reported, one report resolved.
    PostFactory.create_batch(2, group=group, status=BulletinPost.Status.PENDING)
    published = PostFactory(group=group)
    reported = PostFactory(group=other_group)
    for post in (published, reported):
        PostReport.objects.create(post=post, reason=PostReport.Reason.WRONG)
    PostReport.objects.create(
        post=PostFactory(group=group), reason=PostReport.Reason.OTHER, resolved=True
    )
    # Events: two proposals, one published.
    EventFactory.create_batch(2, status=Event.Status.PROPOSED, organiser=group)
    EventFactory(status=Event.Status.PUBLISHED)
    # Opinions: one new, one read (neither answered), one answered, one closed.
    OpinionFactory(status=Opinion.Status.NEW)
    OpinionFactory(status=Opinion.Status.READ)
    OpinionFactory(status=Opinion.Status.ANSWERED)
    OpinionFactory(status=Opinion.Status.CLOSED)
    # Newsletter: two addresses suppressed after a bounce, one receiving.
    SubscriberFactory.create_batch(2, bounced_at=NOW - dt.timedelta(days=1))
    SubscriberFactory()


@pytest.mark.django_db
def test_each_waiting_thing_shows_its_number_and_its_link(client_for, group, other_group):
    the_office_on_a_monday(group, other_group)
    found = waiting(home(client_for("staff")))
    expected = {
        "groups.applications": (2, reverse("admin:groups_groupapplication_changelist")),
        "groups.not_renewed": (2, reverse("admin:groups_group_changelist") + "?renewal=due"),
        "facilities.booking_requests": (
            2,
            reverse("admin:facilities_booking_changelist")
            + "?status__exact=requested&when=upcoming",
        ),
        "facilities.loan_requests": (
            2,
            reverse("admin:facilities_equipmentloan_changelist")
            + f"?status__exact=requested&return_date__gte={TODAY.isoformat()}",
        ),
        "bulletin.pending": (
            2,
            reverse("admin:bulletin_bulletinpost_changelist") + "?status__exact=pending",
        ),
        "bulletin.reported": (
            2,
            reverse("admin:bulletin_postreport_changelist") + "?resolved__exact=0",
        ),
        "events.proposals": (
            2,
            reverse("admin:events_event_changelist") + "?status__exact=proposed",
        ),
        "news.opinions": (2, reverse("admin:news_opinion_changelist") + "?status__in=new,read"),
        "newsletter.bounced": (
            2,
            reverse("admin:newsletter_subscriber_changelist") + "?state=bounced",
        ),
        # The programme's requests to appear and collaboration's go-between (issue 18 parts
        # 4-5): none waiting on this Monday.
        "news.appearances": (
            0,
            reverse("admin:news_appearancerequest_changelist") + "?status__exact=requested",
        ),
        "collaboration.follow_ups": (
            0,
            reverse("admin:collaboration_introduction_changelist") + "?due=yes",
        ),
    }
    assert {key: (count, url) for key, (count, url, _label) in found.items()} == expected
    # In the office's order: groups, facilities, events, publicity.
    assert list(found)[:2] == ["groups.applications", "groups.not_renewed"]
    assert found["groups.applications"][2] == "団体の登録申請"


@pytest.mark.django_db
def test_each_link_lists_exactly_what_was_counted(client_for, group, other_group):
    """The admin's list behind each count shows that many rows (the count and the list agree)."""
    the_office_on_a_monday(group, other_group)
    client = client_for("staff")
    for key, (count, url, _label) in waiting(home(client)).items():
        response = client.get(url)
        assert response.status_code == 200, key
        assert response.context["cl"].result_count == count, key


@pytest.mark.django_db
def test_a_decided_thing_leaves_the_count(client_for, group):
    GroupFactory(status=Group.Status.APPLIED, registered_on=None, name="申請中の会")
    post = PostFactory(group=group, status=BulletinPost.Status.PENDING)
    client = client_for("staff")
    before = waiting(home(client))
    assert before["groups.applications"][0] == 1
    assert before["bulletin.pending"][0] == 1
    Group.objects.filter(name="申請中の会").update(status=Group.Status.REGISTERED)
    post.status = BulletinPost.Status.PUBLISHED
    post.save(update_fields=["status"])
    after = waiting(home(client))
    assert after["groups.applications"][0] == 0
    assert after["bulletin.pending"][0] == 0


@pytest.mark.django_db
def test_nothing_waiting_shows_zeros_not_an_empty_page(client_for):
    found = waiting(home(client_for("staff")))
    assert found and all(count == 0 for count, _url, _label in found.values())


@pytest.mark.django_db
def test_todays_bookings_and_loans_lead_to_the_desk(client_for, group, other_group):
    room = RoomFactory(name="ミーティングスペースA")
    make_booking(room, at(TODAY, "10:00"), at(TODAY, "12:00"), group=group)
    make_booking(
        room, at(TODAY, "13:00"), at(TODAY, "15:00"), group=other_group, status="cancelled"
    )
    make_booking(room, at(TODAY, "18:00"), at(TODAY, "20:00"), purpose="事務局の打ち合わせ")
    tomorrow = TODAY + dt.timedelta(days=1)
    make_booking(room, at(tomorrow, "10:00"), at(tomorrow, "12:00"), group=other_group)
    status = EquipmentLoan.Status
    loan(group, status.CONFIRMED, TODAY, TODAY + dt.timedelta(days=1))
    out = loan(other_group, status.HANDED_OUT, TODAY - dt.timedelta(days=3), TODAY)
    loan(group, status.HANDED_OUT, TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=2))
    html = home(client_for("staff"))
    card = html.split('data-panel="facilities.today"')[1].split("</section>")[0]
    assert "10:00–12:00" in card and group.name in card
    assert "18:00–20:00" in card and "事務局の打ち合わせ" in card
    assert other_group.name not in card  # cancelled today, booked tomorrow
    assert f'href="{reverse("facilities:desk")}"' in card
    facts = dict(
        re.findall(r'dash-facts__label">([^<]+)</span> <span class="dash-facts__value">(\d+)', card)
    )
    assert facts == {"受け渡し": "1", "返却予定": "1", "返却遅れ": "1"}
    assert out.return_date == TODAY


@pytest.mark.django_db
def test_a_busy_day_shows_the_first_bookings_and_how_many_more(client_for, group):
    rooms = RoomFactory.create_batch(3)
    for room in rooms:
        for hour in (9, 12, 15, 18):
            make_booking(room, at(TODAY, f"{hour}:00"), at(TODAY, f"{hour + 2}:00"), group=group)
    html = home(client_for("staff"))
    card = html.split('data-panel="facilities.today"')[1].split("</section>")[0]
    assert card.count('class="dash-row"') == 8
    assert "ほか 4 件の予約" in card
    assert reverse("admin:facilities_booking_changelist") + "?when=today" in unescape(card)


@pytest.mark.django_db
def test_todays_events_lead_to_their_attendance(client_for):
    today = EventFactory(
        title="登録団体情報交換会 12月", start=at(TODAY, "18:30"), end=at(TODAY, "20:30")
    )
    RegistrationFactory.create_batch(3, event=today)
    RegistrationFactory(event=today, attended=True, attended_people=1)
    EventFactory(title="来週のセミナー", start=at(TODAY + dt.timedelta(days=7), "14:00"))
    EventFactory(
        title="中止になった講座",
        status=Event.Status.CANCELLED,
        start=at(TODAY, "10:00"),
        end=at(TODAY, "12:00"),
    )
    html = home(client_for("staff"))
    card = html.split('data-panel="events.today"')[1].split("</section>")[0]
    assert "登録団体情報交換会 12月" in card
    assert "来週のセミナー" not in card and "中止になった講座" not in card
    assert f'href="{reverse("events:attendance", args=[today.slug])}"' in card
    assert "申込 4 人中 1 人来場" in card


@pytest.mark.django_db
def test_no_events_today_says_so(client_for):
    html = home(client_for("staff"))
    assert "今日のイベントはありません。" in html


@pytest.mark.django_db
def test_this_months_figures_against_the_targets_link_to_the_report(client_for, group):
    from reports.models import KpiTarget

    year = FiscalYear.of(TODAY).year
    KpiTarget.objects.create(fiscal_year=year, key="registered_groups_end", target=50)
    html = home(client_for("staff"))
    card = html.split('data-panel="reports.month"')[1].split("</section>")[0]
    row = card.split('data-kpi="registered_groups_end"')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    # This month, the year so far (one registered group), the target, progress (1 of 50).
    assert cells == ["1", "1", "50", "2.0%"]
    for key in ("facility_users", "exchange_participants", "page_views"):
        assert f'data-kpi="{key}"' in card
    assert f'href="{reverse("reports:annual_year", args=[year])}"' in card


SECTIONS_JA = ["団体", "施設", "イベント", "協働", "広報", "報告", "アカウント", "システム"]
SECTIONS_EN = [
    "Groups",
    "Facilities",
    "Events",
    "Collaboration",
    "Publicity",
    "Reports",
    "Accounts",
    "System",
]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "names"), [("ja", SECTIONS_JA), ("en", SECTIONS_EN)])
def test_the_sections_follow_the_offices_work_each_once(client_for, language, names):
    html = home(client_for("superuser"), language)
    assert section_names(html) == names


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_staff_see_the_sections_they_may_use(client_for):
    html = home(client_for("staff"))
    names = section_names(html)
    assert names[:7] == SECTIONS_JA[:7]
    assert names.count("アカウント") == 1
    groups = html.split('id="section-groups"')[1].split("</section>")[0]
    first = re.search(r'class="dash-section__link" href="([^"]+)"', groups).group(1)
    assert first == reverse("admin:groups_groupapplication_changelist")  # 登録申請 comes first
    # The stock "Recent actions" box (「最近行った操作」 … 利用不可) is gone.
    assert "recent-actions-module" not in html


@pytest.mark.django_db
def test_every_admin_model_is_in_one_section(client_for):
    from django.contrib import admin

    html = home(client_for("superuser"), "en")
    shown = re.findall(r'data-model="([a-z_]+\.[a-z_]+)"', html)
    assert len(shown) == len(set(shown))
    assert set(shown) == {m._meta.label_lower for m in admin.site._registry}


@pytest.mark.django_db
def test_the_admin_pages_sidebar_shows_the_same_sections(client_for):
    client = client_for("staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    group = GroupFactory()
    html = client.get(reverse("admin:groups_group_change", args=[group.pk])).content.decode()
    sidebar = html.split('id="nav-sidebar"')[1].split("</nav>")[0]
    captions = re.findall(r'class="section"[^>]*>([^<]+)</a>', sidebar)
    current = re.findall(r'class="app-section-([a-z]+) module current-app"', sidebar)
    assert current == ["groups"]  # the section of the page shown
    assert captions == SECTIONS_EN  # staff read the background jobs (System)


@pytest.mark.django_db
def test_admin_lists_leave_the_menu_out_for_the_tables_room(client_for):
    html = client_for("staff").get(reverse("admin:groups_group_changelist")).content.decode()
    assert 'id="changelist"' in html
    assert 'id="nav-sidebar"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_title_speaks_the_pages_language(client_for, language):
    html = home(client_for("staff"), language)
    title = re.search(r"<title>([^<]+)</title>", html).group(1)
    if language == "en":
        assert title == "Today at the office | Kyodo Office administration"
        assert "管理" not in html.split("<body")[1].split('id="content"')[0]
    else:
        assert title == "今日のオフィス | まちづくり協働オフィス 管理"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "citizen", "member", "official"])
def test_only_staff_reach_the_admin_home(client_for, role, group):
    GroupFactory(status=Group.Status.APPLIED, registered_on=None)
    response = client_for(role).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def a_big_office(n: int) -> None:
    """n of everything the home page counts or lists."""
    room = RoomFactory()
    groups = GroupFactory.create_batch(n)
    GroupFactory.create_batch(n, status=Group.Status.APPLIED, registered_on=None)
    for i, group in enumerate(groups):
        day = TODAY + dt.timedelta(days=1 + i)
        make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="requested")
        start = at(TODAY, "08:00") + dt.timedelta(minutes=45 * i)
        make_booking(room, start, start + dt.timedelta(minutes=30))
        loan(group, EquipmentLoan.Status.REQUESTED, day, day + dt.timedelta(days=1))
        PostReport.objects.create(
            post=PostFactory(group=group, status=BulletinPost.Status.PENDING),
            reason=PostReport.Reason.OTHER,
        )
        event = EventFactory(start=at(TODAY, "18:00"), end=at(TODAY, "20:00"))
        RegistrationFactory.create_batch(2, event=event)
        EventFactory(status=Event.Status.PROPOSED, organiser=group)
    OpinionFactory.create_batch(n)
    SubscriberFactory.create_batch(n, bounced_at=NOW)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_data(client_for, django_assert_max_num_queries):
    client = client_for("staff")
    counts = []
    for n in (1, 12):
        a_big_office(n)
        home(client)  # the reports' figures are gathered once and kept for a minute
        with CaptureQueriesContext(connection) as queries:
            html = home(client)
        counts.append(len(queries))
        assert waiting(html)["events.proposals"][0] == (1 if n == 1 else 13)
    assert counts[0] == counts[1], counts
    # 21 (the admin's menu asks twice whether each settings singleton exists), one each for
    # collaboration's follow-ups due and news' requests to appear, and the year's figures to the
    # same day last year, kept apart once a day (reports.kpis, issue #20).
    with django_assert_max_num_queries(24):
        home(client)


@pytest.mark.django_db
def test_the_home_page_is_made_of_the_apps_panels(client_for):
    """core/admin_site.py imports no app: each app registers its panels in its AppConfig."""
    keys = [panel.key for panel in registry.panels("admin_home")]
    for key in (
        "groups.waiting",
        "facilities.waiting",
        "facilities.today",
        "events.waiting",
        "events.today",
        "bulletin.waiting",
        "news.waiting",
        "newsletter.waiting",
        "reports.month",
    ):
        assert key in keys
    from pathlib import Path

    source = (Path(settings.BASE_DIR) / "core" / "admin_site.py").read_text(encoding="utf-8")
    imports = re.findall(r"^(?:from|import) ([a-z_.]+)", source, flags=re.M)
    assert all(
        name.split(".")[0] in {"__future__", "dataclasses", "django", "core"} for name in imports
    )


@pytest.mark.django_db
def test_a_staff_member_without_a_permission_sees_no_count_of_it(client_for, staff):
    from django.contrib.auth.models import Permission

    GroupFactory(status=Group.Status.APPLIED, registered_on=None)
    staff.user_permissions.clear()
    for group in staff.groups.all():
        group.permissions.remove(*Permission.objects.filter(codename="view_opinion"))
        group.permissions.remove(*Permission.objects.filter(codename="change_opinion"))
    found = waiting(home(client_for("staff")))
    assert "news.opinions" not in found
    assert found["groups.applications"][0] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "reports"), [("official", True), ("citizen", False)])
def test_a_signed_in_person_who_is_not_staff_is_led_back_to_the_portal(client_for, role, reports):
    client = client_for(role)
    response = client.get(reverse("admin:index"), follow=True)
    html = response.content.decode()
    assert "管理画面はオフィスのスタッフ専用です。" in html
    assert (f'href="{reverse("reports:annual")}"' in html) is reports
    assert f'href="{reverse("my_account")}"' in html
    assert f'href="{reverse("home")}"' in html
    assert "スタッフのアカウントでログインする" in html  # the staff log-in stays, folded away
    assert "対応を待っているもの" not in html


@pytest.mark.django_db
def test_a_visitor_gets_the_admins_log_in_form(client):
    response = client.get(reverse("admin:index"), follow=True)
    html = response.content.decode()
    assert 'id="login-form"' in html
    assert "管理画面はオフィスのスタッフ専用です。" not in html
