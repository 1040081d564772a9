import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import dates
from core.admin_decisions import Decision, DecisionAdminMixin, calls, in_status
from core.admin_services import ThroughServicesMixin
from core.csv import csv_response
from facilities import services
from facilities.forms import BookingAdminForm, RoomAdminForm
from facilities.models import (
    Booking,
    BookingEquipment,
    BookingSeries,
    ClosedDay,
    Equipment,
    EquipmentLoan,
    EquipmentLoanItem,
    FacilitySettings,
    NoShowSuspension,
    OpeningHours,
    Room,
    TimeBlock,
    WalkInCount,
)
from facilities.services import details, office, rooms


class ThroughServicesAdmin(ThroughServicesMixin, admin.ModelAdmin):
    """Saves and deletes go through the facilities services; a refusal rolls the admin's
    transaction back and staff read the service's message (core.admin_services)."""

    service_errors = (services.BookingError,)


class FacilitySettingsForm(forms.ModelForm):
    class Meta:
        model = FacilitySettings
        fields = office.SETTINGS_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                office.facility_settings_check(values=cleaned)
            except services.BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


@admin.register(FacilitySettings)
class FacilitySettingsAdmin(ThroughServicesAdmin):
    form = FacilitySettingsForm
    list_display = ["__str__", *office.SETTINGS_FIELDS]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not FacilitySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = office.facility_settings_update(actor=request.user, values=form.cleaned_data)
        obj.pk = saved.pk


class TimeBlockInline(admin.TabularInline):
    model = TimeBlock
    extra = 0


class RoomRulesForm(RoomAdminForm):
    """The room's form, its new rules checked against the bookings still to come."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The instance still holds the saved rules here (construct_instance comes after).
            saved = Room.objects.get(pk=self.instance.pk) if self.instance.pk else None
            values = {key: cleaned[key] for key in rooms.ROOM_FIELDS if key in cleaned}
            try:
                rooms.room_rules_check(room=saved, values=values)
            except services.BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


@admin.register(Room)
class RoomAdmin(ThroughServicesAdmin):
    form = RoomRulesForm
    list_display = [
        "name",
        "capacity",
        "floor",
        "mode",
        "requires_approval",
        "online_booking",
        "is_active",
        "order",
    ]
    list_filter = ["is_active", "mode", "requires_approval", "online_booking"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TimeBlockInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "capacity",
                    "floor",
                    "features",
                    "photo",
                    "notes",
                    "order",
                    "is_active",
                ]
            },
        ),
        (
            _("Booking rules"),
            {
                "fields": [
                    "online_booking",
                    "requires_approval",
                    "mode",
                    "slot_minutes",
                    "min_minutes",
                    "max_minutes",
                    "buffer_minutes",
                    "window_kind",
                    "window_months",
                    "cancel_deadline_hours",
                    "group_monthly_hours",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # a room with a history is taken out of use ("in use" off), not deleted

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in form.changed_data if key in form.fields}
        if "photo" in values and not values["photo"]:
            values["photo"] = ""
        if not change:
            values = {
                key: form.cleaned_data[key]
                for key in form.fields
                if key in rooms.ROOM_FIELDS or (key == "photo" and form.cleaned_data[key])
            }
        saved = rooms.room_save(
            actor=request.user, values=values, room=Room.objects.get(pk=obj.pk) if change else None
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not TimeBlock:
            return super().save_formset(request, form, formset, change)
        blocks = [
            (f.cleaned_data["label"], f.cleaned_data["starts"], f.cleaned_data["ends"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        rooms.room_blocks_set(actor=request.user, room=form.instance, blocks=blocks)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = rooms.EQUIPMENT_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.instance.pk:
            saved = Equipment.objects.get(pk=self.instance.pk)
            values = {key: cleaned[key] for key in rooms.EQUIPMENT_FIELDS if key in cleaned}
            try:
                rooms.equipment_check(equipment=saved, values=values)
            except services.BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


@admin.register(Equipment)
class EquipmentAdmin(ThroughServicesAdmin):
    """Equipment through ``equipment_save``: fewer pieces or out of use is refused while a
    booking or loan still to come needs them; taken out of use ("in use" off), never deleted."""

    form = EquipmentForm
    list_display = [
        "name",
        "slug",
        "quantity",
        "may_leave_building",
        "requires_approval",
        "is_active",
        "order",
    ]
    list_editable = ["order"]
    list_filter = ["is_active", "may_leave_building"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=EquipmentForm, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in form.fields if key in form.cleaned_data}
        saved = rooms.equipment_save(
            actor=request.user,
            values=values,
            equipment=Equipment.objects.get(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("opens") and cleaned.get("closes"):
            weekday = cleaned.get("weekday", self.instance.weekday)
            try:
                office.opening_hours_check(
                    weekday=weekday, opens=cleaned["opens"], closes=cleaned["closes"]
                )
            except services.BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


@admin.register(OpeningHours)
class OpeningHoursAdmin(ThroughServicesAdmin):
    """The office's weekly hours: changed through ``opening_hours_set``, a weekday removed (a
    regular closing day) through ``opening_hours_remove``; both refuse to strand a booking."""

    form = OpeningHoursForm
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]

    def get_readonly_fields(self, request, obj=None):
        return ["weekday"] if obj is not None else []

    def get_changelist_form(self, request, **kwargs):
        # The list's inline edit asks the same check as the change page.
        return super().get_changelist_form(request, form=OpeningHoursForm, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = office.opening_hours_set(
            actor=request.user, weekday=obj.weekday, opens=obj.opens, closes=obj.closes
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        office.opening_hours_remove(actor=request.user, hours=obj)


class ClosedDayForm(forms.ModelForm):
    class Meta:
        model = ClosedDay
        fields = ["date", "room", "reason"]

    def clean(self):
        cleaned = super().clean()
        moved = {"date", "room"} & set(self.changed_data) or not self.instance.pk
        if not self.errors and moved and cleaned.get("date"):
            try:
                office.closed_day_check(date=cleaned["date"], room=cleaned.get("room"))
            except services.BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


@admin.register(ClosedDay)
class ClosedDayAdmin(ThroughServicesAdmin):
    form = ClosedDayForm
    list_display = ["date", "room", "reason"]
    list_filter = ["room"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    def save_model(self, request, obj, form, change):
        saved = office.closed_day_save(
            actor=request.user,
            date=obj.date,
            room=obj.room,
            reason=obj.reason,
            closed_day=ClosedDay(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        office.closed_day_remove(actor=request.user, closed_day=obj)


class WhenFilter(admin.SimpleListFilter):
    title = pgettext_lazy("booking period", "when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("week", _("Next 7 days")),
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        today = timezone.localdate()
        midnight = dt.datetime.combine(today, dt.time(), tzinfo=timezone.get_current_timezone())
        if self.value() == "today":
            return queryset.filter(start__gte=midnight, start__lt=midnight + dt.timedelta(days=1))
        if self.value() == "week":
            return queryset.filter(start__gte=midnight, start__lt=midnight + dt.timedelta(days=7))
        if self.value() == "upcoming":
            return queryset.filter(end__gt=now)
        if self.value() == "past":
            return queryset.filter(end__lte=now)
        return queryset


class BookingEquipmentInline(admin.TabularInline):
    model = BookingEquipment
    extra = 0
    can_delete = False
    readonly_fields = ["equipment", "quantity"]

    def has_add_permission(self, request, obj=None):
        return False


CSV_COLUMNS = [
    ("id", _("ID")),
    ("date", _("Date")),
    ("weekday", _("Weekday")),
    ("start", _("Start")),
    ("end", _("End")),
    ("room", _("Room")),
    ("group", _("Group")),
    ("kind", _("Kind")),
    ("status", _("Status")),
    ("purpose", _("Purpose")),
    ("attendees", _("Expected attendees")),
    ("actual_headcount", _("Actual headcount")),
    ("printing_masters", _("Printing masters")),
    ("printing_sheets", _("Printing sheets")),
    ("equipment", _("Equipment")),
]


class RequestsAdmin(DecisionAdminMixin, admin.ModelAdmin):
    """Shared by the bookings' and the loans' admin: detail edits through their service (audited
    with the fields changed), decisions as buttons on the request's own page, and requests
    approved in bulk one by one through the service, each refusal reported."""

    change_form_template = "admin/facilities/change_form.html"
    decision_errors = (services.BookingError,)

    def update_details(self, request, obj, values):  # pragma: no cover - each admin has its own
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in form.changed_data}
        self.update_details(request, obj, values)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.BookingError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.get_full_path())

    def _approve_each(self, request, requests, approve) -> int:
        approved = 0
        for item in requests:
            try:
                approve(item)
            except services.BookingError as exc:
                self.message_user(request, f"{item}: {exc}", messages.ERROR)
            else:
                approved += 1
        return approved


def _request_decisions(*, requested, name: str, approve, reject, reason: str):
    """Approve or decline a group's request (a booking, a loan); the group is told by e-mail."""
    return (
        Decision(
            key="approve",
            label=_("Approve"),
            offered=in_status(requested),
            run=calls(approve, name),
            done=_("Approved %(obj)s; the group was told by e-mail."),
        ),
        Decision(
            key="reject",
            label=_("Decline"),
            offered=in_status(requested),
            run=calls(reject, name, with_reason=True),
            done=_("Declined %(obj)s; the group was told by e-mail."),
            reason=reason,
            reason_label=_("Reason"),
            reason_help=_("Sent to the group by e-mail."),
            danger=True,
        ),
    )


BOOKING_DECISIONS = _request_decisions(
    requested=Booking.Status.REQUESTED,
    name="booking",
    approve=services.booking_approve,
    reject=services.booking_reject,
    reason="optional",
)
LOAN_DECISIONS = _request_decisions(
    requested=EquipmentLoan.Status.REQUESTED,
    name="loan",
    approve=services.loan_approve,
    reject=services.loan_reject,
    reason="required",
)


@admin.register(Booking)
class BookingAdmin(RequestsAdmin):
    """A calendar-friendly list: by date (date hierarchy), room, status, kind and group.

    Bookings are made on the booking pages (staff may book for any group there); here staff
    correct details, approve in bulk and export. Time, room and group are read-only so that
    nothing bypasses the rules; cancel from the desk or the group's booking list.
    """

    decisions = BOOKING_DECISIONS
    form = BookingAdminForm
    list_display = ["when", "room", "group_name", "kind", "status", "attendees", "actual_headcount"]
    list_filter = [
        WhenFilter,
        "status",
        "room",
        "kind",
        ("group", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "start"
    search_fields = ["purpose", "group__name", "group__name_kana"]
    list_select_related = ["room", "group"]
    list_per_page = 100
    ordering = ["-start"]
    actions = ["approve_selected", "export_csv"]
    inlines = [BookingEquipmentInline]
    readonly_fields = [
        "room",
        "group",
        "kind",
        "status",
        "start",
        "end",
        "series",
        "booked_by",
        "decided_by",
        "decided_at",
        "status_reason",
        "created_at",
        "reminder_sent_at",
    ]
    fields = [
        "room",
        "group",
        "kind",
        "status",
        "start",
        "end",
        "purpose",
        "attendees",
        "actual_headcount",
        "printing_masters",
        "printing_sheets",
        "staff_notes",
        "status_reason",
        "series",
        "booked_by",
        "decided_by",
        "decided_at",
        "created_at",
        "reminder_sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def update_details(self, request, obj, values):
        details.booking_details_update(actor=request.user, booking=obj, values=values)

    @admin.display(description=_("date and time"), ordering="start")
    def when(self, obj):
        start, end = timezone.localtime(obj.start), timezone.localtime(obj.end)
        return f"{dates.day(start)} {start.hour}:{start:%M}–{end.hour}:{end:%M}"

    @admin.display(description=pgettext_lazy("citizen group", "group"), ordering="group__name_kana")
    def group_name(self, obj):
        return obj.group.name if obj.group else obj.get_kind_display()

    @admin.action(description=_("Approve the selected requests"))
    def approve_selected(self, request, queryset):
        approved = self._approve_each(
            request,
            queryset.filter(status=Booking.Status.REQUESTED),
            lambda booking: services.booking_approve(actor=request.user, booking=booking),
        )
        self.message_user(
            request, gettext("Approved %(n)d booking(s).") % {"n": approved}, messages.SUCCESS
        )

    @admin.action(description=_("Export the selected bookings as CSV"))
    def export_csv(self, request, queryset):
        queryset = (
            queryset.select_related("room", "group")
            .prefetch_related("equipment_items__equipment")
            .order_by("start", "room_id")
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return csv_response(f"bookings-{stamp}.csv", self._csv_rows(queryset))

    def _csv_rows(self, queryset):
        yield [label for _key, label in CSV_COLUMNS]
        for booking in queryset.iterator(chunk_size=2000):
            start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
            yield [
                booking.pk,
                f"{start:%Y-%m-%d}",
                formats.date_format(start, "D"),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                booking.room.name,
                booking.group.name if booking.group else "",
                booking.get_kind_display(),
                booking.get_status_display(),
                booking.purpose,
                booking.attendees,
                "" if booking.actual_headcount is None else booking.actual_headcount,
                booking.printing_masters,
                booking.printing_sheets,
                "; ".join(
                    f"{i.equipment.name}×{i.quantity}" for i in booking.equipment_items.all()
                ),
            ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["title"] = gettext("Bookings")
        return super().changelist_view(request, extra_context)


@admin.register(BookingSeries)
class BookingSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "rule", "count", "created_at"]
    list_filter = ["rule", "room"]
    readonly_fields = ["room", "group", "rule", "count", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of how the dates were made: read here

    def has_delete_permission(self, request, obj=None):
        return False  # the dates are cancelled one by one (or together) on the booking pages


@admin.register(NoShowSuspension)
class NoShowSuspensionAdmin(admin.ModelAdmin):
    list_display = ["group", "fiscal_year", "no_shows", "created_at", "active", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "fiscal_year"]
    readonly_fields = ["group", "fiscal_year", "no_shows", "created_at", "lifted_at", "lifted_by"]
    actions = ["lift_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # lifted with the list's action (suspension_lift), never edited

    def has_delete_permission(self, request, obj=None):
        return False  # the suspension stays on record once lifted

    @admin.display(description=_("in force"), boolean=True)
    def active(self, obj):
        return obj.is_active

    @admin.action(description=_("Lift the selected suspensions"))
    def lift_selected(self, request, queryset):
        lifted = 0
        for suspension in queryset.filter(lifted_at__isnull=True):
            services.suspension_lift(actor=request.user, suspension=suspension)
            lifted += 1
        self.message_user(
            request, gettext("Lifted %(n)d suspension(s).") % {"n": lifted}, messages.SUCCESS
        )


@admin.register(WalkInCount)
class WalkInCountAdmin(ThroughServicesAdmin):
    """A day's walk-in visitors, set through ``walk_in_set`` (as the desk does)."""

    list_display = ["date", "count", "recorded_by", "updated_at"]
    date_hierarchy = "date"
    readonly_fields = ["recorded_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "date"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False  # set the day's count to 0 instead: the change is kept in the audit log

    def save_model(self, request, obj, form, change):
        saved = services.walk_in_set(actor=request.user, day=obj.date, count=obj.count)
        obj.pk = saved.pk


# --- take-out loans --------------------------------------------------------------------------


class EquipmentLoanItemInline(admin.TabularInline):
    model = EquipmentLoanItem
    extra = 0
    can_delete = False
    readonly_fields = ["equipment", "quantity"]

    def has_add_permission(self, request, obj=None):
        return False


class LoanWhenFilter(admin.SimpleListFilter):
    title = pgettext_lazy("booking period", "when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("overdue", _("Overdue")),
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(pickup_date__lte=today, return_date__gte=today)
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "upcoming":
            return queryset.filter(pickup_date__gt=today)
        if self.value() == "past":
            return queryset.filter(return_date__lt=today)
        return queryset


class LoanRefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


@admin.register(EquipmentLoan)
class EquipmentLoanAdmin(RequestsAdmin):
    """Loans are asked for on the portal and handed out at the desk; here staff filter, read,
    keep notes and approve or decline. Status and dates go through the services only."""

    decisions = LOAN_DECISIONS

    list_display = ["__str__", "pickup_date", "return_date", "group", "status", "equipment_list"]
    list_filter = [
        LoanWhenFilter,
        "status",
        ("items__equipment", admin.RelatedOnlyFieldListFilter),
        ("group", admin.RelatedOnlyFieldListFilter),
        "pickup_date",
        "return_date",
    ]
    date_hierarchy = "pickup_date"
    search_fields = ["purpose", "group__name", "group__name_kana"]
    list_select_related = ["group"]
    ordering = ["-pickup_date", "-pk"]
    actions = ["approve_selected", "refuse_selected"]
    inlines = [EquipmentLoanItemInline]
    fields = [
        "group",
        "requested_by",
        "purpose",
        "pickup_date",
        "return_date",
        "start",
        "end",
        "status",
        "status_reason",
        "staff_notes",
        "decided_by",
        "decided_at",
        "handed_out_at",
        "handed_out_by",
        "returned_at",
        "returned_by",
        "created_at",
    ]
    readonly_fields = [f for f in fields if f not in ("purpose", "staff_notes")]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items__equipment")

    def update_details(self, request, obj, values):
        details.loan_details_update(actor=request.user, loan=obj, values=values)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("equipment"))
    def equipment_list(self, obj):
        return pgettext("list separator", ", ").join(
            f"{i.equipment.name} ×{i.quantity}" for i in obj.items.all()
        )

    @admin.action(description=_("Approve the selected loan requests"))
    def approve_selected(self, request, queryset):
        approved = self._approve_each(
            request,
            queryset.filter(status=EquipmentLoan.Status.REQUESTED),
            lambda loan: services.loan_approve(actor=request.user, loan=loan),
        )
        self.message_user(
            request, gettext("Approved %(n)d loan(s).") % {"n": approved}, messages.SUCCESS
        )

    @admin.action(description=_("Decline the selected loan requests (with a reason)"))
    def refuse_selected(self, request, queryset):
        form = LoanRefuseForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            refused = 0
            for loan in queryset.filter(status=EquipmentLoan.Status.REQUESTED):
                try:
                    services.loan_reject(
                        actor=request.user, loan=loan, reason=form.cleaned_data["reason"]
                    )
                except services.BookingError as exc:
                    self.message_user(request, f"{loan}: {exc}", messages.ERROR)
                else:
                    refused += 1
            self.message_user(
                request, gettext("Declined %(n)d loan(s).") % {"n": refused}, messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/facilities/equipmentloan/refuse.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Decline loan requests"),
                "form": form,
                "loans": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


# --- Booking changes (予約の変更, issue #16 part 4) ------------------------------------------
# Kept as a block of its own (the booking flow's addition to this admin): a change that needs
# approval is a request whose "change of" names the booking it would replace. The list filter
# finds them, the form shows the link, and the usual approve action (booking_approve) cancels
# the original in the same transaction; declining leaves the original as it was.


class PendingChangeFilter(admin.SimpleListFilter):
    title = _("change of")
    parameter_name = "change"

    def lookups(self, request, model_admin):
        return [("pending", _("Change awaiting approval"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(replaces__isnull=False, status=Booking.Status.REQUESTED)
        return queryset


BookingAdmin.list_filter = [*BookingAdmin.list_filter, PendingChangeFilter]
BookingAdmin.readonly_fields = [*BookingAdmin.readonly_fields, "replaces"]
BookingAdmin.fields = [*BookingAdmin.fields, "replaces"]
# --- end of booking changes ------------------------------------------------------------------
