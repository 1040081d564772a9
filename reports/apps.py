from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_role_permissions

        # The accounts app syncs the Staff and Officials groups after its own post_migrate, when
        # the permissions of the apps listed after it do not exist yet on a fresh database.
        # Reports is the last app: syncing again here gives Staff the permissions of every app
        # (KPI targets included) after the very first ``migrate``.
        post_migrate.connect(sync_role_permissions, sender=self, dispatch_uid="reports_roles")
