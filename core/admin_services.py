"""Admins whose saves and deletes go through an app's services.

The services' rules answer in the form's ``clean`` where they can (an app's ``*_check``
functions); should a service still refuse when saving or deleting (something changed
meanwhile), Django's admin transaction is rolled back, nothing is saved and staff read the
service's message on the page they came from. An admin sets ``service_errors`` to the
service's error classes and saves in ``save_model``/``delete_model`` through the services;
"delete selected" deletes each object through ``delete_model`` too.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect


class ThroughServicesMixin:
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

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
