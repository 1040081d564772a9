"""The groups' past recorded in bulk beside ``groups.services`` (the office's notebook of
earlier years, or the demo): consultations logged with the rules of ``consultation_save``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_actions_bulk
from core.fiscal import TOKYO
from groups.models import Consultation
from groups.services import CONSULTATION_FIELDS, GroupError


@transaction.atomic
def consultations_record_bulk(
    *, actor, rows: list[dict], now: dt.datetime | None = None
) -> list[Consultation]:
    """Log many past consultations at once: each as ``consultation_save`` logs one (staff log
    it, a group or a person's name, none on a day still to come), its audit row (which never
    says what was said) dated the day it was held, at 10:00. Raises GroupError and writes
    nothing when a row breaks a rule."""
    if not is_office_staff(actor):
        raise GroupError(_("Only office staff can do this."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    consultations = []
    for values in rows:
        values = {key: value for key, value in values.items() if key in CONSULTATION_FIELDS}
        if values.get("staff_member") is None:
            values["staff_member"] = actor
        if not values.get("group") and not (values.get("person_name") or "").strip():
            raise GroupError(_("Choose the group, or write the name of the person."))
        if values["held_on"] > today:
            raise GroupError(_("The date of the activity cannot be in the future."))
        consultations.append(Consultation(**values))
    Consultation.objects.bulk_create(consultations, batch_size=2000)
    log_actions_bulk(
        (
            min(dt.datetime.combine(row.held_on, dt.time(10), tzinfo=TOKYO), now),
            actor,
            "groups.consultation_create",
            row,
            {},
        )
        for row in consultations
    )
    return consultations
