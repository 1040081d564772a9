"""CSV of groups: the public directory's open data, and the admin's export.

The public columns are the only ones the public export knows of. The private contact columns
exist only in ``PRIVATE_COLUMNS`` and are written only when staff tick them in the admin.
The file is written by core.csv (byte-order mark, CRLF, no cell that can run as a formula).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.csv import csv_streaming_response
from groups.emails import absolute_url
from groups.models import Group


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable


def _join(items) -> str:
    return "、".join(str(item) for item in items)


PUBLIC_COLUMNS = [
    Column("registration_number", _("registration number"), lambda g: g.registration_number or ""),
    Column("name", _("group name"), lambda g: g.name),
    Column("name_kana", _("group name reading (kana)"), lambda g: g.name_kana),
    Column("summary", _("short introduction"), lambda g: g.summary),
    Column("fields", _("activity fields"), lambda g: _join(g.csv_fields)),
    Column("areas", _("activity areas"), lambda g: _join(g.csv_areas)),
    Column("founded_year", _("year founded"), lambda g: g.founded_year or ""),
    Column("member_count", _("number of members"), lambda g: g.member_count or ""),
    Column("meeting_frequency", _("how often it meets"), lambda g: g.meeting_frequency),
    Column("looking_for", _("looking for"), lambda g: _join(g.looking_for_labels)),
    Column("offers", _("what we can offer"), lambda g: g.offers),
    Column("needs", _("help we are looking for"), lambda g: g.needs),
    Column("website", _("website"), lambda g: g.website),
    Column("sns_url", _("social media page"), lambda g: g.sns_url),
    Column("public_email", _("public e-mail address"), lambda g: g.public_email),
    Column("registered_on", _("registered on"), lambda g: g.registered_on or ""),
    Column("page", _("page"), lambda g: g.csv_url),
]

# Staff-only columns: status and dates for the office's records, and the private contact.
STAFF_COLUMNS = [
    Column("status", _("status"), lambda g: g.get_status_display()),
    Column("applied_on", _("applied on"), lambda g: g.applied_on or ""),
    Column("withdrawn_on", _("withdrawn on"), lambda g: g.withdrawn_on or ""),
    Column("profile_updated_at", _("profile last updated"), lambda g: g.profile_updated_at or ""),
]
PRIVATE_COLUMNS = [
    Column("representative_name", _("representative's name"), lambda g: g.representative_name),
    Column("representative_phone", _("representative's phone"), lambda g: g.representative_phone),
    Column(
        "representative_address",
        _("representative's address"),
        lambda g: g.representative_address,
    ),
]
ALL_COLUMNS = {c.key: c for c in PUBLIC_COLUMNS + STAFF_COLUMNS + PRIVATE_COLUMNS}


def _names_by_group(through, column: str, group_ids) -> dict[int, list[str]]:
    names = defaultdict(list)
    rows = (
        through.objects.filter(group_id__in=group_ids)
        .order_by(f"{column}__order", f"{column}__pk")
        .values_list("group_id", f"{column}__name")
    )
    for group_id, name in rows.iterator(chunk_size=5000):
        names[group_id].append(name)
    return names


def csv_rows(groups: QuerySet, columns: list[Column]) -> Iterator[list]:
    """The header, then one row per group.

    Three queries whatever the number of groups: the groups, and the names of their fields
    and of their areas."""
    groups = groups.prefetch_related(None)
    ids = groups.values("pk")
    fields = _names_by_group(Group.fields.through, "activityfield", ids)
    areas = _names_by_group(Group.areas.through, "area", ids)
    page = reverse("groups:detail", kwargs={"slug": "slug-placeholder"})
    yield [c.label for c in columns]
    for group in groups.iterator(chunk_size=1000):
        group.csv_fields = fields.get(group.pk, [])
        group.csv_areas = areas.get(group.pk, [])
        group.csv_url = absolute_url(page.replace("slug-placeholder", group.slug))
        yield [c.value(group) for c in columns]


def csv_download(
    groups: QuerySet, columns: list[Column], filename: str = "groups.csv"
) -> StreamingHttpResponse:
    """The groups as a CSV file, streamed while it is written."""
    return csv_streaming_response(filename, csv_rows(groups, columns))
