import datetime as dt

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin_readonly import ReadOnlyAdmin
from core.audit import action_types, describe
from core.audit_display import object_url
from core.models import AuditLog, RetentionSettings


class ActionFilter(admin.SimpleListFilter):
    """By what was done: a drop-down of the registered action types by their labels, grouped by
    app (a list of some 130 links would bury the other filters)."""

    title = pgettext_lazy("audit", "action")
    parameter_name = "action"
    template = "admin/audit/action_filter.html"

    def lookups(self, request, model_admin):
        return [(t.key, t.title()) for t in action_types()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset

    def choices(self, changelist):
        groups: dict[str, list] = {}
        for key, title in self.lookup_choices:
            app_label = key.split(".")[0]
            groups.setdefault(app_label, []).append((key, title, key == self.value()))
        names = {c.label: c.verbose_name for c in apps.get_app_configs()}
        keep = [(k, v) for k, v in changelist.params.items() if k not in ("action", "p")]
        yield {
            "groups": sorted(
                ((str(names.get(label, label)), items) for label, items in groups.items()),
                key=lambda group: group[0],
            ),
            "keep": [(k, v[-1] if isinstance(v, list) else v) for k, v in keep],
            "selected": bool(self.value()),
        }


class ObjectFilter(admin.SimpleListFilter):
    """One record's history (``?object=<content type>-<pk>``), as linked from its admin page."""

    title = pgettext_lazy("audit", "record")
    parameter_name = "object"

    def _split(self):
        content_type, _sep, pk = (self.value() or "").partition("-")
        return (int(content_type), pk) if content_type.isdigit() and pk else (None, None)

    def lookups(self, request, model_admin):
        content_type_id, pk = self._split()
        if content_type_id is None:
            return []
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        name = model._meta.verbose_name if model else content_type_id
        return [(self.value(), f"{name} #{pk}")]

    def queryset(self, request, queryset):
        content_type_id, pk = self._split()
        if content_type_id is None:
            return queryset
        return queryset.filter(target_type_id=content_type_id, target_id=pk)


class KindOfRecordFilter(admin.SimpleListFilter):
    """By the kind of record the action was about (bookings, groups, events...)."""

    title = pgettext_lazy("audit", "kind of record")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        used = AuditLog.objects.order_by().values_list("target_type", flat=True).distinct()
        kinds = []
        for content_type in ContentType.objects.filter(pk__in=used):
            model = content_type.model_class()
            if model is not None:
                kinds.append((str(content_type.pk), str(model._meta.verbose_name)))
        return sorted(kinds, key=lambda kind: kind[1])

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(target_type_id=int(self.value()))
        return queryset


class DateRangeFilter(admin.ListFilter):
    """From / to dates (inclusive, the office's local days), as a small form."""

    title = pgettext_lazy("audit", "date")
    template = "admin/audit/date_range_filter.html"
    parameters = ("from", "to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            raw = params.pop(name, None)
            raw = raw[-1] if isinstance(raw, list) else raw
            self.values[name] = raw or ""
            try:
                self.values[f"{name}_date"] = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                self.values[f"{name}_date"] = None
        self.request = request

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        # The template renders a form; Django's filter list needs one "choice" to show it.
        keep = [(k, v) for k, v in self.request.GET.items() if k not in (*self.parameters, "p")]
        yield {"values": self.values, "keep": keep, "selected": any(self.values.values())}

    def queryset(self, request, queryset):
        zone = timezone.get_current_timezone()
        start, end = self.values.get("from_date"), self.values.get("to_date")
        if start:
            queryset = queryset.filter(
                created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
            )
        if end:
            queryset = queryset.filter(
                created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
            )
        return queryset


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """The audit log is the office's record of who did what: nobody edits it away. Staff search
    it by who (name or address), what (the record's name), the action and the dates."""

    list_display = ["when", "sentence", "record"]
    list_display_links = ["when"]
    list_filter = [DateRangeFilter, ActionFilter, KindOfRecordFilter, ObjectFilter]
    search_fields = ["actor__email", "actor__full_name", "target_repr", "action"]
    search_help_text = _(
        "Search by who (name or e-mail address), the record's name, or what was done."
    )
    list_select_related = ["actor", "target_type"]
    list_per_page = 50
    show_full_result_count = False  # the log grows for ever: no second count of every row
    show_facets = admin.ShowFacets.NEVER  # nor a count per filter choice
    ordering = ["-created_at", "-pk"]
    fields = ["when", "sentence", "record", "actor", "action", "data"]
    readonly_fields = fields

    class Media:
        css = {"all": ["core/audit.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "target_type")

    def get_search_results(self, request, queryset, search_term):
        """Also by what was done, in the staff's words: 「承認」 finds every approval."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().casefold()
        if term:
            keys = [t.key for t in action_types() if term in str(t.label).casefold()]
            if keys:
                found = found | queryset.filter(action__in=keys)
        return found, may_have_duplicates

    # Not sortable: the log reads newest first, and sorting toggles are too small to tap.
    @admin.display(description=pgettext_lazy("audit", "when"))
    def when(self, entry):
        return formats.date_format(timezone.localtime(entry.created_at), "DATETIME_FORMAT")

    @admin.display(description=pgettext_lazy("audit", "what happened"))
    def sentence(self, entry):
        return describe(entry)

    @admin.display(description=pgettext_lazy("audit", "record"))
    def record(self, entry):
        url = object_url(entry)
        if url:
            return format_html('<a href="{}">{}</a>', url, entry.target_repr)
        return entry.target_repr or "—"


# --- The background job queue (procrastinate) ------------------------------------------------
# Staff read the queue (is the newsletter still going out? did a job fail?) but do not retry,
# cancel or abort jobs here: those write the queue without a word in the office's audit log,
# and cancelling a job in the middle of a send leaves it half done with nobody told. The office's
# own buttons do it in its terms and audited: "retry failed" and "resume a stalled send" on each
# newsletter issue and office message, "stop" on a message. The raw actions stay for superusers
# (the technical operators), who may need them when the portal's own buttons cannot help.
from procrastinate.contrib.django import admin as procrastinate_admin  # noqa: E402
from procrastinate.contrib.django.models import ProcrastinateJob  # noqa: E402


class JobAdmin(procrastinate_admin.ProcrastinateJobAdmin):
    def get_actions(self, request):
        if not request.user.is_superuser:
            return {}
        return super().get_actions(request)


if admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)
admin.site.register(ProcrastinateJob, JobAdmin)


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    """The retention periods (one row): every change is audited, and the privacy policy shows
    the values beside its list of the data the portal holds."""

    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return not RetentionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ["__str__", "updated_at"]

    def changelist_view(self, request, extra_context=None):
        RetentionSettings.load()  # the one row, with its defaults, is always there to open
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from core.audit import log_action

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            log_action(
                actor=request.user,
                action="core.retention_settings_change",
                target=obj,
                fields={name: form.cleaned_data[name] for name in form.changed_data},
            )
