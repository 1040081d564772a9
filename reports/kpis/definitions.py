"""The KPIs the city judges the office by: stable English keys, labels, units and how each counts.

The order of ``KPIS`` is the order of every report, CSV and workbook. Keys never change once
published (officials load the CSV into their own sheets); labels may.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

# How a figure behaves over the year.
FLOW = "flow"  # counted over the year (a sum); the current year is compared with a pro-rata target
STOCK = "stock"  # a level at the end of the year (or today in the current year)
RATE = "rate"  # a percentage; compared with its target as it stands


@dataclass(frozen=True)
class Kpi:
    key: str
    label: Promise
    unit: Promise
    source: str  # the module in reports.kpis that computes it
    definition: Promise
    kind: str = FLOW
    decimals: int = 0
    # Whether staff may set a yearly target (counts of failures such as cancellations may not).
    targetable: bool = True
    # Whether the all-years page shows it (utilisation needs each year's open hours).
    in_trend: bool = True
    # One of the seed's headline figures (summary "first year → latest year" and trend charts).
    headline: bool = False
    # The records it counts when its source reads several kinds (publishing reads the newsletter
    # and the bulletin board): the all-years table starts it at that kind's first year with
    # data, not the source's («—» before the bulletin board existed, not 0). "" for one kind.
    data_set: str = ""


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "registered_groups_end",
        _("Registered groups at year end"),
        pgettext_lazy("unit", "groups"),
        "groups",
        _(
            "Groups on the register on the last day of the year (registered on or before it and "
            "not withdrawn by then; a suspended group stays registered). For the current year: "
            "as of today."
        ),
        kind=STOCK,
        headline=True,
    ),
    Kpi(
        "new_registrations",
        _("New registrations"),
        pgettext_lazy("unit", "groups"),
        "groups",
        _("Groups whose registration date falls in the year."),
    ),
    Kpi(
        "withdrawals",
        _("Withdrawals"),
        pgettext_lazy("unit", "groups"),
        "groups",
        _("Registered groups whose withdrawal date falls in the year."),
        targetable=False,
    ),
    Kpi(
        "net_change",
        _("Net change in registered groups"),
        pgettext_lazy("unit", "groups"),
        "groups",
        _("New registrations minus withdrawals."),
        targetable=False,
    ),
    Kpi(
        "facility_users",
        _("Facility users"),
        pgettext_lazy("unit", "people"),
        "facilities",
        _(
            "The headcounts staff recorded for bookings that were used, plus walk-in visitors. "
            "A booking counts in the fiscal year in which it starts."
        ),
        headline=True,
    ),
    Kpi(
        "bookings_used",
        _("Bookings used"),
        pgettext_lazy("unit", "bookings"),
        "facilities",
        _("Bookings marked as used."),
    ),
    Kpi(
        "bookings_cancelled",
        _("Bookings cancelled"),
        pgettext_lazy("unit", "bookings"),
        "facilities",
        _("Bookings cancelled by the group or the office."),
        targetable=False,
    ),
    Kpi(
        "bookings_no_show",
        _("No-shows"),
        pgettext_lazy("unit", "bookings"),
        "facilities",
        _("Confirmed bookings nobody came to."),
        targetable=False,
    ),
    Kpi(
        "booked_hours",
        _("Booked hours"),
        pgettext_lazy("unit", "hours"),
        "facilities",
        _(
            "Hours of the rooms' confirmed and used bookings, counted once they have begun (in "
            "the current year, up to now; maintenance blocks are not counted)."
        ),
        decimals=1,
    ),
    Kpi(
        "utilisation_rate",
        _("Utilisation of all rooms"),
        pgettext_lazy("unit", "%"),
        "facilities",
        _(
            "All rooms together: their booked hours divided by their opening hours in the year "
            "(in the current year, both up to now). Each room's own rate is in the table of rooms."
        ),
        kind=RATE,
        decimals=1,
        in_trend=False,
    ),
    Kpi(
        "equipment_loans",
        _("Equipment loans"),
        pgettext_lazy("unit", "items"),
        "facilities",
        _("Items of equipment lent with bookings that were used (by quantity)."),
    ),
    Kpi(
        "walk_in_visitors",
        _("Walk-in visitors"),
        pgettext_lazy("unit", "people"),
        "facilities",
        _("Visitors without a booking, as counted at the desk each day."),
    ),
    Kpi(
        "exchange_meetings",
        _("Exchange meetings held"),
        pgettext_lazy("unit", "meetings"),
        "events",
        _("Published exchange meetings of registered groups that have taken place."),
    ),
    Kpi(
        "exchange_participants",
        _("Exchange-meeting participants"),
        pgettext_lazy("unit", "people"),
        "events",
        _("People recorded as having come to exchange meetings (walk-ins included)."),
        headline=True,
    ),
    Kpi(
        "events_held",
        _("Events held"),
        pgettext_lazy("unit", "events"),
        "events",
        _("Published events of every kind that have taken place (exchange meetings included)."),
    ),
    Kpi(
        "event_participants",
        _("Event participants"),
        pgettext_lazy("unit", "people"),
        "events",
        _("People recorded as having come to any event."),
    ),
    Kpi(
        "survey_responses",
        _("Survey responses"),
        pgettext_lazy("unit", "responses"),
        "events",
        _("Answers received to the office's surveys."),
    ),
    Kpi(
        "consultations",
        _("Consultations"),
        pgettext_lazy("unit", "cases"),
        "consultations",
        _("Consultations with citizen groups logged by staff (any channel)."),
    ),
    Kpi(
        "newsletter_issues",
        _("Newsletter issues published"),
        pgettext_lazy("unit", "issues"),
        "publishing",
        _("Issues of the newsletter published in the year."),
        data_set="newsletter",
    ),
    Kpi(
        "subscribers_end",
        _("Newsletter subscribers at year end"),
        pgettext_lazy("unit", "people"),
        "publishing",
        _(
            "Confirmed subscribers who had neither unsubscribed nor been suppressed after a "
            "bounce by the last day of the year."
        ),
        kind=STOCK,
        data_set="newsletter",
    ),
    Kpi(
        "bulletin_posts",
        pgettext_lazy("report", "Bulletin board posts"),
        pgettext_lazy("unit", "posts"),
        "publishing",
        _("Notices that went public on the bulletin board (posts hidden by staff excluded)."),
        data_set="bulletin",
    ),
    Kpi(
        "page_views",
        _("Website page views"),
        pgettext_lazy("unit", "views"),
        "website",
        _(
            "Pages of the portal viewed in a browser, counted by the portal itself. Robots on a "
            "maintained list of crawlers, requests without a browser's usual headers, the admin, "
            "files and error pages are not counted; one visitor's views of one page within 30 "
            "minutes count once; nothing about the visitor is stored."
        ),
        headline=True,
    ),
    Kpi(
        "daily_visitors",
        _("Website visitors"),
        pgettext_lazy("unit", "people"),
        "website",
        _(
            "Unique visitors of each day, added up over the period (a visitor who comes on two "
            "days counts twice). A visitor is recognised within one day only, by a hash of the "
            "address and browser with a salt that changes daily and is never stored; robots and "
            "scripts are left out as for page views."
        ),
    ),
    Kpi(
        "proposals_received",
        _("Joint-project proposals received"),
        pgettext_lazy("unit", "proposals"),
        "collaboration",
        _(
            "Proposals of joint projects (協働事業提案) that groups sent to the office in the "
            "year: answers to a department's theme and groups' own proposals (split by kind)."
        ),
    ),
    Kpi(
        "proposals_adopted",
        _("Proposals adopted"),
        pgettext_lazy("unit", "proposals"),
        "collaboration",
        _("Proposals a department answered 採択 (adopted) in the year."),
    ),
    Kpi(
        "projects_running",
        _("Joint projects running at year end"),
        pgettext_lazy("unit", "projects"),
        "collaboration",
        _(
            "Joint projects whose agreement had started them by the last day of the year and "
            "that were not completed by then. For the current year: as of today."
        ),
        kind=STOCK,
    ),
    Kpi(
        "projects_completed",
        _("Joint projects completed"),
        pgettext_lazy("unit", "projects"),
        "collaboration",
        _("Joint projects the office closed after their final report in the year."),
    ),
    Kpi(
        "partners_involved",
        _("Partners involved"),
        pgettext_lazy("unit", "partners"),
        "collaboration",
        _(
            "Different partners (city departments, companies, schools and others) that a proposal "
            "was assigned to or a group was introduced to in the year."
        ),
    ),
    Kpi(
        "introductions_made",
        _("Introductions made"),
        pgettext_lazy("unit", "introductions"),
        "collaboration",
        _("Groups introduced to a partner or another group from the partner suggestions."),
    ),
    Kpi(
        "consultations_referred",
        _("Consultations referred"),
        pgettext_lazy("unit", "cases"),
        "collaboration",
        _("Consultations the office referred to a partner or a group."),
    ),
)

BY_KEY: dict[str, Kpi] = {kpi.key: kpi for kpi in KPIS}
TREND_KPIS: tuple[Kpi, ...] = tuple(kpi for kpi in KPIS if kpi.in_trend)
HEADLINE_KPIS: tuple[Kpi, ...] = tuple(kpi for kpi in KPIS if kpi.headline)


def target_choices() -> list[tuple[str, Promise]]:
    return [(kpi.key, kpi.label) for kpi in KPIS if kpi.targetable]


def format_value(value, decimals: int = 0) -> str:
    """4768 → "4,768"; 12.25 with one decimal → "12.3"; -3 → "−3"; None → "—"."""
    if value is None:
        return "—"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(exact):,.{decimals}f}"
    return f"−{text}" if exact < 0 else text  # U+2212, a real minus sign


def with_unit(label, unit) -> str:
    """A column's heading with the unit of its figures: 「目標値（件）」, "Target (cases)"."""
    if not unit:
        return str(label)
    return pgettext("report", "%(label)s (%(unit)s)") % {"label": label, "unit": unit}


def room_headings() -> list[str]:
    """The rooms' table's column headings (after the room's name), each with its unit: the
    page's headings, its cards' labels and the workbook's sheet of rooms say the same."""
    hours = BY_KEY["booked_hours"].unit
    return [
        with_unit(pgettext("report", "Bookings used"), BY_KEY["bookings_used"].unit),
        with_unit(pgettext("report", "Cancelled"), BY_KEY["bookings_cancelled"].unit),
        with_unit(pgettext("report", "No-shows"), BY_KEY["bookings_no_show"].unit),
        pgettext("report", "Users (headcount)"),
        with_unit(pgettext("report", "Booked hours"), hours),
        with_unit(pgettext("report", "Opening hours"), hours),
        pgettext("report", "Utilisation"),
    ]


def format_change(value, decimals: int = 0) -> str:
    """A change with its sign: "+144", "−3", "±0"; no figure → "—"."""
    if value is None:
        return "—"
    if not value:
        return "±0"
    text = format_value(abs(value), decimals)
    return f"+{text}" if value > 0 else f"−{text}"


def format_change_pct(value) -> str:
    """ "+5.3%", "−12.0%", "±0.0%"; no figure → "—"."""
    if value is None:
        return "—"
    if not value:
        return "±0.0%"
    text = f"{abs(value):,.1f}%"
    return f"+{text}" if value > 0 else f"−{text}"
