"""`make bench` says what each request cost the machine (issue #20): the CPU time of the server
under test (gunicorn's process group), of PostgreSQL and of wrk, read from /proc around a run."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from bench.run import cpu_figures, cpu_snapshot

BURN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"


def test_a_process_groups_cpu_time_is_counted_as_the_servers():
    before = cpu_snapshot()
    server = subprocess.Popen(
        [sys.executable, "-c", BURN + "time.sleep(30)"], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            after = cpu_snapshot()
            if after.groups.get(server.pid, 0.0) >= 0.4:
                break
            time.sleep(0.05)
        figures = cpu_figures(before, after, server.pid, requests=100, seconds=1.0)
    finally:
        server.kill()
        server.wait()
    # 0.4 s over 100 requests: about 4 ms each (the clock ticks in hundredths).
    assert 3.9 <= figures["cpu_server_ms"] <= 8
    assert figures["cores_busy"] >= 0.4


def test_a_child_that_ended_is_counted_as_the_load():
    before = cpu_snapshot()
    subprocess.run([sys.executable, "-c", BURN], check=True)
    after = cpu_snapshot()
    figures = cpu_figures(before, after, server=-1, requests=10, seconds=1.0)
    assert figures["cpu_load_ms"] >= 39  # 0.4 s over 10 requests
    assert figures["cpu_server_ms"] == 0  # no such process group


@pytest.mark.django_db
def test_postgresqls_cpu_time_is_counted_as_the_databases():
    before = cpu_snapshot()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    after = cpu_snapshot()
    assert after.database - before.database >= 0.05
