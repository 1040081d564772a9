"""Who may do what with a group: every view asks here, never decides on its own."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import sqlrows
from groups.models import Group, Membership


def membership_of(user, group: Group) -> Membership | None:
    if not (user and user.is_authenticated):
        return None
    cache = getattr(user, "_portal_memberships", None)
    if cache is None:
        cache = remember_memberships(user, Membership.objects.filter(user=user))
    return cache.get(group.pk)


def memberships_with_groups(user) -> dict:
    """All of ``user``'s memberships with their groups, read once and kept for this request's
    checks (``membership_of`` then asks no more). One plain statement (``core.sqlrows``): the
    booking POST reads them, and building the ORM's query cost more than the read (issue #20)."""
    connection = connections[router.db_for_read(Membership)]
    qn = connection.ops.quote_name
    meta, group_meta = Membership._meta, Group._meta
    sql = (
        f"SELECT {sqlrows.select_list(Membership, 'm', connection)},"
        f" {sqlrows.select_list(Group, 'g', connection)}"
        f" FROM {qn(meta.db_table)} m JOIN {qn(group_meta.db_table)} g"
        f" ON g.{qn(group_meta.pk.column)} = m.{qn(meta.get_field('group').column)}"
        f" WHERE m.{qn(meta.get_field('user').column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        rows = cursor.fetchall()
    memberships = []
    width = sqlrows.width(Membership)
    for row in rows:
        membership = sqlrows.instance(Membership, row, 0, connection)
        Membership.group.field.set_cached_value(
            membership, sqlrows.instance(Group, row, width, connection)
        )
        memberships.append(membership)
    return remember_memberships(user, memberships)


def remember_memberships(user, memberships) -> dict:
    """Keep ``memberships`` (all of ``user``'s, read by a page anyway) for this request's checks,
    so ``membership_of`` asks the database no more."""
    user._portal_memberships = {m.group_id: m for m in memberships}
    return user._portal_memberships


def is_member(user, group: Group) -> bool:
    return membership_of(user, group) is not None


def is_representative(user, group: Group) -> bool:
    membership = membership_of(user, group)
    return bool(membership and membership.is_representative)


def can_act_for(user, group: Group) -> bool:
    """Members of a registered group act for it (bookings, posts); staff act for any group."""
    if is_office_staff(user):
        return True
    return group.is_registered and is_member(user, group)


def group_for_member(slug: str, user) -> Group:
    """The group named by ``slug`` when ``user`` is its member (or staff); 404/403 otherwise."""
    group = get_object_or_404(Group, slug=slug)
    if is_office_staff(user) or is_member(user, group):
        return group
    # The 403 page shows this reason (core.views.permission_denied); it names no group, as the
    # group may not be public yet.
    raise PermissionDenied(_("Only the group's members can open this page."))


def group_for_representative(slug: str, user) -> Group:
    group = get_object_or_404(Group, slug=slug)
    if is_office_staff(user) or is_representative(user, group):
        return group
    if is_member(user, group):
        raise PermissionDenied(
            _(
                "Only the group's representative can do this. Ask your representative, "
                "or ask them to make you a representative too."
            )
        )
    raise PermissionDenied(_("Only the group's representative can do this."))


def registered_groups_of(memberships: dict) -> list[Group]:
    """The registered groups among ``memberships`` (``memberships_with_groups``'s answer), in
    kana order: ``groups_user_can_act_for`` answered from what a view has read already."""
    groups = [m.group for m in memberships.values() if m.group.is_registered]
    return sorted(groups, key=lambda group: (group.name_kana, group.pk))


def groups_user_can_act_for(user):
    """Registered groups the user may book or post for."""
    if not (user and user.is_authenticated):
        return Group.objects.none()
    return Group.objects.registered().with_member(user).in_kana_order()


# --- Checks used by the groups app's own views (one place; views never decide on their own).


def has_verified_email(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    cached = getattr(user, "_portal_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._portal_verified = cached
    return cached


def can_apply(user) -> bool:
    """Citizens (verified accounts) apply to register a group."""
    return bool(user and user.is_authenticated and user.is_active and has_verified_email(user))


def can_view_group(user, group: Group) -> bool:
    """Registered groups are public; members and staff also see the others (pending, ...)."""
    return group.is_registered or is_office_staff(user) or is_member(user, group)


def can_edit_group(user, group: Group) -> bool:
    return is_office_staff(user) or is_member(user, group)


def can_edit_private_contact(user, group: Group) -> bool:
    return is_office_staff(user) or is_representative(user, group)


def can_manage_members(user, group: Group) -> bool:
    return is_office_staff(user) or is_representative(user, group)


def can_renew(user, group: Group) -> bool:
    return group.is_registered and (is_office_staff(user) or is_representative(user, group))


def can_view_documents(user) -> bool:
    """Registration documents (rules, officer lists) are for the office staff only."""
    return is_office_staff(user)


def can_see_partner_suggestions(user, group: Group) -> bool:
    return is_office_staff(user) or is_member(user, group)


def group_for_viewer(slug: str, user) -> Group:
    """The group page: 404 unless the group is public or the user is its member or staff."""
    group = get_object_or_404(Group, slug=slug)
    if can_view_group(user, group):
        return group
    raise Http404


def group_for_acting_member(slug: str, user) -> Group:
    """A group the user may act for (post records): member of a registered group, or staff."""
    group = get_object_or_404(Group, slug=slug)
    if can_act_for(user, group):
        return group
    if is_member(user, group):
        raise PermissionDenied(_("Members can do this once the office has registered the group."))
    raise PermissionDenied(_("Only the group's members can do this."))


def group_for_renewal(slug: str, user) -> Group:
    group = group_for_representative(slug, user)
    if not group.is_registered:
        raise PermissionDenied(_("A group renews its registration once it is registered."))
    return group


def can_contact(user, group: Group) -> bool:
    """The contact form is for people outside the group: its own members talk to each other."""
    return group.is_registered and not is_member(user, group)
