"""Hand-entered figures (手入力, reports.manual) in the report tables: a cell with no figure of the
portal's own shows the hand-entered one, marked, with its source.

    {% load reports_manual %}{% manual_figures as hand %}
    {% manual_cell hand kpi cell as entered %}
"""

from django import template
from django.utils.functional import SimpleLazyObject

from reports import manual

register = template.Library()


@register.simple_tag
def manual_figures():
    """Every hand-entered figure, read (one query) only when a cell without a figure of the
    portal's own asks: a table with a figure in every cell costs nothing."""
    return SimpleLazyObject(manual.values_for)


@register.simple_tag
def manual_cell(hand: dict, kpi, cell):
    """The hand-entered figure to show in ``cell`` (a TrendCell), or None: the portal's own
    figure stands whenever it has one."""
    if hand is None or getattr(cell, "value", None) is not None:
        return None
    return hand.get((kpi.key, cell.year))
