"""`make bench-held`: 50 signed-in members at once on mixed pages, held for 10 minutes (issue #20).

The README's deployment (gunicorn, 3 workers × 4 threads, production settings) on the benchmark
database (`kyodo_bench`, seeded at scale 10 by `make bench` or here). The members are the
representatives of the groups with the most bookings (years of them), each signed in with a
session of their own. Each request is one member's page, picked at random (wrk, seeded): a room's
week, the day view, their bookings, their group's page, the home page, the group directory, the
event list. First a warm-up (not counted), then the held run, while each worker's memory (RSS) is
read every 10 seconds.

Pass when: no errors (every answer 2xx/3xx, no socket errors), p95 < 300 ms, and each worker's
memory after the warm-up flat (the largest worker in the last third of the run within 10 % or 20 MB,
whichever is more, of the largest in the first third: workers are replaced after max_requests).

Environment: HELD_MEMBERS (50), HELD_SECONDS (600), HELD_WARMUP (30), HELD_WORKERS (3),
HELD_THREADS (4), HELD_CONNECTIONS (HELD_MEMBERS), BENCH_SCALE, BENCH_DATABASE_URL. A JSON
file with the figures and the memory samples is written to bench/results/held-<time>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import run as bench

MEMBERS = int(os.environ.get("HELD_MEMBERS", "50"))
SECONDS = int(os.environ.get("HELD_SECONDS", "600"))
WARMUP = int(os.environ.get("HELD_WARMUP", "30"))
WORKERS = int(os.environ.get("HELD_WORKERS", "3"))
THREADS = int(os.environ.get("HELD_THREADS", "4"))
CONNECTIONS = int(os.environ.get("HELD_CONNECTIONS", str(MEMBERS)))
P95_MS = 300


def plan_lines() -> list[str]:
    """One line per member and page: "cookie<TAB>path"."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from facilities.models import Room
    from groups.models import Membership

    memberships = (
        Membership.objects.filter(group__bookings__isnull=False)
        .annotate(booked=Count("group__bookings"))
        .select_related("user", "group")
        .order_by("-booked", "pk")[:MEMBERS]
    )
    rooms = list(Room.objects.order_by("pk").values_list("slug", flat=True))
    today = timezone.localdate()
    common = [
        reverse("facilities:day", kwargs={"day": today.isoformat()}),
        reverse("facilities:bookings"),
        reverse("home"),
        reverse("groups:directory"),
        reverse("events:list"),
    ]
    lines = []
    for n, membership in enumerate(memberships):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(membership.user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        pages = [
            reverse("facilities:room", kwargs={"slug": rooms[n % len(rooms)]}),
            reverse("groups:detail", kwargs={"slug": membership.group.slug}),
            *common,
        ]
        lines += [f"{cookie}\t{page}" for page in pages]
    if len({line.split("\t")[0] for line in lines}) < MEMBERS:
        raise SystemExit(f"fewer than {MEMBERS} members with bookings in the benchmark database")
    return lines


def worker_memory(master: int) -> dict[int, int]:
    """Resident memory (kB) of each worker of the gunicorn master."""
    out = {}
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return out
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[int(pid)] = int(line.split()[1])
        except OSError:
            continue
    return out


def wrk(base: str, seconds: int, plan: Path) -> dict:
    env = {**os.environ, "HELD_PLAN": str(plan)}
    args = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(bench.REPO / "bench" / "held.lua"),
        base + "/",
    ]
    return bench.run_wrk(args, env, seconds + 120)


def memory_flat(samples: list[dict]) -> tuple[bool, dict]:
    """Whether the workers' memory stays flat after the warm-up. Workers are replaced during
    the run (``max_requests`` in gunicorn.conf.py: 50,000 each, every few minutes at this
    load), and a new worker grows to its plateau as it warms up, so the rule compares plateaus:
    the largest worker in the last third of the run against the largest in the first third
    (within 10 % or 20 MB, whichever is more). Each worker's first, last and peak readings are
    kept too."""
    workers: dict[str, dict] = {}
    for sample in samples:
        for pid, kb in sample["workers"].items():
            seen = workers.setdefault(
                str(pid), {"from_s": sample["second"], "start_kb": kb, "peak_kb": kb}
            )
            seen.update(to_s=sample["second"], end_kb=kb, peak_kb=max(seen["peak_kb"], kb))
    seconds = max((s["second"] for s in samples), default=0)

    def largest(low: float, high: float) -> int:
        return max(
            (kb for s in samples if low <= s["second"] <= high for kb in s["workers"].values()),
            default=0,
        )

    first, last = largest(0, seconds / 3), largest(seconds * 2 / 3, seconds)
    flat = last - first <= max(first * 0.10, 20 * 1024)
    return flat, {"first_third_max_kb": first, "last_third_max_kb": last, "workers": workers}


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench-held does this)")
    bench.LOCAL.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="kyodo-held-static-"))
    env = bench.production_env(static_root)
    os.environ.update(env)
    bench.prepare_database(env)
    bench.run([bench.PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)

    import django

    if str(bench.REPO) not in sys.path:
        sys.path.insert(0, str(bench.REPO))
    django.setup()
    lines = plan_lines()
    plan = Path(tempfile.mkstemp(prefix="kyodo-held-", suffix=".tsv")[1])
    plan.write_text("\n".join(lines) + "\n")
    port = bench.free_port()
    process = bench.start_gunicorn(env, port, workers=WORKERS, threads=THREADS)
    samples: list[dict] = []
    stop = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not stop.wait(10):
            samples.append(
                {"second": round(time.monotonic() - started), "workers": worker_memory(process.pid)}
            )

    try:
        base = f"http://127.0.0.1:{port}"
        bench.say(f"{MEMBERS} members, {len(lines)} member pages; warm-up {WARMUP} s")
        warm = wrk(base, WARMUP, plan)
        bench.say(f"warm-up: {warm['rps']:.0f} req/s, p95 {warm['p95_ms']:.0f} ms")
        samples.append({"second": 0, "workers": worker_memory(process.pid)})
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        bench.say(f"held: {CONNECTIONS} connections for {SECONDS} s")
        held = wrk(base, SECONDS, plan)
        stop.set()
        sampler.join(timeout=15)
        samples.append({"second": SECONDS, "workers": worker_memory(process.pid)})
    finally:
        stop.set()
        bench.stop(process)
        shutil.rmtree(static_root, ignore_errors=True)
        plan.unlink(missing_ok=True)

    flat, growth = memory_flat(samples)
    errors = held["non_2xx_3xx"] + held["socket_errors"]
    problems = []
    if errors:
        problems.append(f"{errors} errors")
    if held["p95_ms"] >= P95_MS:
        problems.append(f"p95 {held['p95_ms']:.0f} ms ≥ {P95_MS} ms")
    if not flat:
        problems.append("worker memory grew")
    verdict = "pass" if not problems else "FAIL: " + "; ".join(problems)
    print()
    print(
        f"held load: {MEMBERS} members, {WORKERS} workers × {THREADS} threads, {SECONDS} s: "
        f"{held['requests']} requests, {held['rps']:.0f} req/s, p50 {held['p50_ms']:.0f} ms, "
        f"p95 {held['p95_ms']:.0f} ms, p99 {held['p99_ms']:.0f} ms, {errors} errors"
    )
    print(
        f"  largest worker: {growth['first_third_max_kb'] / 1024:.0f} MB in the first third, "
        f"{growth['last_third_max_kb'] / 1024:.0f} MB in the last ({len(growth['workers'])} "
        "workers over the run: gunicorn replaces each after max_requests)"
    )
    print(f"verdict: {verdict}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    out = bench.RESULTS / f"held-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": bench.machine(),
                "settings": {
                    "scale": bench.SCALE,
                    "members": MEMBERS,
                    "connections": CONNECTIONS,
                    "seconds": SECONDS,
                    "warmup_s": WARMUP,
                    "gunicorn_workers": WORKERS,
                    "gunicorn_threads": THREADS,
                },
                "warmup": warm,
                "held": held,
                "memory": {"flat": flat, "workers": growth, "samples": samples},
                "targets": {"errors": 0, "p95_ms": P95_MS, "memory": "flat after warm-up"},
                "verdict": verdict,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    bench.say(f"results written to {out.relative_to(bench.REPO)}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
