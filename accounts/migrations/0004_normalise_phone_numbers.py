"""Normalise the phone numbers already stored, as the forms and services now do (issue #16):
full-width 「０８９７－１２－３４５６」 becomes "0897-12-3456". A value that is not a phone number
stays as typed, only NFKC-normalised (core.text.normalise_stored_phone)."""

from django.db import migrations

from core.text import normalise_stored_phones


def normalise_phone_numbers(apps, schema_editor):
    normalise_stored_phones(apps.get_model("accounts", "User"), ("phone",))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_case_insensitive"),
    ]

    operations = [
        migrations.RunPython(normalise_phone_numbers, migrations.RunPython.noop, elidable=True),
    ]
