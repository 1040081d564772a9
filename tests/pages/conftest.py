import datetime as dt

import pytest

from pages import footer, services
from pages.models import Page


@pytest.fixture(autouse=True)
def _footer_read_afresh():
    """Each test here reads the footer afresh; the other tests get back the footer read before
    the session (tests/conftest.py), so their query counts do not depend on these tests."""
    kept = footer._kept
    footer.forget()
    yield
    footer._kept = kept


@pytest.fixture
def opening_hours(db):
    from facilities.models import FacilitySettings, OpeningHours

    FacilitySettings.load()
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )


def make_page(staff, kind, *, title=None, body="本文です。", publish=True, slug=None):
    """A new page with one version (published unless told otherwise), made through the
    services; it takes the place of the starting text of its kind (data migration)."""
    Page.objects.filter(kind=kind).exclude(kind=Page.Kind.OTHER).delete()
    page = services.page_save(
        actor=staff, page=Page(slug=slug or kind, kind=kind, title=title or kind)
    )
    version = services.page_version_create(
        actor=staff, page=page, title=title or f"{kind}の題名", body=body
    )
    if publish:
        services.page_version_publish(actor=staff, version=version)
    page.refresh_from_db()
    return page, version
