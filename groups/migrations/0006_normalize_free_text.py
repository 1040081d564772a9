"""NFKC-normalise the free text of existing groups (summary, description, offers, needs), as
Group.save now does: full-width ＮＰＯ and half-width ｶﾌｪ were stored as typed, so the directory
search and the partner suggestions (which normalise what they look for) missed them."""

import unicodedata

from django.db import migrations

FIELDS = ("summary", "description", "offers", "needs")
BATCH = 1000


def normalize_free_text(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    summary_length = Group._meta.get_field("summary").max_length
    changed = []
    for group in Group.objects.only("pk", *FIELDS).order_by("pk").iterator(chunk_size=BATCH):
        touched = False
        for name in FIELDS:
            value = getattr(group, name) or ""
            normalized = unicodedata.normalize("NFKC", value)
            # NFKC can lengthen text (… → ...); a summary that would no longer fit its column
            # stays as typed rather than being cut or failing the migration.
            if name == "summary" and len(normalized) > summary_length:
                continue
            if normalized != value:
                setattr(group, name, normalized)
                touched = True
        if touched:
            changed.append(group)
        if len(changed) >= BATCH:
            Group.objects.bulk_update(changed, FIELDS)
            changed = []
    if changed:
        Group.objects.bulk_update(changed, FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_partner_search_indexes"),
    ]

    operations = [
        # Not reversible in content (the typed forms are gone); reversing leaves rows as they are.
        migrations.RunPython(normalize_free_text, migrations.RunPython.noop, elidable=True),
    ]
