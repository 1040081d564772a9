"""Property-based tests over the capability apps' forms: random and hostile input never causes a
server error, and a form that is refused leaves the database exactly as it was (no partial save).

Each form is posted by the role that may use it, with every field drawn from hostile text
(tests/security/fuzz.py). Each example runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.security.fuzz import (
    FORM_SETTINGS,
    assert_no_server_error,
    each_example_rolled_back,
    form_data,
)

pytestmark = pytest.mark.django_db
# Fewer examples per form than the foundation's: there are many forms, each example is a request.
APP_FORM_SETTINGS = settings(FORM_SETTINGS, max_examples=15)

PORTAL_APPS = ["accounts", "groups", "facilities", "events", "news", "newsletter", "bulletin"]


# Settings singletons made on first read (FacilitySettings.load()...): not a save of the form.
LAZY_SINGLETONS = {"bulletin_bulletinsettings", "facilities_facilitysettings"}


def portal_row_counts() -> dict[str, int]:
    """The row count of every table of the portal's apps, in one query."""
    tables = sorted(
        {m._meta.db_table for app in PORTAL_APPS for m in apps.get_app_config(app).get_models()}
        - LAZY_SINGLETONS
    )
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def room_form(ctx):
    from facilities.models import FacilitySettings, OpeningHours
    from tests.facilities.factories import RoomFactory, open_day

    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    room = RoomFactory(slug="fuzz-room")
    day = open_day(after=6)
    return (
        reverse("facilities:book", kwargs={"slug": room.slug})
        + f"?start={day}T10:00&end={day}T11:00"
    )


def event_form(ctx):
    from tests.events.factories import EventFactory

    event = EventFactory(allow_guests=True)
    return reverse("events:register", kwargs={"slug": event.slug})


def guest_form(ctx):
    from tests.events.factories import EventFactory

    event = EventFactory(allow_guests=True)
    return reverse("events:register_guest", kwargs={"slug": event.slug})


# (name, role, url builder, fields)
FORMS = [
    (
        "group application",
        "citizen",
        lambda ctx: reverse("groups:apply"),
        [
            "name",
            "name_kana",
            "slug",
            "summary",
            "description",
            "founded_year",
            "member_count",
            "website",
            "sns_url",
            "public_email",
            "representative_name",
            "representative_phone",
            "representative_address",
            "submission_token",
            "eligibility",
            "fields",
            "areas",
        ],
    ),
    (
        "group edit",
        "representative",
        lambda ctx: reverse("groups:edit", kwargs={"slug": ctx.group.slug}),
        [
            "name",
            "name_kana",
            "summary",
            "founded_year",
            "member_count",
            "website",
            "public_email",
            "representative_name",
            "representative_phone",
            "looking_for",
        ],
    ),
    (
        "group contact",
        "anonymous",
        lambda ctx: reverse("groups:contact", kwargs={"slug": ctx.group.slug}),
        ["sender_name", "sender_email", "subject", "message", "website_url", "submission_token"],
    ),
    (
        "activity record",
        "member",
        lambda ctx: reverse("groups:activity_create", kwargs={"slug": ctx.group.slug}),
        ["held_on", "title", "body", "submission_token"],
    ),
    (
        "invite a member",
        "representative",
        lambda ctx: reverse("groups:invite", kwargs={"slug": ctx.group.slug}),
        ["email"],
    ),
    (
        "room booking",
        "member",
        room_form,
        [
            "group",
            "kind",
            "date",
            "start_time",
            "end_time",
            "blocks",
            "purpose",
            "attendees",
            "repeat",
            "repeat_count",
        ],
    ),
    ("event registration", "citizen", event_form, ["people", "group"]),
    ("guest registration", "anonymous", guest_form, ["name", "email", "website_url"]),
    (
        "event proposal",
        "member",
        lambda ctx: reverse("events:propose"),
        ["group", "title", "kind", "start", "end", "venue", "capacity", "allow_guests"],
    ),
    (
        "bulletin post",
        "member",
        lambda ctx: reverse("bulletin:create"),
        ["group", "category", "title", "body", "what", "when", "place", "contact", "expires_on"],
    ),
    (
        "newsletter subscription",
        "anonymous",
        lambda ctx: reverse("newsletter:subscribe"),
        ["email", "interests", "agree", "website_url"],
    ),
    (
        "opinion box",
        "anonymous",
        lambda ctx: reverse("opinion:form"),
        ["addressed_to", "topic", "message", "name", "email", "wants_reply", "website_url"],
    ),
]


class Ctx:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@APP_FORM_SETTINGS
@pytest.mark.parametrize("name,role,url_for,fields", FORMS, ids=[f[0] for f in FORMS])
@given(draw=st.data())
def test_hostile_input_never_breaks_a_form_or_half_saves(
    request, client_for, name, role, url_for, fields, draw
):
    ctx = Ctx(request)
    ctx.member, ctx.representative  # noqa: B018 - the group has its members
    client = client_for(role)
    data = draw.draw(form_data(fields), label="form data")
    with each_example_rolled_back():
        url = url_for(ctx)
        cache.clear()
        before = portal_row_counts()
        response = client.post(url, data)
        assert_no_server_error(response, data)
        if response.status_code != 302:
            # Refused (form errors, 403, 429...): not one row written anywhere.
            after = portal_row_counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"{name}: refused ({response.status_code}) but wrote {changed}"
