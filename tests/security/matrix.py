"""The permission matrix: every URL pattern × every role × GET/POST → the exact answer.

Statuses are numbers; ``LOGIN`` means "302 to the login page" (``ADMIN_LOGIN``: the admin's).
POSTs are sent without data (a form comes back with errors for those allowed, the refusal for the
others) and without CSRF enforcement: this table is about who may, not about tokens (CSRF has its
own test). `test_permission_matrix.py` fails for any pattern missing here, so a new URL must be
added with its answers.

Each row may build the URL's arguments from ``ctx`` (the role fixtures of tests/conftest.py plus
objects made for the row): a function ``kwargs(ctx) -> dict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "citizen",
    "other_member",
    "member",
    "representative",
    "staff",
    "official",
    "committee",
    # An official whose account belongs to a city department (collaboration, issue 18).
    "department_official",
]
SIGNED_IN = ROLES[1:]
LOGIN = "login"
ADMIN_LOGIN = "admin-login"


def every(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, *, anonymous=LOGIN, **overrides) -> dict:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status), **overrides}


def only(allowed, *, status=200, others=403, anonymous=LOGIN) -> dict:
    table = {"anonymous": anonymous}
    for role in SIGNED_IN:
        table[role] = status if role in allowed else others
    return table


def anonymous_only(status, *, signed_in_status=302) -> dict:
    return {"anonymous": status, **dict.fromkeys(SIGNED_IN, signed_in_status)}


# Readers of the reports, the business report and the survey results (accounts.roles).
REPORT_VIEWERS = {"staff", "official", "committee", "department_official"}
COMMITTEE_READERS = {"staff", "committee"}
STAFF = {"staff"}
GROUP_MEMBERS = {"member", "representative", "staff"}


@dataclass
class Row:
    get: dict
    post: dict
    kwargs: Callable[[object], dict] | None = None
    query: str | Callable[[object], str] = ""
    note: str = ""
    post_data: Callable[[object], dict] | None = None
    path: str | None = None  # for unnamed patterns: the URL to request
    extra: dict = field(default_factory=dict)


def someones_mail(ctx):
    """A mail to an address no role holds: every role's detail of it is a 404."""
    from django.core.mail import EmailMessage

    from maillog.services import sent_mail_record

    message = EmailMessage("お知らせ", "本文", to=["someone-else@example.net"])
    return sent_mail_record(message=message, kind="other", secret=False)[0]


MATRIX: dict[str, Row] = {
    # --- core
    "home": Row(get=every(200), post=every(405)),
    "healthz": Row(get=every(200), post=every(405)),
    "favicon": Row(get=every(301), post=every(405)),
    "search": Row(get=every(200), post=every(405)),
    # Development only (DEBUG): uploaded files served by Django; production serves them from
    # the proxy (see the README). A missing file is a 404 for everyone.
    "^media/(?P<path>.*)$": Row(get=every(404), post=every(404), path="/media/no-such-file.png"),
    "set_language": Row(get=every(302), post=every(302), note="GET changes nothing, goes back"),
    # --- accounts (ours and django-allauth's)
    "my_account": Row(get=signed_in(200), post=signed_in(200)),
    "account_close": Row(get=signed_in(200), post=signed_in(200)),  # 退会 (issue #19)
    # The mail log (issue #15): one's own mails; someone else's mail is not found.
    "maillog:list": Row(get=signed_in(200), post=signed_in(405)),
    "maillog:detail": Row(
        get=signed_in(404), post=signed_in(405), kwargs=lambda ctx: {"pk": someones_mail(ctx).pk}
    ),
    "account_login": Row(get=anonymous_only(200), post=anonymous_only(200)),
    "account_logout": Row(get=signed_in(200, anonymous=302), post=every(302)),
    "account_inactive": Row(get=every(200), post=every(405)),
    "account_signup": Row(get=anonymous_only(200), post=anonymous_only(200)),
    "account_reauthenticate": Row(get=signed_in(200), post=signed_in(200)),
    # allauth's code-by-e-mail steps: there is no pending code, so they go back (302).
    "account_request_reauthentication_code": Row(get=signed_in(200), post=signed_in(200)),
    "account_confirm_reauthentication_code": Row(get=signed_in(302), post=signed_in(302)),
    "account_email": Row(get=signed_in(200), post=signed_in(302)),
    "account_email_verification_sent": Row(get=every(200), post=every(405)),
    "account_change_password": Row(get=signed_in(200), post=signed_in(200)),
    "account_set_password": Row(get=signed_in(302), post=signed_in(302)),
    "account_reset_password": Row(get=every(200), post=every(200)),
    "account_confirm_login_code": Row(get=signed_in(302), post=signed_in(302)),
    "account_confirm_email": Row(
        get=every(200),
        post=every(404),
        kwargs=lambda ctx: {"key": "not-a-real-key"},
        note="a bad key shows 'link expired or invalid'; confirming it is 404",
    ),
    "account_reset_password_from_key_done": Row(get=every(200), post=every(405)),
    "account_reset_password_from_key": Row(
        get=every(200),
        post=every(200),
        kwargs=lambda ctx: {"uidb36": "zz", "key": "not-a-real-key"},
        note="a bad key shows the 'link is invalid' page",
    ),
    "account_reset_password_done": Row(get=every(200), post=every(405)),
}

# Patterns covered by a rule rather than a row: the Django admin (see test_admin_* tests).
RULES = {"admin/": "the admin: staff only, per-model permissions (test_admin_permissions)"}
# Admin pages whose answer to staff differs from the rule, and why.
ADMIN_SPECIAL = {
    # A singleton: the list sends staff straight to the one settings object.
    ("bulletin.BulletinSettings", "changelist"): 302,
}


# --- Objects the rows point at (made inside the test's transaction).
def group_slug(ctx) -> dict:
    ctx.member, ctx.representative  # noqa: B018 - the group's members exist before the requests
    return {"slug": ctx.group.slug}


def group_document(ctx) -> dict:
    from django.core.files.base import ContentFile

    from groups.models import GroupDocument

    document = GroupDocument.objects.create(
        group=ctx.group,
        kind=GroupDocument.Kind.values[0],
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="rules.pdf"),
        uploaded_by=ctx.representative,
    )
    return {"pk": document.pk}


def group_invitation(ctx):
    from groups.models import Invitation

    return Invitation.objects.create(
        group=ctx.group, email="invitee@example.org", invited_by=ctx.representative
    )


def group_invitation_token(ctx) -> dict:
    from groups.services import invitation_token

    return {"token": invitation_token(group_invitation(ctx))}


def group_membership(ctx) -> dict:
    from groups.models import Membership

    return {"slug": ctx.group.slug, "pk": Membership.objects.get(user=ctx.member).pk}


def group_activity(ctx) -> dict:
    import datetime as dt

    from groups.models import ActivityRecord

    record = ActivityRecord.objects.create(
        group=ctx.group,
        held_on=dt.date(2026, 4, 12),
        title="清掃活動",
        body="川沿いの清掃をしました。",
        created_by=ctx.member,
    )
    return {"slug": ctx.group.slug, "pk": record.pk}


REPRESENTATIVES = {"representative", "staff"}

MATRIX.update(
    {
        "groups:directory": Row(get=every(200), post=every(405)),
        "groups:directory_csv": Row(get=every(200), post=every(405)),
        "groups:apply": Row(get=signed_in(200), post=signed_in(200)),
        "groups:recent_activities": Row(get=every(200), post=every(405)),
        "groups:invitation": Row(
            get=every(200),
            post=signed_in(302),
            kwargs=group_invitation_token,
            note="anyone with the link sees it; accepting needs an account",
        ),
        "groups:document": Row(get=only(STAFF), post=signed_in(405), kwargs=group_document),
        "groups:detail": Row(get=every(200), post=every(405), kwargs=group_slug),
        "groups:edit": Row(get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_slug),
        "groups:resubmit": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_slug
        ),
        "groups:renew": Row(
            get=only(REPRESENTATIVES), post=only(REPRESENTATIVES), kwargs=group_slug
        ),
        "groups:partners": Row(get=only(GROUP_MEMBERS), post=signed_in(405), kwargs=group_slug),
        "groups:contact": Row(
            get={**every(200), "member": 302, "representative": 302},
            post={**every(200), "member": 302, "representative": 302},
            kwargs=group_slug,
            note="the group's own members are sent back to its page: no mail to themselves",
        ),
        "groups:members": Row(get=only(GROUP_MEMBERS), post=signed_in(405), kwargs=group_slug),
        # An empty POST is a bad address: the members page again, with the error at the field.
        "groups:invite": Row(get=signed_in(405), post=only(REPRESENTATIVES), kwargs=group_slug),
        "groups:member_role": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_membership
        ),
        # Irreversible steps: GET is the confirmation page, POST does it.
        "groups:member_hand_over": Row(
            get=only(REPRESENTATIVES),
            post=only(REPRESENTATIVES, status=302),
            kwargs=group_membership,
        ),
        "groups:member_remove": Row(
            get=only(REPRESENTATIVES),
            post=only(REPRESENTATIVES, status=302),
            kwargs=group_membership,
        ),
        "groups:leave": Row(
            get=only({"member", "representative"}),
            post=only({"member", "representative"}, status=302),
            kwargs=group_slug,
            note="the only representative is sent back with a message; staff are not members",
        ),
        "groups:step_down": Row(
            get=only({"representative"}),
            post=only({"representative"}, status=302),
            kwargs=group_slug,
            note="one's own role: staff and plain members have none to give up; the only "
            "representative is told to share the role first (the POST is refused with a message)",
        ),
        "groups:invitation_revoke": Row(
            get=signed_in(405),
            post=only(REPRESENTATIVES, status=302),
            kwargs=lambda ctx: {"slug": ctx.group.slug, "pk": group_invitation(ctx).pk},
        ),
        "groups:activities": Row(get=every(200), post=every(405), kwargs=group_slug),
        "groups:activity_create": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_slug
        ),
        "groups:activity": Row(get=every(200), post=every(405), kwargs=group_activity),
        "groups:activity_edit": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_activity
        ),
        "groups:activity_delete": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS, status=302), kwargs=group_activity
        ),
    }
)


# --- events
def an_event(ctx, **fields):
    from tests.events.factories import EventFactory

    fields.setdefault("allow_guests", True)
    return EventFactory(**fields)


def event_slug(ctx) -> dict:
    ctx.member, ctx.representative  # noqa: B018
    return {"slug": an_event(ctx).slug}


def organised_event_slug(ctx) -> dict:
    """An event organised by the group of the member and representative roles: its members
    run it (issue 15 part 2); the other group's member and a plain citizen get 403."""
    ctx.member, ctx.representative, ctx.other_member  # noqa: B018
    return {"slug": an_event(ctx, organiser=ctx.group).slug}


def guest_registration(ctx, status: str):
    from events.models import Registration
    from tests.events.factories import RegistrationFactory

    return RegistrationFactory(event=an_event(ctx), status=getattr(Registration.Status, status))


def guest_token(kind: str):
    def build(ctx) -> dict:
        from events import tokens

        if kind == "confirm":
            registration = guest_registration(ctx, "PENDING_GUEST")
            return {"token": tokens.guest_confirm_token(registration)}
        registration = guest_registration(ctx, "CONFIRMED")
        return {"token": tokens.guest_manage_token(registration)}

    return build


def a_survey(ctx):
    from tests.events.factories import QuestionFactory, SurveyFactory

    survey = SurveyFactory()
    question = QuestionFactory(survey=survey)
    return survey, question


def survey_slug(ctx) -> dict:
    return {"slug": a_survey(ctx)[0].slug}


def survey_chart(ctx) -> dict:
    survey, question = a_survey(ctx)
    return {"slug": survey.slug, "question_id": question.pk}


# --- publishing
def news_slug(ctx) -> dict:
    from tests.news.factories import NewsPostFactory

    return {"slug": NewsPostFactory().slug}


def newsletter_number(ctx) -> dict:
    from tests.news.factories import IssueFactory

    return {"number": IssueFactory().number}


def subscriber_token(kind: str):
    def build(ctx) -> dict:
        from newsletter import tokens
        from tests.news.factories import SubscriberFactory

        if kind == "confirm":
            return {"token": tokens.confirm_token(SubscriberFactory(confirmed_at=None))}
        return {"token": tokens.manage_token(SubscriberFactory())}

    return build


def bulletin_post(ctx) -> dict:
    from tests.news.factories import PostFactory

    ctx.member, ctx.representative  # noqa: B018
    return {"pk": PostFactory(group=ctx.group, author=ctx.member).pk}


# --- reports
def report_year(ctx) -> dict:
    return {"year": 2025}


def report_year_chart(ctx) -> dict:
    return {"year": 2025, "chart": "participants"}


GROUP_PROPOSERS = {"other_member", "member", "representative"}  # members of any group
BULLETIN_POSTERS = {"other_member", "member", "representative", "staff"}

MATRIX.update(
    {
        # --- events
        "events:list": Row(get=every(200), post=every(405)),
        "events:feed": Row(get=every(200), post=every(405)),
        "events:propose": Row(
            get=only(GROUP_PROPOSERS),
            post=only(GROUP_PROPOSERS),
            note="members propose for their own group; staff create events in the admin",
        ),
        "events:guest_confirm": Row(get=every(200), post=every(302), kwargs=guest_token("confirm")),
        "events:guest_manage": Row(get=every(200), post=every(302), kwargs=guest_token("manage")),
        "events:guest_cancel": Row(get=every(200), post=every(302), kwargs=guest_token("manage")),
        "events:survey": Row(get=signed_in(200), post=signed_in(200), kwargs=survey_slug),
        # Survey results: read by staff, officials and committee members (issue 17 part 5).
        "events:survey_results": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=survey_slug),
        "events:survey_results_csv": Row(
            get=only(REPORT_VIEWERS), post=every(405), kwargs=survey_slug
        ),
        "events:survey_chart": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=survey_chart),
        "events:detail": Row(get=every(200), post=every(405), kwargs=event_slug),
        "events:ics": Row(get=every(200), post=every(405), kwargs=event_slug),
        "events:register": Row(get=every(405), post=signed_in(200), kwargs=event_slug),
        "events:register_guest": Row(
            get=every(405),
            post=signed_in(302, anonymous=200),
            kwargs=event_slug,
            note="signed-in people are sent to register themselves",
        ),
        "events:cancel": Row(
            get=signed_in(302),
            post=signed_in(302),
            kwargs=event_slug,
            note="GET asks first on its own page (200 with one's own registration, tested in "
            "tests/events); without one it goes back to the event page",
        ),
        # Running an event: staff, and the members of the organising group (issue 15 part 2;
        # an office event's pages stay staff only: tests/events/test_organisers_permissions.py).
        "events:manage": Row(get=only(GROUP_MEMBERS), post=every(405), kwargs=organised_event_slug),
        "events:registrants": Row(
            get=only(GROUP_MEMBERS), post=every(405), kwargs=organised_event_slug
        ),
        "events:door_list": Row(
            get=only(GROUP_MEMBERS), post=every(405), kwargs=organised_event_slug
        ),
        "events:door_list_csv": Row(
            get=only(GROUP_MEMBERS), post=every(405), kwargs=organised_event_slug
        ),
        "events:attendance": Row(
            get=only(GROUP_MEMBERS),
            post=only(GROUP_MEMBERS, status=302),
            kwargs=organised_event_slug,
        ),
        "events:walk_in": Row(
            get=every(405), post=only(GROUP_MEMBERS), kwargs=organised_event_slug
        ),
        # --- news, programme, opinion box (read-only pages and feeds refuse POST)
        "news:list": Row(get=every(200), post=every(405)),
        "news:feed": Row(get=every(200), post=every(405)),
        "news:events_feed": Row(get=every(200), post=every(405)),
        "news:detail": Row(get=every(200), post=every(405), kwargs=news_slug),
        "programme:list": Row(get=every(200), post=every(405)),
        "opinion:form": Row(get=every(200), post=every(200)),
        "opinion:thanks": Row(get=every(200), post=every(405)),
        # --- newsletter
        "newsletter:list": Row(get=every(200), post=every(405)),
        "newsletter:feed": Row(get=every(200), post=every(405)),
        "newsletter:subscribe": Row(get=every(200), post=every(200)),
        "newsletter:subscribe_sent": Row(get=every(200), post=every(405)),
        "newsletter:confirm": Row(
            get=every(200),
            post=every(200),
            kwargs=subscriber_token("confirm"),
            note="GET shows a button (mail scanners only GET); POST confirms",
        ),
        "newsletter:unsubscribe": Row(
            get=every(200), post=every(200), kwargs=subscriber_token("unsubscribe")
        ),
        "newsletter:preferences": Row(
            get=every(200), post=every(302), kwargs=subscriber_token("preferences")
        ),
        "newsletter:detail": Row(get=every(200), post=every(405), kwargs=newsletter_number),
        "newsletter:event_message": Row(
            get=only(GROUP_MEMBERS),
            post=only(GROUP_MEMBERS),
            kwargs=organised_event_slug,
            note="an event's organisers and staff write to its registrants",
        ),
        # --- bulletin board
        "bulletin:list": Row(get=every(200), post=every(405)),
        "bulletin:feed": Row(get=every(200), post=every(405)),
        "bulletin:create": Row(get=only(BULLETIN_POSTERS), post=only(BULLETIN_POSTERS)),
        "bulletin:mine": Row(get=only(BULLETIN_POSTERS), post=signed_in(405)),
        "bulletin:detail": Row(get=every(200), post=every(405), kwargs=bulletin_post),
        "bulletin:edit": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=bulletin_post
        ),
        "bulletin:withdraw": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS, status=302), kwargs=bulletin_post
        ),
        "bulletin:report": Row(
            get={**every(200), "member": 302, "representative": 302},
            post={**every(200), "member": 302, "representative": 302},
            kwargs=bulletin_post,
            note="anyone may report, but the post's own group (sent back to the post)",
        ),
        # --- reports: staff, officials and committee members only
        "reports:index": Row(get=every(302), post=every(302)),
        "reports:annual": Row(get=only(REPORT_VIEWERS), post=signed_in(405, anonymous=405)),
        "reports:trend_chart": Row(
            get=only(REPORT_VIEWERS),
            post=every(405),
            kwargs=lambda ctx: {"chart": "facility-users"},
        ),
        "reports:annual_trend_csv": Row(get=only(REPORT_VIEWERS), post=every(405)),
        "reports:annual_year": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=report_year),
        "reports:annual_csv": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=report_year),
        "reports:annual_xlsx": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=report_year),
        "reports:year_chart": Row(
            get=only(REPORT_VIEWERS), post=every(405), kwargs=report_year_chart
        ),
        "reports:surveys": Row(get=only(REPORT_VIEWERS), post=every(405)),
        # The opinions addressed to the committee: not the officials'.
        "reports:committee_opinions": Row(get=only(COMMITTEE_READERS), post=every(405)),
        # The business report (事業報告書): its page and PDF; a year with nothing has no PDF (404
        # with a message, for its readers only).
        "reports:business_index": Row(get=only(REPORT_VIEWERS), post=every(405)),
        "reports:business": Row(get=only(REPORT_VIEWERS), post=every(405), kwargs=report_year),
        "reports:business_pdf": Row(
            get=only(REPORT_VIEWERS, status=404),
            post=every(405),
            kwargs=lambda ctx: {"year": 2001},
        ),
    }
)

# Every pattern whose key starts with one of these gets the same row.
PREFIX_ROWS = {
    # The mail provider's webhooks answer 404 until ANYMAIL["WEBHOOK_SECRET"] is set.
    "newsletter:anymail:": Row(get=every(404), post=every(404)),
}


# --- facilities
def a_room(ctx):
    from facilities.models import FacilitySettings, OpeningHours
    from tests.facilities.factories import RoomFactory

    if not OpeningHours.objects.exists():
        import datetime as dt

        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
        )
    FacilitySettings.load()
    return RoomFactory(slug="meeting-a")


def room_slug(ctx) -> dict:
    ctx.member, ctx.representative  # noqa: B018
    return {"slug": a_room(ctx).slug}


def a_booking(ctx):
    from tests.facilities.factories import at, make_booking, open_day

    ctx.member, ctx.representative  # noqa: B018
    day = open_day(after=5)
    return make_booking(
        a_room(ctx), at(day, "10:00"), at(day, "12:00"), group=ctx.group, booked_by=ctx.member
    )


def booking_pk(ctx) -> dict:
    return {"pk": a_booking(ctx).pk}


def group_feed(ctx) -> dict:
    from facilities.models import GroupCalendarFeed

    # The group got its feed when it was made; the matrix knows its address.
    feed, _made = GroupCalendarFeed.objects.update_or_create(
        group=ctx.group, defaults={"token": "t" * 40}
    )
    return {"slug": ctx.group.slug, "token": feed.token}


def a_free_slot(ctx) -> str:
    from tests.facilities.factories import open_day

    day = open_day(after=6)
    return f"?start={day.isoformat()}T10:00&end={day.isoformat()}T11:00"


ROOM_BOOKERS = {"other_member", "member", "representative", "staff"}  # members of any group


def loan_pk(ctx) -> dict:
    """A confirmed take-out loan of ctx.group a few days ahead (cancellable by its members)."""
    import datetime as dt

    from facilities.models import EquipmentLoan, EquipmentLoanItem
    from tests.facilities.factories import EquipmentFactory, at, open_day

    ctx.member, ctx.representative  # noqa: B018
    a_room(ctx)  # opening hours and rules
    day = open_day(after=5)
    loan = EquipmentLoan.objects.create(
        group=ctx.group, requested_by=ctx.member, purpose="街頭活動", pickup_date=day,
        return_date=day + dt.timedelta(days=1), start=at(day, "9:00"),
        end=at(day + dt.timedelta(days=1), "21:00"), status=EquipmentLoan.Status.CONFIRMED,
    )  # fmt: skip
    item = EquipmentFactory(name="ポータブルPAセット", quantity=2, may_leave_building=True)
    EquipmentLoanItem.objects.create(loan=loan, equipment=item, quantity=1)
    return {"pk": loan.pk}


MATRIX.update(
    {
        "facilities:index": Row(get=every(200), post=every(200)),
        # The free-room search (issue #16 part 2): public, GET only.
        "facilities:free": Row(
            get=every(200), post=every(405), query="?date=2026-05-11&from=10:00&to=12:00&people=4"
        ),
        "facilities:day": Row(
            get=every(200), post=every(200), kwargs=lambda ctx: {"day": "2026-04-01"}
        ),
        "facilities:bookings": Row(get=signed_in(200), post=signed_in(200)),
        "facilities:booking_cancel": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=booking_pk
        ),
        "facilities:booking_change": Row(
            get=only(GROUP_MEMBERS),
            post=only(GROUP_MEMBERS),
            kwargs=booking_pk,
            note="the group changes its own booking until the deadline; staff any open booking",
        ),
        "facilities:desk": Row(get=only(STAFF), post=only(STAFF)),
        "facilities:desk_record": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=booking_pk
        ),
        "facilities:desk_no_show": Row(
            get=only(STAFF),
            post=only(STAFF),
            kwargs=booking_pk,
            note="asks for confirmation first (a POST with confirm records it)",
        ),
        "facilities:desk_no_show_undo": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=booking_pk
        ),
        "facilities:desk_decide": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=booking_pk
        ),
        "facilities:desk_walk_in": Row(get=every(405), post=only(STAFF, status=302)),
        "facilities:group_feed_reset": Row(
            get=every(405),
            post=only(REPRESENTATIVES, status=302),
            kwargs=lambda ctx: {"slug": ctx.group.slug},
        ),
        "facilities:group_feed": Row(
            get=every(200), post=every(405), kwargs=group_feed, note="the secret token is the key"
        ),
        "facilities:room": Row(get=every(200), post=every(200), kwargs=room_slug),
        "facilities:book": Row(
            get=only(ROOM_BOOKERS),
            post=only(ROOM_BOOKERS),
            kwargs=room_slug,
            query=a_free_slot,
            note="members of a registered group book for it; staff for any group",
        ),
        "facilities:loan_new": Row(
            get=only(ROOM_BOOKERS),
            post=only(ROOM_BOOKERS),
            note="members of a registered group ask for their group; staff for any group",
        ),
        "facilities:loan_cancel": Row(
            get=only(GROUP_MEMBERS),
            post=only(GROUP_MEMBERS),
            kwargs=loan_pk,
            note="the group cancels before the pickup day; staff with a reason",
        ),
        "facilities:desk_loan_hand_out": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=loan_pk
        ),
        "facilities:desk_loan_return": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=loan_pk
        ),
        "facilities:desk_loan_decide": Row(
            get=every(405), post=only(STAFF, status=302), kwargs=loan_pk
        ),
        "facilities:room_today": Row(get=every(200), post=every(405), kwargs=room_slug),
        "facilities:room_feed": Row(get=every(200), post=every(405), kwargs=room_slug),
    }
)


# --- pages staff edit (issue #14): public, read-only; editing is in the admin
def a_published_page(kind: str, slug: str | None = None):
    def build(ctx) -> dict:
        from django.utils import timezone

        from pages.models import Page, PageVersion

        page = Page.objects.filter(slug=slug or kind).first() or Page.objects.create(
            slug=slug or kind, kind=kind, title=kind
        )
        if page.published_version is None:
            page.published_version = PageVersion.objects.create(
                page=page, number=99, title=kind, body="本文", status="published",
                published_at=timezone.now(),
            )  # fmt: skip
            page.save(update_fields=["published_version"])
        return {"slug": page.slug} if slug else {}

    return build


MATRIX.update(
    {
        f"pages:{kind}": Row(get=every(200), post=every(405), kwargs=a_published_page(kind))
        for kind in ("guide", "access", "faq", "downloads", "privacy", "terms")
    }
)
MATRIX["pages:page"] = Row(
    get=every(200), post=every(405), kwargs=a_published_page("other", "insurance")
)
ADMIN_SPECIAL[("pages.OfficeDetails", "changelist")] = 302


# --- Decision buttons on an object's admin page (issue #14, core/admin_decisions.py): POST
# only, staff only. A signed-in official, citizen or member is refused outright (403) even with
# a crafted POST; anonymous goes to the admin's login; staff's GET is 405, staff's POST goes
# back to the object's page (302) with what was done or why not.
def admin_decision(label: str):
    def kwargs(ctx) -> dict:
        from django.apps import apps
        from django.contrib import admin

        from tests.security.admin_objects import make

        model = apps.get_model(label)
        obj = make(model)
        return {"object_id": obj.pk, "key": admin.site._registry[model].decisions[0].key}

    return kwargs


DECIDE_GET = {
    "anonymous": ADMIN_LOGIN,
    **dict.fromkeys(SIGNED_IN, 403),
    "staff": 405,
}
DECIDE_POST = {**DECIDE_GET, "staff": 302}

ADMIN_DECISIONS: dict[str, Row] = {
    f"admin:{label.replace('.', '_').lower()}_decide": Row(
        get=DECIDE_GET, post=DECIDE_POST, kwargs=admin_decision(label)
    )
    for label in [
        "accounts.User",
        "bulletin.BulletinPost",
        "events.Event",
        "events.Survey",
        "facilities.Booking",
        "facilities.EquipmentLoan",
        "groups.Group",
        "groups.GroupApplication",
        "news.Opinion",
    ]
}


# Collaboration (issue 18): its rows live with its tests.
from tests.collaboration.matrix_rows import rows as _collaboration_rows  # noqa: E402

MATRIX.update(_collaboration_rows())
ADMIN_SPECIAL[("collaboration.CollaborationSettings", "changelist")] = 302  # a singleton

# The go-between's record and the programme's requests to appear (issue 18 parts 4-5).
from tests.collaboration import gobetween_rows as _gobetween  # noqa: E402

MATRIX.update(_gobetween.rows())
ADMIN_DECISIONS.update(
    {
        f"admin:{label.replace('.', '_').lower()}_decide": Row(
            get=DECIDE_GET, post=DECIDE_POST, kwargs=admin_decision(label)
        )
        for label in _gobetween.DECISION_LABELS
    }
)
