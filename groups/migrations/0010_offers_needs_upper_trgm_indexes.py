"""The trigram indexes on offers and needs move to UPPER(offers) and UPPER(needs), as 0004's on
name, reading, summary and description (issue #20): the directory's ``icontains`` compiles to
``UPPER(col::text) LIKE UPPER('%…%')`` and never used the plain-column indexes; the partner
search's word similarity now reads UPPER(col) too. Plain CREATE INDEX, as the other migrations."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0009_normalise_phone_numbers"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="group",
            name="group_offers_trgm",
        ),
        migrations.RemoveIndex(
            model_name="group",
            name="group_needs_trgm",
        ),
        migrations.AddIndex(
            model_name="group",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("offers"), name="gin_trgm_ops"
                ),
                name="group_offers_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="group",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("needs"), name="gin_trgm_ops"
                ),
                name="group_needs_trgm",
            ),
        ),
    ]
