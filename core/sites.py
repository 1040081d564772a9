"""The sites framework's one row follows the settings: its domain is ``SITE_URL``'s host (and
port) and its name the portal's name, so nothing the portal or a library builds from it (allauth's
mails, the admin's "view on site", a feed's links) ever says ``example.com``.

It is set after every ``migrate`` (and every flush of a test database): change ``SITE_URL`` and
run ``manage.py migrate``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.sites.models import SITE_CACHE
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def site_name() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(settings.PORTAL_NAME)


def site_follows_settings(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS, **_signal) -> None:
    """Give the row ``SITE_ID`` the portal's domain and name (a post_migrate receiver)."""
    try:
        site_model = apps.get_model("sites", "Site")
    except LookupError:  # the sites framework's tables are not there yet
        return
    wanted = {"domain": site_domain(), "name": site_name()}
    site, created = site_model.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults=wanted
    )
    if not created and (site.domain, site.name) != (wanted["domain"], wanted["name"]):
        site.domain, site.name = wanted["domain"], wanted["name"]
        site.save(using=using, update_fields=["domain", "name"])
    # The live model's cache of the current site is cleared by its own save signal; a row saved
    # through a historical model is not, so forget it here.
    SITE_CACHE.clear()
