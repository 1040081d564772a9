"""Anonymise the personal data that has passed its retention period (core.personal_data), for
a cron line where no background worker runs the periodic task::

    41 3 * * * .venv/bin/python manage.py core_personal_data_retain

Batches, each its own transaction: killed mid-way, the next run goes on where this one stopped;
run twice, the second changes nothing."""

from django.core.management.base import BaseCommand

from core import personal_data


class Command(BaseCommand):
    help = "Anonymise personal data past its retention period and print what was done."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that are due."
        )

    def handle(self, *args, batch_size, dry_run, **options):
        if dry_run:
            for key, count in personal_data.due().items():
                self.stdout.write(f"{key}: {count} due")
            return
        report = personal_data.retain(batch_size=max(1, batch_size))
        for key, count in sorted(report.counts.items()):
            self.stdout.write(f"{key}: {count} anonymised")
        self.stdout.write(f"{report.total} row(s) anonymised in all")
