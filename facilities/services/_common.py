"""Helpers the service modules share (private to the package)."""

from __future__ import annotations

from django.db import connection, connections, router
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.models import AuditLog
from core.sqlrows import insert_parts
from facilities.models import Booking, BookingEquipment, Equipment
from facilities.rules import BookingNotAllowed
from groups.models import Group

# Namespace of the advisory locks taken per group (two-int form of pg_advisory_xact_lock).
GROUP_LOCK_NAMESPACE = 4_204_001


def lock_group(group: Group) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [GROUP_LOCK_NAMESPACE, group.pk % 2**31]
        )


def tells_group(booking: Booking) -> bool:
    """Groups hear about their own bookings; office events are announced by the events app."""
    return booking.group_id is not None and booking.kind == Booking.Kind.GROUP


def require_staff(actor) -> None:
    if not is_office_staff(actor):
        raise BookingNotAllowed(_("Only office staff can do this."))


def locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room", "group")
        .get(pk=booking.pk)
    )


def insert_booking(booking: Booking, items: dict[Equipment, int], audit: AuditLog) -> None:
    """Write the new ``booking``, its equipment and its audit row (naming the booking) in one
    statement (issue #20: three statements, each built by the ORM, were a fifth of the booking
    POST). The rows are what the ORM would write (``core.sqlrows.insert_parts``), and the
    signals a save sends are sent as a save sends them (the grids' and the signed-in pages'
    versions are renewed by them)."""
    using = router.db_for_write(Booking, instance=booking)
    connection = connections[using]
    qn = connection.ops.quote_name
    pre_save.send(sender=Booking, instance=booking, raw=False, using=using, update_fields=None)
    pre_save.send(sender=AuditLog, instance=audit, raw=False, using=using, update_fields=None)
    columns, marks, values = insert_parts(booking, connection)
    audit_columns, audit_marks, audit_values = insert_parts(audit, connection)
    target = audit_columns.index(qn("target_id"))
    audit_marks[target] = "b.id::text"
    del audit_values[target]
    line = BookingEquipment._meta
    sql = (
        f"WITH b AS (INSERT INTO {qn(Booking._meta.db_table)} ({', '.join(columns)})"
        f" VALUES ({', '.join(marks)}) RETURNING {qn(Booking._meta.pk.column)} AS id),"
        f" e AS (INSERT INTO {qn(line.db_table)} ({qn(line.get_field('booking').column)},"
        f" {qn(line.get_field('equipment').column)}, {qn(line.get_field('quantity').column)})"
        " SELECT b.id, x.equipment, x.quantity FROM b,"
        " unnest(%s::bigint[], %s::integer[]) AS x(equipment, quantity)),"
        f" a AS (INSERT INTO {qn(AuditLog._meta.db_table)} ({', '.join(audit_columns)})"
        f" SELECT {', '.join(audit_marks)} FROM b RETURNING {qn(AuditLog._meta.pk.column)} AS id)"
        " SELECT b.id, a.id FROM b, a"
    )
    params = [
        *values,
        [e.pk for e in items],
        list(items.values()),
        *audit_values,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        booking.pk, audit.pk = cursor.fetchone()
    audit.target_id = str(booking.pk)
    for obj in (booking, audit):
        obj._state.adding = False
        obj._state.db = using
        post_save.send(
            sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using
        )
