"""The delivery's link to its message is ``office_message``: ``message_id`` is the mail's own
Message-ID (DeliveryState), which 0002 lost to the foreign key's column of the same name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_office_messages"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="officemessagedelivery",
            name="office_message_delivery_once_per_address",
        ),
        migrations.RemoveIndex(
            model_name="officemessagedelivery",
            name="newsletter__message_063d92_idx",
        ),
        migrations.RenameField(
            model_name="officemessagedelivery",
            old_name="message",
            new_name="office_message",
        ),
        migrations.AlterModelOptions(
            name="officemessagedelivery",
            options={
                "ordering": ["office_message", "pk"],
                "verbose_name": "message delivery",
                "verbose_name_plural": "message deliveries",
            },
        ),
        migrations.AddConstraint(
            model_name="officemessagedelivery",
            constraint=models.UniqueConstraint(
                fields=("office_message", "email"),
                name="office_message_delivery_once_per_address",
            ),
        ),
        migrations.AddField(
            model_name="officemessagedelivery",
            name="message_id",
            field=models.CharField(blank=True, max_length=255, verbose_name="message ID"),
        ),
        migrations.AddIndex(
            model_name="officemessagedelivery",
            index=models.Index(
                fields=["office_message", "status"], name="newsletter__office__5b7977_idx"
            ),
        ),
    ]
