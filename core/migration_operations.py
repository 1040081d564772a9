"""Database operations the portal's migrations share."""

from django.db import migrations


def drop_indexes(dropped: dict[str, tuple[str, str, str]]) -> list[migrations.RunSQL]:
    """Drop each index of ``dropped`` ({name: (table, column, operator class or "")}) and make
    it again when the migration is reversed. For a field's own index that another index of its
    table makes redundant (issue #20), in ``SeparateDatabaseAndState`` beside the field's
    ``AlterField(db_index=False)``: Django's own ``AlterField`` would also drop and add again, and
    so check anew row by row, a foreign key."""
    return [
        migrations.RunSQL(
            f'DROP INDEX IF EXISTS "{name}"',
            reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}" {opclass})',
        )
        for name, (table, column, opclass) in dropped.items()
    ]
