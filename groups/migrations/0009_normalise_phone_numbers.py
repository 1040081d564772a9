"""Normalise the phone numbers already stored, as the forms and services now do (issue #16):
full-width 「０８９７－１２－３４５６」 becomes "0897-12-3456". A value that is not a phone number
stays as typed, only NFKC-normalised (core.text.normalise_stored_phone)."""

from django.db import migrations

from core.text import normalise_stored_phone

FIELDS = ("representative_phone",)
BATCH = 1000


def normalise_phone_numbers(apps, schema_editor):
    Model = apps.get_model("groups", "Group")
    changed = []
    rows = Model.objects.only("pk", *FIELDS).order_by("pk").iterator(chunk_size=BATCH)
    for row in rows:
        touched = False
        for name in FIELDS:
            value = getattr(row, name) or ""
            normalised = normalise_stored_phone(value)
            if normalised != value:
                setattr(row, name, normalised)
                touched = True
        if touched:
            changed.append(row)
        if len(changed) >= BATCH:
            Model.objects.bulk_update(changed, FIELDS)
            changed = []
    if changed:
        Model.objects.bulk_update(changed, FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_activity_photo_uploader_and_time"),
    ]

    operations = [
        migrations.RunPython(normalise_phone_numbers, migrations.RunPython.noop, elidable=True),
    ]
