"""A real worker process killed with SIGKILL in the middle of a send, against a real SMTP
server: a second worker notices the dead one's missing heartbeats, runs the job again, and
everybody gets the issue exactly once, but for at most the one mail in flight at the kill,
which is marked failed and reaches its reader once when staff retry it."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from newsletter import selectors, services
from newsletter.models import Delivery
from newsletter.sending import INTERRUPTED
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.test_sending import ready_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBSCRIBERS = 300
WAIT = 90  # seconds: the bound of every wait


class SlowInbox:
    """aiosmtpd handler: records each recipient, then takes a moment before answering, so that
    a kill lands while a mail is being handed over."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.received)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, what: str, logs: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {WAIT} s: {what}\n--- worker logs ---\n{logs.read_text()}")
        time.sleep(0.1)


def job_statuses(task_name: str) -> list[str]:
    """The statuses of the worker's jobs of one task, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM procrastinate_jobs WHERE task_name = %s ORDER BY id", [task_name]
        )
        return [status for (status,) in cursor.fetchall()]


def send_jobs() -> list[str]:
    return job_statuses("newsletter.send_issue")


def left_to_send(issue) -> int:
    return selectors.progress(issue)["left"]


@pytest.fixture
def smtp_inbox():
    yield from serving(SlowInbox())


def serving(inbox):
    """Runs ``inbox`` as an SMTP server on a free local port; yields (inbox, port)."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def workers(smtp_inbox, tmp_path):
    """Starts ``manage.py procrastinate worker`` processes against the test database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.newsletter.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "KYODO_TEST_SMTP_PORT": str(smtp_inbox[1]),
        "LOG_LEVEL": "INFO",
    }
    logs = tmp_path / "workers.log"
    started = []
    # Jobs that earlier tests queued in committed transactions (procrastinate's tables are not
    # Django's to flush) would be picked up first by the new worker: start from an empty queue.
    _empty_the_queue()

    def start() -> subprocess.Popen:
        with logs.open("a") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "procrastinate", "worker"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return process

    start.logs = logs
    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # a graceful stop ends its heartbeat row
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _empty_the_queue()


def _empty_the_queue() -> None:
    with connection.cursor() as cursor:  # procrastinate's tables are not Django's to flush
        for table in ["periodic_defers", "events", "jobs", "workers"]:
            cursor.execute(f"DELETE FROM procrastinate_{table}")


def test_a_send_resumes_after_its_worker_is_killed_and_nobody_gets_it_twice(
    workers, smtp_inbox, staff
):
    inbox, _port = smtp_inbox
    issue = ready_issue()
    readers = [s.email for s in SubscriberFactory.create_batch(SUBSCRIBERS)]

    first = workers()
    services.issue_send(actor=staff, issue=issue)  # queued on commit
    wait_until(lambda: inbox.total() >= 100, "the first worker delivers 100", workers.logs)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = inbox.total()
    assert 100 <= killed_at < SUBSCRIBERS, "the kill must land mid-send"

    workers()  # the second worker notices the dead one and runs its job again
    wait_until(lambda: left_to_send(issue) == 0, "every delivery sent or failed", workers.logs)

    received = inbox.snapshot()
    sent = set(
        Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).values_list(
            "subscriber__email", flat=True
        )
    )
    failed = list(
        Delivery.objects.filter(issue=issue, status=Delivery.Status.FAILED).values_list(
            "subscriber__email", "error"
        )
    )
    assert len(failed) <= 1, failed
    assert all(error == INTERRUPTED for _email, error in failed)
    assert sent | {email for email, _error in failed} == set(readers)
    assert all(received[email] == 1 for email in sent), "a sent reader got it once, only once"
    assert max(received.values()) == 1, "nobody got the issue twice"

    # The dead job itself ran again to its end: no second job was queued behind it.
    wait_until(lambda: send_jobs() == ["succeeded"], "the retried job succeeds", workers.logs)

    # Staff retry the failed row deliberately: it goes out once more, to that reader alone.
    count = services.issue_failures_retry(actor=staff, issue=issue)
    assert count == len(failed)
    wait_until(lambda: left_to_send(issue) == 0, "the retried delivery", workers.logs)
    after = inbox.snapshot()
    assert after - received == Counter(email for email, _error in failed)
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == SUBSCRIBERS
