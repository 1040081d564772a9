"""E-mail each group a reminder of its confirmed bookings tomorrow (run once a day).

Cron (every day at 17:00, Asia/Tokyo):

    0 17 * * * cd /srv/kyodo-office && .venv/bin/python manage.py facilities_reminders_send

Safe to run twice: each booking is reminded once (``Booking.reminder_sent_at``).
"""

from django.core.management.base import BaseCommand, CommandError

from facilities.forms import parse_iso_date
from facilities.services import reminders_send


class Command(BaseCommand):
    help = "Send reminder e-mails for tomorrow's confirmed bookings (once per booking)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day of the bookings (YYYY-MM-DD); default tomorrow")

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = parse_iso_date(date)
            except ValueError as exc:
                raise CommandError("--date must look like 2026-05-01") from exc
        sent = reminders_send(day=day)
        self.stdout.write(f"Sent {sent} booking reminder(s).")
