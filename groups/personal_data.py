"""The personal data the groups app holds (see core/personal_data.py)."""

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import Refusal, closing_check
from core.personal_data import BLANK, Holding, Label, exempt, register
from groups.models import (
    ActivityPhoto,
    ActivityRecord,
    Consultation,
    Group,
    GroupDocument,
    GroupRenewal,
    Invitation,
    Membership,
)

ERASED = Label(_("(erased)"))


def _groups_of(person):
    """Groups whose private contact is this person's: the group's address is one of theirs, or
    they are the representative named in it (not merely a manager of the group's page)."""
    q = person.email_q("public_email")
    name = getattr(person.user, "full_name", "") if person.user is not None else ""
    if name:
        q |= Q(representative_name=name, memberships__user_id=person.user_id)
    return Group.objects.filter(q).distinct()


def _withdrawn_before(cutoff):
    day = timezone.localdate(cutoff)
    return Group.objects.filter(
        Q(status=Group.Status.WITHDRAWN, withdrawn_on__lt=day)
        | Q(status=Group.Status.REJECTED, updated_at__lt=cutoff)
    )


def _by_user(model, name):
    def rows(person):
        if person.user is None:
            return model.objects.none()
        return model.objects.filter(**{name: person.user_id})

    return rows


register(
    Holding(
        key="groups.private_contact",
        model="groups.Group",
        fields=(
            "representative_name",
            "representative_phone",
            "representative_address",
            "public_email",
        ),
        what=_("A group's representative: name, phone, address; the group's e-mail address"),
        why=_("For the office to reach the group (registration, renewals, bookings)"),
        who_sees=_(
            "The office staff and the group's managers; the group's e-mail address is public"
        ),
        retention="withdrawn_groups",
        of_person=_groups_of,
        replace={
            "representative_name": ERASED,
            "representative_phone": BLANK,
            "representative_address": BLANK,
            "public_email": BLANK,
        },
        expired=_withdrawn_before,
    ),
    Holding(
        key="groups.membership",
        model="groups.Membership",
        fields=("user",),
        what=_("The groups you belong to and your role in each"),
        why=_("To let you manage your group's page and book for it"),
        who_sees=_("The office staff and the group's managers"),
        of_person=_by_user(Membership, "user"),
        # Erasing it takes the person out of their groups (a membership counts in no figure);
        # leaving refuses a group's last representative first (_last_representative below).
        pending=Q(),
        anonymise=lambda rows: rows.delete()[0],
    ),
    Holding(
        key="groups.renewal",
        model="groups.GroupRenewal",
        fields=("confirmed_by", "note"),
        what=_("Yearly renewals you confirmed for a group, with your note to the office"),
        why=_("The register of groups (the city's figures count registered groups)"),
        who_sees=_("The office staff"),
        of_person=_by_user(GroupRenewal, "confirmed_by"),
        replace={"note": BLANK},
    ),
    Holding(
        key="groups.document",
        model="groups.GroupDocument",
        fields=("uploaded_by", "file"),
        what=_("Documents uploaded for a group's registration (rules, member list)"),
        why=_("The office checks a group's registration with them"),
        who_sees=_("The office staff"),
        of_person=_by_user(GroupDocument, "uploaded_by"),
    ),
    Holding(
        key="groups.invitation",
        model="groups.Invitation",
        fields=("email", "invited_by", "accepted_by"),
        what=_("Invitations to join a group: the invited address"),
        why=_("To let the invited person join the group"),
        who_sees=_("The office staff and the group's managers"),
        of_person=lambda p: Invitation.objects.filter(
            p.email_q("email")
            | (Q(invited_by_id=p.user_id) | Q(accepted_by_id=p.user_id) if p.user else Q(pk=None))
        ),
        replace={"email": BLANK},
    ),
    Holding(
        key="groups.activity_record",
        model="groups.ActivityRecord",
        fields=("created_by",),
        what=_("Activity records you posted for a group"),
        why=_("The group's public record of its activities"),
        who_sees=_("Everyone (the group's page)"),
        of_person=_by_user(ActivityRecord, "created_by"),
    ),
    Holding(
        key="groups.activity_photo",
        model="groups.ActivityPhoto",
        fields=("uploaded_by", "image", "thumbnail"),
        what=_("Photos you uploaded to a group's activity records"),
        why=_("The group's public record of its activities"),
        who_sees=_("Everyone (the group's page)"),
        of_person=_by_user(ActivityPhoto, "uploaded_by"),
    ),
    Holding(
        key="groups.consultation",
        model="groups.Consultation",
        fields=("person_name", "staff_member"),
        what=_("Consultations with the office: the name of a person who is not a group"),
        why=_("The office's record of its consultations (counted in the yearly report)"),
        who_sees=_("The office staff"),
        of_person=lambda p: (
            Consultation.objects.filter(person_name__iexact=p.user.full_name)
            if p.user is not None and p.user.full_name
            else Consultation.objects.none()
        ),
        replace={"person_name": ERASED},
    ),
)

exempt("groups.Group", "name", "name_kana", why="an organisation's name, public")
exempt("groups.Group", "logo", why="the group's logo, public")
exempt("groups.ActivityField", "name", "name_en", why="a word of the office's list")
exempt("groups.Area", "name", "name_en", why="a word of the office's list")


# Leaving (退会, accounts.services.account_close): a group's last representative hands the role
# over first, or asks the office to withdraw the group; one query (two in the closing itself).
@closing_check
def _last_representative(user):
    """Inside the closing's transaction the person's live groups are locked first (as
    membership_set_role locks the group), so two representatives of one group leaving at the
    same moment cannot both go."""
    if connection.in_atomic_block:
        mine = Membership.objects.filter(user=user, role=Membership.Role.REPRESENTATIVE)
        list(
            Group.objects.select_for_update()
            .filter(pk__in=mine.values("group_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    others = Membership.objects.filter(
        group=OuterRef("group"), role=Membership.Role.REPRESENTATIVE
    ).exclude(user=user)
    alone = (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.REPRESENTATIVE,
            group__status__in=[
                Group.Status.APPLIED,
                Group.Status.REGISTERED,
                Group.Status.SUSPENDED,
            ],
        )
        .exclude(Exists(others))
        .select_related("group")
        .order_by("group__name_kana", "group__pk")
    )
    for membership in alone:
        group = membership.group
        yield Refusal(
            message=_(
                "You are the only representative of “%(group)s”. Make another member "
                "representative (or invite someone and hand the role over), or ask the office "
                "to withdraw the group."
            )
            % {"group": group.name},
            link=reverse("groups:members", kwargs={"slug": group.slug}),
            link_text=_("Members of %(group)s") % {"group": group.name},
        )
