"""The directory's group cards, built in Python (issue #20).

Twenty cards through the template language (``groups/_group_card.html``, kept as the markup's
reference) were a third of the directory's rendering; the same HTML is built here as the grid's
cells are (facilities/schedule.py). Every value goes through ``format_html`` (escaped)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from groups.models import Group


def _tags(label: str, css: str, names) -> SafeString:
    badges = format_html_join("", '<span class="{}">{}</span> ', ((css, name) for name in names))
    return format_html('<p class="tags"><span class="tags__label">{}</span> {}</p>', label, badges)


def directory_card(group: Group) -> SafeString:
    """One card of the directory: as ``groups/_group_card.html`` renders it, byte for byte."""
    fields = list(group.fields.all())
    areas = list(group.areas.all())
    logo = (
        format_html(
            '<img src="{}" alt="" class="group-card__logo" width="72" height="72" loading="lazy">',
            group.logo.url,
        )
        if group.logo
        else ""
    )
    wanted = (
        _tags(gettext("Looking for:"), "badge badge--wanted", group.looking_for_labels)
        if group.looking_for
        else ""
    )
    return format_html(
        '<li class="card group-card">\n  {}\n'
        '  <h2 class="group-card__name"><a href="{}">{}</a></h2>\n'
        '  <p class="meta group-card__kana">{}</p>\n'
        "  <p>{}</p>\n  \n  {}\n  {}\n  \n  {}\n</li>\n",
        logo,
        group.get_absolute_url(),
        group.name,
        group.name_kana,
        group.summary,
        _tags(gettext("Fields:"), "badge", (f.label for f in fields)) if fields else "",
        _tags(gettext("Areas:"), "badge badge--area", (a.label for a in areas)) if areas else "",
        wanted,
    )


def directory_cards(groups) -> SafeString:
    # Each card is safe (format_html); so is their concatenation.
    return mark_safe("".join(directory_card(group) for group in groups))
