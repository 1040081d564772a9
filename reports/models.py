from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fiscal import FiscalYear
from reports.kpis.definitions import BY_KEY, target_choices

# The first fiscal year a report or a target may name (the office opened in FY2006).
FIRST_REPORT_YEAR = 2000


class ReportAccess(models.Model):
    """Carries the "view reports" permission that the Officials and Staff groups hold."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can view the annual reports"))]
        verbose_name = _("report access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class KpiTarget(models.Model):
    """目標値: the figure staff aim for in one fiscal year for one KPI."""

    fiscal_year = models.PositiveSmallIntegerField(
        pgettext_lazy("report", "fiscal year"),
        validators=[MinValueValidator(FIRST_REPORT_YEAR), MaxValueValidator(2100)],
        help_text=_("The calendar year in which the fiscal year starts, e.g. 2025 for 令和7年度."),
    )
    key = models.CharField(_("indicator"), max_length=40, choices=target_choices)
    target = models.DecimalField(
        pgettext_lazy("report", "target"),
        max_digits=12,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_(
            "For the whole fiscal year; the current year's page compares progress to date."
        ),
    )
    note = models.CharField(pgettext_lazy("report", "note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("report", "updated"), auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["-fiscal_year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "key"], name="kpitarget_unique_per_year")
        ]

    def __str__(self) -> str:
        return f"{FiscalYear(self.fiscal_year).label} {self.kpi.label}"

    @property
    def kpi(self):
        return BY_KEY[self.key]


class PageViewCounter(models.Model):
    """Page views of one day in one section of the site: nothing about who viewed them.

    One row per (day, section), incremented by ``reports.middleware.PageViewMiddleware`` with a
    single INSERT ... ON CONFLICT DO UPDATE, so the table grows by a handful of rows a day.
    """

    class Section(models.TextChoices):
        HOME = "home", pgettext_lazy("site section", "Home")
        GROUPS = "groups", pgettext_lazy("site section", "Groups")
        FACILITIES = "facilities", pgettext_lazy("site section", "Rooms & equipment")
        EVENTS = "events", pgettext_lazy("site section", "Events")
        NEWS = "news", pgettext_lazy("site section", "News")
        NEWSLETTER = "newsletter", pgettext_lazy("site section", "Newsletter")
        BULLETIN = "bulletin", pgettext_lazy("site section", "Bulletin board")
        ACCOUNTS = "accounts", pgettext_lazy("site section", "Accounts")
        REPORTS = "reports", pgettext_lazy("site section", "Reports")
        OTHER = "other", pgettext_lazy("site section", "Other pages")

    day = models.DateField(pgettext_lazy("report", "day"))
    section = models.CharField(
        pgettext_lazy("report", "section"), max_length=20, choices=Section.choices
    )
    views = models.PositiveBigIntegerField(_("page views"), default=0)

    class Meta:
        verbose_name = _("page-view counter")
        verbose_name_plural = _("page-view counters")
        ordering = ["-day", "section"]
        constraints = [
            models.UniqueConstraint(fields=["day", "section"], name="pageviewcounter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_section_display()}: {self.views}"


class VisitorCounter(models.Model):
    """Unique visitors of one day: how many different visitor hashes the day saw.

    Added to by ``reports.middleware`` when it flushes its buffer: the number of hashes of the
    day that were new to ``VisitorOfDay``.
    """

    day = models.DateField(pgettext_lazy("report", "day"), unique=True)
    visitors = models.PositiveBigIntegerField(_("unique visitors"), default=0)

    class Meta:
        verbose_name = _("unique-visitor counter")
        verbose_name_plural = _("unique-visitor counters")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.visitors}"


class VisitorOfDay(models.Model):
    """A visitor seen on a day, as a hash keyed with that day's salt (never stored anywhere).

    Kept only while the day is counted: deleted an hour after the day ends. Without the salt the
    hash cannot be linked to an address, a browser or another day.
    """

    day = models.DateField(pgettext_lazy("report", "day"))
    visitor = models.CharField(_("visitor hash"), max_length=32)

    class Meta:
        verbose_name = _("visitor of the day")
        verbose_name_plural = _("visitors of the day")
        constraints = [
            models.UniqueConstraint(fields=["day", "visitor"], name="visitorofday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.visitor}"


def all_kpi_choices() -> list[tuple[str, object]]:
    from reports.kpis.definitions import KPIS

    return [(kpi.key, kpi.label) for kpi in KPIS]


class ManualFigure(models.Model):
    """手入力: a past year's figure entered by hand (from before the portal, or the old page
    counter's series), with where it comes from. For a year the portal has data for, the
    computed figure stands; the admin shows both when they differ (reports.manual)."""

    fiscal_year = models.PositiveSmallIntegerField(
        pgettext_lazy("report", "fiscal year"),
        validators=[MinValueValidator(FIRST_REPORT_YEAR), MaxValueValidator(2100)],
        help_text=_("The calendar year in which the fiscal year starts, e.g. 2006 for 平成18年度."),
    )
    key = models.CharField(_("indicator"), max_length=40, choices=all_kpi_choices)
    value = models.DecimalField(
        pgettext_lazy("report", "figure"),
        max_digits=14,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        pgettext_lazy("report", "source"),
        max_length=200,
        help_text=_("Where the figure comes from, e.g. 平成18年度事業報告書 p.3."),
    )
    note = models.CharField(pgettext_lazy("report", "note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("report", "updated"), auto_now=True)

    class Meta:
        verbose_name = _("hand-entered figure")
        verbose_name_plural = _("hand-entered figures")
        ordering = ["-fiscal_year", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "key"], name="manualfigure_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{FiscalYear(self.fiscal_year).label} {self.kpi.label}"

    @property
    def kpi(self):
        return BY_KEY[self.key]


class BusinessReport(models.Model):
    """事業報告書: the narrative staff write for one fiscal year, in Markdown (core.markdown);
    the page /reports/business/<year>/ assembles it with the year's figures."""

    fiscal_year = models.PositiveSmallIntegerField(
        pgettext_lazy("report", "fiscal year"),
        unique=True,
        validators=[MinValueValidator(FIRST_REPORT_YEAR), MaxValueValidator(2100)],
        help_text=_("The calendar year in which the fiscal year starts, e.g. 2025 for 令和7年度."),
    )
    overview = models.TextField(_("overview of the work (事業の概要)"), blank=True)
    achievements = models.TextField(_("achievements (成果)"), blank=True)
    issues = models.TextField(_("issues (課題)"), blank=True)
    next_plan = models.TextField(_("next year's plan (次年度の計画)"), blank=True)
    surveys = models.ManyToManyField(
        "events.Survey",
        verbose_name=_("survey results to include"),
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(pgettext_lazy("report", "updated"), auto_now=True)

    class Meta:
        verbose_name = _("business report")
        verbose_name_plural = _("business reports")
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return f"{FiscalYear(self.fiscal_year).label} {self._meta.verbose_name}"
