"""`make bench`: the portal under load, with production settings, on this machine's loopback.

1. A separate database (`kyodo_bench`, or BENCH_DATABASE_URL) is created when missing, migrated,
   and filled with `seed_demo --scale 10` (idempotent: an already seeded database is reused).
2. gunicorn serves the portal with production settings (DEBUG=0, a generated SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, static files collected into a temp folder)
   plus the framework floor (bench/settings.py: a bare view making one trivial query).
3. Each key page is measured with wrk (requests/s, p50, p95, p99) as production serves it:
   anonymous visitors' public pages come from the page cache (core/pagecache.py). A second pass
   serves the anonymous pages with the page cache off ("fresh": each request builds the page).
   Queries per request are counted with Django's test client, for a page built afresh. Pages
   that do not exist yet are skipped with a note.
4. A table is printed, each page's throughput as a ratio to the floor, and the figures are
   written as JSON to bench/results/.

Environment: BENCH_DURATION (seconds per page, default 8), BENCH_CONNECTIONS (default 4),
BENCH_THREADS (default 2), BENCH_WORKERS (gunicorn workers, default 2), BENCH_SCALE (default 10),
BENCH_DATABASE_URL. Only 127.0.0.1 is ever contacted; every run is bounded in time.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import platform
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

# The targets: every page ≥ 1/3 of the floor, the annual report ≥ 1/10, p95 < 100 ms.
RATIO_TARGET = 1 / 3
REPORT_RATIO_TARGET = 1 / 10
P95_TARGET_MS = 100


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PY).parent)) or "gunicorn"
    args = [
        gunicorn,
        "kyodo_office.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    say(f"gunicorn with {WORKERS} workers on 127.0.0.1:{port}")
    process = subprocess.Popen(args, cwd=REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped at start; see its messages above")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


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
    method: str = "GET"
    body: dict = field(default_factory=dict)
    report: bool = False
    note: str = ""
    status: int | None = None
    queries: int | None = None
    figures: dict = field(default_factory=dict)
    fresh: dict = field(default_factory=dict)  # the same page with the page cache off


ROLE_EMAILS = {"official": "official@example.com", "member": "rep@example.com"}


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


def build_targets(clients: dict) -> list[Target]:
    from django.utils import timezone

    anon, member, official = clients["anonymous"], clients["member"], clients["official"]
    today = timezone.localdate()
    targets = [Target("framework floor", "/__bench__/floor/")]
    targets.append(Target("home", "/"))
    directory = safe_reverse("groups:directory")
    targets.append(
        Target("group directory, search", directory and f"{directory}?{urlencode({'q': '子ども'})}")
    )
    targets.append(
        Target("a group page", directory and first_link(anon, directory, "groups:detail"))
    )
    index = safe_reverse("facilities:index")
    week = index and first_link(anon, index, "facilities:room")
    targets.append(Target("a room's week", week))
    targets.append(Target("the day view", safe_reverse("facilities:day", day=today.isoformat())))
    events = safe_reverse("events:list")
    targets.append(Target("event list", events))
    targets.append(Target("an event page", events and first_link(anon, events, "events:detail")))
    annual = safe_reverse("reports:annual")
    year_page = annual and first_link(official, annual, "reports:annual_year")
    targets.append(Target("annual report (official)", year_page or annual, "official", report=True))
    targets.append(booking_post(member, week))
    for target in targets:
        if target.path is None and not target.note:
            target.note = "not there yet (no such page or no link to it)"
    return targets


def booking_post(member, week: str | None) -> Target:
    from django.utils import timezone

    target = Target("booking POST (member)", role="member", method="POST")
    if not week:
        target.note = "no room page yet"
        return target
    # A week later than the seeded bookings' busiest days: follow the grid to a free slot.
    form_url = None
    for offset in (14, 21, 28, 7, 0):
        day = (timezone.localdate() + dt.timedelta(days=offset)).isoformat()
        form_url = first_link(member, f"{week}?week={day}", "facilities:book")
        if form_url:
            break
    if not form_url:
        target.note = "the week grid offers no booking link to a member"
        return target
    response = member.get(form_url)
    parser = _Form()
    parser.feed(response.content.decode())
    posts = [f for f in parser.forms if f["method"] == "post" and len(f["fields"]) > 2]
    if response.status_code != 200 or not posts:
        target.note = f"booking form not usable ({response.status_code})"
        return target
    target.path = form_url
    # The CSRF token travels in a header that matches wrk's cookie, not in the body.
    target.body = {
        k: v for k, v in posts[-1]["fields"].items() if v is not None and k != "csrfmiddlewaretoken"
    }
    return target


def count_queries(client, target: Target) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    def once():
        if target.method == "POST":
            return client.post(target.path, target.body)
        return client.get(target.path)

    # Counted as built afresh (the page cache would make every anonymous page one query).
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        once()  # warm caches, and for the POST: from now on the slot is taken (the clash path)
        with CaptureQueriesContext(connection) as captured:
            response = once()
    target.status = response.status_code
    target.queries = len(captured.captured_queries)


def wrk(base: str, target: Target, cookie: str, csrf: str) -> dict:
    env = dict(os.environ)
    env.update(BENCH_METHOD=target.method, BENCH_COOKIE=cookie, BENCH_CSRF=csrf)
    env["BENCH_BODY"] = urlencode(target.body) if target.method == "POST" else ""
    args = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--timeout",
        "10s",
        "-s",
        str(REPO / "bench" / "stats.lua"),
        base + target.path,
    ]
    result = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=DURATION + 60, check=False
    )
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
    }


def measure(env: dict, targets: list[Target], cookies: dict, csrf: str, into: str) -> None:
    port = free_port()
    process = start_gunicorn(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for target in targets:
            if target.note:
                continue
            label = "" if into == "figures" else " (built afresh, page cache off)"
            say(f"{target.name}{label}: {target.method} {target.path} ({DURATION} s)")
            setattr(target, into, wrk(base, target, cookies[target.role], csrf))
    finally:
        stop(process)


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


def print_table(targets: list[Target], floor_rps: float) -> None:
    header = (
        f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>8} {'÷floor':>7} {'fresh/s':>8} {'fresh p95':>9}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for t in targets:
        if t.note:
            dashes = " ".join(f"{'—':>{n}}" for n in (8, 8, 8, 8, 8, 7, 8, 9))
            print(f"{t.name:<28} {dashes}  {t.note}")
            continue
        f = t.figures
        ratio = f["rps"] / floor_rps if floor_rps else 0.0
        t.figures["ratio_to_floor"] = ratio
        fresh_rps = f"{t.fresh['rps']:.0f}" if t.fresh else "—"
        fresh_p95 = f"{t.fresh['p95_ms']:.1f}" if t.fresh else "—"
        print(
            f"{t.name:<28} {f['rps']:>8.0f} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} "
            f"{f['p99_ms']:>8.1f} {t.queries!s:>8} {ratio:>7.2f} {fresh_rps:>8} {fresh_p95:>9}  "
            f"{verdict(t, ratio)}"
        )
    print()


def verdict(t: Target, ratio: float) -> str:
    if t.name == "framework floor":
        return "floor"
    problems = []
    needed = REPORT_RATIO_TARGET if t.report else RATIO_TARGET
    if ratio < needed:
        problems.append(f"below 1/{round(1 / needed)} of the floor")
    if t.figures["p95_ms"] >= P95_TARGET_MS:
        problems.append(f"p95 ≥ {P95_TARGET_MS} ms")
    if t.figures["non_2xx_3xx"]:
        problems.append(f"{t.figures['non_2xx_3xx']} error answers")
    if t.status and t.status >= 400:
        problems.append(f"answers {t.status}")
    t.figures["meets_targets"] = not problems
    return "ok" if not problems else "; ".join(problems)


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
    targets = build_targets(clients)
    for target in targets:
        if target.path:
            count_queries(clients[target.role], target)
            if target.status not in (200, 302):
                target.note = f"answers {target.status} to {target.role}; not measured"

    try:
        # Production as configured: anonymous visitors' pages come from the page cache.
        measure(env, targets, cookies, csrf, "figures")
        # The same pages built afresh for every request: what a cache miss costs.
        fresh = [t for t in targets if t.role == "anonymous" and t.name != "framework floor"]
        measure({**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, fresh, cookies, csrf, "fresh")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    floor = next(t for t in targets if t.name == "framework floor")
    floor_rps = floor.figures.get("rps", 0.0)
    print_table(targets, floor_rps)
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
                    "threads": THREADS,
                    "gunicorn_workers": WORKERS,
                },
                "targets": {
                    "ratio_to_floor": RATIO_TARGET,
                    "report_ratio_to_floor": REPORT_RATIO_TARGET,
                    "p95_ms": P95_TARGET_MS,
                },
                "results": [
                    {
                        "page": t.name,
                        "method": t.method,
                        "path": t.path,
                        "role": t.role,
                        "status": t.status,
                        "queries_per_request": t.queries,
                        "note": t.note,
                        **t.figures,
                        "built_afresh": t.fresh or None,
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
