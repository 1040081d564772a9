from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here, not at the top: roles reads the auth models, which Django loads only
        # after this module (not a cycle).
        from accounts.roles import sync_role_permissions

        # After every app's post_migrate (not only ours): an app listed after accounts has its
        # permissions created only in its own post_migrate, and Staff must hold them too.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts_role_permissions")
