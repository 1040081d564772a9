"""PostReport.reporter_key: who reported, so that each reporter counts once towards taking a
post off the board. Earlier reports are keyed by their account, or (anonymous, address never
stored) each counts as its own reporter, as before."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    PostReport = apps.get_model("bulletin", "PostReport")
    for report in PostReport.objects.filter(reporter_key="").only("pk", "reporter_id"):
        if report.reporter_id:
            report.reporter_key = f"user:{report.reporter_id}"
        else:
            report.reporter_key = f"report:{report.pk}"
        report.save(update_fields=["reporter_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0002_author_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="postreport",
            name="reporter_key",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=80, verbose_name="reporter key"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
