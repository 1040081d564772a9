"""Admin for events, registrations and surveys. Every state change goes through
events.services (so the capacity rules, e-mails and the audit log apply here too): an edit is
``event_update``, a change of status ``event_status_set`` (also the decision buttons on the
event's own page), a survey opens and closes through ``survey_open``/``survey_close``. Where a
form would break a rule, it shows the service's message and nothing is saved."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.admin_decisions import Decision, DecisionAdminMixin, calls, in_status
from core.admin_services import DeleteEachMixin, ThroughServicesMixin
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
        target = data.get("status")
        if target and target != self.instance.status:
            try:
                services.check_event_status_change(
                    self.instance, target, data.get("staff_note") or ""
                )
            except services.EventError as exc:
                self.add_error("status", str(exc))
        room = data.get("room")
        if room is not None and data.get("start") and data.get("end"):
            self._check_room(room, data)
        elif room is None and not data.get("venue") and not self.errors:
            self.add_error("venue", _("Choose an office room or enter an outside venue."))
        return data

    def _check_room(self, room, data) -> None:
        """A dry run of the booking (facilities' ``booking_check``: the same rules, nothing
        written): every problem becomes a form error here, and the real booking is made when
        the event is saved (``event_update``, which checks again under its locks)."""
        current = self.instance.booking if self.instance.booking_id else None
        unchanged = (
            current is not None
            and current.room_id == room.pk
            and current.start == data["start"]
            and current.end == data["end"]
        )
        if unchanged:
            return
        check = facility_services.booking_check(
            actor=self.request_user,
            room=room,
            start=data["start"],
            end=data["end"],
            group=data.get("organiser"),
            purpose=None,
            attendees=data.get("capacity") or 1,
            kind="event",
            replacing=current,
        )
        for message in check.messages:
            self.add_error("room", message)


class RegistrationQuestionInline(admin.TabularInline):
    model = RegistrationQuestion
    extra = 0
    fields = ["order", "text", "kind", "options", "required", "is_accessibility", "help_text"]
    formfield_overrides = {
        RegistrationQuestion._meta.get_field("options").__class__: {
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 30})
        }
    }


EVENT_DECISIONS = (
    Decision(
        key="approve",
        label=_("Approve and publish"),
        offered=in_status(Event.Status.PROPOSED),
        run=calls(services.event_status_set, "event", status=Event.Status.PUBLISHED),
        done=_("“%(obj)s” is approved and published; the group was told."),
    ),
    Decision(
        key="return",
        label=_("Return to the group"),
        offered=in_status(Event.Status.PROPOSED),
        run=calls(services.event_status_set, "event", with_reason=True, status=Event.Status.DRAFT),
        done=_("“%(obj)s” was returned to the group with the office's note."),
        reason="required",
        reason_label=_("Note for the group"),
        reason_help=_("E-mailed to the group: what to change, or why it cannot be held."),
        danger=True,
    ),
    Decision(
        key="publish",
        label=_("Publish"),
        offered=in_status(Event.Status.DRAFT),
        run=calls(services.event_status_set, "event", status=Event.Status.PUBLISHED),
        done=_("“%(obj)s” is published."),
    ),
    Decision(
        key="unpublish",
        label=_("Unpublish (back to draft)"),
        offered=in_status(Event.Status.PUBLISHED),
        run=calls(services.event_status_set, "event", status=Event.Status.DRAFT),
        done=_("“%(obj)s” is off the site (a draft again)."),
        reason_help=_("Only before anyone has registered; otherwise cancel the event."),
    ),
    Decision(
        key="cancel",
        label=_("Cancel the event"),
        offered=in_status(Event.Status.PUBLISHED),
        run=calls(
            services.event_status_set, "event", with_reason=True, status=Event.Status.CANCELLED
        ),
        done=_("“%(obj)s” is cancelled; everyone registered was told."),
        reason="required",
        reason_label=_("Reason for the cancellation"),
        reason_help=_(
            "Shown on the event's page and e-mailed to everyone registered. A cancelled event "
            "stays cancelled."
        ),
        danger=True,
    ),
)


@admin.register(Event)
class EventAdmin(ThroughServicesMixin, DecisionAdminMixin, admin.ModelAdmin):
    form = EventAdminForm
    change_form_template = "admin/events/event/change_form.html"
    decisions = EVENT_DECISIONS
    decision_errors = (services.EventError,)
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
    actions = ["approve", "return_proposal", "unpublish", "cancel", "draw_lottery"]
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
            _("participant list"),
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

    # The service may say no after the form's own checks (e.g. the room was taken meanwhile):
    # the admin's transaction is rolled back, nothing is saved, staff read why.
    service_errors = (services.EventError,)

    def save_model(self, request, obj, form, change):
        """Through the services: the edit (``event_update``, which books or releases the room
        and tells people of a move), then the change of status (``event_status_set``)."""
        stored = Event.objects.select_related("booking__room").get(pk=obj.pk) if change else None
        target = obj.status
        obj.status = stored.status if change else Event.Status.DRAFT
        services.event_update(
            actor=request.user,
            event=obj,
            changed=form.changed_data,
            before=services.event_schedule(stored) if change else None,
            room=form.cleaned_data.get("room"),
            set_room=True,
        )
        if target != obj.status:
            services.event_status_set(
                actor=request.user, event=obj, status=target, reason=obj.staff_note or ""
            )
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        services.event_questions_update(actor=request.user, event=form.instance, formsets=formsets)

    # "Delete selected" judges each event: one that may not go stays, with the reason.
    delete_refusals = (services.EventError,)

    def delete_model(self, request, obj):
        services.event_delete(actor=request.user, event=obj)

    def deletable(self, obj) -> bool:
        return services.event_deletable(obj)

    def _set_status(self, request, queryset, status, *, only=None):
        def run(event):
            if only is not None and event.status != only:
                raise services.EventError(
                    _("It is “%(status)s”; nothing was changed.")
                    % {"status": event.get_status_display()}
                )
            services.event_status_set(
                actor=request.user, event=event, status=status, reason=event.staff_note or ""
            )

        self._run(request, queryset, run)

    @admin.action(description=_("Approve and publish the selected events"))
    def approve(self, request, queryset):
        self._set_status(request, queryset, Event.Status.PUBLISHED)

    @admin.action(description=_("Return the selected proposals (with the office's note)"))
    def return_proposal(self, request, queryset):
        self._set_status(request, queryset, Event.Status.DRAFT, only=Event.Status.PROPOSED)

    @admin.action(description=_("Unpublish the selected events (before anyone registers)"))
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Event.Status.DRAFT, only=Event.Status.PUBLISHED)

    @admin.action(description=_("Cancel the selected events and tell the participants"))
    def cancel(self, request, queryset):
        self._set_status(request, queryset, Event.Status.CANCELLED)

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
class RegistrationAdmin(ThroughServicesMixin, admin.ModelAdmin):
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
            "share_needs_with_organiser",
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
            # The registrant's own consent, given when registering: staff read it, never set it.
            "share_needs_with_organiser",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "confirm_by",
        ]

    service_errors = (services.EventError, services.RegistrationError)

    def save_model(self, request, obj, form, change):
        if change:
            services.registration_update_by_staff(
                actor=request.user, registration=obj, changed=form.changed_data
            )
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
            created.note = obj.note
            services.registration_update_by_staff(
                actor=request.user, registration=created, changed=["note"]
            )

    def has_delete_permission(self, request, obj=None):
        # A registration is cancelled (the waiting list moves up), never deleted.
        return False

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


SURVEY_DECISIONS = (
    Decision(
        key="open",
        label=_("Open for answers"),
        offered=lambda survey: survey.status != Survey.Status.OPEN,
        run=calls(services.survey_open, "survey"),
        done=_("“%(obj)s” is open for answers."),
    ),
    Decision(
        key="close",
        label=pgettext_lazy("survey", "Close"),
        offered=in_status(Survey.Status.OPEN),
        run=calls(services.survey_close, "survey"),
        done=_("“%(obj)s” is closed; its results stay."),
        danger=True,
    ),
)


@admin.register(Survey)
class SurveyAdmin(DeleteEachMixin, DecisionAdminMixin, admin.ModelAdmin):
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
    readonly_fields = ["status", "invitations_sent_at"]
    actions = ["open_surveys", "close_surveys", "send_invitations"]
    change_form_template = "admin/events/survey/change_form.html"
    decisions = SURVEY_DECISIONS
    decision_errors = (services.SurveyError,)

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

    def save_model(self, request, obj, form, change):
        # Saved with its questions in save_related: one service call, one audit row.
        return

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        services.survey_update(
            actor=request.user,
            survey=form.instance,
            changed=form.changed_data,
            formsets=formsets,
        )

    delete_refusals = (services.SurveyError,)

    def delete_model(self, request, obj):
        services.survey_delete(actor=request.user, survey=obj)

    def deletable(self, obj) -> bool:
        return services.survey_deletable(obj)

    def _each(self, request, queryset, run, done_message):
        done = 0
        for survey in queryset:
            try:
                run(survey)
                done += 1
            except services.SurveyError as exc:
                self.message_user(request, f"{survey}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Open the selected surveys"))
    def open_surveys(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.survey_open(actor=request.user, survey=s),
            _("%(n)d opened."),
        )

    @admin.action(description=_("Close the selected surveys"))
    def close_surveys(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.survey_close(actor=request.user, survey=s),
            _("%(n)d closed."),
        )

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
    """Answers are read, never changed or deleted (they are the survey's results)."""

    list_display = ["survey", "group", "submitted_at"]
    list_filter = ["survey"]
    list_select_related = ["survey", "group"]
    readonly_fields = ["survey", "user", "registration", "group", "submitted_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
