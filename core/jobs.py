"""A background job queued by the statement that inserts the row it is about (issue #20).

procrastinate queues a job with a statement of its own (``task.defer``: a round trip, and about
a millisecond of Python building and logging the job, on the booking POST as dear as the
booking's insert itself). A job about a row being inserted can instead be queued by the very
statement that inserts the row, in a data-modifying ``WITH`` clause: the job then commits or rolls
back with the row as before, and the row's id, unknown before the insert, goes into the job's
arguments in SQL.

The job is what ``task.configure(...).defer(**kwargs)`` would queue (procrastinate's own job
template: queue, task name, priority, lock, queueing lock, scheduled time), through
procrastinate's own database function, so the worker sees no difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.postgresql.psycopg_any import Jsonb
from procrastinate.jobs import JobDeferrer


@dataclass(frozen=True)
class StatementJob:
    """SQL queuing one job, for a ``WITH`` clause of an insert: ``sql(source)`` selects the
    job's id from ``source`` (the clause that returned the inserted row's ``id``), ``params``
    its values, in the order of its placeholders."""

    template: str
    params: list

    def sql(self, source: str) -> str:
        return self.template.format(source=source)


def job_in_statement(deferrer: JobDeferrer, *, id_argument: str, **kwargs) -> StatementJob:
    """The job ``deferrer.defer(**kwargs, **{id_argument: [id]})`` would queue, ``id`` being the
    inserted row's (``deferrer``: ``task.configure(...)``; ``kwargs``: JSON values)."""
    job = deferrer.make_new_job(**kwargs)
    template = (
        "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(%s, %s, %s, %s, %s,"
        " %s::jsonb || jsonb_build_object(%s::text, jsonb_build_array({source}.id)),"
        " %s)::procrastinate_job_to_defer_v1]))[1] AS id FROM {source}"
    )
    params = [
        job.queue,
        job.task_name,
        job.priority,
        job.lock,
        job.queueing_lock,
        Jsonb(job.task_kwargs),
        id_argument,
        job.scheduled_at,
    ]
    return StatementJob(template=template, params=params)
