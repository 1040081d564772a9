"""Helpers the service modules share (private to the package)."""

from __future__ import annotations

from django.db import connection, connections, router
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.jobs import StatementJob
from core.models import AuditLog
from core.sqlrows import insert_parts
from facilities.models import Booking, BookingEquipment, Equipment
from facilities.rules import BookingNotAllowed
from groups.models import Group

# Namespace of the advisory locks taken per group (two-int form of pg_advisory_xact_lock).
GROUP_LOCK_NAMESPACE = 4_204_001


def group_to_lock(*, kind: str, staff: bool, group: Group | None, rules, room) -> Group | None:
    """The group whose advisory lock a new or changed booking takes: an online group booking
    when a monthly hour limit applies (the office's, ``rules``, or the room's), so that two
    bookings of one group cannot both pass the limit; None otherwise."""
    limited = rules.group_monthly_hours is not None or room.group_monthly_hours is not None
    if kind == Booking.Kind.GROUP and not staff and group is not None and limited:
        return group
    return None


def lock_group_and_plan(group: Group | None, *, generic_plans: bool = False) -> None:
    """Take ``group``'s advisory lock (None: no lock) and, with ``generic_plans``, have the rest
    of the transaction's statements planned once per connection, both in one statement.

    Why generic plans (issue #20): the booking's rules read (``rules._rule_reads``: four scans
    of the bookings table, which has twelve indexes) took about five times as long to plan
    (1.1 ms) as to run, and PostgreSQL planned it afresh for every booking, its generic plan's
    estimate (made without the parameters' values) looking dearer than a plan for the values
    at hand. Its generic plan runs as fast (the exclusion constraint's index for the clash, the
    live bookings' period index for the equipment), and the other statements of a booking's
    transaction read or write rows by key. ``SET LOCAL`` lasts until the transaction ends: ask
    for it only in a transaction of the booking's own (a caller's transaction, a series or an
    event, goes on with statements of its own)."""
    columns, params = [], []
    if group is not None:
        columns.append("pg_advisory_xact_lock(%s, %s)")
        params += [GROUP_LOCK_NAMESPACE, group.pk % 2**31]
    if generic_plans:
        columns.append("set_config('plan_cache_mode', 'force_generic_plan', true)")
    if columns:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)}", params)


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


def insert_booking(
    booking: Booking,
    items: dict[Equipment, int],
    audit: AuditLog,
    job: StatementJob | None = None,
) -> None:
    """Write the new ``booking``, its equipment and its audit row (naming the booking) in one
    statement (issue #20: three statements, each built by the ORM, were a fifth of the booking
    POST), and queue ``job`` (its mail, ``notifications.mail_job_with_insert``) in it too. The
    rows are what the ORM would write (``core.sqlrows.insert_parts``), and the signals a save
    sends are sent as a save sends them (the grids' and the signed-in pages' versions are
    renewed by them)."""
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
        # The job's clause runs only when the statement reads it (it is no INSERT itself).
        + (
            f", j AS ({job.sql('b')}) SELECT b.id, a.id FROM b, a, j"
            if job is not None
            else " SELECT b.id, a.id FROM b, a"
        )
    )
    params = [
        *values,
        [e.pk for e in items],
        list(items.values()),
        *audit_values,
        *(job.params if job is not None else []),
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
