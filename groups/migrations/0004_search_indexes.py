"""Trigram GIN indexes on UPPER(name), UPPER(name_kana), UPPER(summary) and UPPER(description):
they serve the directory's ``icontains`` search (``UPPER(col::text) LIKE UPPER('%子ども%')``).
pg_trgm comes from core's extensions migration."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_postgres_extensions"),
        ("groups", "0003_group_workflow"),
    ]

    operations = [
        migrations.AddIndex(
            model_name='group',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('name'), name='gin_trgm_ops'), name='group_name_trgm'),
        ),
        migrations.AddIndex(
            model_name='group',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('name_kana'), name='gin_trgm_ops'), name='group_kana_trgm'),
        ),
        migrations.AddIndex(
            model_name='group',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('summary'), name='gin_trgm_ops'), name='group_summary_trgm'),
        ),
        migrations.AddIndex(
            model_name='group',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('description'), name='gin_trgm_ops'), name='group_description_trgm'),
        ),
    ]
