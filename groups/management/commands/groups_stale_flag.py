"""Flag group pages not updated for a year (run daily from cron).

    15 6 * * *  cd /srv/kyodo && .venv/bin/python manage.py groups_stale_flag

First the representatives get a notice; two weeks later a reminder; two weeks after that the
group is listed for staff (an e-mail to OFFICE_EMAIL, and the admin filter "page not updated
for a year"). Saving the group's page clears every step. Running it twice a day does no harm:
each step happens once.
"""

from django.core.management.base import BaseCommand

from groups.services import stale_groups_flag


class Command(BaseCommand):
    help = "Notify, remind and list for staff the groups whose page was not updated for a year."

    def handle(self, *args, **options):
        counts = stale_groups_flag()
        self.stdout.write(
            f"stale group pages: {counts['notified']} notified, {counts['reminded']} reminded, "
            f"{counts['listed']} listed for staff"
        )
