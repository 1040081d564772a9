"""Admins whose saves and deletes go through an app's services.

The services' rules answer in the form's ``clean`` where they can (an app's ``*_check``
functions); should a service still refuse when saving or deleting (something changed
meanwhile), Django's admin transaction is rolled back, nothing is saved and staff read the
service's message on the page they came from. An admin sets ``service_errors`` to the
service's error classes and saves in ``save_model``/``delete_model`` through the services;
"delete selected" deletes each object through ``delete_model`` too (``DeleteEachMixin``, which
an admin with its own error handling uses alone).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect


class DeleteEachMixin:
    """Deletes through the app's service, the same way for one object and for "delete
    selected": the admin's ``delete_model`` calls the service (its rules, its audit row) and
    "delete selected" calls ``delete_model`` for each object. ``deletable(obj)`` (the service's
    own test) takes the delete button away from an object that may not go.

    "Delete selected" asks for the permission without the objects, so the service judges each
    one. With ``delete_refusals`` set to the service's error classes, an object it refuses
    stays, staff read why (“<object>: <reason>”) and the others are deleted; without, a refusal
    stops the whole action (the admin's transaction, or the caller's, rolls back)."""

    delete_refusals: tuple[type[Exception], ...] = ()

    def deletable(self, obj) -> bool:
        return True

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except self.delete_refusals as exc:
                self.message_user(request, f"{obj}: {exc}", messages.ERROR)


class ThroughServicesMixin(DeleteEachMixin):
    service_errors: tuple[type[Exception], ...] = ()

    def _refused(self, request, exc):
        self.message_user(request, str(exc), messages.ERROR)
        return redirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.service_errors as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except self.service_errors as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except self.service_errors as exc:
            return self._refused(request, exc)
