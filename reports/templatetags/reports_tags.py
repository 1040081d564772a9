"""Number formatting for the reports: thousands separators, signed changes, percentages."""

from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.kpis.definitions import (
    BY_KEY,
    format_change,
    format_change_pct,
    format_value,
    room_headings,
    with_unit,
)

register = template.Library()


class KeptPageNode(template.Node):
    def __init__(self, nodelist, report, key):
        self.nodelist, self.report, self.key = nodelist, report, key

    def render(self, context) -> str:
        report, key = self.report.resolve(context), str(self.key.resolve(context))
        return report.kept_page(key, lambda: self.nodelist.render(context))


@register.tag
def kept_page(parser, token):
    """``{% kept_page report LANGUAGE_CODE %}…{% endkept_page %}``: the body of a year's page,
    kept with the figures it shows (``YearReport.kept_page``): built by one request when they
    change, the previous one shown to the others meanwhile."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("kept_page takes a report and a key.")
    nodelist = parser.parse(("endkept_page",))
    parser.delete_first_token()
    return KeptPageNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


@register.filter
def kpi_value(value, kpi) -> str:
    """4768 → "4,768"; booked hours keep one decimal; no figure → "—"."""
    return format_value(value, getattr(kpi, "decimals", 0))


@register.filter(name="with_unit")
def with_unit_filter(label, unit) -> str:
    """A heading with its figures' unit: ``{{ label|with_unit:kpi.unit }}`` → 「目標値（件）」."""
    return with_unit(label, unit)


@register.filter
def unit_of(key: str):
    """The unit of a KPI's figures, by its key: ``{{ "bookings_used"|unit_of }}`` → 「件」."""
    return BY_KEY[key].unit


@register.simple_tag
def room_columns() -> list[str]:
    """The rooms' table's column headings, each with its unit (``room_headings``)."""
    return room_headings()


@register.filter
def num(value, decimals=0) -> str:
    """A plain number with thousands separators: ``{{ hours|num:1 }}`` → "3,784.0"."""
    return format_value(value, int(decimals))


@register.filter
def signed(value, kpi=None) -> str:
    """A change with its sign: "+144", "−3", "±0"."""
    return format_change(value, getattr(kpi, "decimals", 0))


@register.filter
def signed_pct(value) -> str:
    return format_change_pct(value)


@register.filter
def pct(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}%"


@register.filter
def month_label(day) -> str:
    return _("%(month)s/%(year)s") % {"month": day.month, "year": day.year}


def _count(value: int) -> str:
    """``num`` for a whole number (what the groups' figures are), without its Decimal."""
    if isinstance(value, int):
        return f"{value:,}" if value >= 0 else f"−{-value:,}"
    return format_value(value)


@register.filter
def group_rows(groups) -> SafeString:
    """The rows of a table of groups' figures (``reports.breakdowns.GroupActivity``): name,
    bookings used, users, exchange meeting and event participants, activity.

    Built here rather than with ``{% for %}``: the table of every active group has thousands of
    rows, and the template language took most of the year page's time over them (issue #20)."""
    people = BY_KEY["event_participants"].unit
    used, users, exchange, events, activity = (
        conditional_escape(label)
        for label in (
            with_unit(pgettext("report", "Bookings used"), BY_KEY["bookings_used"].unit),
            pgettext("report", "Users (headcount)"),
            with_unit(pgettext("report", "Exchange meeting participants"), people),
            with_unit(pgettext("report", "Event participants"), people),
            pgettext("report", "Activity"),
        )
    )
    # Every value is escaped or a formatted number.
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{escape(g.name)}</th>'
            f'<td class="num" data-label="{used}">{_count(g.bookings_used)}</td>'
            f'<td class="num" data-label="{users}">{_count(g.users)}</td>'
            f'<td class="num" data-label="{exchange}">{_count(g.exchange_participants)}</td>'
            f'<td class="num" data-label="{events}">{_count(g.event_participants)}</td>'
            f'<td class="num" data-label="{activity}">{_count(g.activity)}</td></tr>\n'
            for g in groups
        )
    )


@register.filter
def month_cells(row) -> SafeString:
    """A row of the month-by-month table (``YearReport.monthly_rows``): its twelve months'
    cells and the year's. Built here as ``group_rows``: two hundred cells of the template
    language, each with its label, were a good part of the year page built afresh (issue #20)."""
    decimals = getattr(row["kpi"], "decimals", 0)
    labels: dict = {}
    cells = []
    not_yet = conditional_escape(_("not yet: this month has not begun"))
    for value, month, state in row["cells"]:
        if month not in labels:
            label = month_label(month)
            if state == "current" and row.get("to_day"):
                label += row["to_day"]
            labels[month] = conditional_escape(label)
        if state == "future":
            # Read aloud as "not yet", not as a dash or a figure.
            cells.append(
                f'<td class="num not-yet" data-label="{labels[month]}">'
                f'<span aria-hidden="true">—</span><span class="visually-hidden">{not_yet}'
                "</span></td>"
            )
            continue
        text = conditional_escape(format_value(value, decimals))
        cells.append(f'<td class="num" data-label="{labels[month]}">{text}</td>')
    year = conditional_escape(row.get("total_label") or pgettext("report", "Year"))
    total = conditional_escape(format_value(row["total"], decimals))
    cells.append(f'\n        <td class="num total" data-label="{year}">{total}</td>')
    # Every value is escaped or a formatted number.
    return mark_safe("".join(cells))


@register.filter
def room_rows(rooms) -> SafeString:
    """The rows of the rooms' table (``YearReport.rooms``), built here as ``group_rows``."""
    labels = [conditional_escape(label) for label in room_headings()]
    rows = []
    for room in rooms:
        values = (
            format_value(room["bookings_used"]),
            format_value(room["bookings_cancelled"]),
            format_value(room["bookings_no_show"]),
            format_value(room["users"]),
            format_value(room["booked_hours"], 1),
            format_value(room["open_hours"], 1),
            pct(room["utilisation_rate"]),
        )
        cells = "".join(
            f'\n        <td class="num" data-label="{label}">{conditional_escape(value)}</td>'
            for label, value in zip(labels, values, strict=True)
        )
        rows.append(
            f'\n      <tr>\n        <th scope="row">{conditional_escape(room["name"])}</th>'
            f"{cells}\n      </tr>\n      "
        )
    # Every value is escaped or a formatted number.
    return mark_safe("".join(rows))
