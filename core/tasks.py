"""Housekeeping of every background job (procrastinate): jobs whose worker died run again.

A worker that is killed (``kill -9``, out of memory, a power cut) leaves its job ``doing`` for
ever, and the job's lock keeps every later job with the same lock waiting behind it. Every
worker writes a heartbeat into ``procrastinate_workers`` (``PROCRASTINATE_WORKER_DEFAULTS``);
a job is *stalled* when it is ``doing`` and its worker has not beaten for
``JOBS_STALLED_AFTER_SECONDS`` (or was pruned as dead). ``retry_stalled_jobs`` puts such jobs
back to ``todo`` so a live worker runs them again: every task must therefore be safe to run
again after an interruption (the newsletter's sender is: see newsletter/sending.py).

It runs as a periodic task in every worker (``JOBS_RETRY_STALLED_CRON``, each minute) and as
``manage.py core_stalled_jobs_retry`` for a cron line where no worker runs periodic tasks.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from procrastinate import exceptions, jobs, sql, utils
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

logger = logging.getLogger(__name__)

RETRIED = "retried"
SUPERSEDED = "superseded"  # a newer job with the same queueing lock waits: that one runs
GONE = "gone"  # another housekeeper or worker changed the job meanwhile


@dataclass(frozen=True)
class Revival:
    job_id: int
    task_name: str
    outcome: str


def _connector() -> DjangoConnector:
    return DjangoConnector()


def stalled_after() -> float:
    return float(getattr(settings, "JOBS_STALLED_AFTER_SECONDS", 30))


def stalled_jobs(*, lock: str | None = None, seconds_since_heartbeat: float | None = None):
    """Jobs still ``doing`` whose worker stopped beating (or is gone), oldest first."""
    rows = _connector().execute_query_all(
        query=sql.queries["select_stalled_jobs_by_heartbeat"],
        queue=None,
        task_name=None,
        seconds_since_heartbeat=(
            stalled_after() if seconds_since_heartbeat is None else seconds_since_heartbeat
        ),
    )
    found = [jobs.Job.from_row(row) for row in rows]
    if lock is not None:
        found = [job for job in found if job.lock == lock]
    return sorted(found, key=lambda job: job.id)


def revive_job(job: jobs.Job) -> Revival:
    """Run a stalled job again (back to ``todo``, same lock and arguments).

    When a newer job with the same queueing lock already waits (somebody pressed the button
    again), the stalled one is marked failed instead: that frees the lock and the waiting job
    does the work.
    """
    connector = _connector()
    try:
        with transaction.atomic():
            connector.execute_query(
                query=sql.queries["retry_job"],
                job_id=job.id,
                retry_at=utils.utcnow(),
                new_priority=None,
                new_queue_name=None,
                new_lock=None,
            )
        outcome = RETRIED
    except exceptions.UniqueViolation:
        try:
            with transaction.atomic():
                connector.execute_query(
                    query=sql.queries["finish_job"],
                    job_id=job.id,
                    status=jobs.Status.FAILED.value,
                    delete_job=False,
                )
            outcome = SUPERSEDED
        except exceptions.ConnectorException:
            outcome = GONE
    except exceptions.ConnectorException:
        outcome = GONE
    logger.warning(
        "stalled job %s (%s, lock %s, worker %s): %s",
        job.id,
        job.task_name,
        job.lock,
        job.worker_id,
        outcome,
    )
    return Revival(job_id=job.id, task_name=job.task_name, outcome=outcome)


def retry_stalled_jobs(*, seconds_since_heartbeat: float | None = None) -> list[Revival]:
    """Find every stalled job and run it again; returns what was done to each."""
    return [
        revive_job(job) for job in stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    ]


@app.periodic(cron=getattr(settings, "JOBS_RETRY_STALLED_CRON", "* * * * *"))
@app.task(name="core.retry_stalled_jobs")
def retry_stalled_jobs_task(timestamp: int) -> dict:
    return dict(Counter(revival.outcome for revival in retry_stalled_jobs()))


@app.periodic(cron=getattr(settings, "PERSONAL_DATA_RETAIN_CRON", "41 3 * * *"))
@app.task(name="core.personal_data_retain", queueing_lock="core.personal_data_retain")
def personal_data_retain_task(timestamp: int) -> dict:
    """Anonymise the personal data past its retention period (core.personal_data.retain): in
    batches, safe to run again after an interruption (retry_stalled_jobs may revive it)."""
    from core import personal_data

    return personal_data.retain().counts
