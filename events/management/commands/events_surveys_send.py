"""Invite the people who attended an event to its open survey, once the event has ended.

Cron (every hour): 15 * * * * cd /srv/kyodo && .venv/bin/python manage.py events_surveys_send
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from events.services import surveys_send_due


class Command(BaseCommand):
    help = "Send survey invitations to attendees of ended events (run hourly)."

    def handle(self, *args, **options):
        with translation.override("ja"):
            sent = surveys_send_due()
        self.stdout.write(f"invited {sent} people")
