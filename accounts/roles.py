"""The portal's roles, decided in one place.

- citizen: any signed-in account with a verified e-mail address;
- group member / representative: memberships, see groups.permissions;
- NPO staff: ``is_staff`` plus the "Staff" permission group (made by a data migration and kept in
  step with the apps' models after every migrate);
- city official: the "Officials" group; may read the reports, the business report and the
  events' survey results, and nothing else staff can;
- committee member: the "Committee" group, members of the citizens' operating committee (運営委員会)
  and the city's review committee (審査委員会); they read the reports, the business report, the
  survey results and the opinions addressed to the committee, and nothing else staff can. Neither
  officials nor committee members are staff: every staff action (the admin, a decision, a form)
  refuses them.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF_GROUP = "Staff"
OFFICIALS_GROUP = "Officials"
COMMITTEE_GROUP = "Committee"
# Apps whose model permissions the Staff group holds, all of them: the office's own apps.
STAFF_APPS = [
    "core",
    "groups",
    "facilities",
    "events",
    "news",
    "newsletter",
    "bulletin",
    "collaboration",
    "reports",
    "pages",
]
# Outside those apps the Staff group holds exactly these, and sync_role_permissions takes back any
# other (issue #12): staff never gain or change the powers or credentials of an account above a
# citizen's. So permission groups (auth), sites (the domain in every e-mailed link, password
# resets included) and e-mail confirmations (their keys verify an address) stay with superusers.
# Staff look after accounts and e-mail addresses, guarded per object in accounts/admin.py: a
# citizen's or an official's, never a staff or superuser account's. They read the background
# jobs (is the newsletter going out?); retrying or cancelling one gives no one any power.
STAFF_PERMISSIONS = [
    "accounts.view_user",
    "accounts.change_user",
    "account.view_emailaddress",
    "account.add_emailaddress",
    "account.change_emailaddress",
    "account.delete_emailaddress",
    "procrastinate.view_procrastinatejob",
    "procrastinate.view_procrastinateevent",
    # The mail log: staff read it to help a person who lost a mail (maillog/admin.py).
    "maillog.view_sentmail",
]
# What officials may do beyond a citizen: read reports.
OFFICIAL_PERMISSIONS = ["reports.view_reports"]
# What committee members may do beyond a citizen: read reports (the opinions addressed to the
# committee and the survey results are decided by can_read_committee_opinions and
# can_view_survey_results below, read on pages outside the admin).
COMMITTEE_PERMISSIONS = ["reports.view_reports"]


def is_office_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _read_roles(user) -> None:
    """Whether ``user`` is an official and whether a committee member, in one query (the
    header's Reports link asks both on every page), kept on the user for the request."""
    names = set(
        user.groups.filter(name__in=[OFFICIALS_GROUP, COMMITTEE_GROUP]).values_list(
            "name", flat=True
        )
    )
    user._portal_is_official = OFFICIALS_GROUP in names
    user._portal_is_committee = COMMITTEE_GROUP in names


def is_official(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if getattr(user, "_portal_is_official", None) is None:
        _read_roles(user)
    return user._portal_is_official


def is_committee_member(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if getattr(user, "_portal_is_committee", None) is None:
        _read_roles(user)
    return user._portal_is_committee


def can_view_reports(user) -> bool:
    """The annual reports and the business report (事業報告書)."""
    return is_office_staff(user) or is_official(user) or is_committee_member(user)


def can_view_survey_results(user) -> bool:
    """The events' survey results (tallies, charts, the answers' CSV): read-only."""
    return can_view_reports(user)


def can_read_committee_opinions(user) -> bool:
    """The opinions sent through the opinion box to the operating committee (read-only)."""
    return is_office_staff(user) or is_committee_member(user)


def sync_role_permissions(sender=None, using="default", **kwargs) -> None:
    """Give the Staff, Officials and Committee groups the permissions of models that exist now."""
    staff, _ = Group.objects.using(using).get_or_create(name=STAFF_GROUP)
    officials, _ = Group.objects.using(using).get_or_create(name=OFFICIALS_GROUP)
    committee, _ = Group.objects.using(using).get_or_create(name=COMMITTEE_GROUP)
    permissions = Permission.objects.using(using)
    staff.permissions.add(*permissions.filter(content_type__app_label__in=STAFF_APPS))
    extra = Q(pk__in=[])
    for dotted in STAFF_PERMISSIONS:
        app_label, codename = dotted.split(".")
        extra |= Q(content_type__app_label=app_label, codename=codename)
    staff.permissions.add(*permissions.filter(extra))
    # Anything else (granted by hand, or by an older version of this list) is taken back.
    staff.permissions.remove(
        *staff.permissions.exclude(content_type__app_label__in=STAFF_APPS).exclude(extra)
    )
    for group, dotted_names in (
        (officials, OFFICIAL_PERMISSIONS),
        (committee, COMMITTEE_PERMISSIONS),
    ):
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm:
                group.permissions.add(perm)


def make_staff(user) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=STAFF_GROUP))


def make_official(user) -> None:
    user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    user._portal_is_official = True


def remove_official(user) -> None:
    user.groups.remove(Group.objects.get(name=OFFICIALS_GROUP))
    user._portal_is_official = False


def make_committee_member(user) -> None:
    user.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    user._portal_is_committee = True


def remove_committee_member(user) -> None:
    user.groups.remove(Group.objects.get(name=COMMITTEE_GROUP))
    user._portal_is_committee = False
