"""Demo data: the starting texts (as a fresh installation has them from the data migration,
also after a database was emptied) and example office details for the footer."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from pages import footer
from pages.models import OfficeDetails

DEMO_DETAILS = {
    "postal_code": "000-0000",
    "address": "みどり市中央1丁目1-1 市民活動センター2階",
    "phone": "0000-00-0000",
    "fax": "0000-00-0001",
    "email": "office@example.com",
    "map_url": "https://www.openstreetmap.org/",
    "access_note": "中央駅から徒歩5分。駐車場はありません。",
}


def seed(ctx) -> None:
    starting = import_module("pages.migrations.0002_starting_texts")
    starting.add_starting_texts(apps, None)
    details = OfficeDetails.load()
    if not details.address:
        for name, value in DEMO_DETAILS.items():
            setattr(details, name, value)
        details.save()
    # Read the footer again now (not at some later page, whose queries would then grow).
    footer.forget()
    footer.office_footer()
    ctx.say("Pages: starting texts and the office's details.")
