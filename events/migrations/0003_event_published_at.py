"""Event.published_at: when an event was first published.

A cancelled event is public (an announced cancellation, with the office's note as the reason)
only when it had been published. Before this, a proposal or draft could be cancelled and so
became public; the backfill leaves such events private. An event counts as having been public
when the audit log shows it approved, or shows people registering for it themselves (which
only a published event allows).
"""

from django.db import migrations, models

# Old keys and the keys core's 0003_audit_action_keys renames them to: this backfill may run
# before or after that rename.
APPROVE_ACTIONS = ["event.approve", "events.event_approve"]
PUBLIC_REGISTRATION_ACTIONS = [
    "event.register",
    "event.register_guest",
    "events.registration_create",
    "events.registration_create_guest",
]


def backfill(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    AuditLog = apps.get_model("core", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def first_logged(model: str, actions: list[str], ids) -> dict[str, object]:
        """Earliest audit time per target id (as text) for the given actions."""
        content_type = ContentType.objects.filter(app_label="events", model=model).first()
        if content_type is None:
            return {}
        times: dict[str, object] = {}
        rows = AuditLog.objects.filter(
            target_type=content_type, action__in=actions, target_id__in=[str(i) for i in ids]
        ).values_list("target_id", "created_at")
        for target_id, created_at in rows:
            if target_id not in times or created_at < times[target_id]:
                times[target_id] = created_at
        return times

    published = list(Event.objects.filter(status="published").values_list("pk", "created_at"))
    approved = first_logged("event", APPROVE_ACTIONS, [pk for pk, _created in published])
    for pk, created_at in published:
        Event.objects.filter(pk=pk).update(published_at=approved.get(str(pk), created_at))

    cancelled = list(Event.objects.filter(status="cancelled").values_list("pk", flat=True))
    approved = first_logged("event", APPROVE_ACTIONS, cancelled)
    registrations = dict(
        Registration.objects.filter(event_id__in=cancelled).values_list("pk", "event_id")
    )
    registered = first_logged("registration", PUBLIC_REGISTRATION_ACTIONS, list(registrations))
    evidence: dict[int, object] = {}
    for registration_id, when in registered.items():
        event_id = registrations[int(registration_id)]
        if event_id not in evidence or when < evidence[event_id]:
            evidence[event_id] = when
    for pk in cancelled:
        when = approved.get(str(pk)) or evidence.get(pk)
        if when is not None:
            Event.objects.filter(pk=pk).update(published_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("events", "0002_event_room_booking"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="published_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first published"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
