"""Sort group readings in dictionary (50音) order: the ICU collation "ja-x-icu" on name_kana.

The database's default collation (C.UTF-8) sorts by code point (かく, かさ, がくせい;
らいおん before らーめん). PostgreSQL rebuilds the (status, name_kana) and UPPER(name_kana)
trigram indexes with the column's new collation, so ORDER BY name_kana and the search keep
using them."""

import django.core.validators
from django.db import migrations, models

COLLATION = "ja-x-icu"


class MissingCollation(RuntimeError):
    pass


def require_collation(connection, name: str = COLLATION) -> None:
    """Fail with a clear message when the server has no such collation (PostgreSQL without
    ICU), rather than with a bare SQL error halfway through the migration."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_collation WHERE collname = %s AND collencoding IN "
            "(-1, (SELECT encoding FROM pg_database WHERE datname = current_database()))",
            [name],
        )
        if cursor.fetchone() is None:
            raise MissingCollation(
                f'PostgreSQL has no collation "{name}", which the groups app needs to sort '
                "group names in 50音 (kana) order. Use a PostgreSQL built with ICU support "
                "(the Debian, Ubuntu and official Docker packages are), or create it in this "
                f"database: CREATE COLLATION \"{name}\" (provider = icu, locale = 'ja');"
            )


def check_collation(apps, schema_editor):
    require_collation(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_normalize_free_text"),
    ]

    operations = [
        migrations.RunPython(check_collation, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="group",
            name="name_kana",
            field=models.CharField(
                db_collation="ja-x-icu",
                help_text="Used to sort groups in 50-sound order, e.g. まちづくりきょうぎかい.",
                max_length=200,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[\\u3041-\\u3096\\u309d\\u309e\\u30a1-\\u30fa\\u30fc\\u30fd\\u30fe\\u3000 ・ー－\\-0-9０-９A-Za-zＡ-Ｚａ-ｚ]+$",
                        "Enter the reading in hiragana or katakana.",
                        code="kana",
                    )
                ],
                verbose_name="group name reading (kana)",
            ),
        ),
    ]
