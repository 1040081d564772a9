"""Background tasks of the newsletter (procrastinate, on PostgreSQL itself): sending an issue,
sending a message from the office.

Start a worker with ``python manage.py procrastinate worker`` (``make worker``). Jobs of one
issue (or message) share a lock, so they run one after another; a job that fails (the mail
server does not answer) is retried with growing waits, and every run resumes where the last one
stopped. A job
whose worker was killed is found by its missing heartbeats and run again (core/tasks.py).
"""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from core.tasks import RETRIED, revive_job, stalled_jobs
from newsletter.sending import deliver_issue, deliver_message

QUEUE = "newsletter"


@app.task(
    name="newsletter.send_issue",
    queue=QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
def send_issue(issue_id: int) -> dict:
    # The Django contrib app closes the database connection around each task.
    # IssueBusy fails the run on purpose: another run still holds the issue (a worker taken for
    # dead that still works, or a lost connection the database has not noticed yet), and the
    # retry strategy tries again later until the rows are sent.
    result = deliver_issue(issue_id=issue_id)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@app.task(
    name="newsletter.send_office_message",
    queue=QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
def send_office_message(message_id: int) -> dict:
    # As send_issue: Busy fails the run on purpose, and the retry comes back later.
    result = deliver_message(message_id=message_id)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


def issue_lock(issue_id: int) -> str:
    return f"newsletter-issue-{issue_id}"


def message_lock(message_id: int) -> str:
    return f"newsletter-message-{message_id}"


def _defer(task, lock: str, **kwargs) -> int | None:
    """Queue a run of a mail-out; None when one is already waiting (it will do the work).

    A run whose worker died holds the mail-out's lock for ever: it is run again (see
    core.tasks) instead of queueing a second job that would wait behind it.
    """
    stalled = stalled_jobs(lock=lock)
    if stalled:
        revival = revive_job(stalled[0])
        if revival.outcome == RETRIED:
            return revival.job_id
    try:
        return task.configure(lock=lock, queueing_lock=lock).defer(**kwargs)
    except AlreadyEnqueued:
        return None


def defer_send(issue_id: int) -> int | None:
    """Queue a run for the issue (see _defer)."""
    return _defer(send_issue, issue_lock(issue_id), issue_id=issue_id)


def defer_message_send(message_id: int) -> int | None:
    """Queue a run for the office message (see _defer)."""
    return _defer(send_office_message, message_lock(message_id), message_id=message_id)
