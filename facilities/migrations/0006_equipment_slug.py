"""Equipment gets a web address name (``slug``) for links such as the free-room search's
``?equipment=<slug>``. Existing pieces get ``equipment-<id>``: a reading of the name would need
groups' romaji table, which is not part of groups' public modules; staff can give each piece a
better name (e.g. ``projector``) in the admin. The column is made unique and required in 0007."""

from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    Equipment = apps.get_model("facilities", "Equipment")
    rows = list(Equipment.objects.filter(slug__isnull=True).only("pk"))
    for row in rows:
        row.slug = f"equipment-{row.pk}"
    Equipment.objects.bulk_update(rows, ["slug"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("facilities", "0005_booking_changes")]

    operations = [
        migrations.AddField(
            model_name="equipment",
            name="slug",
            field=models.SlugField(max_length=60, null=True, verbose_name="web address name"),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
