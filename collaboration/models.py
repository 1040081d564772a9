"""Collaboration (協働): partners beyond the registered groups, joint-project proposals between
citizens and the city (協働事業提案: 行政提案型 themes and 市民提案型 proposals), the department's
answer, and the projects that adopted proposals become.

Reports contract (kpis compose these later; keep the names): ``Proposal.kind``,
``Proposal.submitted_at`` (null while a draft), ``Proposal.status`` and ``ProposalAnswer`` rows
(``decision``, ``decided_at``); ``Project.status``, ``Project.starts_on`` / ``ends_on``
(null until the agreement is concluded), ``Project.adopted_at``.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.uploads import private_storage
from groups.models import ActivityField, Group


def get_private_storage():
    """Callable storage, so migrations refer to it by name (see core.uploads)."""
    return private_storage


def private_document_path(document: PrivateDocument, filename: str) -> str:
    """Where a private document's file goes: its kind's folder (``upload_folder``)."""
    return posixpath.join(document.upload_folder, filename)


class PrivateDocument(models.Model):
    """A document kept private (core.uploads' private storage, served only by the views that
    check who asks): the file, the name it is listed under, who uploaded it and when. Each kind
    names its folder in the storage (``upload_folder``)."""

    upload_folder: str

    file = models.FileField(
        _("file"), upload_to=private_document_path, storage=get_private_storage, max_length=200
    )
    name = models.CharField(_("file name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """連携先: an organisation other than a registered group (a city department among them)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("City department (担当課)")
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")
        WELFARE_COUNCIL = "welfare_council", _("Social welfare council (社会福祉協議会)")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood association (自治会)")
        NPO = "npo", _("Other NPO or foundation")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    fields = models.ManyToManyField(
        ActivityField, verbose_name=_("fields of interest"), blank=True, related_name="+"
    )
    summary = models.CharField(
        pgettext_lazy("partner", "short introduction"), max_length=200, blank=True
    )
    offers = models.TextField(_("what it can offer"), max_length=1000, blank=True)
    looks_for = models.TextField(_("what it looks for"), max_length=1000, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_department(self) -> bool:
        return self.kind == self.Kind.DEPARTMENT


class PartnerContact(models.Model):
    """A contact person of a partner: private (staff and the people concerned only)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    title = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["partner", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class DepartmentOfficial(models.Model):
    """An official's account belongs to one city department (kept here, not in accounts: the
    accounts app sits below the feature apps and must not know about departments). Officials
    without one read the reports only, as before."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.CASCADE,
        related_name="department_post",
    )
    department = models.ForeignKey(
        Partner,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="officials",
        limit_choices_to={"kind": Partner.Kind.DEPARTMENT},
    )

    class Meta:
        verbose_name = _("department official")
        verbose_name_plural = _("department officials")

    def __str__(self) -> str:
        return f"{self.user} ({self.department})"


class CollaborationSettings(models.Model):
    """When groups may propose a project of their own (市民提案型): any time, or in call windows."""

    class CitizenProposals(models.TextChoices):
        ANYTIME = "anytime", _("At any time")
        WINDOWS = "windows", _("Only within a call window")

    citizen_proposals = models.CharField(
        _("citizen proposals accepted"),
        max_length=10,
        choices=CitizenProposals.choices,
        default=CitizenProposals.ANYTIME,
    )

    class Meta:
        verbose_name = _("collaboration settings")
        verbose_name_plural = _("collaboration settings")

    def __str__(self) -> str:
        return str(_("Collaboration settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> CollaborationSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class CallWindow(models.Model):
    """A period in which groups may send citizen proposals (募集期間), set by staff."""

    title = models.CharField(_("title"), max_length=120)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("call window")
        verbose_name_plural = _("call windows")
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="collaboration_window_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ThemeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Theme.Status.PUBLISHED)

    def open(self, today=None):
        return self.published().filter(deadline__gte=today or timezone.localdate())


class Theme(models.Model):
    """行政提案型: a department publishes a local issue and asks groups for proposals."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal or theme", "Withdrawn")

    department = models.ForeignKey(
        Partner,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="themes",
        limit_choices_to={"kind": Partner.Kind.DEPARTMENT},
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    field = models.ForeignKey(
        ActivityField,
        verbose_name=_("field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issue = models.TextField(_("the local issue"), max_length=3000)
    expectations = models.TextField(_("what the department expects of partners"), max_length=3000)
    budget_min = models.PositiveIntegerField(_("budget from (yen)"), null=True, blank=True)
    budget_max = models.PositiveIntegerField(_("budget up to (yen)"), null=True, blank=True)
    deadline = models.DateField(_("proposals due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="collaboration_theme_budget_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:theme", kwargs={"slug": self.slug})

    def is_open(self, today=None) -> bool:
        return self.status == self.Status.PUBLISHED and self.deadline >= (
            today or timezone.localdate()
        )


class Proposal(models.Model):
    """協働事業提案: drafted and submitted by a registered group; screened and assigned by the
    office; answered by the assigned department."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Answer to a department's theme (行政提案型)")
        CITIZEN = "citizen", _("Group's own proposal (市民提案型)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted: the office is screening it")
        ASSIGNED = "assigned", _("With the department")
        CONTINUED = "continued", _("Further discussion (継続協議)")
        ADOPTED = "adopted", _("Adopted (採択)")
        REJECTED = "rejected", _("Not adopted (不採択)")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal or theme", "Withdrawn")

    AWAITING_ANSWER = (Status.ASSIGNED, Status.CONTINUED)
    DECIDED = (Status.ADOPTED, Status.REJECTED)
    WITH_DEPARTMENT = (Status.ASSIGNED, Status.CONTINUED, Status.ADOPTED, Status.REJECTED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.PROTECT,
        related_name="collaboration_proposals",
    )
    title = models.CharField(_("project title"), max_length=120)
    field = models.ForeignKey(
        ActivityField,
        verbose_name=_("field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    aim = models.TextField(_("aim"), max_length=3000)
    activities = models.TextField(_("activities"), max_length=5000)
    role_group = models.TextField(_("our group's role"), max_length=2000)
    role_city = models.TextField(_("the city's role"), max_length=2000)
    budget = models.PositiveIntegerField(_("budget (yen)"))
    budget_note = models.TextField(_("budget breakdown"), max_length=2000, blank=True)
    schedule = models.TextField(_("schedule"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    department = models.ForeignKey(
        Partner,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_proposals",
        limit_choices_to={"kind": Partner.Kind.DEPARTMENT},
    )
    answer_due = models.DateField(_("answer due by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(
        pgettext_lazy("proposal", "submitted"), null=True, blank=True
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="citizen", theme__isnull=True)
                | Q(kind="administrative", theme__isnull=False),
                name="collaboration_proposal_theme_fits_kind",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:proposal", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def awaits_answer(self) -> bool:
        return self.status in self.AWAITING_ANSWER

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    @property
    def can_be_withdrawn(self) -> bool:
        """A group may withdraw its proposal until the department has decided on it."""
        return self.status not in (*self.DECIDED, self.Status.WITHDRAWN)


class ProposalAttachment(PrivateDocument):
    """A document of a proposal (a PDF, or an image without its location data), kept private."""

    upload_folder = "collaboration/proposals/"

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(PrivateDocument.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Meeting(models.Model):
    """協議: a meeting between the group, the department and the office about a proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.CharField(_("who attended"), max_length=300)
    notes = models.TextField(pgettext_lazy("meeting", "notes"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting (協議)")
        verbose_name_plural = _("meetings (協議)")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.held_on}"


class ProposalAnswer(models.Model):
    """The department's answer. 継続協議 may be followed by another answer; 採択 or 不採択 is
    final: the database allows one final answer per proposal."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Adopted (採択)")
        REJECTED = "rejected", _("Not adopted (不採択)")
        CONTINUED = "continued", _("Further discussion (継続協議)")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="answers"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), max_length=3000)
    department = models.ForeignKey(
        Partner, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), default=timezone.now)
    # The department sent its answer to the office (in writing, by phone) and staff entered it:
    # nobody in the department uses the portal (services.proposal_answer).
    recorded_by_office = models.BooleanField(_("recorded by the office"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(decision__in=["adopted", "rejected"]),
                name="collaboration_one_final_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_decision_display()}"


# --------------------------------------------------------------------------- projects (協働事業)


class ProjectQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(status=Project.Status.COMPLETED)

    def past(self):
        return self.filter(status=Project.Status.COMPLETED)


class Project(models.Model):
    """協働事業: what an adopted proposal (採択) becomes. Public: title, partners, field, period,
    aims, summary and, once the final report is in, its results; the rest stays with the group,
    the department and the office."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing the agreement")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="project"
    )
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    title = models.CharField(_("project title"), max_length=120)
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.PROTECT,
        related_name="collaboration_projects",
    )
    department = models.ForeignKey(
        Partner,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": Partner.Kind.DEPARTMENT},
    )
    field = models.ForeignKey(
        ActivityField,
        verbose_name=_("field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    aims = models.TextField(_("aims"), max_length=3000)
    summary = models.TextField(
        _("public summary"),
        max_length=1000,
        blank=True,
        help_text=_("Shown on the project's public page."),
    )
    budget = models.PositiveIntegerField(_("budget (yen)"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    adopted_at = models.DateTimeField(_("adopted"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["-adopted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="collaboration_project_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:project", kwargs={"slug": self.slug})

    def get_workspace_url(self) -> str:
        return reverse("collaboration:project_workspace", kwargs={"slug": self.slug})

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class Agreement(models.Model):
    """協定: what both sides agreed (roles, budget, period, documents), with the day it was
    concluded; recorded by the office or the department's official."""

    project = models.OneToOneField(
        Project, verbose_name=_("joint project"), on_delete=models.CASCADE, related_name="agreement"
    )
    role_group = models.TextField(_("the group's role"), max_length=2000)
    role_city = models.TextField(_("the city's role"), max_length=2000)
    budget = models.PositiveIntegerField(_("budget (yen)"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    concluded_on = models.DateField(_("concluded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement (協定)")
        verbose_name_plural = _("agreements (協定)")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="collaboration_agreement_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.concluded_on}"


class ProgressReport(models.Model):
    """経過報告: written by the group's members while the project runs."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("joint project"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report (経過報告)")
        verbose_name_plural = _("progress reports (経過報告)")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.reported_on}"


class ProjectFile(PrivateDocument):
    """A document of a project, kept private: the agreement's documents, or a progress report's
    attachment (``report`` set)."""

    upload_folder = "collaboration/projects/"

    project = models.ForeignKey(
        Project, verbose_name=_("joint project"), on_delete=models.CASCADE, related_name="files"
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report (経過報告)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )

    class Meta(PrivateDocument.Meta):
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")


class FinalReport(models.Model):
    """完了報告: the results and the spending, written by the group once; the project is
    completed with it."""

    project = models.OneToOneField(
        Project,
        verbose_name=_("joint project"),
        on_delete=models.CASCADE,
        related_name="final_report",
    )
    results = models.TextField(pgettext_lazy("final report", "results"), max_length=5000)
    spending = models.PositiveIntegerField(_("spending (yen)"))
    spending_note = models.TextField(_("spending breakdown"), max_length=2000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(pgettext_lazy("report", "submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("final report (完了報告)")
        verbose_name_plural = _("final reports (完了報告)")

    def __str__(self) -> str:
        return str(self.project)


RATING = [MinValueValidator(1), MaxValueValidator(5)]
CRITERIA = (
    ("rating_goals", _("Goals achieved (目標の達成)")),
    ("rating_effect", _("Effect of working together (協働の効果)")),
    ("rating_roles", _("Sharing of roles (役割分担)")),
    ("rating_continuity", _("Continuity (継続性)")),
)


class Evaluation(models.Model):
    """合同評価: each side (the group, the department) rates the completed project once, 1–5 per
    criterion, with a comment and what it wants next year; shown when both have answered."""

    class Side(models.TextChoices):
        GROUP = "group", pgettext_lazy("evaluation side", "The group")
        DEPARTMENT = "department", pgettext_lazy("evaluation side", "The department")

    class NextYear(models.TextChoices):
        CONTINUE = "continue", _("Continue as it is")
        REVISE = "revise", _("Continue with changes")
        END = "end", _("End the project")

    CRITERIA = CRITERIA

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    project = models.ForeignKey(
        Project,
        verbose_name=_("joint project"),
        on_delete=models.CASCADE,
        related_name="evaluations",
        db_index=False,
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    rating_goals = models.PositiveSmallIntegerField(CRITERIA[0][1], validators=RATING)
    rating_effect = models.PositiveSmallIntegerField(CRITERIA[1][1], validators=RATING)
    rating_roles = models.PositiveSmallIntegerField(CRITERIA[2][1], validators=RATING)
    rating_continuity = models.PositiveSmallIntegerField(CRITERIA[3][1], validators=RATING)
    comment = models.TextField(_("comment"), max_length=3000)
    next_year = models.CharField(_("next year"), max_length=10, choices=NextYear.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(pgettext_lazy("report", "submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation (合同評価)")
        verbose_name_plural = _("evaluations (合同評価)")
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "side"], name="collaboration_one_evaluation_per_side"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"collaboration_evaluation_{name}_1_to_5",
                )
                for name, _label in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_side_display()}"

    def ratings(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in self.CRITERIA]


from collaboration.models_gobetween import *  # noqa: E402, F403
