"""Demo data: the starting texts (as a fresh installation has them from the data migration,
also after a database was emptied) and example office details for the footer."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings

from pages import footer
from pages.models import OfficeDetails

DEMO_DETAILS = {
    "postal_code": "000-0000",
    "address": "みどり市中央1丁目1-1 市民活動センター2階",
    "phone": "0000-00-0000",
    "fax": "0000-00-0001",
    "map_url": "https://www.openstreetmap.org/",
    "access_note": "中央駅から徒歩5分。駐車場はありません。",
}


def demo_office_email() -> str:
    """The office's address on the portal's own domain (office@kyodo.example.jp for a SITE_URL
    of https://kyodo.example.jp); a bare host or an IP address (a developer's 127.0.0.1:8000)
    takes the configured OFFICE_EMAIL instead. Never example.com."""
    host = (urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")
    if "." in host and not host.replace(".", "").isdigit() and host != "example.com":
        return f"office@{host}"
    return settings.OFFICE_EMAIL


def seed(ctx) -> None:
    starting = import_module("pages.migrations.0002_starting_texts")
    starting.add_starting_texts(apps, None)
    details = OfficeDetails.load()
    if not details.address:
        for name, value in {**DEMO_DETAILS, "email": demo_office_email()}.items():
            setattr(details, name, value)
        details.save()
    # Read the footer again now (not at some later page, whose queries would then grow).
    footer.forget()
    footer.office_footer()
    ctx.say("Pages: starting texts and the office's details.")
