"""Admin for events, registrations and surveys. Every state change goes through
events.services (so the capacity rules, e-mails and the audit log apply here too)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import CleanImageField
from events import services
from events.models import (
    Answer,
    Event,
    Question,
    Registration,
    RegistrationQuestion,
    Response,
    Survey,
)
from facilities import services as facility_services
from facilities.models import Room


class EventAdminForm(forms.ModelForm):
    image = CleanImageField(label=_("image"), required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "status",
            "organiser",
            "start",
            "end",
            "venue",
            "summary",
            "description",
            "image",
            "fee_note",
            "capacity",
            "max_party_size",
            "guest_max_party_size",
            "registration_opens",
            "registration_closes",
            "allow_guests",
            "waiting_list",
            "mode",
            "draw_at",
            "staff_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.room if self.instance.pk else None
        self.fields["room"] = forms.ModelChoiceField(
            label=_("office room"),
            queryset=Room.objects.all(),
            required=False,
            initial=current.pk if current else None,
            help_text=_(
                "Booked through the room booking rules for the event's time; "
                "leave empty for an outside venue."
            ),
        )

    def clean(self):
        data = super().clean()
        # Refused here rather than in save_model, so that nothing of the edit is saved.
        # (self.instance still holds the stored values until the form's _post_clean.)
        if data.get("status") == Event.Status.CANCELLED and not self.instance.is_cancelled:
            try:
                services.check_event_cancellable(self.instance)
            except services.EventError as exc:
                self.add_error("status", str(exc))
        room = data.get("room")
        if room is not None and data.get("start") and data.get("end"):
            self._check_room(room, data)
        elif room is None and not data.get("venue") and not self.errors:
            self.add_error("venue", _("Choose an office room or enter an outside venue."))
        return data

    def _check_room(self, room, data) -> None:
        """Try the booking in a savepoint that is always rolled back: a clash becomes a form
        error here, and the real booking is made when the event is saved."""

        class _Rollback(Exception):
            pass

        current = self.instance.booking if self.instance.booking_id else None
        unchanged = (
            current is not None
            and current.room_id == room.pk
            and current.start == data["start"]
            and current.end == data["end"]
        )
        if unchanged:
            return
        try:
            with transaction.atomic():
                if current is not None:
                    facility_services.booking_cancel(
                        actor=self.request_user, booking=current, reason="check"
                    )
                facility_services.booking_create(
                    actor=self.request_user,
                    room=room,
                    start=data["start"],
                    end=data["end"],
                    group=data.get("organiser"),
                    purpose=data.get("title") or "",
                    attendees=data.get("capacity") or 1,
                    kind="event",
                )
                raise _Rollback
        except _Rollback:
            return
        except facility_services.BookingError as exc:
            self.add_error("room", str(exc))


class RegistrationQuestionInline(admin.TabularInline):
    model = RegistrationQuestion
    extra = 0
    fields = ["order", "text", "kind", "options", "required", "help_text"]
    formfield_overrides = {
        RegistrationQuestion._meta.get_field("options").__class__: {
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 30})
        }
    }


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "start",
        "organiser_label",
        "status",
        "mode",
        "capacity",
        "places_taken",
        "attended_people",
    ]
    list_filter = ["status", "kind", "mode", "allow_guests"]
    search_fields = ["title", "slug", "organiser__name", "venue"]
    date_hierarchy = "start"
    ordering = ["-start"]
    inlines = [RegistrationQuestionInline]
    readonly_fields = [
        "proposed_by",
        "published_at",
        "drawn_at",
        "draw_seed",
        "reminder_sent_at",
        "staff_links",
    ]
    actions = ["approve", "return_proposal", "cancel", "draw_lottery"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "status",
                    "published_at",
                    "organiser",
                    "proposed_by",
                ]
            },
        ),
        (_("When and where"), {"fields": ["start", "end", "room", "venue"]}),
        (_("Description"), {"fields": ["summary", "description", "image", "fee_note"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "max_party_size",
                    "guest_max_party_size",
                    "registration_opens",
                    "registration_closes",
                    "allow_guests",
                    "waiting_list",
                    "mode",
                    "draw_at",
                    "drawn_at",
                    "draw_seed",
                    "reminder_sent_at",
                ]
            },
        ),
        (_("Office"), {"fields": ["staff_note", "staff_links"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # "room" is not a model field: the form adds it itself.
        readonly = set(self.get_readonly_fields(request, obj))
        kwargs["fields"] = [
            f
            for f in flatten_fieldsets(self.get_fieldsets(request, obj))
            if f != "room" and f not in readonly
        ]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organiser")
            .annotate(
                confirmed_people=Sum(
                    "registrations__people",
                    filter=Q(
                        registrations__status=Registration.Status.CONFIRMED,
                        registrations__is_walk_in=False,
                    ),
                ),
            )
        )

    @admin.display(description=_("organiser"))
    def organiser_label(self, obj):
        return obj.organiser_label

    @admin.display(description=_("people registered"))
    def places_taken(self, obj):
        return obj.confirmed_people or 0

    @admin.display(description=_("attendance"))
    def attended_people(self, obj):
        url = reverse("events:attendance", args=[obj.slug])
        return format_html('<a href="{}">{}</a>', url, _("record"))

    @admin.display(description=_("staff pages"))
    def staff_links(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("public page"),
            reverse("events:door_list", args=[obj.slug]),
            _("door list"),
            reverse("events:attendance", args=[obj.slug]),
            _("attendance"),
            reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}",
            _("registrations"),
        ) + format_html(
            ' · <a href="{}">{}</a>',
            reverse("admin:events_registration_changelist")
            + f"?event__id__exact={obj.pk}&status__exact={Registration.Status.PENDING_GUEST}",
            _("guests waiting for confirmation"),
        )

    def save_model(self, request, obj, form, change):
        """Status changes go through the services (e-mails, audit, cancellations)."""
        stored = Event.objects.select_related("booking__room").get(pk=obj.pk) if change else None
        previous = stored.status if change else None
        before = services.event_schedule(stored) if change else None
        target = obj.status
        if change and target != previous:
            obj.status = previous
        elif not change and target in (Event.Status.PUBLISHED, Event.Status.CANCELLED):
            obj.status = Event.Status.DRAFT
        super().save_model(request, obj, form, change)
        room = form.cleaned_data.get("room")
        try:
            if room is not None:
                services.event_book_room(actor=request.user, event=obj, room=room)
            else:
                services.event_release_room(actor=request.user, event=obj)
            if target != obj.status:
                if target == Event.Status.PUBLISHED:
                    services.event_approve(actor=request.user, event=obj)
                elif target == Event.Status.CANCELLED:
                    services.event_cancel(actor=request.user, event=obj, reason=obj.staff_note)
                elif target == Event.Status.DRAFT and obj.status == Event.Status.PROPOSED:
                    services.event_reject(actor=request.user, event=obj, reason=obj.staff_note)
                else:
                    Event.objects.filter(pk=obj.pk).update(status=target)
            services.event_after_edit(actor=request.user, event=obj, before=before)
        except services.EventError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        obj.refresh_from_db()

    @admin.action(description=_("Approve and publish the selected events"))
    def approve(self, request, queryset):
        self._run(request, queryset, lambda e: services.event_approve(actor=request.user, event=e))

    @admin.action(description=_("Return the selected proposals (with the office's note)"))
    def return_proposal(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda e: services.event_reject(actor=request.user, event=e, reason=e.staff_note),
        )

    @admin.action(description=_("Cancel the selected events and tell the participants"))
    def cancel(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda e: services.event_cancel(actor=request.user, event=e, reason=e.staff_note),
        )

    @admin.action(description=_("Draw the lottery now"))
    def draw_lottery(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda e: services.lottery_draw(actor=request.user, event=e, early=True),
        )

    def _run(self, request, queryset, action):
        done = 0
        for event in queryset:
            try:
                action(event)
                done += 1
            except services.EventError as exc:
                self.message_user(request, f"{event}: {exc}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d event updated.", "%(n)d events updated.", done) % {"n": done},
                messages.SUCCESS,
            )


class StaffRegistrationForm(forms.ModelForm):
    """Adding: a phone or desk registration through the same capacity rules."""

    class Meta:
        model = Registration
        fields = ["event", "user", "guest_name", "guest_email", "group", "people", "note"]

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("guest_name") or "").strip():
            raise forms.ValidationError(_("Choose an account or enter the person's name."))
        return data


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "event",
        "group",
        "people",
        "status",
        "waitlist_position",
        "is_walk_in",
        "attended",
        "attended_people",
        "created_at",
        "confirm_by",
    ]
    list_filter = ["status", "attended", "is_walk_in", "event__kind"]
    search_fields = [
        "guest_name",
        "guest_email",
        "user__email",
        "user__full_name",
        "event__title",
    ]
    list_select_related = ["event", "user", "group"]
    raw_id_fields = ["event", "user", "group"]
    actions = ["cancel_registrations"]
    ordering = ["-created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return StaffRegistrationForm._meta.fields
        return [
            "event",
            "user",
            "guest_name",
            "guest_email",
            "group",
            "people",
            "status",
            "waitlist_position",
            "is_walk_in",
            "attended",
            "attended_people",
            "note",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "confirm_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "event",
            "user",
            "guest_name",
            "guest_email",
            "people",
            "status",
            "waitlist_position",
            "is_walk_in",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "confirm_by",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            if not obj.attended:
                obj.attended_people = 0
            elif not obj.attended_people:
                obj.attended_people = obj.people
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.registration_add_by_staff(
                actor=request.user,
                event=obj.event,
                user=obj.user,
                name=obj.guest_name,
                email=obj.guest_email,
                people=obj.people,
                group=obj.group,
            )
        except services.RegistrationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = created.pk
        obj.status = created.status
        if obj.note:
            Registration.objects.filter(pk=created.pk).update(note=obj.note)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Cancel the selected registrations (the waiting list moves up)"))
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                services.registration_cancel(actor=request.user, registration=registration)
                done += 1
            except services.RegistrationError as exc:
                self.message_user(request, f"{registration}: {exc}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d registration cancelled.", "%(n)d registrations cancelled.", done)
                % {"n": done},
                messages.SUCCESS,
            )


class QuestionInlineForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["order", "text", "kind", "options", "required", "help_text"]
        widgets = {"options": forms.Textarea(attrs={"rows": 4, "cols": 40})}

    def clean_options(self):
        options = self.cleaned_data.get("options", "")
        if self.instance.pk and self.instance.answers.exists():
            new = {line.strip() for line in options.splitlines() if line.strip()}
            removed = [o for o in self.instance.option_list if o not in new]
            if removed:
                raise forms.ValidationError(
                    _(
                        "This question already has answers: options can be added but not "
                        "changed or removed (%(options)s)."
                    )
                    % {"options": " / ".join(removed)}
                )
        return options


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionInlineForm
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "event",
        "audience",
        "status",
        "opens_at",
        "closes_at",
        "response_count",
        "results_link",
    ]
    list_filter = ["status", "audience"]
    search_fields = ["title", "slug", "event__title"]
    raw_id_fields = ["event"]
    inlines = [QuestionInline]
    readonly_fields = ["invitations_sent_at"]
    actions = ["open_surveys", "close_surveys", "send_invitations"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event")
            .annotate(n_responses=Count("responses"))
        )

    @admin.display(description=_("responses"), ordering="n_responses")
    def response_count(self, obj):
        return obj.n_responses

    @admin.display(description=_("results"))
    def results_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">CSV</a>',
            reverse("events:survey_results", args=[obj.slug]),
            _("results"),
            reverse("events:survey_results_csv", args=[obj.slug]),
        )

    @admin.action(description=_("Open the selected surveys"))
    def open_surveys(self, request, queryset):
        n = queryset.update(status=Survey.Status.OPEN)
        self.message_user(request, _("%(n)d opened.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Close the selected surveys"))
    def close_surveys(self, request, queryset):
        n = queryset.update(status=Survey.Status.CLOSED)
        self.message_user(request, _("%(n)d closed.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("E-mail the invitations now"))
    def send_invitations(self, request, queryset):
        for survey in queryset:
            try:
                n = services.survey_send_invitations(actor=request.user, survey=survey)
            except services.SurveyError as exc:
                self.message_user(request, f"{survey}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(survey)s: %(n)d invitations sent.") % {"survey": survey, "n": n},
                    messages.SUCCESS,
                )


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "choices", "rating", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "group", "submitted_at"]
    list_filter = ["survey"]
    list_select_related = ["survey", "group"]
    readonly_fields = ["survey", "user", "registration", "group", "submitted_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
