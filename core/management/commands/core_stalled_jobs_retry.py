"""Run again the background jobs whose worker died (for a cron line, where no worker runs
the periodic housekeeping): ``*/5 * * * * .venv/bin/python manage.py core_stalled_jobs_retry``."""

from django.core.management.base import BaseCommand

from core.tasks import retry_stalled_jobs, stalled_after


class Command(BaseCommand):
    help = "Put background jobs whose worker stopped sending heartbeats back in the queue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds",
            type=float,
            default=None,
            help="a worker silent this long counts as dead (default JOBS_STALLED_AFTER_SECONDS)",
        )

    def handle(self, *args, seconds=None, **options):
        revivals = retry_stalled_jobs(seconds_since_heartbeat=seconds)
        for revival in revivals:
            self.stdout.write(f"job {revival.job_id} ({revival.task_name}): {revival.outcome}")
        self.stdout.write(
            f"{len(revivals)} stalled job(s) "
            f"(worker silent for more than {seconds or stalled_after():g} s)"
        )
