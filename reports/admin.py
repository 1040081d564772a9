import threading
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import ReadOnlyAdmin
from core.fiscal import FiscalYear
from reports import business_report, manual, services
from reports.kpis.definitions import format_value
from reports.models import (
    BusinessReport,
    KpiTarget,
    ManualFigure,
    PageViewCounter,
    VisitorCounter,
)


class KpiTargetForm(forms.ModelForm):
    """The target's rules answer next to the form (kpi_target_check); the service saves."""

    class Meta:
        model = KpiTarget
        fields = ["fiscal_year", "key", "target", "note"]

    def validate_unique(self):
        pass  # kpi_target_check says it in the office's words

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.kpi_target_check(
                    fiscal_year=cleaned["fiscal_year"],
                    key=cleaned["key"],
                    target=cleaned["target"],
                    exclude_pk=self.instance.pk,
                )
            except services.ReportError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    """目標値: staff enter one target per fiscal year and KPI, through kpi_target_set (audited
    with the figure before and after) and remove one through kpi_target_delete."""

    form = KpiTargetForm

    list_display = ["fiscal_year_label", "key", "target", "note", "updated_at"]
    list_display_links = ["fiscal_year_label", "key"]
    list_filter = ["fiscal_year", "key"]
    ordering = ["-fiscal_year", "key"]
    fields = ["fiscal_year", "key", "target", "note"]
    search_fields = ["note"]

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return FiscalYear(obj.fiscal_year).label

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ReportError as exc:  # set meanwhile in another tab: nothing saved
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = services.kpi_target_set(
            actor=request.user,
            fiscal_year=form.cleaned_data["fiscal_year"],
            key=form.cleaned_data["key"],
            target=form.cleaned_data["target"],
            note=form.cleaned_data.get("note") or "",
            kpi_target=KpiTarget(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.kpi_target_delete(actor=request.user, kpi_target=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.kpi_target_delete(actor=request.user, kpi_target=obj)


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


# --- 手入力: figures from before the portal (issue 17 part 3; reports.manual)


class ManualFigureForm(forms.ModelForm):
    """The figure is read as text so a negative or a non-number gets the office's own words
    (manual_figure_check); the service saves."""

    value = forms.CharField(
        label=_("figure"),
        max_length=30,
        help_text=_("A number, not negative (commas are allowed: 4,797)."),
    )

    class Meta:
        model = ManualFigure
        fields = ["fiscal_year", "key", "value", "source", "note"]

    def validate_unique(self):
        pass  # manual_figure_check says it in the office's words

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                cleaned["value"] = services.manual_figure_check(
                    fiscal_year=cleaned["fiscal_year"],
                    key=cleaned["key"],
                    value=cleaned["value"],
                    source=cleaned.get("source", ""),
                    exclude_pk=self.instance.pk,
                )
            except services.ReportError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned


@admin.register(ManualFigure)
class ManualFigureAdmin(admin.ModelAdmin):
    """手入力: past years' figures entered by hand with their source, through manual_figure_set
    (audited). The list shows the portal's own figure beside each one; for a year the portal
    has data for, the computed figure stands in the reports and a difference is marked."""

    form = ManualFigureForm
    list_display = [
        "fiscal_year_label",
        "key",
        "value",
        "portal_figure",
        "difference",
        "source",
        "updated_at",
    ]
    list_display_links = ["fiscal_year_label", "key"]
    list_filter = ["key", "fiscal_year"]
    ordering = ["-fiscal_year", "key"]
    fields = ["fiscal_year", "key", "value", "source", "note"]
    search_fields = ["source", "note"]

    _local = threading.local()  # the portal's figures, read once per list and thread

    def changelist_view(self, request, extra_context=None):
        self._local.portal = None
        return super().changelist_view(request, extra_context)

    def _portal_figures(self) -> dict:
        if getattr(self._local, "portal", None) is None:
            self._local.portal = manual.portal_figures()
        return self._local.portal

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return FiscalYear(obj.fiscal_year).label

    @admin.display(description=_("the portal's figure"))
    def portal_figure(self, obj):
        computed = self._portal_figures().get((obj.key, obj.fiscal_year))
        return "—" if computed is None else format_value(computed, obj.kpi.decimals)

    @admin.display(description=_("shown in the reports"))
    def difference(self, obj):
        computed = self._portal_figures().get((obj.key, obj.fiscal_year))
        if computed is None:
            return _("this figure (entered by hand)")
        if Decimal(computed) != obj.value:
            return _("the portal's figure (differs from this one)")
        return _("the portal's figure (the same)")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ReportError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = services.manual_figure_set(
            actor=request.user,
            fiscal_year=form.cleaned_data["fiscal_year"],
            key=form.cleaned_data["key"],
            value=form.cleaned_data["value"],
            source=form.cleaned_data["source"],
            note=form.cleaned_data.get("note") or "",
            manual_figure=ManualFigure(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.manual_figure_delete(actor=request.user, manual_figure=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.manual_figure_delete(actor=request.user, manual_figure=obj)


# --- 事業報告書: the narrative of the annual business report (issue 17 part 4)


class BusinessReportForm(forms.ModelForm):
    class Meta:
        model = BusinessReport
        fields = ["fiscal_year", "overview", "achievements", "issues", "next_plan", "surveys"]
        widgets = {"surveys": forms.CheckboxSelectMultiple}
        help_texts = {
            name: _("Markdown: headings (##), lists (-), **bold**, links.")
            for name in services.NARRATIVE_FIELDS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surveys"].queryset = business_report.survey_choices().order_by("-opens_at")

    def validate_unique(self):
        pass  # business_report_check says it in the office's words

    def clean(self):
        cleaned = super().clean()
        if "fiscal_year" in cleaned:
            try:
                services.business_report_check(
                    fiscal_year=cleaned["fiscal_year"], exclude_pk=self.instance.pk
                )
            except services.ReportError as exc:
                self.add_error("fiscal_year", str(exc))
        return cleaned


@admin.register(BusinessReport)
class BusinessReportAdmin(admin.ModelAdmin):
    """Staff write each fiscal year's narrative (事業の概要, 成果, 課題, 次年度の計画) and choose
    the survey results it includes; saved through business_report_save (audited). The page
    /reports/business/<year>/ and its PDF assemble it with the year's figures."""

    form = BusinessReportForm
    list_display = ["fiscal_year_label", "updated_at", "view_on_site_link"]
    ordering = ["-fiscal_year"]

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return FiscalYear(obj.fiscal_year).label

    @admin.display(description=_("report page"))
    def view_on_site_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        url = reverse("reports:business", args=[obj.fiscal_year])
        return format_html('<a href="{}">{}</a>', url, _("Open the report"))

    def view_on_site(self, obj):
        from django.urls import reverse

        return reverse("reports:business", args=[obj.fiscal_year])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ReportError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.business_report_save(
            actor=request.user,
            fiscal_year=data["fiscal_year"],
            surveys=data.get("surveys") or [],
            business_report=BusinessReport(pk=obj.pk) if change else None,
            **{name: data.get(name, "") for name in services.NARRATIVE_FIELDS},
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the service set the surveys

    def delete_model(self, request, obj):
        raise services.ReportError(_("A business report is kept: empty its sections instead."))

    def has_delete_permission(self, request, obj=None):
        return False
