"""The personal data the collaboration app holds (see core/personal_data.py).

Most of it is who did what in a joint project (links to accounts, kept as the project's record:
a closed account reads as a former user); partners' contact persons are private and go when
their partner has long been inactive."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import BLANK, Holding, Label, exempt, of_account, register


def _inactive_partner_contacts(cutoff):
    """Contacts of partners marked inactive before ``cutoff``: the partner's last save (the
    audit log's ``collaboration.partner_save``; its creation when never saved since)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, F, OuterRef, Subquery
    from django.db.models.functions import Cast, Coalesce

    from collaboration.models import Partner, PartnerContact
    from core.models import AuditLog

    last_saved = (
        AuditLog.objects.filter(
            action="collaboration.partner_save",
            target_type=ContentType.objects.get_for_model(Partner),
            target_id=Cast(OuterRef("partner_id"), CharField()),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        PartnerContact.objects.filter(partner__is_active=False)
        .annotate(inactive_since=Coalesce(Subquery(last_saved), F("partner__created_at")))
        .filter(inactive_since__lt=cutoff)
    )


def _record(key, model, fields, links, what, who_sees=None):
    return Holding(
        key=key,
        model=model,
        fields=fields,
        what=what,
        why=_("The record of a joint project between citizens and the city"),
        who_sees=who_sees or _("The office staff, the department concerned and the proposers"),
        of_person=of_account(model, *links),
    )


register(
    Holding(
        key="collaboration.partner_contact",
        model="collaboration.PartnerContact",
        fields=("name", "email", "phone", "note"),
        what=_(
            "Contact persons of partners (companies, schools, departments): name, e-mail, phone"
        ),
        why=_("To introduce groups to partners and arrange joint projects"),
        who_sees=_("The office staff and the people concerned"),
        retention="partner_contacts",
        of_person=of_account("collaboration.PartnerContact", emails=("email",)),
        replace={
            "name": Label(_("(erased)")),
            "email": BLANK,
            "phone": BLANK,
            "note": BLANK,
        },
        expired=_inactive_partner_contacts,
    ),
    _record(
        "collaboration.official",
        "collaboration.DepartmentOfficial",
        ("user",),
        ("user",),
        _("The department a city official's account belongs to"),
        _("The office staff"),
    ),
    _record(
        "collaboration.proposal",
        "collaboration.Proposal",
        ("created_by", "budget_note"),
        ("created_by",),
        _("Proposals for joint projects you wrote"),
    ),
    _record(
        "collaboration.proposal_attachment",
        "collaboration.ProposalAttachment",
        ("uploaded_by", "file", "name"),
        ("uploaded_by",),
        _("Files attached to a proposal"),
    ),
    _record(
        "collaboration.proposal_answer",
        "collaboration.ProposalAnswer",
        ("decided_by",),
        ("decided_by",),
        _("A department's answers to proposals"),
    ),
    _record(
        "collaboration.meeting",
        "collaboration.Meeting",
        ("recorded_by", "notes"),
        ("recorded_by",),
        _("Notes of meetings about a proposal"),
    ),
    _record(
        "collaboration.introduction",
        "collaboration.Introduction",
        ("assignee", "recorded_by", "note", "outcome_note"),
        ("assignee", "recorded_by"),
        _("Introductions between groups and partners"),
    ),
    _record(
        "collaboration.agreement",
        "collaboration.Agreement",
        ("recorded_by",),
        ("recorded_by",),
        _("Agreements of joint projects"),
    ),
    _record(
        "collaboration.progress_report",
        "collaboration.ProgressReport",
        ("written_by",),
        ("written_by",),
        _("Progress reports of joint projects"),
    ),
    _record(
        "collaboration.project_file",
        "collaboration.ProjectFile",
        ("uploaded_by", "file", "name"),
        ("uploaded_by",),
        _("Files of joint projects"),
    ),
    _record(
        "collaboration.final_report",
        "collaboration.FinalReport",
        ("written_by", "spending_note"),
        ("written_by",),
        _("Final reports of joint projects"),
    ),
    _record(
        "collaboration.evaluation",
        "collaboration.Evaluation",
        ("written_by", "comment"),
        ("written_by",),
        _("Evaluations of joint projects"),
    ),
)

exempt("collaboration.Partner", "name", why="an organisation's name")
