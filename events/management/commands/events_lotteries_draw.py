"""Draw the lotteries whose draw time has passed and e-mail everyone the result.

Cron (every 5 minutes):
    */5 * * * * cd /srv/kyodo && .venv/bin/python manage.py events_lotteries_draw
"""

from django.core.management.base import BaseCommand
from django.utils import translation

from events.services import lotteries_draw_due


class Command(BaseCommand):
    help = "Draw due event lotteries (run every 5 minutes)."

    def handle(self, *args, **options):
        with translation.override("ja"):
            drawn = lotteries_draw_due()
        self.stdout.write(f"drew {drawn} lotteries")
