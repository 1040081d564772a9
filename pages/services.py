"""Writes of the pages app: keyword-only, atomic and audited (core.audit.log_action).

Versions are never changed in place: ``page_version_create`` writes a new draft,
``page_version_publish`` publishes a draft and archives the previously published version,
``page_version_restore`` copies an old version into a new draft. The next version number is taken
under a row lock of the page, so two people saving at the same moment both keep their versions.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from core.text import normalise_phone
from pages import footer, selectors
from pages.models import Consent, DownloadFile, OfficeDetails, Page, PageVersion


class PageError(Exception):
    """A change that cannot be made; the message is for the person who asked."""


def _forget_footer() -> None:
    # Now (so this request and a test see the change) and once committed (so no other request of
    # this process keeps what it read in between).
    footer.forget()
    transaction.on_commit(footer.forget)


def _locked(page: Page) -> Page:
    return Page.objects.select_for_update().get(pk=page.pk)


def _new_version(*, actor, page: Page, title: str, body: str, note: str) -> PageVersion:
    number = (page.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PageVersion.objects.create(
        page=page,
        number=number,
        title=title.strip(),
        body=body.replace("\r\n", "\n"),
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=PageVersion.Status.DRAFT,
    )


@transaction.atomic
def page_version_create(*, actor, page: Page, title: str, body: str, note: str = "") -> PageVersion:
    """Write a new draft version of ``page``."""
    if not title.strip():
        raise PageError(_("Give the page a title."))
    page = _locked(page)
    version = _new_version(actor=actor, page=page, title=title, body=body, note=note)
    log_action(actor=actor, action="pages.page_version_create", target=page, number=version.number)
    return version


@transaction.atomic
def page_version_publish(*, actor, version: PageVersion) -> PageVersion:
    """Publish a draft; the version published until now is archived."""
    page = _locked(version.page)
    version = PageVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PageVersion.Status.DRAFT:
        raise PageError(
            _("Only a draft can be published. Restore an older version to publish it again.")
        )
    previous = page.versions.filter(status=PageVersion.Status.PUBLISHED).first()
    if previous is not None:
        previous.status = PageVersion.Status.ARCHIVED
        previous.save(update_fields=["status"])
    version.status = PageVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    page.published_version = version
    page.save(update_fields=["published_version"])
    log_action(
        actor=actor,
        action="pages.page_version_publish",
        target=page,
        number=version.number,
        archived=previous.number if previous else None,
    )
    _forget_footer()
    return version


@transaction.atomic
def page_version_restore(*, actor, version: PageVersion) -> PageVersion:
    """Copy an old version into a new draft (nothing already written changes)."""
    page = _locked(version.page)
    copy = _new_version(
        actor=actor,
        page=page,
        title=version.title,
        body=version.body,
        note=_("Restored from version %(number)d") % {"number": version.number},
    )
    log_action(
        actor=actor,
        action="pages.page_version_restore",
        target=page,
        number=copy.number,
        restored=version.number,
    )
    return copy


@transaction.atomic
def page_save(*, actor, page: Page, fields: list[str] | None = None) -> Page:
    """Save a new page, or a page's own settings (name, address, order: ``fields``); its text
    lives in versions."""
    created = page.pk is None
    if created:
        page.save()
    else:
        page.save(update_fields=fields)
    log_action(
        actor=actor,
        action="pages.page_create" if created else "pages.page_update",
        target=page,
        fields=fields or [],
    )
    _forget_footer()
    return page


@transaction.atomic
def download_file_add(*, actor, page: Page, title: str, file, position: int = 0) -> DownloadFile:
    item = DownloadFile.objects.create(
        page=page,
        title=title,
        file=file,
        position=position,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(actor=actor, action="pages.download_file_add", target=item, page=page.slug)
    return item


def page_is_deletable(page: Page) -> bool:
    """A page that has versions is never deleted: its versions are the record of what the
    portal said (and the terms and privacy versions people agreed to); unpublish it by
    publishing nothing new, or rename it. Only an empty page (no version yet) may go."""
    return page.pk is not None and not page.versions.exists()


@transaction.atomic
def page_delete(*, actor, page: Page) -> None:
    """Delete an empty page (one without versions) and its files."""
    page = _locked(page)
    if not page_is_deletable(page):
        raise PageError(_("A page with versions cannot be deleted: its history stays."))
    log_action(actor=actor, action="pages.page_delete", target=page, page=page.slug)
    for item in page.files.all():
        download_file_remove(actor=actor, item=item)
    page.delete()
    _forget_footer()


@transaction.atomic
def download_file_remove(*, actor, item: DownloadFile) -> None:
    log_action(actor=actor, action="pages.download_file_remove", target=item, page=item.page.slug)
    item.file.delete(save=False)
    item.delete()


OFFICE_FIELDS = (
    "name",
    "postal_code",
    "address",
    "phone",
    "fax",
    "email",
    "map_url",
    "access_note",
)


@transaction.atomic
def office_details_update(*, actor, **values) -> OfficeDetails:
    """Change the office's details (one row); only the fields given change."""
    unknown = set(values) - set(OFFICE_FIELDS)
    if unknown:
        raise TypeError(f"not office details: {sorted(unknown)}")
    details = OfficeDetails.load()
    details = OfficeDetails.objects.select_for_update().get(pk=details.pk)
    # Phone and fax numbers as stored: half-width (core.text.normalise_phone).
    values.update({f: normalise_phone(values[f]) for f in ("phone", "fax") if f in values})
    changed = [f for f, v in values.items() if getattr(details, f) != v]
    for name, value in values.items():
        setattr(details, name, value)
    details.full_clean()
    details.save()
    log_action(actor=actor, action="pages.office_details_update", target=details, fields=changed)
    _forget_footer()
    return details


@transaction.atomic
def consent_record(*, user, terms: PageVersion | None, privacy: PageVersion | None) -> Consent:
    """Record that ``user`` agreed to these versions of the terms and privacy policy now."""
    consent = Consent.objects.create(user=user, terms_version=terms, privacy_version=privacy)
    log_action(
        actor=user,
        action="pages.consent_record",
        target=consent,
        terms=terms.number if terms else None,
        privacy=privacy.number if privacy else None,
    )
    return consent


def consent_to_current(*, user) -> Consent:
    """Record consent to the terms and privacy policy published at this moment."""
    return consent_record(
        user=user,
        terms=selectors.published_version_of(Page.Kind.TERMS),
        privacy=selectors.published_version_of(Page.Kind.PRIVACY),
    )
