"""Staff edit pages here: each save with a changed text writes a new version (never an edit in
place); the versions list publishes a draft or restores an old version through pages.services."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_office_staff
from core.admin_readonly import ReadOnlyAdmin
from pages import services
from pages.forms import DownloadFileForm, OfficeDetailsForm, PageAdminForm
from pages.models import Consent, DownloadFile, OfficeDetails, Page, PageVersion


class PageVersionInline(admin.TabularInline):
    """The page's history: who wrote which version when; publish or restore from here."""

    model = PageVersion
    extra = 0
    can_delete = False
    fields = ["number", "title", "status", "created_by", "created_at", "note", "version_actions"]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = _("versions")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "page")

    @admin.display(description=_("actions"))
    def version_actions(self, version: PageVersion):
        preview = f"{version.page.get_absolute_url()}?version={version.number}"
        parts = [format_html('<a href="{}">{}</a>', preview, gettext("Preview"))]
        if version.status == PageVersion.Status.DRAFT:
            url = reverse("admin:pages_page_publish", args=[version.page_id, version.pk])
            parts.append(
                format_html(
                    '<button type="submit" formaction="{}" formmethod="post" '
                    'formnovalidate class="button">{}</button>',
                    url,
                    gettext("Publish"),
                )
            )
        url = reverse("admin:pages_page_restore", args=[version.page_id, version.pk])
        parts.append(
            format_html(
                '<button type="submit" formaction="{}" formmethod="post" formnovalidate '
                'class="button">{}</button>',
                url,
                gettext("Restore as a new draft"),
            )
        )
        return format_html(" ".join(["{}"] * len(parts)), *parts)


class DownloadFileInline(admin.TabularInline):
    model = DownloadFile
    form = DownloadFileForm
    extra = 1
    fields = ["title", "file", "position", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    verbose_name_plural = _("files to download (PDF, Word, Excel; at most 10 MB)")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageAdminForm
    list_display = ["title", "kind", "slug", "status_now", "position"]
    ordering = ["position", "pk"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "position"]}),
        (
            _("Write a new version"),
            {
                "fields": ["new_title", "new_body", "new_note", "publish_now"],
                "description": _(
                    "Saving with a changed text keeps the old text as a version: nothing "
                    "already written is lost."
                ),
            },
        ),
    ]
    inlines = [PageVersionInline, DownloadFileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_version")

    @admin.display(description=_("published version"))
    def status_now(self, page: Page):
        if page.published_version is None:
            return gettext("Not published")
        return f"v{page.published_version.number}"

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return []
        if obj.kind != Page.Kind.DOWNLOADS and not obj.files.exists():
            inlines = [i for i in inlines if not isinstance(i, DownloadFileInline)]
        return inlines

    def save_model(self, request, obj, form, change):
        own = [f for f in form.changed_data if f in PageAdminForm.Meta.fields]
        if not change or own:
            services.page_save(actor=request.user, page=obj, fields=own if change else None)
        if not change or form.wants_new_version():
            data = form.cleaned_data
            version = services.page_version_create(
                actor=request.user,
                page=obj,
                title=data["new_title"],
                body=data["new_body"],
                note=data.get("new_note", ""),
            )
            if data.get("publish_now"):
                services.page_version_publish(actor=request.user, version=version)
        elif form.cleaned_data.get("publish_now"):
            newest = obj.versions.order_by("-number").first()
            if newest is not None and newest.status == PageVersion.Status.DRAFT:
                services.page_version_publish(actor=request.user, version=newest)

    def has_delete_permission(self, request, obj=None):
        # A page with versions is never deleted: the versions are the record of what the
        # portal said, and people's consents point at the terms and privacy versions.
        if obj is not None and not services.page_is_deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.page_delete(actor=request.user, page=obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete has already refused if a page with versions is among them.
        for page in queryset:
            services.page_delete(actor=request.user, page=page)

    def save_formset(self, request, form, formset, change):
        if formset.model is not DownloadFile:
            return super().save_formset(request, form, formset, change)
        items = formset.save(commit=False)
        for item in formset.deleted_objects:
            services.download_file_remove(actor=request.user, item=item)
        for item in items:
            if item.pk is None:
                services.download_file_add(
                    actor=request.user,
                    page=form.instance,
                    title=item.title,
                    file=item.file,
                    position=item.position,
                )
            else:
                item.save()
        formset.save_m2m()

    # --- publish / restore: POST only, staff with the right to change pages
    def get_urls(self):
        def wrap(view):
            def guarded(request, *args, **kwargs):
                # A signed-in official or citizen is refused outright (not sent to log in).
                if request.user.is_authenticated and not is_office_staff(request.user):
                    raise PermissionDenied
                return self.admin_site.admin_view(view)(request, *args, **kwargs)

            return update_wrapper(guarded, view)

        return [
            path(
                "<int:page_id>/versions/<int:version_id>/publish/",
                wrap(self.publish_view),
                name="pages_page_publish",
            ),
            path(
                "<int:page_id>/versions/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="pages_page_restore",
            ),
            *super().get_urls(),
        ]

    def _version(self, request, page_id: int, version_id: int) -> PageVersion:
        version = get_object_or_404(PageVersion, pk=version_id, page_id=page_id)
        if not self.has_change_permission(request, version.page):
            raise PermissionDenied
        return version

    def publish_view(self, request, page_id: int, version_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = self._version(request, page_id, version_id)
        try:
            services.page_version_publish(actor=request.user, version=version)
        except services.PageError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, gettext("Version %(number)d is published.") % {"number": version.number}
            )
        return redirect("admin:pages_page_change", page_id)

    def restore_view(self, request, page_id: int, version_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = self._version(request, page_id, version_id)
        copy = services.page_version_restore(actor=request.user, version=version)
        messages.success(
            request,
            gettext("Version %(old)d is copied into the new draft version %(new)d.")
            % {"old": version.number, "new": copy.number},
        )
        return redirect("admin:pages_page_change", page_id)


@admin.register(OfficeDetails)
class OfficeDetailsAdmin(admin.ModelAdmin):
    """One row: the list page opens it directly."""

    form = OfficeDetailsForm
    fields = list(services.OFFICE_FIELDS)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = OfficeDetails.load()
        return redirect(reverse("admin:pages_officedetails_change", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        services.office_details_update(
            actor=request.user, **{f: form.cleaned_data[f] for f in services.OFFICE_FIELDS}
        )


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """What each account agreed to at sign-up (read only)."""

    list_display = ["user", "terms_version", "privacy_version", "given_at"]
    list_select_related = ["user", "terms_version__page", "privacy_version__page"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "terms_version", "privacy_version", "given_at"]
