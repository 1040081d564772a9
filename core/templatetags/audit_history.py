"""``{% audit_history %}``: an object's history in sentences on its admin page (core/audit.py).

Shown by the project's ``admin/change_form.html`` (and ``admin/object_history.html``) for every
model, so no app's admin has to add it; staff who may read the audit log see it.
"""

from django import template

from core.audit_display import history
from core.models import AuditLog

register = template.Library()


@register.inclusion_tag("admin/audit/history.html", takes_context=True)
def audit_history(context, obj=None, limit: int = 20):
    request = context.get("request")
    obj = obj if obj is not None else context.get("original")
    if (
        request is None
        or obj is None
        or getattr(obj, "pk", None) is None
        or isinstance(obj, AuditLog)
        or not request.user.has_perm("core.view_auditlog")
    ):
        return {"shown": False}
    return {"shown": True, **history(obj, limit=limit)}
