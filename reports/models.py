from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Carries the "view reports" permission that the Officials and Staff groups hold."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can view the annual reports"))]
        verbose_name = _("report access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
