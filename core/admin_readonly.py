"""The admin for records the portal writes itself (audit log, mail log, consents, counters).

Staff may read them; nobody adds, edits or deletes them through the admin.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A ModelAdmin that only shows: no add, change or delete for anyone, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
