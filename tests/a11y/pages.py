"""The central list of the portal's pages, discovered rather than written down.

Every URL pattern is read from the URLconf (`url_patterns()`); example URLs for the patterns
that take arguments are found by *crawling* the portal as each role over demo data
(`seed_demo`): whatever a visitor can reach by following links is checked. A page that no link
reaches gets an entry in `EXTRA_PAGES`; a pattern that is not an HTML page a person reads (a
POST-only action, a feed, a link that only arrives by e-mail) gets a reason in `NOT_PAGES`.
`test_every_page_type_is_covered` fails when a new pattern is in none of these, so each new page
is covered the day it lands.

The accessibility (axe) and HTML-validity (vnu) tests and the permission matrix all start here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "groups/<slug:slug>/"
    name: str | None  # the namespaced name, e.g. "groups:detail"

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the portal, in URLconf order."""

    def walk(patterns, prefix: str, namespace: str | None) -> Iterator[Pattern]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                route = URLResolver._join_route(prefix, str(entry.pattern))
                yield from walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern):
                name = entry.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                yield Pattern(URLResolver._join_route(prefix, str(entry.pattern)), name)

    seen: dict[str, Pattern] = {}
    for pattern in walk(get_resolver().url_patterns, "", None):
        seen.setdefault(pattern.route, pattern)
    return list(seen.values())


def pattern_of(path: str) -> Pattern | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return Pattern(match.route, match.view_name if match.url_name else None)


# --- Patterns that are not pages a person reads (reason given for each).
NOT_PAGES: dict[str, str] = {
    "healthz": "JSON for the load balancer",
    "favicon": "a redirect to the icon file for browsers that ask for /favicon.ico",
    "set_language": "POST-only action behind the language buttons (browser-tested)",
    "account_logout": "confirmation step of a POST action (log out is browser-tested)",
    "account_confirm_email": "reached only from the e-mail link (browser-tested sign-up)",
    "account_reset_password_from_key": "reached only from the e-mail link (tested in accounts)",
    "account_reset_password_from_key_done": "the end of the e-mailed reset flow",
    "account_inactive": "allauth page for deactivated accounts (no way to reach it here)",
    "account_reauthenticate": "allauth's re-authentication step before sensitive changes",
    "account_request_reauthentication_code": "login by code is not enabled",
    "account_confirm_reauthentication_code": "login by code is not enabled",
    "account_confirm_login_code": "login by code is not enabled",
    "account_set_password": "only for accounts without a password (none here)",
    "^media/(?P<path>.*)$": "development-only file serving (DEBUG)",
    "groups:document": "staff-only download of a group's PDF or image, linked from the admin",
    "groups:resubmit": "POST-only action behind a button (tested in tests/groups)",
    "groups:invite": "POST-only action behind the members page's form (tested in tests/groups)",
    "groups:member_role": "POST-only action behind a button (tested in tests/groups)",
    "groups:invitation_revoke": "POST-only action behind a button (tested in tests/groups)",
    # Actions behind buttons (POST only; GET answers 405): their result pages are checked.
    "facilities:desk_record": "POST action on the desk page",
    "facilities:desk_no_show_undo": "POST action on the desk page",
    "facilities:desk_decide": "POST action on the desk page",
    "facilities:desk_walk_in": "POST action on the desk page",
    "facilities:desk_loan_hand_out": "POST action on the desk page",
    "facilities:desk_loan_return": "POST action on the desk page",
    "facilities:desk_loan_decide": "POST action on the desk page",
    "facilities:group_feed_reset": "POST action on the group's page",
    "events:register": "POST action of the event page's form",
    "events:register_guest": "POST action of the event page's guest form",
    "events:walk_in": "POST action on the attendance page",
    # Files, not pages: their content is shown on a checked page as well.
    "facilities:group_feed": "iCalendar file behind a secret address",
    "events:survey_results_csv": "CSV download of the survey results page",
    "events:survey_chart": "SVG chart; its figures are a table on the survey results page",
    "reports:trend_chart": "SVG chart; its figures are a table on the annual page",
    "reports:year_chart": "SVG chart; its figures are a table on the year's page",
    "reports:index": "redirects to the annual reports",
    "reports:business_pdf": "PDF of the business report page (its text is tested in tests/reports)",
    # Collaboration (issue 18): actions behind buttons, and a private file.
    "collaboration:proposal_submit": "POST action on the proposal's page",
    "collaboration:proposal_withdraw": "POST action on the proposal's page",
    "collaboration:attachment_add": "POST action of the proposal page's upload form",
    "collaboration:attachment": "download of a proposal's PDF or image (private)",
    "collaboration:project_document_add": "POST action of the project workspace's upload form",
    "collaboration:project_file": "download of a project's PDF or image (private)",
}
# Key prefixes that are never pages.
NOT_PAGE_PREFIXES = {
    "newsletter:anymail:": "the mail provider's webhooks (404 until a secret is configured)",
}


def is_page(key: str) -> bool:
    return key not in NOT_PAGES and not key.startswith(tuple(NOT_PAGE_PREFIXES))


# --- Patterns whose page has not landed yet (a stub that answers 404): checked as soon as the
# crawl reaches them as a page, listed here so the coverage test does not fail meanwhile.
PENDING: dict[str, str] = {}

# --- Pages no link reaches, and how to build their URL from the demo data.
# key -> function(data) returning a path, or None when the data has nothing to show. They may
# add the object they need to the demo data (the database is flushed afterwards).


def _upcoming_guest_event():
    from events.models import Event

    return Event.objects.published().upcoming().filter(allow_guests=True).first()


def _guest_registration(status: str):
    from events.models import Registration

    event = _upcoming_guest_event()
    if event is None:
        return None
    return Registration.objects.create(
        event=event,
        guest_name="ゲスト 花子",
        guest_email=f"guest-{status}@example.net",
        people=1,
        status=status,
    )


def _guest_confirm(data) -> str | None:
    from django.urls import reverse

    from events import tokens
    from events.models import Registration

    registration = _guest_registration(Registration.Status.PENDING_GUEST)
    if registration is None:
        return None
    return reverse("events:guest_confirm", args=[tokens.guest_confirm_token(registration)])


def _guest_manage(data) -> str | None:
    from django.urls import reverse

    from events import tokens
    from events.models import Registration

    registration = _guest_registration(Registration.Status.CONFIRMED)
    if registration is None:
        return None
    return reverse("events:guest_manage", args=[tokens.guest_manage_token(registration)])


def _survey_results(data) -> str | None:
    from django.urls import reverse

    from events.models import Survey

    survey = Survey.objects.order_by("pk").first()
    return reverse("events:survey_results", args=[survey.slug]) if survey else None


def _subscriber(confirmed: bool):
    from newsletter.models import Subscriber

    found = Subscriber.objects.filter(confirmed_at__isnull=not confirmed).order_by("pk").first()
    return found or Subscriber.objects.create(email=f"reader-{confirmed}@example.net")


def _newsletter_token(name: str):
    def build(data) -> str:
        from django.urls import reverse

        from newsletter import tokens

        if name == "confirm":
            return reverse("newsletter:confirm", args=[tokens.confirm_token(_subscriber(False))])
        return reverse(f"newsletter:{name}", args=[tokens.manage_token(_subscriber(True))])

    return build


def _invitation(data) -> str | None:
    from django.urls import reverse

    from groups.models import Invitation, Membership
    from groups.services import invitation_token

    membership = Membership.objects.filter(user=data.users.get("member")).first()
    if membership is None:
        return None
    invitation = Invitation.objects.create(
        group=membership.group, email="invitee@example.net", invited_by=membership.user
    )
    return reverse("groups:invitation", args=[invitation_token(invitation)])


def _booking_form(data) -> str | None:
    """A room's booking form for its next open day. The week grids link to it from every free
    slot, but on a Sunday evening or in the year-end closure the crawled weeks have none."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from facilities.calendar import OfficeCalendar, aware
    from facilities.models import Room
    from facilities.schedule import book_url

    room = Room.objects.active().order_by("pk").first()
    if room is None:
        return None
    today = timezone.localdate()
    cal = OfficeCalendar.load(today, today + dt.timedelta(days=30))
    path = reverse("facilities:book", kwargs={"slug": room.slug})
    for days in range(1, 31):
        day = today + dt.timedelta(days=days)
        hours = cal.hours_on(day, room.pk)
        if hours is not None:
            start = aware(day, hours[0])
            return book_url(path, start, start + dt.timedelta(minutes=room.slot_minutes))
    return path


def _other_page(data) -> str:
    """A page of kind "other" (the data migration makes only the fixed ones, which the footer
    links to)."""
    from django.utils import timezone

    from pages.models import Page, PageVersion

    page, _created = Page.objects.get_or_create(
        slug="a11y-other", defaults={"kind": "other", "title": "その他のページ"}
    )
    if page.published_version is None:
        page.published_version = PageVersion.objects.create(
            page=page, number=1, title="その他のページ", body="## 見出し\n\n本文です。",
            status="published", published_at=timezone.now(),
        )  # fmt: skip
        page.save(update_fields=["published_version"])
    return page.get_absolute_url()


def _no_show_confirm(data) -> str | None:
    """The desk's no-show confirmation (linked from the desk only for bookings that have
    started today, which the demo may not have at the hour the tests run)."""
    from django.urls import reverse

    from facilities.models import Booking

    booking = Booking.objects.filter(group__isnull=False, kind="group").order_by("pk").first()
    if booking is None:
        return None
    return reverse("facilities:desk_no_show", kwargs={"pk": booking.pk})


def _site_search(data) -> str:
    """The site-wide search's results (a form, not a link, leads there)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    return reverse("search") + "?" + urlencode({"q": "団体"})


def _received_mail(data) -> str | None:
    """A mail the portal sent to the demo citizen, as the mail log keeps it."""
    from django.core.mail import EmailMessage

    from maillog.services import sent_mail_record

    user = data.users.get("citizen")
    if user is None:
        return None
    body = (
        "ご予約を承りました。\n\nhttps://kyodo.example.jp/facilities/bookings/"
        "very-long-link-that-must-wrap-on-a-phone-screen-without-widening-the-page/\n"
    )
    message = EmailMessage(
        "[まちづくり協働オフィス] 予約確定: ミーティングスペースA", body, to=[user.email]
    )
    return sent_mail_record(message=message, kind="facilities", secret=False)[0].get_absolute_url()


def _free_rooms(data) -> str:
    """The free-room search's results (a GET form, not a link, leads there): the next Monday
    that is not a holiday, 13:00–15:00, four people, with the demo's projector (by its slug)."""
    import datetime as dt

    import jpholiday
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.http import urlencode

    from facilities.calendar import is_year_end

    day = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    while jpholiday.is_holiday(day) or is_year_end(day):
        day += dt.timedelta(days=7)
    query = {
        "date": day.isoformat(),
        "from": "13:00",
        "to": "15:00",
        "people": "4",
        "equipment": "projector",
    }
    return reverse("facilities:free") + "?" + urlencode(query)


def _leave(data) -> str | None:
    """The confirmation before a member leaves a group (linked from the members page)."""
    from django.urls import reverse

    from groups.models import Membership

    membership = Membership.objects.filter(user=data.users.get("member")).first()
    return reverse("groups:leave", args=[membership.group.slug]) if membership else None


def _guest_cancel(data) -> str | None:
    """The confirmation before a guest cancels (linked from the guest's own page)."""
    from django.urls import reverse

    from events import tokens
    from events.models import Registration

    registration = Registration.objects.filter(
        guest_email="guest-confirmed@example.net", status=Registration.Status.CONFIRMED
    ).first() or _guest_registration(Registration.Status.CONFIRMED)
    if registration is None:
        return None
    return reverse("events:guest_cancel", args=[tokens.guest_manage_token(registration)])


def _step_down(data) -> str | None:
    """The confirmation before a representative steps down (linked from the members page once
    the group has a second representative: one is added, as the demo has none)."""
    from django.urls import reverse

    from groups.models import Membership
    from tests.factories import UserFactory

    mine = Membership.objects.filter(
        user=data.users.get("member"), role=Membership.Role.REPRESENTATIVE
    ).first()
    if mine is None:
        return None
    Membership.objects.get_or_create(
        group=mine.group,
        user=UserFactory(email="second-rep@example.net"),
        defaults={"role": Membership.Role.REPRESENTATIVE},
    )
    return reverse("groups:step_down", args=[mine.group.slug])


EXTRA_PAGES: dict[str, Callable[[DemoData], str | None]] = {
    "facilities:free": _free_rooms,
    "maillog:detail": _received_mail,
    "facilities:book": _booking_form,
    "events:guest_confirm": _guest_confirm,
    "events:guest_manage": _guest_manage,
    "events:survey_results": _survey_results,
    "newsletter:confirm": _newsletter_token("confirm"),
    "newsletter:unsubscribe": _newsletter_token("unsubscribe"),
    "newsletter:preferences": _newsletter_token("preferences"),
    "groups:invitation": _invitation,
    "pages:page": _other_page,
    "search": _site_search,
    "facilities:desk_no_show": _no_show_confirm,
    "groups:leave": _leave,
    "events:guest_cancel": _guest_cancel,
    "groups:step_down": _step_down,
}

# Error pages are page types too, though no URL pattern names them.
ERROR_PAGES = {"error:404": "/this-page-does-not-exist/"}

# Where the crawl starts, besides every pattern without arguments.
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")


@dataclass
class DemoData:
    """Handles the crawl gives to EXTRA_PAGES builders (the demo accounts by role)."""

    users: dict[str, object] = field(default_factory=dict)


@dataclass
class Fetched:
    path: str
    role: str
    status: int
    content_type: str
    html: str = ""

    @property
    def is_html(self) -> bool:
        return self.status == 200 and self.content_type.startswith("text/html")


_HREF = re.compile(r"<a\s[^>]*?href=\"([^\"]+)\"", re.IGNORECASE)


def links_in(page_html: str) -> list[str]:
    found = []
    for raw in _HREF.findall(page_html):
        href = html.unescape(raw).split("#", 1)[0]
        if not href.startswith("/") or href.startswith("//"):
            continue
        if href.startswith(SKIP_PREFIXES):
            continue
        found.append(href)
    return found


def simple_paths() -> list[str]:
    """Paths of the patterns that take no arguments (the crawl's starting points)."""
    paths = []
    for pattern in url_patterns():
        if pattern.is_admin or not is_page(pattern.key):
            continue
        if "<" in pattern.route or "(?P" in pattern.route or "^" in pattern.route:
            continue
        paths.append("/" + pattern.route)
    return paths


def crawl(
    client, role: str, *, max_fetches: int = 400, per_pattern: int = 2
) -> dict[str, list[Fetched]]:
    """Follow links from every simple page as one role; return fetched pages by pattern key.

    At most ``per_pattern`` distinct URLs of one pattern are fetched (one group page is like
    another), so the crawl stays small however much data there is.
    """
    queue = simple_paths()
    seen_paths: set[str] = set()
    by_pattern: dict[str, list[Fetched]] = {}
    fetches = 0
    while queue and fetches < max_fetches:
        path = queue.pop(0)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        pattern = pattern_of(path)
        if pattern is None or pattern.is_admin or not is_page(pattern.key):
            continue
        bucket = by_pattern.setdefault(pattern.key, [])
        if len(bucket) >= per_pattern:
            continue
        response = client.get(path)
        fetches += 1
        content_type = response.get("Content-Type", "")
        fetched = Fetched(path, role, response.status_code, content_type)
        if fetched.is_html:
            fetched.html = response.content.decode()
            queue.extend(p for p in links_in(fetched.html) if p not in seen_paths)
        bucket.append(fetched)
    return by_pattern


# The go-between's pages (issue 18 part 4) that the demo data may not link to.
from tests.collaboration.gobetween_rows import A11Y_PAGES as _GOBETWEEN_PAGES  # noqa: E402

EXTRA_PAGES.update(_GOBETWEEN_PAGES)
