from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from core import sqlrows


class PortalUserManager(UserManager):
    """People sign in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get(self, *args, **kwargs):
        """``get(pk=<int>)`` alone, as Django's authentication reads the signed-in person on
        every request, is one plain statement (``core.sqlrows``, issue #20: building the ORM's
        query took longer than PostgreSQL's answer); any other ``get`` is the ORM's."""
        if args or kwargs.keys() != {"pk"} or type(kwargs["pk"]) is not int:
            return super().get(*args, **kwargs)
        column = self.model._meta.pk.column
        found = sqlrows.fetch(self.model, f't."{column}" = %s', [kwargs["pk"]], using=self.db)
        if not found:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return found[0]

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set when the person left (退会, accounts.services.account_close): the row stays, with no
    # name, address or phone, so the bookings, registrations and answers it made stay counted.
    closed_at = models.DateTimeField(_("account closed"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    EMAIL_FIELD = "email"

    objects = PortalUserManager()

    class Meta:
        verbose_name = pgettext_lazy("account", "user")
        verbose_name_plural = pgettext_lazy("account", "users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def save(self, *args, **kwargs):
        # allauth looks addresses up in lower case: an address typed with capitals in the admin
        # would otherwise never sign in, and could be registered a second time.
        if self.email:
            self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def get_full_name(self) -> str:
        if self.is_closed:
            return pgettext("account", "Former user")
        return self.full_name or self.email

    def get_short_name(self) -> str:
        if self.is_closed:
            return pgettext("account", "Former user")
        return self.full_name or self.email.split("@")[0]
