"""django-anymail's tracking signal → bounce records and suppression."""

from __future__ import annotations

import logging

from anymail.signals import tracking
from django.dispatch import receiver

from newsletter.services import bounce_record

logger = logging.getLogger(__name__)


@receiver(tracking, dispatch_uid="newsletter.bounces")
def on_tracking_event(sender, event, esp_name, **kwargs):
    bounce = bounce_record(
        provider=esp_name,
        event_type=event.event_type,
        email=event.recipient or "",
        reject_reason=event.reject_reason,
        description=event.description or event.mta_response or "",
        event_id=str(event.event_id or ""),
        occurred_at=event.timestamp,
        esp_event=event.esp_event,
    )
    if bounce is not None:
        logger.info("newsletter: %s for %s (%s)", event.event_type, bounce.email, esp_name)
