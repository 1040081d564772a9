"""Signed-in pages kept whole per viewer session (core.viewercache, issue #20): served again from
two reads while nothing changed, never after a change once the writer's request has returned, never
to another session, and with tokens that still work.

The mechanism is tested on small views of this module's own (its URLconf); the portal's own pages
(a group page, a room's week, My Page, my bookings) as their viewers see them.
"""

import datetime as dt
import itertools
import re

import pytest
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from core import viewercache
from core.dbcache import AfterCommitWrites
from tests.facilities.factories import RoomFactory

pytestmark = pytest.mark.django_db

TOKENS = re.compile(rb'(name="(?:csrfmiddlewaretoken|submission_token)" value=")[^"]+(")')

# --- A URLconf of small views, beside the portal's own (its pages' templates need their URLs).
built = itertools.count(1)


def renews_version(callbacks) -> int:
    """How many of ``callbacks`` write the viewers' data version after the commit."""
    return sum(
        1
        for c in callbacks
        if isinstance(c, AfterCommitWrites)
        and viewercache.DATA_VERSION_KEY in c.keys(viewercache.CACHE_ALIAS)
    )


def _counted(request):
    return HttpResponse(f"built {next(built)} for {request.session.get('_auth_user_id')}")


def _with_form(request):
    template = engines["django"].from_string(
        '<form method="post" action="/__viewer__/post/">{% csrf_token %}</form>'
    )
    return HttpResponse(template.render({}, request))


def _posted(request):
    return HttpResponse("posted")


def _with_message(request):
    messages.info(request, "saved")
    return HttpResponse(f"built {next(built)}")


def _writes_session(request):
    request.session["seen"] = request.session.get("seen", 0) + 1
    return HttpResponse(f"built {next(built)}")


def _stale_soon(request):
    viewercache.kept_until(timezone.now() - timezone.timedelta(seconds=1))
    return HttpResponse(f"built {next(built)}")


def kept(name, view):
    return viewercache.viewer_page(name, frozenset({"q"}))(view)


urlpatterns = [
    path("__viewer__/counted/", kept("test:counted", _counted)),
    path("__viewer__/form/", kept("test:form", _with_form)),
    path("__viewer__/post/", _posted),
    path("__viewer__/message/", kept("test:message", _with_message)),
    path("__viewer__/session/", kept("test:session", _writes_session)),
    path("__viewer__/stale/", kept("test:stale", _stale_soon)),
    path("", include("kyodo_office.urls")),
]


@pytest.fixture(autouse=True)
def pages_kept(settings):
    settings.VIEWER_PAGE_CACHE_SECONDS = 60
    caches[viewercache.CACHE_ALIAS].clear()


@pytest.fixture
def own_urls(settings):
    settings.ROOT_URLCONF = __name__


def without_tokens(content: bytes) -> bytes:
    return TOKENS.sub(rb"\1-\2", content)


def renew(django_capture_on_commit_callbacks, change) -> None:
    """Make a change as a request of the portal does: in a transaction that commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        change()


# --- The mechanism.
def test_a_page_is_built_once_and_then_served_from_one_read(
    own_urls, client_for, member, django_assert_max_num_queries
):
    client = client_for("member")
    first = client.get("/__viewer__/counted/").content
    with django_assert_max_num_queries(1):  # the session, the kept page and the version at once
        again = client.get("/__viewer__/counted/").content
    assert again == first
    assert client.get("/__viewer__/counted/?q=x").content != first  # another query, another page


def test_every_session_gets_its_own_page(own_urls, client_for, member, other_member):
    one, other = client_for("member"), client_for("other_member")
    mine = one.get("/__viewer__/counted/").content
    theirs = other.get("/__viewer__/counted/").content
    assert mine != theirs
    assert f"for {member.pk}".encode() in mine and f"for {other_member.pk}".encode() in theirs
    # The same person in a second browser (a second session) gets a page of their own too.
    second = Client()
    second.force_login(member)
    assert second.get("/__viewer__/counted/").content != mine


def test_a_kept_page_is_served_only_while_its_session_names_the_same_viewer(
    own_urls, client_for, member, other_member
):
    """The key is made from the cookie before the session is read (one read for both): the
    entry itself says whom it was built for, and a session that now names someone else (or the
    same person with another password) is never served it, though no model was saved."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    client = client_for("member")
    mine = client.get("/__viewer__/counted/").content
    assert client.get("/__viewer__/counted/").content == mine  # kept
    store = SessionStore(client.session.session_key)
    store[SESSION_KEY] = str(other_member.pk)
    store[HASH_SESSION_KEY] = other_member.get_session_auth_hash()
    store.save()  # sessions renew no data version
    again = client.get("/__viewer__/counted/").content
    assert again != mine
    assert f"for {other_member.pk}".encode() in again


def test_any_committed_change_makes_every_kept_page_stale(
    own_urls, client_for, member, group, django_capture_on_commit_callbacks
):
    client = client_for("member")
    first = client.get("/__viewer__/counted/").content
    renew(django_capture_on_commit_callbacks, lambda: RoomFactory())
    assert client.get("/__viewer__/counted/").content != first


def test_a_rolled_back_change_leaves_kept_pages_kept(
    own_urls, client_for, member, django_capture_on_commit_callbacks
):
    client = client_for("member")
    first = client.get("/__viewer__/counted/").content
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        RoomFactory()
        raise RuntimeError
    assert callbacks == []
    assert client.get("/__viewer__/counted/").content == first


def test_many_writes_in_one_transaction_renew_the_version_once(
    django_capture_on_commit_callbacks, group
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        RoomFactory()
        RoomFactory()
        group.save()
    assert renews_version(callbacks) == 1


def test_writes_of_sessions_renew_nothing(django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.db import SessionStore

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        session = SessionStore()
        session["seen"] = 1
        session.create()
        session.delete()
    assert renews_version(callbacks) == 0


def test_a_page_with_a_form_keeps_working_tokens(own_urls, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/__viewer__/form/")
    served = client.get("/__viewer__/form/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', served).group(1)
    response = client.post("/__viewer__/post/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200


def test_pages_with_messages_are_never_kept(own_urls, client_for, member):
    client = client_for("member")
    first = client.get("/__viewer__/message/").content
    assert client.get("/__viewer__/message/").content != first


def test_a_view_that_writes_the_session_is_never_kept(own_urls, client_for, member):
    client = client_for("member")
    first = client.get("/__viewer__/session/").content
    assert client.get("/__viewer__/session/").content != first
    assert client.session["seen"] == 2


def test_a_page_that_says_when_it_turns_stale_is_kept_no_longer(own_urls, client_for, member):
    client = client_for("member")
    first = client.get("/__viewer__/stale/").content
    assert client.get("/__viewer__/stale/").content != first


def test_an_ended_session_gets_no_kept_page(own_urls, client_for, member):
    client = client_for("member")
    first = client.get("/__viewer__/counted/").content
    Session.objects.all().delete()  # leaving the portal ends every session (accounts.services)
    again = client.get("/__viewer__/counted/").content
    assert again != first
    assert b"for None" in again


def test_off_when_the_setting_is_zero(own_urls, settings, client_for, member):
    settings.VIEWER_PAGE_CACHE_SECONDS = 0
    client = client_for("member")
    assert client.get("/__viewer__/counted/").content != client.get("/__viewer__/counted/").content


@pytest.mark.django_db(transaction=True)
def test_the_version_is_written_after_the_commit_and_never_locked_by_a_writer(group):
    """A writer holds no lock on the version's row while its transaction runs (writers never
    queue behind each other on it); the new version is there once it has committed."""
    import psycopg

    cache = caches[viewercache.CACHE_ALIAS]
    viewercache.renew_data_version()
    before = cache.get(viewercache.DATA_VERSION_KEY)
    key = cache.make_and_validate_key(viewercache.DATA_VERSION_KEY)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        with transaction.atomic():
            group.name = "書き換え中"
            group.save()
            row = other.execute(
                "SELECT cache_key FROM portal_pages WHERE cache_key = %s FOR UPDATE NOWAIT", [key]
            ).fetchone()
            assert row is not None  # not locked by the writer
            assert cache.get(viewercache.DATA_VERSION_KEY) == before
        assert cache.get(viewercache.DATA_VERSION_KEY) != before


# --- The portal's pages.
@pytest.fixture
def group_page(group):
    return reverse("groups:detail", kwargs={"slug": group.slug})


def test_a_group_page_as_a_member_is_kept_and_shows_a_rename(
    client_for, member, group, group_page, django_capture_on_commit_callbacks
):
    client = client_for("member")
    client.get(group_page)
    renamed = "あおぞら会・改"

    def rename():
        group.name = renamed
        group.save()

    renew(django_capture_on_commit_callbacks, rename)
    assert renamed in client.get(group_page).content.decode()


def test_no_kept_page_crosses_viewers_in_either_order(
    settings, client_for, member, other_member, staff, group, group_page
):
    """Each viewer's kept page is exactly the page built afresh for them, whoever looked first."""
    room = RoomFactory()
    today = timezone.localdate().isoformat()
    urls = [
        group_page,
        reverse("home"),
        reverse("my_account"),
        reverse("facilities:bookings"),
        reverse("facilities:desk"),
        reverse("facilities:room", kwargs={"slug": room.slug}),
        reverse("facilities:day", kwargs={"day": today}),
    ]
    roles = ["member", "other_member", "staff", "anonymous"]
    clients = {role: client_for(role) for role in roles}

    settings.VIEWER_PAGE_CACHE_SECONDS = 0
    fresh = {(r, u): without_tokens(clients[r].get(u).content) for r in roles for u in urls}
    settings.VIEWER_PAGE_CACHE_SECONDS = 60
    for order in (roles, list(reversed(roles))):
        caches[viewercache.CACHE_ALIAS].clear()
        for _twice in range(2):
            for role in order:
                for url in urls:
                    page = without_tokens(clients[role].get(url).content)
                    assert page == fresh[(role, url)], (role, url)


def test_kept_pages_are_stored_compressed(client_for, member, group_page):
    """Every read of a kept page carries it out of the database: kept compressed (uncompressed,
    the database cache's base64 of the pickle would be a third larger than the page; a large
    page such as the day view's shrinks to a twentieth)."""
    page = client_for("member").get(group_page).content
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value FROM portal_pages WHERE cache_key LIKE %s",
            [f"%:viewer:{viewercache.FORMAT}:%"],
        )
        stored = [len(value) for (value,) in cursor.fetchall()]
    assert stored and max(stored) < len(page) * 0.8


def test_every_model_that_shows_on_a_page_renews_and_sessions_keep_their_fast_delete():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for model in apps.get_models():
        label = model._meta.label_lower
        listens = post_save.has_listeners(model) and post_delete.has_listeners(model)
        if label in viewercache.IGNORED_MODELS or model._meta.app_label in viewercache.IGNORED_APPS:
            continue
        assert listens, label
    assert not post_delete.has_listeners(Session)


def test_writes_around_the_models_signals_renew_too(
    own_urls, client_for, member, staff, group, django_capture_on_commit_callbacks
):
    """Bookings recorded in bulk (COPY) and a room's blocks set anew (bulk_create) send no
    model signal: those services renew the data version themselves."""
    from facilities import services as facility_services
    from facilities.services import rooms
    from tests.facilities.factories import past_booking_row, past_open_day

    client = client_for("member")
    room = RoomFactory()
    first = client.get("/__viewer__/counted/").content
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        facility_services.bookings_record_bulk(
            actor=staff, rows=[past_booking_row(room, past_open_day(5), group=group)]
        )
    assert renews_version(callbacks) == 1
    second = client.get("/__viewer__/counted/").content
    assert second != first
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rooms.room_blocks_set(
            actor=staff,
            room=room,
            blocks=[("午前", dt.time(9), dt.time(12)), ("午後", dt.time(13), dt.time(17))],
        )
    assert renews_version(callbacks) == 1
    assert client.get("/__viewer__/counted/").content != second


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("member", "my_account"),
        ("representative", "facilities:bookings"),
        ("staff", "facilities:desk"),
        ("official", "reports:annual_year"),
    ],
)
def test_members_own_pages_are_kept_for_them(
    role, url_name, client_for, django_assert_max_num_queries, request
):
    request.getfixturevalue("group")
    client = client_for(role)
    year = {"year": timezone.localdate().year - 1} if url_name == "reports:annual_year" else {}
    url = reverse(url_name, kwargs=year)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_max_num_queries(1):  # the session and the kept page in one read
        again = client.get(url)
    assert without_tokens(again.content) == without_tokens(first.content)
