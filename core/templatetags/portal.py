from django import template
from django.utils.http import urlencode

from core.fiscal import FiscalYear

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    return FiscalYear(int(year)).label


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"
