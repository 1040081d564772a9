"""Amounts of money on the collaboration pages, written one way (300,000円 in Japanese)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext

register = template.Library()


@register.filter
def yen(amount):
    """An amount in yen with thousands separators; empty for no amount."""
    if amount is None or amount == "":
        return ""
    return gettext("¥%(amount)s") % {"amount": intcomma(amount)}
