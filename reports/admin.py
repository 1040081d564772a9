from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import ReadOnlyAdmin
from core.fiscal import FiscalYear
from reports.models import KpiTarget, PageViewCounter, VisitorCounter


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    """目標値: staff enter one target per fiscal year and KPI."""

    list_display = ["fiscal_year_label", "key", "target", "note", "updated_at"]
    list_display_links = ["fiscal_year_label", "key"]
    list_filter = ["fiscal_year", "key"]
    ordering = ["-fiscal_year", "key"]
    fields = ["fiscal_year", "key", "target", "note"]
    search_fields = ["note"]

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return FiscalYear(obj.fiscal_year).label


@admin.register(PageViewCounter)
class PageViewCounterAdmin(ReadOnlyAdmin):
    """Read-only: the portal counts its own page views."""

    list_display = ["day", "section", "views"]
    list_filter = ["section"]
    date_hierarchy = "day"
    ordering = ["-day", "section"]


@admin.register(VisitorCounter)
class VisitorCounterAdmin(ReadOnlyAdmin):
    """Read-only: unique visitors of each day, counted by the portal (the hashes are not shown)."""

    list_display = ["day", "visitors"]
    date_hierarchy = "day"
    ordering = ["-day"]
