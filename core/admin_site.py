"""The office's admin site: its home is the day's dashboard, its sections follow the office's work.

Django's stock admin home lists the installed apps alphabetically by their names (so 登録申請 sat
at the very bottom and 「アカウント」 came twice: the portal's accounts and allauth's addresses).
Here the admin's models are grouped by what the office does (団体 / 施設 / イベント / 広報 / 報告 /
アカウント, then システム for the framework's own tables), in the order staff use them, each
section once; the sidebar of every admin page shows the same sections.

The home page (``templates/admin/index.html``) gathers the apps' panels of the ``"admin_home"``
slot of the panel registry (``core.registry``; subject: the request). It imports no app: each app
registers its panels in its ``AppConfig.ready``. By key:

- ``"<app>.waiting"``: things waiting for staff. The context is ``{"items": [...]}``, each item
  ``{"key": ..., "label": ..., "count": ..., "url": ...}`` (the link: the admin's list of exactly
  what was counted), only for what the user may view; the panel's template renders each as a
  ``<li>`` (``{% include "admin/dashboard/waiting_items.html" %}``) and the home page puts all
  of them in one list, "Waiting for the office", in panel order;
- any other key: a card of its own (today's bookings, today's events, this month's figures,
  recent actions...), in panel order.

A panel's context must cost a fixed number of queries whatever the data (core.registry).

Only active staff reach the admin (``AdminSite.has_permission``); officials and citizens are sent
to the admin's log-in page, which tells a signed-in person that the admin is for staff and leads
to the reports, My Page or the home page (``templates/admin/login.html``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin import AdminSite
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import registry
from core.ratelimit import StaffLoginForm


@dataclass(frozen=True)
class Section:
    """One part of the office's work and the admin's models in it, in the order staff use them
    (``"app_label.modelname"``); ``apps`` take every other model of those apps."""

    key: str
    label: object
    models: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section(
        "groups",
        pgettext_lazy("admin section", "Groups"),
        models=(
            "groups.groupapplication",
            "groups.group",
            "groups.grouprenewal",
            "groups.groupdocument",
            "groups.invitation",
            "groups.activityrecord",
            "groups.consultation",
            "groups.activityfield",
            "groups.area",
        ),
        apps=("groups",),
    ),
    Section(
        "facilities",
        pgettext_lazy("admin section", "Facilities"),
        models=(
            "facilities.booking",
            "facilities.equipmentloan",
            "facilities.bookingseries",
            "facilities.walkincount",
            "facilities.noshowsuspension",
            "facilities.room",
            "facilities.equipment",
            "facilities.openinghours",
            "facilities.closedday",
            "facilities.facilitysettings",
        ),
        apps=("facilities",),
    ),
    Section(
        "events",
        pgettext_lazy("admin section", "Events"),
        models=("events.event", "events.registration", "events.survey", "events.response"),
        apps=("events",),
    ),
    Section(
        "collaboration",
        pgettext_lazy("admin section", "Collaboration"),
        models=(
            "collaboration.proposal",
            "collaboration.theme",
            "collaboration.callwindow",
            "collaboration.introduction",
            "collaboration.partner",
            "collaboration.departmentofficial",
            "collaboration.collaborationsettings",
        ),
        apps=("collaboration",),
    ),
    Section(
        "publicity",
        pgettext_lazy("admin section", "Publicity"),
        models=(
            "bulletin.bulletinpost",
            "bulletin.postreport",
            "news.newspost",
            "news.opinion",
            "news.programmeepisode",
            "newsletter.newsletterissue",
            "newsletter.officemessage",
            "newsletter.subscriber",
            "newsletter.delivery",
            "newsletter.officemessagedelivery",
            "newsletter.bounce",
            "pages.page",
            "pages.officedetails",
            "bulletin.groupquota",
            "bulletin.bulletinsettings",
        ),
        apps=("bulletin", "news", "newsletter", "pages"),
    ),
    Section(
        "reports",
        pgettext_lazy("admin section", "Reports"),
        models=(
            "reports.kpitarget",
            "reports.pageviewcounter",
            "reports.visitorcounter",
            "core.auditlog",
        ),
        apps=("reports", "core"),
    ),
    Section(
        "accounts",
        pgettext_lazy("admin section", "Accounts"),
        models=(
            "accounts.user",
            "account.emailaddress",
            "pages.consent",
            "maillog.sentmail",
            "auth.group",
        ),
        apps=("accounts", "account", "maillog", "auth"),
    ),
)
# Whatever no section names (the sites framework, background jobs, a library added later).
OTHER = Section("system", pgettext_lazy("admin section", "System"))


def section_of(label: str) -> Section:
    """The section of the model ``"app_label.modelname"``."""
    app_label = label.partition(".")[0]
    for section in SECTIONS:
        if label in section.models:
            return section
    for section in SECTIONS:
        if app_label in section.apps:
            return section
    return OTHER


def grouped(app_dict: dict) -> list[dict]:
    """The admin's app dictionaries (``AdminSite._build_app_dict``) regrouped by section, in the
    shape Django's templates expect of an app (``name``, ``app_label``, ``app_url``, ``models``),
    empty sections left out."""
    index_url = reverse("admin:index")
    found: dict[str, list[dict]] = {}
    for app in app_dict.values():
        for model in app["models"]:
            label = model["model"]._meta.label_lower
            model["label"] = label
            found.setdefault(section_of(label).key, []).append(model)
    result = []
    for section in (*SECTIONS, OTHER):
        models = found.get(section.key)
        if not models:
            continue
        known = {label: place for place, label in enumerate(section.models)}
        models.sort(
            key=lambda m: (
                known.get(m["model"]._meta.label_lower, len(known)),
                str(m["name"]),
            )
        )
        result.append(
            {
                "name": section.label,
                "app_label": f"section-{section.key}",
                "app_url": f"{index_url}#section-{section.key}",
                "has_module_perms": True,
                "models": models,
                "section": section.key,
            }
        )
    return result


class PortalAdminSite(AdminSite):
    site_header = _("Kyodo Office administration")
    site_title = _("Kyodo Office administration")
    index_title = _("Today at the office")
    # The admin's log-in counts attempts and failures with the portal's (core/ratelimit.py).
    login_form = StaffLoginForm

    def get_app_list(self, request, app_label=None):
        """The sections of the office's work (an app's own page keeps Django's list)."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        sections = grouped(self._build_app_dict(request))
        for section in sections:  # the sidebar marks the section of the page shown
            section["current"] = any(
                m["admin_url"] and request.path.startswith(m["admin_url"])
                for m in section["models"]
            )
        return sections

    def get_urls(self):
        from core import views_personal_data  # the request page (開示請求)

        return [*views_personal_data.urls(self), *super().get_urls()]

    def index(self, request, extra_context=None):
        panels = registry.gather("admin_home", request)
        context = {
            "today": timezone.localdate(),
            "waiting_panels": [p for p in panels if p.key.endswith(".waiting")],
            "card_panels": [p for p in panels if not p.key.endswith(".waiting")],
            **(extra_context or {}),
        }
        return super().index(request, context)
