"""Release places held by guests who did not confirm their e-mail in time.

Cron (every 10 minutes):
    */10 * * * * cd /srv/kyodo && .venv/bin/python manage.py events_unconfirmed_release
Registrations and cancellations also release expired places of their event as they happen.
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from events.services import registrations_release_expired


class Command(BaseCommand):
    help = "Release guests' unconfirmed places whose time limit has passed (run every 10 minutes)."

    def handle(self, *args, **options):
        with translation.override("ja"):
            released = registrations_release_expired()
        self.stdout.write(f"released {released} unconfirmed registration(s)")
