"""E-mail a reminder to the confirmed participants of tomorrow's events (once per event).

Cron (every morning): 0 9 * * * cd /srv/kyodo && .venv/bin/python manage.py events_reminders_send
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from events.services import reminders_send


class Command(BaseCommand):
    help = "Send the day-before reminders of tomorrow's events (run once a day)."

    def handle(self, *args, **options):
        with translation.override("ja"):
            sent = reminders_send()
        self.stdout.write(f"queued {sent} reminder(s)")
