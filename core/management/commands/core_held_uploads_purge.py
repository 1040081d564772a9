"""Delete the files forms held after an error and nobody sent (core.uploads): for a cron line,
``17 * * * * .venv/bin/python manage.py core_held_uploads_purge``."""

from django.core.management.base import BaseCommand

from core.uploads import held_uploads_purge, hold_seconds


class Command(BaseCommand):
    help = "Delete held uploads older than UPLOAD_HOLD_SECONDS (their tokens have expired)."

    def handle(self, *args, **options):
        removed = held_uploads_purge()
        self.stdout.write(
            f"{removed} held upload(s) removed (kept for {hold_seconds() // 3600} h at most)"
        )
