"""Known data for the office-message tests: groups in every state, members in two groups, an
event's registrants in every state, a booking, a bounced address (10 June 2026, FY2026)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from events.models import Registration
from groups.models import ActivityField, Area, Group, GroupRenewal, Membership
from newsletter.models import Bounce
from tests.events.factories import EventFactory, RegistrationFactory
from tests.facilities.factories import RoomFactory, make_booking
from tests.factories import GroupFactory, MembershipFactory, UserFactory

JST = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=JST)
TODAY = NOW.date()
YESTERDAY = TODAY - dt.timedelta(days=1)


@dataclass
class World:
    env: ActivityField
    welfare: ActivityField
    north: Area
    south: Area
    a: Group  # registered, 環境, 北, renewed
    b: Group  # registered, 福祉, 南, not renewed, a booking on 15 June
    c: Group  # suspended, 環境
    d: Group  # withdrawn yesterday, 環境
    e: Group  # registered, 福祉, 北, renewed; its representative's address bounced
    event: object
    cancelled_event: object


def person(email: str, name: str):
    return UserFactory(email=email, full_name=name)


def build() -> World:
    env = ActivityField.objects.create(slug="env-x", name="環境保全X", order=1)
    welfare = ActivityField.objects.create(slug="welfare-x", name="福祉X", order=2)
    north = Area.objects.create(slug="north-x", name="北地区X", order=1)
    south = Area.objects.create(slug="south-x", name="南地区X", order=2)

    def group(name, kana, fields, areas, **extra):
        g = GroupFactory(name=name, name_kana=kana, **extra)
        g.fields.set(fields)
        g.areas.set(areas)
        return g

    a = group("みどりの会", "みどりのかい", [env], [north])
    b = group("ささえ愛", "ささえあい", [welfare], [south])
    c = group("休止中の会", "きゅうしちゅうのかい", [env], [north], status=Group.Status.SUSPENDED)
    d = group(
        "解散した会",
        "かいさんしたかい",
        [env],
        [north],
        status=Group.Status.WITHDRAWN,
        withdrawn_on=YESTERDAY,
    )
    e = group("はま子ども食堂", "はまこどもしょくどう", [welfare], [north])
    for g in (a, e):
        GroupRenewal.objects.create(group=g, fiscal_year=2026)
    GroupRenewal.objects.create(group=b, fiscal_year=2025)  # last year's, not this one's

    rep = Membership.Role.REPRESENTATIVE
    MembershipFactory(group=a, user=person("a-rep@example.org", "緑 一郎"), role=rep)
    MembershipFactory(group=a, user=person("a-mem@example.org", "緑 花子"))
    b_rep = person("b-rep@example.org", "支 二郎")
    MembershipFactory(group=b, user=b_rep, role=rep)
    MembershipFactory(group=a, user=b_rep)  # B's representative is also a member of A
    MembershipFactory(group=c, user=person("c-rep@example.org", "休 三郎"), role=rep)
    MembershipFactory(group=d, user=person("d-rep@example.org", "解 四郎"), role=rep)
    MembershipFactory(group=e, user=person("e-rep@example.org", "浜 五郎"), role=rep)
    Bounce.objects.create(
        email="e-rep@example.org", provider="test", event_type="bounced", hard=True
    )

    room = RoomFactory()
    start = dt.datetime(2026, 6, 15, 10, 0, tzinfo=JST)
    make_booking(room, start, start + dt.timedelta(hours=2), group=b)
    # A cancelled booking of A's in the same week does not count.
    make_booking(
        room,
        start + dt.timedelta(days=1),
        start + dt.timedelta(days=1, hours=2),
        group=a,
        status="cancelled",
    )

    event = EventFactory(
        title="春の交流会",
        start=NOW + dt.timedelta(days=-2),
        end=NOW + dt.timedelta(days=-2, hours=2),
    )
    confirmed = Registration.Status.CONFIRMED
    RegistrationFactory(
        event=event, guest_name="来た 人", guest_email="came@example.net", status=confirmed,
        attended=True, attended_people=1,
    )  # fmt: skip
    RegistrationFactory(
        event=event, guest_name="来なかった 人", guest_email="absent@example.net", status=confirmed
    )
    RegistrationFactory(
        event=event,
        guest_name="待つ 人",
        guest_email="waiting@example.net",
        status=Registration.Status.WAITLISTED,
        waitlist_position=1,
    )
    RegistrationFactory(
        event=event,
        guest_name="取り消した 人",
        guest_email="cancelled@example.net",
        status=Registration.Status.CANCELLED,
    )
    a_rep = Membership.objects.get(group=a, role=rep).user
    RegistrationFactory(event=event, user=a_rep, guest_name="", guest_email="", status=confirmed)
    cancelled_event = EventFactory(title="中止の講座", status="cancelled")
    RegistrationFactory(  # cancelled with the event: to be told
        event=cancelled_event,
        guest_name="中止を知る 人",
        guest_email="told@example.net",
        status=Registration.Status.CANCELLED,
        cancelled_at=NOW - dt.timedelta(hours=1),
    )
    RegistrationFactory(  # had cancelled the week before: not
        event=cancelled_event,
        guest_name="先に取り消した 人",
        guest_email="gone-before@example.net",
        status=Registration.Status.CANCELLED,
        cancelled_at=NOW - dt.timedelta(days=7),
    )
    return World(env, welfare, north, south, a, b, c, d, e, event, cancelled_event)
