"""`make bench`: the portal under load, with production settings, on this machine's loopback.

1. A separate database (`kyodo_bench`, or BENCH_DATABASE_URL) is created when missing, migrated,
   and filled with `seed_demo --scale 10` (idempotent: an already seeded database is reused).
2. gunicorn serves the portal with production settings (DEBUG=0, a generated SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, static files collected into a temp folder)
   plus the framework floor (bench/settings.py: a view making one trivial query behind the whole
   middleware stack); a second gunicorn serves the bare floor (bench/bare_settings.py: the same
   view with no middleware at all), the yardstick of issue #20.
3. Each key page is measured with wrk (requests/s, p50, p95, p99) as production serves it:
   anonymous visitors' public pages come from the page cache (core/pagecache.py), signed-in
   viewers' pages from their kept pages (core/viewercache.py). A second pass serves every GET page
   with both off ("fresh": each request builds the page). A last pass asks for the year's
   report with its figures not kept either (BENCH_REPORTS_CACHE_SECONDS=0: each request gathers
   every figure), one official at a time: its target is a p95 only.
   Queries per request are counted with Django's test client, for a page built afresh. Pages
   that do not exist yet are skipped with a note.
   The booking POST is the request that makes a booking (the confirmation step's), by many
   members at once (BENCH_POST_CONNECTIONS, default 12), each line of a plan posted once: group
   representatives signed in with sessions of their own, each with up to five free slots (the
   day view's booking links: an hour in a room, with a piece of equipment that is free then).
   Before and after each run the bookings the bench made (its purpose text) are deleted from
   the benchmark database; after each run those made are counted there ("made N bookings, M
   refused"). Its queries are counted for a booking made.
   Anonymous visitors, a group's representative (member), the office's staff and an official.
   Every page is measured BENCH_RUNS times (default 3), in rounds that each measure both floors
   and every page, and each figure is the median of its runs.
4. A table is printed, each page's throughput as a ratio to the bare floor and to the framework
   floor, its target (issue #20) and pass/fail, and the figures are written as JSON to
   bench/results/. "cpu ms" is the CPU time a request cost the server and PostgreSQL together
   (read from /proc around each run; the JSON splits it and adds wrk's), "busy" the cores the
   three kept busy on average: below the machine's cores, the server was waiting, not working.

Environment: BENCH_DURATION (seconds per page and run, default 8), BENCH_RUNS (default 3),
BENCH_CONNECTIONS (default 4), BENCH_THREADS (default 2), BENCH_WORKERS (gunicorn workers,
default 2), BENCH_SCALE (default 10), BENCH_DATABASE_URL, BENCH_ONLY (only the pages whose
"<name> as <role>" holds this text, any case, e.g. "booking post" or "as member"; the bare
floor always), BENCH_POST_CONNECTIONS (12), BENCH_POST_LINES (the booking POST's lines per run;
by default enough for 80 requests/s and half as many again, more when a run runs out).
Only 127.0.0.1 is ever contacted; every run is bounded in time.
"""

from __future__ import annotations

import collections
import datetime as dt
import html.parser
import itertools
import json
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
LOCAL = REPO / ".local" / "bench"
PY = sys.executable

DURATION = int(os.environ.get("BENCH_DURATION", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SCALE = int(os.environ.get("BENCH_SCALE", "10"))
RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))
# Only the pages whose "<name> as <role>" holds this text (any case), the bare floor always.
ONLY = os.environ.get("BENCH_ONLY", "").strip().lower()
# The booking POST: 12 members booking at once (issue #20), each line posted once.
POST_CONNECTIONS = int(os.environ.get("BENCH_POST_CONNECTIONS", "12"))
POST_LINES = int(os.environ.get("BENCH_POST_LINES", "0"))  # 0: from BENCH_DURATION
POST_RATE_GUESS = 80.0  # requests/s a run is prepared for; a run that runs out gets more lines
POST_PER_MEMBER = 5  # lines per member (the group's monthly hours limit stays far)
POST_DAYS_AHEAD = 70  # the rooms' booking window is two months
POST_PURPOSE = "ベンチマーク計測の予約 (make bench)"  # recognises the bench's bookings

# Issue #20's targets, as a share of the *bare* floor's requests/s and a p95 in milliseconds, per
# kind of page: (share, label, p95 ms). The framework floor's target is its share of the bare one.
TARGETS: dict[str, tuple[float, str, float | None]] = {
    "framework": (0.6, "0.6", None),
    "public": (1 / 3, "1/3", 50),
    "search": (1 / 6, "1/6", 100),
    "member_week": (0.28, "0.28", 50),
    "member": (1 / 6, "1/6", 50),
    "staff": (1 / 6, "1/6", 50),
    "post": (1 / 10, "1/10", 100),
    # The year's report with its figures gathered for every request, one official at a time
    # (a crowd never gathers them: see reports.kpis.remember): a latency target only.
    "report_uncached": (0.0, "—", 300),
}


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kyodo_office")
    parts = urlsplit(base)
    return parts._replace(path="/kyodo_bench").geturl()


def production_env(static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=bench_database_url(),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(LOCAL / "media"),
        PRIVATE_MEDIA_ROOT=str(LOCAL / "private_media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    return env


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, cwd=REPO, env=env, check=True)


def prepare_database(env: dict) -> None:
    say(f"database {env['DATABASE_URL']}: create when missing, migrate, seed (scale {SCALE})")
    run([PY, "-m", "kyodo_office.database"], env)
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([PY, "manage.py", "createcachetable"], env)
    started = time.monotonic()
    run([PY, "manage.py", "seed_demo", "--scale", str(SCALE), "--force"], env)
    say(f"seed_demo done in {time.monotonic() - started:.0f} s (skips what is already there)")
    # Fresh tables have no statistics until autovacuum gets to them (minutes, or never on a
    # machine where it is off): the planner would guess, and the figures would measure that.
    # VACUUM too: the seeder updates rows it made (thousands of dead ones in the groups' table).
    run([PY, "manage.py", "dbshell", "--", "-q", "-c", "VACUUM ANALYZE"], env)
    say("VACUUM ANALYZE done")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict,
    port: int,
    ready: str = "/healthz",
    config: str = "gunicorn.conf.py",
    workers: int = WORKERS,
    threads: int = 1,
) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PY).parent)) or "gunicorn"
    args = [
        gunicorn,
        "kyodo_office.wsgi",
        "--config",
        config,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    say(f"gunicorn with {workers} workers × {threads} threads on 127.0.0.1:{port}")
    process = subprocess.Popen(args, cwd=REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped at start; see its messages above")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn did not answer {ready} within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- What to measure.
@dataclass
class Target:
    name: str
    path: str | None = None
    role: str = "anonymous"
    kind: str = "public"  # which of TARGETS applies; "bare" for the bare floor
    method: str = "GET"
    body: dict = field(default_factory=dict)
    note: str = ""
    status: int | None = None
    queries: int | None = None
    figures: dict = field(default_factory=dict)  # the median of the runs
    fresh: dict = field(default_factory=dict)  # the same page with the page cache off
    runs: list = field(default_factory=list)
    fresh_runs: list = field(default_factory=list)
    plan: PostPlan | None = None  # the booking POST's lines
    connections: int | None = None  # wrk's connections when not BENCH_CONNECTIONS


ROLE_EMAILS = {
    "official": "official@example.com",
    "member": "rep@example.com",
    "staff": "staff@example.com",
}


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and href.startswith("/"):
                self.hrefs.append(href)


class _Form(html.parser.HTMLParser):
    """The fields of the main form of a page, with their prefilled values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
                elif kind == "radio":
                    fields.setdefault(name, a.get("value", ""))
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value") or {"number": "1"}.get(kind, "")
                if not fields[name] and "required" in a:
                    fields[name] = "ベンチマーク計測"
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, None)
        elif tag == "option" and self._select:
            if fields.get(self._select) is None or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            if self._textarea and self.forms and not self.forms[-1]["fields"][self._textarea]:
                self.forms[-1]["fields"][self._textarea] = "ベンチマーク計測のための予約です。"
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def first_link(client, page: str, url_name: str) -> str | None:
    from django.urls import Resolver404, resolve

    response = client.get(page)
    if response.status_code != 200:
        return None
    parser = _Links()
    parser.feed(response.content.decode())
    for href in parser.hrefs:
        try:
            if resolve(urlsplit(href).path).view_name == url_name:
                return href
        except Resolver404:
            continue
    return None


def safe_reverse(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def selected(name: str, role: str = "anonymous") -> bool:
    """Whether BENCH_ONLY leaves this page in (it always leaves the bare floor)."""
    return not ONLY or ONLY in f"{name} as {role}".lower()


def build_targets(clients: dict, csrf: str) -> list[Target]:
    from django.utils import timezone

    anon, member, official = clients["anonymous"], clients["member"], clients["official"]
    today = timezone.localdate()
    floor = "/__bench__/floor/"
    targets = [Target("bare floor", floor, kind="bare"), Target("framework floor", floor)]
    targets[1].kind = "framework"
    directory = safe_reverse("groups:directory")
    query = urlencode({"q": "子ども"})
    search = directory and f"{directory}?{query}"
    group_page = directory and first_link(anon, directory, "groups:detail")
    index = safe_reverse("facilities:index")
    week = index and first_link(anon, index, "facilities:room")
    day = safe_reverse("facilities:day", day=today.isoformat())
    events = safe_reverse("events:list")
    event = events and first_link(anon, events, "events:detail")
    newsletter = safe_reverse("newsletter:list")
    bulletin = safe_reverse("bulletin:list")
    news = safe_reverse("news:list")
    site_search = safe_reverse("search")
    free = safe_reverse("facilities:free")
    targets += [
        Target("home", "/"),
        Target("group directory", directory),
        Target("a group page", group_page),
        Target("a room's week", week),
        Target("the day view", day),
        Target("event list", events),
        Target("an event page", event),
        Target("news", news),
        Target("newsletter", newsletter),
        Target("a newsletter issue",
               newsletter and first_link(anon, newsletter, "newsletter:detail")),
        Target("bulletin board", bulletin),
        Target("a bulletin post", bulletin and first_link(anon, bulletin, "bulletin:detail")),
        Target("groups' activities", safe_reverse("groups:recent_activities")),
        Target("directory search 「子ども」", search, kind="search"),
        Target("site search 「子ども」", site_search and f"{site_search}?{query}", kind="search"),
        Target("free rooms", free and f"{free}?{urlencode({'date': today.isoformat()})}",
               kind="search"),
        Target("a room's week", week, "member", "member_week"),
        Target("the day view", day, "member", "member"),
        Target("my bookings", safe_reverse("facilities:bookings"), "member", "member"),
        Target("a group page", group_page, "member", "member"),
        Target("directory search 「子ども」", search, "member", "member"),
        Target("an event page", event, "member", "member"),
        Target("My Page", safe_reverse("my_account"), "member", "member"),
        Target("the desk", safe_reverse("facilities:desk"), "staff", "staff"),
    ]  # fmt: skip
    annual = safe_reverse("reports:annual")
    year_page = annual and first_link(official, annual, "reports:annual_year")
    targets.append(Target("annual report", year_page or annual, "official", "staff"))
    if selected("annual report, figures not cached", "official"):
        targets.append(
            Target(
                "annual report, figures not cached",
                year_page or annual,
                "official",
                "report_uncached",
                connections=1,
            )
        )
    if selected("booking POST", "member"):
        targets.append(booking_post(member, csrf))
    targets = [t for t in targets if t.kind == "bare" or selected(t.name, t.role)]
    for target in targets:
        if target.path is None and not target.note:
            target.note = "not there yet (no such page or no link to it)"
    return targets


def booking_post(member, csrf: str) -> Target:
    """The request that makes a booking (the confirmation step's POST), by many members, each
    into free slots of their own with a piece of equipment: the plan's lines (``PostPlan``)."""
    target = Target("booking POST", role="member", kind="post", method="POST")
    if safe_reverse("facilities:book", slug="x") is None:
        target.note = "no booking form yet"
        return target
    try:
        target.plan = PostPlan.prepare(member, csrf, POST_LINES or post_lines_wanted())
    except PlanError as exc:
        target.note = str(exc)
        return target
    target.path = target.plan.spare[0][2]
    return target


class PlanError(Exception):
    """The booking POST cannot be prepared (said in the table instead of its figures)."""


def post_lines_wanted(rate: float = POST_RATE_GUESS) -> int:
    """Lines for one run: half as many again as a run at ``rate`` requests/s posts."""
    return max(200, int(rate * DURATION * 1.5))


@dataclass
class Slot:
    room: object  # facilities.models.Room
    start: dt.datetime
    end: dt.datetime
    equipment: int  # the pk of one piece of equipment asked for


@dataclass
class PostPlan:
    """Members (group representatives, each signed in with a session of their own) and their
    lines: (cookie, the member's test client, the booking form's path, the confirmation's body).
    Each line books one free slot (a room, a day, an hour, a piece of equipment) that no other
    line asks for. ``spare``: two lines the query count posts in-process; ``sessions``: the
    members' session keys (ended when the bench is done)."""

    csrf: str
    lines: list = field(default_factory=list)
    spare: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    members: int = 0
    slots: object = None  # the iterator of free slots, for more lines
    candidates: object = None  # the iterator of representatives not signed in yet

    @classmethod
    def prepare(cls, member, csrf: str, wanted: int) -> PostPlan:
        plan = cls(csrf=csrf)
        plan.slots = free_slots(member)
        plan.candidates = representatives()
        plan.extend(wanted + POST_PER_MEMBER)
        # Two lines of one member for the query count: the first warms up, the second is
        # counted (a booking whose confirmation e-mail's text is new to the mail log costs a
        # few queries more: 41 to 49 measured).
        counted = collections.Counter(line[0] for line in plan.lines)
        cookie = next(cookie for cookie, n in counted.items() if n >= 2)
        plan.spare = [line for line in plan.lines if line[0] == cookie][:2]
        plan.lines = [line for line in plan.lines if line not in plan.spare]
        say(
            f"booking POST: {len(plan.lines)} lines (free slots with a piece of equipment) for "
            f"{plan.members} members, {POST_PER_MEMBER} each at most"
        )
        return plan

    def extend(self, wanted: int) -> None:
        """``wanted`` more lines, each member taking ``POST_PER_MEMBER`` of them in turn."""
        started = time.monotonic()
        slots = list(itertools.islice(self.slots, wanted))
        if len(slots) < wanted:
            raise PlanError(
                f"only {len(slots)} free slots with equipment for {wanted} booking POSTs"
            )
        count = -(-wanted // POST_PER_MEMBER)
        lines = []
        left_out = 0
        for j in range(count):
            mine = slots[j::count]
            for _attempt in range(3):  # another member, should the rules say no to this one
                user = next(self.candidates, None)
                if user is None:
                    raise PlanError("not enough group representatives free to book")
                client, form = confirm_first(user, mine[0])
                session = client.cookies[settings_value("SESSION_COOKIE_NAME")].value
                self.sessions.append(session)
                if form is not None:
                    break
            if form is None:  # the slot, not the members: left out
                left_out += len(mine)
                continue
            cookie = (
                f"{settings_value('SESSION_COOKIE_NAME')}={session}; "
                f"{settings_value('CSRF_COOKIE_NAME')}={self.csrf}"
            )
            lines.append((cookie, client, form["path"], form["body"]))
            for slot in mine[1:]:
                confirmed = confirmed_body(client, slot, form["fields"])
                if confirmed is None:
                    left_out += 1
                    continue
                lines.append((cookie, client, *confirmed))
            self.members += 1
        # Shuffled with a fixed seed: the lines in flight at one moment are different members'
        # in different rooms (and every run posts them in the same order).
        random.Random(20).shuffle(lines)
        self.lines += lines
        say(
            f"booking POST: {len(lines)} lines ready in {time.monotonic() - started:.0f} s"
            + (f" ({left_out} left out: no confirmation page)" if left_out else "")
        )

    def write(self, path: Path) -> None:
        path.write_text(
            "".join(f"{cookie}\t{url}\t{urlencode(body)}\n" for cookie, _c, url, body in self.lines)
        )


def settings_value(name: str):
    from django.conf import settings

    return getattr(settings, name)


def representatives():
    """Users who represent one registered group and nothing else, whose group books nothing in
    the months ahead (the monthly hours limit stays far), the bench's roles left out."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from facilities.models import Booking
    from groups.models import Group, Membership

    today = timezone.localdate()
    busy = Booking.objects.live().filter(
        start__gte=timezone.now() - dt.timedelta(days=31),
        start__lt=timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=POST_DAYS_AHEAD), dt.time())
        ),
    )
    users = (
        User.objects.filter(is_active=True)
        .annotate(memberships_count=Count("memberships"))
        .filter(
            memberships_count=1,
            memberships__role=Membership.Role.REPRESENTATIVE,
            memberships__group__in=Group.objects.registered(),
        )
        .exclude(memberships__group__in=busy.values("group"))
        .exclude(email__in=ROLE_EMAILS.values())
        .order_by("pk")
    )
    return iter(users.iterator())


def free_slots(member):
    """Free slots as the day view shows them to a member (its booking links), from the day
    after tomorrow as far as the rooms' booking window goes: rooms booked online without
    approval, an hour each (the grid's link), never two lines on one room's time (its tidy-up
    time included), each with one piece of equipment that is free then (bookings and loans,
    ``equipment_in_use``, and the plan's own lines)."""
    from urllib.parse import parse_qs

    from django.urls import Resolver404, resolve
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from facilities.models import Equipment, Room
    from facilities.selectors import equipment_in_use

    rooms = {
        r.slug: r
        for r in Room.objects.active().filter(online_booking=True, requires_approval=False)
        if not r.uses_blocks
    }
    pieces = list(Equipment.objects.filter(is_active=True, requires_approval=False))
    if not pieces:
        raise PlanError("the office lends no equipment that needs no approval")
    planned: dict[int, list] = {p.pk: [] for p in pieces}
    in_use: dict = {}
    turn = 0
    today = timezone.localdate()
    empty_days = 0
    for offset in range(2, POST_DAYS_AHEAD):
        day = today + dt.timedelta(days=offset)
        response = member.get(safe_reverse("facilities:day", day=day.isoformat()))
        if response.status_code != 200:
            raise PlanError(f"the day view answers {response.status_code} to a member")
        parser = _Links()
        parser.feed(response.content.decode())
        links: dict[str, list] = {}
        for href in parser.hrefs:
            parts = urlsplit(href)
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            room = rooms.get(match.kwargs.get("slug"))
            query = parse_qs(parts.query)
            if match.view_name != "facilities:book" or room is None:
                continue
            if "start" not in query or "end" not in query:
                continue
            start = timezone.make_aware(parse_datetime(query["start"][0]))
            end = timezone.make_aware(parse_datetime(query["end"][0]))
            links.setdefault(room.slug, []).append((start, end))
        empty_days = 0 if links else empty_days + 1
        if empty_days >= 10:  # past the booking window (the year-end closure is 6 days)
            return
        for slug, found in links.items():
            room = rooms[slug]
            unit = dt.timedelta(minutes=room.slot_minutes)
            tidy = dt.timedelta(minutes=room.buffer_minutes)
            free = {start for start, _end in found}  # each link: a free unit of the grid
            for start, end in sorted(found):
                # The whole booking and its tidy-up time on free units (a link is one unit
                # long at its start; the rest of the hour may be taken).
                needed = []
                moment = start
                while moment < end + tidy:
                    needed.append(moment)
                    moment += unit
                if end - start < dt.timedelta(minutes=room.min_minutes) or not all(
                    m in free for m in needed
                ):
                    continue
                piece = None
                if (start, end) not in in_use:
                    in_use[(start, end)] = equipment_in_use([p.pk for p in pieces], start, end)
                for k in range(len(pieces)):
                    candidate = pieces[(turn + k) % len(pieces)]
                    taken = in_use[(start, end)].get(candidate.pk, 0) + sum(
                        1 for s, e in planned[candidate.pk] if s < end and e > start
                    )
                    if taken < candidate.quantity:
                        piece = candidate
                        break
                if piece is None:
                    continue
                turn += 1
                planned[piece.pk].append((start, end))
                free.difference_update(needed)
                yield Slot(room, start, end, piece.pk)


def _book_path(slot: Slot) -> str:
    return safe_reverse("facilities:book", slug=slot.room.slug)


def _slot_fields(fields: dict, slot: Slot) -> dict:
    from django.utils import timezone

    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    out = {k: v for k, v in fields.items() if not k.startswith("equipment_")}
    out.update(
        {k: "0" for k in fields if k.startswith("equipment_")},
        date=start.date().isoformat(),
        start_time=f"{start:%H:%M}",
        end_time=f"{end:%H:%M}",
        purpose=POST_PURPOSE,
        repeat="none",
        repeat_count="",
    )
    out[f"equipment_{slot.equipment}"] = "1"
    return out


def confirm_first(user, slot: Slot):
    """Sign ``user`` in and go through the booking as a person does for ``slot``: the grid's
    link to the form, the form's fields (the equipment and purpose filled in) posted to the
    confirmation page, its body. None when the confirmation page does not come (the rules
    say no to this member or slot)."""
    from django.test import Client
    from django.utils import timezone

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    path = _book_path(slot)
    start = f"{timezone.localtime(slot.start):%Y-%m-%dT%H:%M}"
    end = f"{timezone.localtime(slot.end):%Y-%m-%dT%H:%M}"
    response = client.get(path, {"start": start, "end": end})
    forms = _post_forms(response)
    if response.status_code != 200 or not forms:
        return client, None
    fields = {k: v for k, v in forms[-1].items() if v is not None and k != "csrfmiddlewaretoken"}
    confirmed = confirmed_body(client, slot, fields)
    if confirmed is None:
        return client, None
    return client, {"path": path, "body": confirmed[1], "fields": fields}


def _post_forms(response, least: int = 2) -> list[dict]:
    parser = _Form()
    parser.feed(response.content.decode())
    return [f["fields"] for f in parser.forms if f["method"] == "post" and len(f["fields"]) > least]


def confirmed_body(client, slot: Slot, fields: dict) -> tuple[str, dict] | None:
    """The confirmation's body for one of the member's slots: the form's fields with this
    slot's day, hours and equipment posted to the confirmation page by the member's client,
    and the token that page signs (the checked answers the final POST books from).
    None when the page does not come (the rules say no to this slot)."""
    path = _book_path(slot)
    response = client.post(path, _slot_fields(fields, slot))
    confirm = [f for f in _post_forms(response, least=1) if "token" in f]
    if response.status_code != 200 or not confirm:
        return None
    return path, {"token": confirm[0]["token"], "action": "book_confirmed"}


def remove_bench_bookings() -> int:
    """Delete the bookings the booking POST made (its purpose text), through the ORM, only in
    the benchmark's database: their slots are free again for the next run."""
    from django.db import connection

    from facilities.models import Booking

    expected = urlsplit(bench_database_url()).path.lstrip("/")
    if connection.settings_dict["NAME"] != expected:
        raise SystemExit(
            f"refusing to delete bookings in {connection.settings_dict['NAME']!r}: "
            f"only in {expected!r}"
        )
    made = Booking.objects.filter(purpose=POST_PURPOSE)
    # Their confirmation mails wait for a background worker that the bench does not run: the
    # queued jobs of bookings that are gone go with them.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs j WHERE j.task_name = %s AND j.status = 'todo' "
            "AND EXISTS (SELECT 1 FROM facilities_booking b WHERE b.purpose = %s AND b.id IN "
            "(SELECT jsonb_array_elements_text(j.args->'booking_ids')::bigint))",
            ["facilities.send_booking_mail", POST_PURPOSE],
        )
    _total, by_model = made.delete()
    return by_model.get(Booking._meta.label, 0)


def end_post_sessions(targets: list[Target]) -> None:
    """Sign the booking POST's members out (their sessions deleted) once the bench is done."""
    from django.contrib.sessions.models import Session

    for target in targets:
        if target.plan is not None and target.plan.sessions:
            Session.objects.filter(session_key__in=target.plan.sessions).delete()


def settled_count() -> int:
    """The bench's bookings once the requests still in the server when wrk stopped are done."""
    made = bench_bookings()
    for _wait in range(20):
        time.sleep(0.5)
        again = bench_bookings()
        if again == made:
            break
        made = again
    return made


def bench_bookings() -> int:
    from facilities.models import Booking

    return Booking.objects.filter(purpose=POST_PURPOSE).count()


def count_queries(client, target: Target) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    spare = list(target.plan.spare) if target.plan else []

    def once():
        if spare:  # the booking POST: a booking made (its own line each time), not a clash
            _cookie, member, path, body = spare.pop(0)
            return member.post(path, body)
        return client.get(target.path)

    # Counted as built afresh (the page cache would make every anonymous page one query, and a
    # signed-in viewer's kept page two).
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, VIEWER_PAGE_CACHE_SECONDS=0):
        once()  # warm caches
        with CaptureQueriesContext(connection) as captured:
            response = once()
    target.status = response.status_code
    target.queries = len(captured.captured_queries)


def wrk(
    base: str,
    target: Target,
    cookie: str,
    csrf: str,
    *,
    script: str = "stats.lua",
    connections: int = CONNECTIONS,
    extra_env: dict | None = None,
    server: int | None = None,
) -> dict:
    env = dict(os.environ)
    env.update(BENCH_METHOD=target.method, BENCH_COOKIE=cookie, BENCH_CSRF=csrf)
    env["BENCH_BODY"] = urlencode(target.body) if target.method == "POST" else ""
    env.update(extra_env or {})
    args = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{DURATION}s",
        "--timeout",
        "10s",
        "-s",
        str(REPO / "bench" / script),
        base + target.path,
    ]
    return run_wrk(args, env, DURATION + 60, server)


def run_wrk(args: list[str], env: dict, timeout: int, server: int | None = None) -> dict:
    """Run wrk with one of bench/'s scripts and read the figures its ``done`` writes. With
    ``server`` (the gunicorn master's pid, its process group), also the CPU time the run cost
    (``cpu_figures``)."""
    before = cpu_snapshot() if server else None
    started = time.monotonic()
    result = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    elapsed = time.monotonic() - started
    after = cpu_snapshot() if server else None
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx_3xx": raw["errors_status"],
        "socket_errors": raw["errors_connect"]
        + raw["errors_read"]
        + raw["errors_write"]
        + raw["errors_timeout"],
        **{k: raw[k] for k in ("redirected", "refused", "threads_out_of_lines") if k in raw},
        **(cpu_figures(before, after, server, raw["requests"], elapsed) if server else {}),
    }


@dataclass
class CpuSnapshot:
    """CPU seconds (user + system) used so far: by the live processes of each process group,
    by every PostgreSQL process, and by this process's children that have ended (wrk)."""

    groups: dict[int, float]
    database: float
    children: float


def cpu_snapshot() -> CpuSnapshot:
    tick = os.sysconf("SC_CLK_TCK")
    groups: collections.Counter = collections.Counter()
    database = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        # After the name: state, ppid, pgrp, ..., utime (12th) and stime (13th); see proc(5).
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        groups[int(fields[2])] += cpu
        if name == "postgres":
            database += cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSnapshot(dict(groups), database, children.ru_utime + children.ru_stime)


def cpu_figures(
    before: CpuSnapshot, after: CpuSnapshot, server: int, requests: int, seconds: float
) -> dict:
    """What a run cost the machine: the server's (gunicorn: its master and workers, one
    process group), PostgreSQL's and wrk's CPU milliseconds per request, and how many cores
    were busy with the three on average. Requests per second say how fast; these say how much
    work a request is, which moves less with a busy or noisy machine, and "busy" below the
    machine's cores shows time spent waiting rather than working."""
    server_s = after.groups.get(server, 0.0) - before.groups.get(server, 0.0)
    database_s = after.database - before.database
    load_s = after.children - before.children
    per = 1000 / requests if requests else 0.0
    return {
        "cpu_server_ms": server_s * per,
        "cpu_database_ms": database_s * per,
        "cpu_load_ms": load_s * per,
        "cores_busy": (server_s + database_s + load_s) / seconds if seconds else 0.0,
    }


def wrk_post(base: str, target: Target, csrf: str, server: int | None = None) -> dict:
    """One run of the booking POST: the bench's earlier bookings removed (their slots free
    again), each line of the plan posted once by POST_CONNECTIONS connections (post.lua), the
    bookings made counted in the database. A run that runs out of lines is not a measurement:
    the plan gets lines for what that run did and the run is taken again."""
    from django.urls import reverse

    plan = target.plan
    plan_file = LOCAL / "post-plan.tsv"
    try:
        for _attempt in range(3):
            removed = remove_bench_bookings()
            if removed:
                say(f"booking POST: {removed} bookings the bench made before removed")
            plan.write(plan_file)
            extra = {
                "POST_PLAN": str(plan_file),
                "POST_THREADS": str(min(THREADS, POST_CONNECTIONS)),
                "POST_MADE": reverse("facilities:bookings"),
            }
            figures = wrk(
                base,
                target,
                "",
                csrf,
                script="post.lua",
                connections=POST_CONNECTIONS,
                extra_env=extra,
                server=server,
            )
            made = settled_count()
            refused = figures.pop("refused", 0)
            out = figures.pop("threads_out_of_lines", 0)
            figures.pop("redirected", None)
            figures.update(
                bookings_made=made,
                bookings_refused=refused,
                plan_lines=len(plan.lines),
                runs_out_of_lines=1 if out else 0,
            )
            say(
                f"booking POST: made {made} bookings, {refused} refused, "
                f"{figures['requests']} answers, {len(plan.lines)} lines"
            )
            if not out:
                break
            wanted = post_lines_wanted(figures["rps"] * 2) - len(plan.lines)
            say(f"booking POST: ran out of lines; {wanted} more, and the run again")
            try:
                plan.extend(max(wanted, 100))
            except PlanError as exc:
                say(f"booking POST: {exc}")
                break
        return figures
    finally:
        remove_bench_bookings()
        plan_file.unlink(missing_ok=True)


SUMMED = (
    "requests",
    "non_2xx_3xx",
    "socket_errors",
    "bookings_made",
    "bookings_refused",
    "runs_out_of_lines",
)


def median_of(runs: list[dict]) -> dict:
    """Each figure the median of the runs (errors summed)."""
    if not runs:
        return {}
    out = {}
    for name in runs[0]:
        values = sorted(run[name] for run in runs)
        if name in SUMMED:
            out[name] = sum(values)
        else:
            out[name] = values[len(values) // 2]
    out["runs"] = len(runs)
    return out


def measure(env: dict, targets: list[Target], cookies: dict, csrf: str, into: str) -> None:
    """RUNS rounds; each measures every target once (the bare floor on its own server), so
    the ratios compare figures taken minutes apart at most."""
    port, bare_port = free_port(), free_port()
    process = start_gunicorn(env, port)
    bare = None
    try:
        if any(t.kind == "bare" and not t.note for t in targets):
            bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
            bare = start_gunicorn(
                bare_env, bare_port, ready="/__bench__/floor/", config="bench/bare_gunicorn.py"
            )
        for n in range(1, RUNS + 1):
            for target in targets:
                if target.note:
                    continue
                base = f"http://127.0.0.1:{bare_port if target.kind == 'bare' else port}"
                label = "" if into == "figures" else " (built afresh, page cache off)"
                what = f"{target.method} {target.path}"
                if target.plan is not None:
                    what = f"{len(target.plan.lines)} lines, {POST_CONNECTIONS} connections"
                say(f"run {n}/{RUNS} {target.name} as {target.role}{label}: {what} ({DURATION} s)")
                runs = target.runs if into == "figures" else target.fresh_runs
                server = (bare if target.kind == "bare" else process).pid
                if target.plan is not None:
                    runs.append(wrk_post(base, target, csrf, server))
                else:
                    connections = target.connections or CONNECTIONS
                    runs.append(
                        wrk(
                            base,
                            target,
                            cookies[target.role],
                            csrf,
                            connections=connections,
                            server=server,
                        )
                    )
        for target in targets:
            runs = target.runs if into == "figures" else target.fresh_runs
            setattr(target, into, median_of(runs))
    finally:
        stop(process)
        if bare is not None:
            stop(bare)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "commit": commit,
        "wrk": (wrk_version.splitlines() or [""])[0],
    }


def print_table(targets: list[Target]) -> None:
    bare_rps = next((t.figures.get("rps", 0.0) for t in targets if t.kind == "bare"), 0.0)
    framework_rps = next((t.figures.get("rps", 0.0) for t in targets if t.kind == "framework"), 0.0)
    header = (
        f"{'page':<28} {'as':<10} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'queries':>7} {'cpu ms':>6} {'busy':>5} {'÷bare':>6} {'÷frame':>6} {'target':>14} "
        f"{'fresh/s':>7} {'fresh p95':>9}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for t in targets:
        if t.note or not t.figures:
            dashes = " ".join(f"{'—':>{n}}" for n in (7, 7, 7, 7, 7, 6, 5, 6, 6, 14, 7, 9))
            print(f"{t.name:<28} {t.role:<10} {dashes}  {t.note or 'not measured'}")
            continue
        f = t.figures
        f["ratio_to_bare_floor"] = f["rps"] / bare_rps if bare_rps else 0.0
        f["ratio_to_framework_floor"] = f["rps"] / framework_rps if framework_rps else 0.0
        fresh_rps = f"{t.fresh['rps']:.0f}" if t.fresh else "—"
        fresh_p95 = f"{t.fresh['p95_ms']:.1f}" if t.fresh else "—"
        print(
            f"{t.name:<28} {t.role:<10} {f['rps']:>7.0f} {f['p50_ms']:>7.1f} "
            f"{f['p95_ms']:>7.1f} {f['p99_ms']:>7.1f} {t.queries!s:>7} {cpu_text(f)} "
            f"{f['ratio_to_bare_floor']:>6.3f} {f['ratio_to_framework_floor']:>6.3f} "
            f"{target_text(t):>14} {fresh_rps:>7} {fresh_p95:>9}  {verdict(t)}{made_text(t)}"
        )
    print()


def cpu_text(f: dict) -> str:
    """The server's and PostgreSQL's CPU milliseconds per request, and the cores busy."""
    if "cpu_server_ms" not in f:
        return f"{'—':>6} {'—':>5}"
    return f"{f['cpu_server_ms'] + f['cpu_database_ms']:>6.2f} {f['cores_busy']:>5.2f}"


def made_text(t: Target) -> str:
    """For the booking POST: what its requests did, over all its runs."""
    if "bookings_made" not in t.figures:
        return ""
    f = t.figures
    text = f" (made {f['bookings_made']} bookings, {f['bookings_refused']} refused"
    return text + f", {t.plan.members} members)" if t.plan else text + ")"


def target_text(t: Target) -> str:
    if t.kind not in TARGETS:
        return ""
    share, label, p95 = TARGETS[t.kind]
    if not share:
        return f"p95<{p95:.0f}ms"
    return f"≥{label}" + (f", <{p95:.0f}ms" if p95 else "")


def verdict(t: Target) -> str:
    if t.kind == "bare":
        t.figures["meets_targets"] = None
        return "the yardstick"
    share, label, p95 = TARGETS[t.kind]
    problems = []
    if t.figures["ratio_to_bare_floor"] < share:
        problems.append(f"below {label} of the bare floor")
    if p95 and t.figures["p95_ms"] >= p95:
        problems.append(f"p95 ≥ {p95:.0f} ms")
    if t.figures["non_2xx_3xx"] or t.figures["socket_errors"]:
        problems.append(f"{t.figures['non_2xx_3xx'] + t.figures['socket_errors']} errors")
    if t.status and t.status >= 400:
        problems.append(f"answers {t.status}")
    if t.figures.get("bookings_refused"):
        problems.append(f"{t.figures['bookings_refused']} refused")
    if t.figures.get("runs_out_of_lines"):
        problems.append("ran out of free slots")
    t.figures["meets_targets"] = not problems
    return "pass" if not problems else "FAIL: " + "; ".join(problems)


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does this)")
    LOCAL.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="kyodo-bench-static-"))
    env = production_env(static_root)
    os.environ.update(env)
    prepare_database(env)
    say("collectstatic into a temporary STATIC_ROOT")
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)

    import django

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    clients = {"anonymous": Client(SERVER_NAME="127.0.0.1")}
    cookies = {"anonymous": ""}
    csrf = secrets.token_hex(16)  # an unmasked 32-character CSRF secret
    for role, email in ROLE_EMAILS.items():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        clients[role] = client
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = (
            f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
        )
    removed = remove_bench_bookings()  # left by a run that was stopped
    if removed:
        say(f"{removed} bookings of an earlier booking POST removed")
    targets = build_targets(clients, csrf)
    for target in targets:
        if target.path:
            count_queries(clients[target.role], target)
            if target.status not in (200, 302):
                target.note = f"answers {target.status} to {target.role}; not measured"
            elif target.plan is not None and target.status != 302:
                target.note = f"the booking POST answers {target.status}: no booking made"
    remove_bench_bookings()  # the query count's

    uncached = [t for t in targets if t.kind == "report_uncached"]
    try:
        # Production as configured: anonymous visitors' pages come from the page cache.
        measure(env, [t for t in targets if t not in uncached], cookies, csrf, "figures")
        # The same pages built afresh for every request: what a cache miss costs (anonymous
        # visitors' page cache and signed-in viewers' kept pages both off).
        floors = ("bare", "framework", "report_uncached")
        fresh = [t for t in targets if t.method == "GET" and t.kind not in floors]
        off = {"PUBLIC_PAGE_CACHE_SECONDS": "0", "VIEWER_PAGE_CACHE_SECONDS": "0"}
        if fresh:
            measure({**env, **off}, fresh, cookies, csrf, "fresh")
        # The year's report with nothing kept: neither the page nor its figures.
        no_figures = {"BENCH_REPORTS_CACHE_SECONDS": "0", "BENCH_REPORTS_LIVE_CACHE_SECONDS": "0"}
        if uncached:
            measure({**env, **off, **no_figures}, uncached, cookies, csrf, "figures")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        remove_bench_bookings()
        end_post_sessions(targets)

    print_table(targets)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": machine(),
                "settings": {
                    "scale": SCALE,
                    "duration_s": DURATION,
                    "connections": CONNECTIONS,
                    "booking_post_connections": POST_CONNECTIONS,
                    "threads": THREADS,
                    "gunicorn_workers": WORKERS,
                    "runs_per_figure": RUNS,
                },
                "targets": {
                    kind: {"share_of_bare_floor": share, "p95_ms": p95}
                    for kind, (share, _label, p95) in TARGETS.items()
                },
                "results": [
                    {
                        "page": t.name,
                        "method": t.method,
                        "path": t.path,
                        "role": t.role,
                        "kind": t.kind,
                        "status": t.status,
                        "queries_per_request": t.queries,
                        "note": t.note,
                        **t.figures,
                        "built_afresh": t.fresh or None,
                        **(
                            {"booking_post": made_text(t).strip(" ()"), "members": t.plan.members}
                            if t.plan and t.figures
                            else {}
                        ),
                        "each_run": t.runs,
                        "each_run_built_afresh": t.fresh_runs or None,
                    }
                    for t in targets
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    say(f"results written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
