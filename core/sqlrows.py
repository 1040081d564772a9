"""Model rows in hand-written statements, with the ORM's own column lists and value conversions.

The booking POST (issue #20) writes a booking, its equipment and its audit row in one statement
and reads the rows it needs with plain SQL: Django compiles each query set again on every
request (as dear as the database's work for these small statements). What goes in and comes out
is still what the ORM would write and build: ``insert_parts`` prepares each value with the
field's ``pre_save`` and ``get_db_prep_save`` (defaults, ``auto_now_add``, JSON, ranges), and
``select_list``/``instance`` read a model's concrete columns into an instance as ``from_db``
does (with each field's ``from_db_value``, e.g. JSON).
"""

from __future__ import annotations

from django.db import connections, models, router


def insert_parts(obj: models.Model, connection) -> tuple[list[str], list[str], list]:
    """(quoted columns, placeholders, values) of the row Django's INSERT would write for the
    unsaved ``obj``: every concrete field but the automatic primary key and generated ones."""
    meta = obj._meta
    qn = connection.ops.quote_name
    columns, marks, values = [], [], []
    for field in meta.concrete_fields:
        if field is meta.auto_field or field.generated:
            continue
        value = field.get_db_prep_save(field.pre_save(obj, True), connection)
        columns.append(qn(field.column))
        if hasattr(field, "get_placeholder"):
            marks.append(field.get_placeholder(value, None, connection))
        else:
            marks.append("%s")
        values.append(value)
    return columns, marks, values


def select_list(model: type[models.Model], alias: str, connection) -> str:
    """The model's concrete columns as ``alias."column"``, in ``_meta.concrete_fields`` order
    (the order ``instance`` reads them in)."""
    qn = connection.ops.quote_name
    return ", ".join(f"{qn(alias)}.{qn(f.column)}" for f in model._meta.concrete_fields)


def instance(model: type[models.Model], row, offset: int, connection) -> models.Model:
    """The instance in ``row`` from ``offset`` (its ``select_list`` columns), as the ORM builds
    it: each value through the field's ``from_db_value`` where it has one, then ``from_db``."""
    fields = model._meta.concrete_fields
    values = list(row[offset : offset + len(fields)])
    for i, field in enumerate(fields):
        if hasattr(field, "from_db_value"):
            values[i] = field.from_db_value(values[i], None, connection)
    return model.from_db(connection.alias, [f.attname for f in fields], values)


def width(model: type[models.Model]) -> int:
    """How many columns ``select_list`` gives."""
    return len(model._meta.concrete_fields)


def fetch(
    model: type[models.Model], where: str, params, *, suffix: str = "", using: str | None = None
) -> list[models.Model]:
    """The ``model`` rows (alias ``t``) meeting ``where`` (plain SQL with ``%s`` parameters),
    then ``suffix`` (ORDER BY, FOR UPDATE), as instances: the ORM's ``filter(...)`` without
    building the statement on every call."""
    connection = connections[using or router.db_for_read(model)]
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {select_list(model, 't', connection)} FROM {qn(model._meta.db_table)} t"
        f" WHERE {where}{suffix}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [instance(model, row, 0, connection) for row in rows]
