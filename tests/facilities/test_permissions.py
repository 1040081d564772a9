"""Every facilities URL for every role: who gets in, who logs in first, who is refused."""

import pytest
from django.urls import reverse

from facilities.models import Booking
from facilities.selectors import group_feed
from tests.conftest import ROLES
from tests.facilities.factories import at, make_booking, open_day

pytestmark = pytest.mark.django_db

LOGIN = "login"

# url key → method, expected outcome per role (status code, or LOGIN for a redirect to log in)
MATRIX = {
    "index": ("get", dict.fromkeys(ROLES, 200)),
    "room": ("get", dict.fromkeys(ROLES, 200)),
    "day": ("get", dict.fromkeys(ROLES, 200)),
    "room_today": ("get", dict.fromkeys(ROLES, 200)),
    "room_feed": ("get", dict.fromkeys(ROLES, 200)),
    "group_feed": ("get", dict.fromkeys(ROLES, 200)),  # the secret address is the key
    "book": (
        "get",
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "other_member": 200,  # may book for their own group
            "member": 200,
            "representative": 200,
            "staff": 200,
            "official": 403,
        },
    ),
    "bookings": ("get", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    "booking_cancel": (
        "get",
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "other_member": 403,
            "member": 200,
            "representative": 200,
            "staff": 200,
            "official": 403,
        },
    ),
    "desk": ("get", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 200}),
    "desk_record": ("post", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 302}),
    # Without "confirm" the no-show asks first (the confirmation page); with it, it is recorded.
    "desk_no_show": ("post", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 200}),
    "desk_no_show_undo": (
        "post",
        {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 302},
    ),
    "desk_decide": ("post", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 302}),
    "desk_walk_in": ("post", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "staff": 302}),
    "group_feed_reset": (
        "post",
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "other_member": 403,
            "member": 403,
            "representative": 302,
            "staff": 302,
            "official": 403,
        },
    ),
}

CASES = [(key, role) for key in MATRIX for role in ROLES]


@pytest.fixture
def urls(group, room):
    day = open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    feed = group_feed(group)
    return {
        "index": reverse("facilities:index"),
        "room": reverse("facilities:room", kwargs={"slug": room.slug}),
        "day": reverse("facilities:day", kwargs={"day": day.isoformat()}),
        "room_today": reverse("facilities:room_today", kwargs={"slug": room.slug}),
        "room_feed": reverse("facilities:room_feed", kwargs={"slug": room.slug}),
        "group_feed": reverse(
            "facilities:group_feed", kwargs={"slug": group.slug, "token": feed.token}
        ),
        "book": reverse("facilities:book", kwargs={"slug": room.slug}),
        "bookings": reverse("facilities:bookings"),
        "booking_cancel": reverse("facilities:booking_cancel", kwargs={"pk": booking.pk}),
        "desk": reverse("facilities:desk"),
        "desk_record": reverse("facilities:desk_record", kwargs={"pk": booking.pk}),
        "desk_no_show": reverse("facilities:desk_no_show", kwargs={"pk": booking.pk}),
        "desk_no_show_undo": reverse("facilities:desk_no_show_undo", kwargs={"pk": booking.pk}),
        "desk_decide": reverse("facilities:desk_decide", kwargs={"pk": booking.pk}),
        "desk_walk_in": reverse("facilities:desk_walk_in"),
        "group_feed_reset": reverse("facilities:group_feed_reset", kwargs={"slug": group.slug}),
    }


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_permission_matrix(client_for, urls, key, role, other_member, representative):
    method, expected = MATRIX[key]
    client = client_for(role)
    response = getattr(client, method)(urls[key])
    outcome = expected[role]
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == outcome


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_member", "member", "official"])
def test_refused_desk_posts_change_nothing(client_for, urls, role, group):
    client = client_for(role)
    client.post(urls["desk_no_show"], {"confirm": "1"})
    client.post(urls["desk_decide"], {"decision": "reject"})
    client.post(urls["desk_walk_in"], {"delta": 5})
    assert Booking.objects.get().status == "confirmed"
    from facilities.models import WalkInCount

    assert not WalkInCount.objects.exists()


def test_a_wrong_feed_token_is_404(client, group):
    group_feed(group)
    url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": "guess"})
    assert client.get(url).status_code == 404
