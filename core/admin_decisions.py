"""Decision buttons on an object's own admin page (publish, return, cancel, hide…), each a
small form of its own posted to ``<pk>/decide/<key>/`` and run through the app's service.

- Staff only: an anonymous visitor goes to the admin's login, a signed-in official or citizen
  is refused (403) even with a crafted POST, and so is staff without the change permission.
- POST only (a GET is 405): nothing changes on a page load.
- A decision not offered in the object's present state (a second click, a stale page) says so
  and changes nothing; a refusal of the service is shown as its message.
- The panel sits outside the change form (a form nested in it would be dropped by browsers).

An admin lists its decisions in ``decisions`` and sets ``decision_errors`` to the service's
error classes; the change form template includes ``admin/decision_panel.html``. Most decisions
are offered in some states (``in_status``) and call one service with the object under its name
(``calls``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext


@dataclass(frozen=True)
class Decision:
    key: str
    label: str
    offered: Callable[[object], bool]
    run: Callable[..., object]  # run(actor=, obj=, reason=)
    done: str  # the success message, with %(obj)s
    reason: str = ""  # "" no reason asked, "required" or "optional"
    reason_label: str = ""
    reason_help: str = ""
    danger: bool = False
    extra: dict = field(default_factory=dict)


def in_status(*statuses) -> Callable[[object], bool]:
    """A decision's ``offered``: the object's ``status`` is one of ``statuses``."""
    return lambda obj: obj.status in statuses


def calls(service: Callable, name: str, *, with_reason: bool = False, **fixed) -> Callable:
    """A decision's ``run``: ``service(actor=…, <name>=obj, **fixed)``, passing on the reason
    the office typed when ``with_reason``."""

    def run(*, actor, obj, reason):
        given = {**fixed, "reason": reason} if with_reason else fixed
        return service(actor=actor, **{name: obj}, **given)

    return run


class DecisionAdminMixin:
    decisions: tuple[Decision, ...] = ()
    decision_errors: tuple[type[Exception], ...] = ()

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/decide/<slug:key>/",
                self.decide_view,
                name=f"{opts.app_label}_{opts.model_name}_decide",
            ),
            *super().get_urls(),
        ]

    def decision_for(self, key: str) -> Decision | None:
        return next((d for d in self.decisions if d.key == key), None)

    def offered_decisions(self, request, obj) -> list[Decision]:
        if obj is None or obj.pk is None or not self.has_change_permission(request, obj):
            return []
        return [d for d in self.decisions if d.offered(obj)]

    def decision_state(self, obj) -> str:
        """How the object stands, for the panel and for "already decided" messages."""
        return obj.get_status_display()

    def decide_view(self, request, object_id, key):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        decision = self.decision_for(key)
        if decision is None:
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        back = redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        if not decision.offered(obj):
            self.message_user(
                request,
                gettext(
                    "“%(obj)s” is now “%(state)s”: “%(decision)s” is not possible; "
                    "nothing was changed."
                )
                % {"obj": obj, "state": self.decision_state(obj), "decision": decision.label},
                messages.WARNING,
            )
            return back
        reason = (request.POST.get("reason") or "").strip()
        if decision.reason == "required" and not reason:
            self.message_user(
                request,
                gettext("“%(decision)s” needs a reason: %(label)s. Nothing was changed.")
                % {"decision": decision.label, "label": decision.reason_label},
                messages.ERROR,
            )
            return back
        try:
            decision.run(actor=request.user, obj=obj, reason=reason)
        except self.decision_errors as exc:
            self.message_user(request, str(exc), messages.WARNING)
            return back
        obj.refresh_from_db()
        self.message_user(request, decision.done % {"obj": obj}, messages.SUCCESS)
        return back

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        offered = self.offered_decisions(request, obj)
        if obj is not None and obj.pk is not None and self.decisions:
            opts = self.model._meta
            context["decision_panel"] = {
                "state": self.decision_state(obj),
                "decisions": [
                    {
                        "decision": d,
                        "url": reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_decide", args=[obj.pk, d.key]
                        ),
                    }
                    for d in offered
                ],
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
