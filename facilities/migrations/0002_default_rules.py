"""Default opening hours (Monday–Saturday 9:00–21:00, Sunday 9:00–17:00) and booking rules.

Staff change them in the admin; this only gives a fresh installation an office that is open.
"""

import datetime as dt

from django.db import migrations

HOURS = [(day, dt.time(9), dt.time(21)) for day in range(6)] + [(6, dt.time(9), dt.time(17))]


def add_defaults(apps, schema_editor):
    OpeningHours = apps.get_model("facilities", "OpeningHours")
    FacilitySettings = apps.get_model("facilities", "FacilitySettings")
    FacilitySettings.objects.get_or_create(pk=1)
    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=opens, closes=closes) for day, opens, closes in HOURS
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
