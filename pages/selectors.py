"""Named reads of the pages app."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.roles import is_office_staff
from pages.models import DownloadFile, Page, PageVersion


@dataclass(frozen=True)
class PageView:
    page: Page
    version: PageVersion
    preview: bool  # a version that is not the published one, shown to staff only
    files: list[DownloadFile]


def _version_for(page: Page, *, staff: bool, number: str | None) -> tuple[PageVersion, bool]:
    if staff and number:
        try:
            wanted = int(number)
        except ValueError:
            wanted = None
        version = page.versions.filter(number=wanted).first() if wanted else None
        if version is not None:
            return version, version.status != PageVersion.Status.PUBLISHED
    if page.published_version is not None:
        return page.published_version, False
    if staff:
        newest = page.versions.first()
        if newest is not None:
            return newest, True
    raise Http404


def page_for(user, *, kind: str | None = None, slug: str | None = None, number=None) -> PageView:
    """The page as ``user`` may see it: its published version, or (staff only) a draft asked for
    with ``?version=N`` or, before anything is published, the newest draft. Else 404."""
    pages = Page.objects.select_related("published_version")
    page = pages.filter(kind=kind).first() if kind else pages.filter(slug=slug).first()
    if page is None or (slug and page.kind in Page.FIXED_KINDS):
        raise Http404
    version, preview = _version_for(page, staff=is_office_staff(user), number=number)
    files = list(page.files.all()) if page.kind == Page.Kind.DOWNLOADS else []
    return PageView(page=page, version=version, preview=preview, files=files)


def published_version_of(kind: str) -> PageVersion | None:
    return (
        PageVersion.objects.filter(page__kind=kind, status=PageVersion.Status.PUBLISHED)
        .only("pk", "number", "page_id")
        .first()
    )


def versions_of(page: Page):
    return page.versions.select_related("created_by").order_by("-number")
