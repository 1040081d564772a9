"""Staff read the mail log to help a person who lost a mail: read-only, searchable by address
and subject. A secret mail shows its subject only (its body was never stored)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import ReadOnlyAdmin
from maillog.models import KIND_LABELS, SentMail, kind_label


class KindFilter(admin.SimpleListFilter):
    """What a mail is about, in words (the stored value is the sending app's name)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, label) for kind, label in KIND_LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "address", "account", "subject", "kind_shown", "secret")
    list_filter = (KindFilter, "message__secret", "sent_at")
    search_fields = ("address", "message__subject")
    date_hierarchy = "sent_at"
    list_select_related = ("message", "account")
    fields = ("sent_at", "address", "field", "account", "kind_shown", "subject", "secret", "body")
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("subject"), ordering="message__subject")
    def subject(self, obj):
        return obj.message.subject

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, obj):
        return kind_label(obj.kind)

    @admin.display(description=_("carried a secret"), boolean=True)
    def secret(self, obj):
        return obj.message.secret

    @admin.display(description=_("mail text"))
    def body(self, obj):
        if obj.message.secret:
            return _("Not kept: this mail contained a one-time link or code.")
        return obj.message.readable_text
