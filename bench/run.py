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
   with both off ("fresh": each request builds the page).
   Queries per request are counted with Django's test client, for a page built afresh. Pages
   that do not exist yet are skipped with a note.
   Anonymous visitors, a group's representative (member), the office's staff and an official.
   Every page is measured BENCH_RUNS times (default 3), in rounds that each measure both floors
   and every page, and each figure is the median of its runs.
4. A table is printed, each page's throughput as a ratio to the bare floor and to the framework
   floor, its target (issue #20) and pass/fail, and the figures are written as JSON to
   bench/results/.

Environment: BENCH_DURATION (seconds per page and run, default 8), BENCH_RUNS (default 3),
BENCH_CONNECTIONS (default 4), BENCH_THREADS (default 2), BENCH_WORKERS (gunicorn workers,
default 2), BENCH_SCALE (default 10), BENCH_DATABASE_URL. Only 127.0.0.1 is ever contacted;
every run is bounded in time.
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
RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))

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


def build_targets(clients: dict) -> list[Target]:
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
    targets.append(booking_post(member, week))
    for target in targets:
        if target.path is None and not target.note:
            target.note = "not there yet (no such page or no link to it)"
    return targets


def booking_post(member, week: str | None) -> Target:
    from django.utils import timezone

    target = Target("booking POST", role="member", kind="post", method="POST")
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

    # Counted as built afresh (the page cache would make every anonymous page one query, and a
    # signed-in viewer's kept page two).
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, VIEWER_PAGE_CACHE_SECONDS=0):
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


def median_of(runs: list[dict]) -> dict:
    """Each figure the median of the runs (errors summed)."""
    if not runs:
        return {}
    out = {}
    for name in runs[0]:
        values = sorted(run[name] for run in runs)
        if name in ("requests", "non_2xx_3xx", "socket_errors"):
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
                say(
                    f"run {n}/{RUNS} {target.name} as {target.role}{label}: {target.method} "
                    f"{target.path} ({DURATION} s)"
                )
                runs = target.runs if into == "figures" else target.fresh_runs
                runs.append(wrk(base, target, cookies[target.role], csrf))
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
        f"{'queries':>7} {'÷bare':>6} {'÷frame':>6} {'target':>14} {'fresh/s':>7} "
        f"{'fresh p95':>9}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for t in targets:
        if t.note or not t.figures:
            dashes = " ".join(f"{'—':>{n}}" for n in (7, 7, 7, 7, 7, 6, 6, 14, 7, 9))
            print(f"{t.name:<28} {t.role:<10} {dashes}  {t.note or 'not measured'}")
            continue
        f = t.figures
        f["ratio_to_bare_floor"] = f["rps"] / bare_rps if bare_rps else 0.0
        f["ratio_to_framework_floor"] = f["rps"] / framework_rps if framework_rps else 0.0
        fresh_rps = f"{t.fresh['rps']:.0f}" if t.fresh else "—"
        fresh_p95 = f"{t.fresh['p95_ms']:.1f}" if t.fresh else "—"
        print(
            f"{t.name:<28} {t.role:<10} {f['rps']:>7.0f} {f['p50_ms']:>7.1f} "
            f"{f['p95_ms']:>7.1f} {f['p99_ms']:>7.1f} {t.queries!s:>7} "
            f"{f['ratio_to_bare_floor']:>6.3f} {f['ratio_to_framework_floor']:>6.3f} "
            f"{target_text(t):>14} {fresh_rps:>7} {fresh_p95:>9}  {verdict(t)}"
        )
    print()


def target_text(t: Target) -> str:
    if t.kind not in TARGETS:
        return ""
    _share, label, p95 = TARGETS[t.kind]
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
    targets = build_targets(clients)
    for target in targets:
        if target.path:
            count_queries(clients[target.role], target)
            if target.status not in (200, 302):
                target.note = f"answers {target.status} to {target.role}; not measured"

    try:
        # Production as configured: anonymous visitors' pages come from the page cache.
        measure(env, targets, cookies, csrf, "figures")
        # The same pages built afresh for every request: what a cache miss costs (anonymous
        # visitors' page cache and signed-in viewers' kept pages both off).
        floors = ("bare", "framework")
        fresh = [t for t in targets if t.method == "GET" and t.kind not in floors]
        off = {"PUBLIC_PAGE_CACHE_SECONDS": "0", "VIEWER_PAGE_CACHE_SECONDS": "0"}
        measure({**env, **off}, fresh, cookies, csrf, "fresh")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

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
