"""The go-between's record in the admin: a list of introductions and referrals with their
follow-ups, edited through collaboration.services_gobetween (audited); what came of one is
recorded with the decision buttons. New ones are recorded from the staff pages (a consultation
referred at /collaboration/gobetween/, an introduction from a group's partner suggestions)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaboration import services_gobetween as services
from collaboration.models_gobetween import Introduction
from core.admin_decisions import Decision, DecisionAdminMixin
from core.admin_services import ThroughServicesMixin

Outcome = Introduction.Outcome


def _outcome(outcome):
    def run(*, actor, obj, reason):
        return services.introduction_outcome_set(
            actor=actor, introduction=obj, outcome=outcome, note=reason
        )

    return run


def _is(*outcomes):
    return lambda obj: obj.outcome in outcomes


class FollowUpDueFilter(admin.SimpleListFilter):
    title = pgettext_lazy("introduction", "follow-up")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", _("Due"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Introduction.objects.due().values("pk"))
        return queryset


@admin.register(Introduction)
class IntroductionAdmin(DecisionAdminMixin, ThroughServicesMixin, admin.ModelAdmin):
    list_display = ["made_on", "kind", "source", "target", "follow_up_on", "assignee", "outcome"]
    list_filter = [FollowUpDueFilter, "outcome", "kind", "assignee"]
    list_select_related = ["consultation__group", "from_group", "to_group", "partner", "assignee"]
    search_fields = ["note", "outcome_note", "from_group__name", "to_group__name", "partner__name"]
    date_hierarchy = "made_on"
    readonly_fields = [
        "kind",
        "consultation",
        "from_group",
        "to_group",
        "partner",
        "outcome",
        "outcome_note",
        "outcome_on",
        "recorded_by",
    ]
    fields = [*readonly_fields, *services.EDITABLE_FIELDS]
    change_form_template = "admin/collaboration/introduction/change_form.html"
    change_list_template = "admin/collaboration/introduction/change_list.html"
    service_errors = (services.GoBetweenError,)
    decision_errors = (services.GoBetweenError,)
    decisions = (
        Decision(
            key="connected",
            label=_("They connected"),
            offered=_is(Outcome.PENDING, Outcome.NO_RESULT),
            run=_outcome(Outcome.CONNECTED),
            done=_("Recorded: they connected."),
            reason="optional",
            reason_label=_("What came of it"),
        ),
        Decision(
            key="no_result",
            label=_("Nothing came of it"),
            offered=_is(Outcome.PENDING, Outcome.CONNECTED),
            run=_outcome(Outcome.NO_RESULT),
            done=_("Recorded: nothing came of it."),
            reason="required",
            reason_label=_("Why"),
            danger=True,
        ),
    )

    def decision_state(self, obj) -> str:
        return obj.get_outcome_display()

    def has_add_permission(self, request):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.introduction_update(
            actor=request.user,
            introduction=obj,
            values={name: form.cleaned_data[name] for name in form.changed_data},
        )

    def delete_model(self, request, obj):
        services.introduction_delete(actor=request.user, introduction=obj)

    @admin.display(description=pgettext_lazy("introduction", "from"))
    def source(self, obj):
        return obj.source_label

    @admin.display(description=pgettext_lazy("introduction", "to"))
    def target(self, obj):
        return obj.target_label

    def view_on_site(self, obj):
        from django.urls import reverse

        return reverse("collaboration:introduction_outcome", args=[obj.pk])
