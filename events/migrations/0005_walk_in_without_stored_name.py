"""A walk-in without a name keeps no name: it used to be stored as the words 「当日参加」 (or
"Walk-in", in whichever language the staff member used), and is now labelled when shown, in the
reader's language (Registration.display_name)."""

from django.db import migrations, models

# What walk_in_add and the demo stored for a walk-in nobody named.
STORED_LABELS = ("当日参加", "Walk-in")


def forget_stored_labels(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    Registration.objects.filter(is_walk_in=True, guest_name__in=STORED_LABELS).update(guest_name="")


def label_nameless_walk_ins(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    Registration.objects.filter(is_walk_in=True, user__isnull=True, guest_name="").update(
        guest_name=STORED_LABELS[0]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_guest_party_limit_and_client_key"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="registration",
            name="registration_has_person",
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("user__isnull", False),
                    models.Q(("guest_name", ""), _negated=True),
                    ("is_walk_in", True),
                    _connector="OR",
                ),
                name="registration_has_person",
            ),
        ),
        migrations.RunPython(forget_stored_labels, label_nameless_walk_ins),
    ]
